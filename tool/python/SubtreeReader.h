//===- python/SubtreeReader.h - A node's children, read directly -*- C++ -*-===//
///
/// \file
/// Lists a node's children by reading the syntax tree where tree-sitter
/// keeps it, instead of stepping a TSTreeCursor. In runtime 0.20.7 every
/// cursor step costs some 450 instructions (it rebuilds a child iterator,
/// pushes and pops its stack, and walks down and up through the grammar's
/// hidden nodes), and listing children was most of the frontend's work
/// outside the parse. The reader does the same walk over the runtime's
/// subtree records in a few dozen instructions per child.
///
/// The records are the runtime's private layout (0.20.7, 64-bit, little
/// endian); the grammar's tables come from its generated `parser.h`. At
/// first use the reader parses a probe text and compares its listing of
/// every node of it with the cursor's (nodes, named flags, field ids): on
/// any difference, or on another ABI version, get() returns null and the
/// callers keep using the cursor, so a runtime with another layout costs
/// speed, never correctness.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_SUBTREEREADER_H
#define PARAMLINT_PYTHON_SUBTREEREADER_H

#include "llvm/ADT/SmallVector.h"

#include <tree_sitter/api.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace paramlint {
namespace py {

/// One node's children as a cursor lists them (goto_first_child, then
/// goto_next_sibling).
struct ChildList {
  struct Child {
    /// Constructed in place: the reader writes each child straight into
    /// the vector.
    Child(TSNode Node, TSFieldId Field, bool Named, bool HasKids)
        : Node(Node), Field(Field), Named(Named), HasKids(HasKids) {}
    TSNode Node;
    TSFieldId Field; ///< 0 for none.
    bool Named;
    bool HasKids; ///< ts_node_child_count(Node) != 0.
  };
  llvm::SmallVector<Child, 8> Kids;

  size_t size() const { return Kids.size(); }
  void clear() { Kids.clear(); }
};

/// Reads children straight from the tree-sitter runtime's subtree records.
class SubtreeReader {
public:
  /// The process-wide reader for tree-sitter-python, or null when the
  /// self-check found that this runtime's trees are laid out differently.
  /// Thread-safe; the check runs once.
  static const SubtreeReader *get();

  /// Whether the environment asks for the cursor instead
  /// (`PARAMLINT_SUBTREE_READER=off`): the tests run the Python suites both
  /// ways, so the fallback a runtime with another layout would take stays
  /// tested.
  static bool switchedOff();

  /// Replaces Out with N's children (nothing for a null node or a leaf).
  void list(TSNode N, ChildList &Out) const;

  /// N's number of visible children: what ts_node_child_count returns.
  uint32_t childCount(TSNode N) const;

  /// N's symbol before the grammar's public mapping: its alias, else its
  /// subtree's own symbol (ts_builtin_sym_error for an ERROR node).
  /// publicSymbol() of it is what ts_node_symbol returns. Inline, because
  /// the frontend asks for every node it looks at; valid only where get()
  /// returned a reader.
  static TSSymbol rawSymbol(TSNode N) {
    if (N.context[3])
      return static_cast<TSSymbol>(N.context[3]);
    const uint64_t W = word(N);
    if (W & 1)
      return static_cast<TSSymbol>((W >> 8) & 0xFF);
    TSSymbol S;
    std::memcpy(&S, reinterpret_cast<const char *>(W) + HeapSymbolOffset,
                sizeof S);
    return S;
  }
  /// Where N's text ends: what ts_node_end_byte returns (same validity).
  static uint32_t endByte(TSNode N) {
    const uint64_t W = word(N);
    if (W & 1)
      return N.context[0] + static_cast<uint32_t>(W >> 56);
    uint32_t Size;
    std::memcpy(&Size, reinterpret_cast<const char *>(W) + HeapSizeOffset,
                sizeof Size);
    return N.context[0] + Size;
  }
  /// The grammar's public symbol of a raw one.
  TSSymbol publicSymbol(TSSymbol Raw) const;
  /// How many raw symbols the grammar has.
  uint32_t symbolCount() const;

  /// The same listing through a cursor (reset to N): the reference the
  /// self-check and the tests compare list() with.
  static void listWithCursor(TSTreeCursor &Cursor, TSNode N, ChildList &Out);

  /// Whether list() agrees with listWithCursor() on every node of the tree
  /// (the self-check, over the probe text; tests run it over real files).
  bool agreesWithCursor(const TSTree *Tree) const;

  /// Offsets in the runtime's record of a subtree (SubtreeReader.cpp
  /// checks them against its layout).
  static constexpr unsigned HeapSizeOffset = 16, HeapSymbolOffset = 38;

private:
  explicit SubtreeReader(const TSLanguage *Language);
  static uint64_t word(TSNode N) {
    uint64_t W;
    std::memcpy(&W, N.id, sizeof W);
    return W;
  }

  const TSLanguage *Language;
  /// The field of each structural child of each production (what the
  /// grammar's field map says, first non-inherited entry), FieldStride
  /// per production: one load per child instead of a search.
  std::vector<TSFieldId> FieldAt;
  uint32_t FieldStride = 0;
};

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_SUBTREEREADER_H
