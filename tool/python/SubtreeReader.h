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

namespace paramlint {
namespace py {

/// One node's children as a cursor lists them (goto_first_child, then
/// goto_next_sibling): the nodes, whether each is named, and each one's
/// field id (0 for none).
struct ChildList {
  llvm::SmallVector<TSNode, 8> Nodes;
  llvm::SmallVector<TSFieldId, 8> Fields;
  llvm::SmallVector<bool, 8> Named;

  void clear() {
    Nodes.clear();
    Fields.clear();
    Named.clear();
  }
};

/// Reads children straight from the tree-sitter runtime's subtree records.
class SubtreeReader {
public:
  /// The process-wide reader for tree-sitter-python, or null when the
  /// self-check found that this runtime's trees are laid out differently.
  /// Thread-safe; the check runs once.
  static const SubtreeReader *get();

  /// Replaces Out with N's children (nothing for a null node or a leaf).
  void list(TSNode N, ChildList &Out) const;

  /// N's number of visible children: what ts_node_child_count returns.
  uint32_t childCount(TSNode N) const;

  /// The same listing through a cursor (reset to N): the reference the
  /// self-check and the tests compare list() with.
  static void listWithCursor(TSTreeCursor &Cursor, TSNode N, ChildList &Out);

  /// Whether list() agrees with listWithCursor() on every node of the tree
  /// (the self-check, over the probe text; tests run it over real files).
  bool agreesWithCursor(const TSTree *Tree) const;

private:
  explicit SubtreeReader(const TSLanguage *Language);

  const TSLanguage *Language;
};

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_SUBTREEREADER_H
