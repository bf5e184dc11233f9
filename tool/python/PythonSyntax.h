//===- python/PythonSyntax.h - tree-sitter-python plumbing -----*- C++ -*-===//
///
/// \file
/// The parts of tree-sitter-python the frontend needs, looked up once: node
/// kinds as a small enum indexed by symbol id (so the hot walk compares
/// integers, never type strings), field ids, a per-thread parser, and cheap
/// accessors for a node's children that go through one reusable cursor
/// (ts_node_child(i) is linear in i in runtime 0.20).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_PYTHONSYNTAX_H
#define PARAMLINT_PYTHON_PYTHONSYNTAX_H

#include "graph/Facts.h"
#include "python/ParseArena.h"
#include "python/SubtreeReader.h"

#include "llvm/ADT/SmallVector.h"

#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint {
namespace py {

/// The node kinds the frontend distinguishes; everything else is Other.
enum class Sym : uint8_t {
  Other,
  Error,
  Module,
  Block,
  Comment,
  Identifier,
  Attribute,
  Subscript,
  Call,
  ArgumentList,
  KeywordArgument,
  ListSplat,
  DictionarySplat,
  ParenthesizedExpression,
  String,
  ConcatenatedString,
  Interpolation,
  StringStart,
  StringEnd,
  Integer,
  Float,
  True,
  False,
  None,
  UnaryOperator,
  BinaryOperator,
  ComparisonOperator,
  List,
  Tuple,
  Dictionary,
  Pair,
  ListComprehension,
  GeneratorExpression,
  DictionaryComprehension,
  ForInClause,
  ConditionalExpression,
  ExpressionStatement,
  Assignment,
  AugmentedAssignment,
  ExpressionList,
  PatternList,
  TuplePattern,
  ListPattern,
  ImportStatement,
  ImportFromStatement,
  FutureImportStatement,
  DottedName,
  AliasedImport,
  RelativeImport,
  ImportPrefix,
  WildcardImport,
  ClassDefinition,
  FunctionDefinition,
  DecoratedDefinition,
  Parameters,
  TypedParameter,
  DefaultParameter,
  TypedDefaultParameter,
  IfStatement,
  ElifClause,
  ElseClause,
  TryStatement,
  ExceptClause,
  ExceptGroupClause,
  FinallyClause,
  ForStatement,
  WhileStatement,
  WithStatement,
  MatchStatement,
  CaseClause,
  Lambda,
};

/// Symbol and field ids of tree-sitter-python, resolved once per process.
struct Grammar {
  const TSLanguage *Language = nullptr;
  std::vector<Sym> Kinds; ///< Indexed by TSSymbol.

  TSFieldId Left = 0, Right = 0, Type = 0, Function = 0, Arguments = 0,
            Object = 0, AttributeField = 0, Value = 0, SubscriptField = 0,
            Name = 0, Alias = 0, ModuleName = 0, Body = 0, Superclasses = 0,
            ParametersField = 0, Key = 0, Operator = 0, Definition = 0,
            Condition = 0, Consequence = 0, Alternative = 0;

  /// The SubtreeReader, when this runtime passed its self-check; then
  /// RawKinds, indexed by raw symbol (SubtreeReader::rawSymbol), answers
  /// of() without a call into the runtime.
  const SubtreeReader *Reader = nullptr;
  std::vector<Sym> RawKinds;

  /// The frontend's kind of a node (Other for kinds it does not name).
  Sym of(TSNode N) const {
    if (N.id == nullptr)
      return Sym::Other;
    if (Reader) {
      TSSymbol S = SubtreeReader::rawSymbol(N);
      if (S < RawKinds.size())
        return RawKinds[S];
      return S == static_cast<TSSymbol>(-1) ? Sym::Error : Sym::Other;
    }
    TSSymbol S = ts_node_symbol(N);
    if (S == static_cast<TSSymbol>(-1))
      return Sym::Error;
    return S < Kinds.size() ? Kinds[S] : Sym::Other;
  }

  /// The process-wide table (built on first use, thread-safe).
  static const Grammar &get();
};

/// Deletes a tree on scope exit; a tree parsed inside a ParseArenaScope is
/// left to the arena, which drops it whole when the scope ends.
struct TreeDeleter {
  void operator()(TSTree *T) const {
    if (!ParseArenaScope::owns(T))
      ts_tree_delete(T);
  }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

/// Parses Text with this thread's parser (the ParseArenaScope's, when one
/// is alive on the thread); null if tree-sitter refuses (a
/// text longer than 4 GiB) or the parse ran past TimeoutMicros (0: no
/// limit), which TimedOut then says.
TreePtr parseWithThreadParser(const std::string &Text, uint64_t TimeoutMicros = 0,
                              bool *TimedOut = nullptr);

/// Where the text would make tree-sitter's parse stack dangerously deep, or
/// nullopt. tree-sitter 0.20.7 corrupts memory when error recovery gathers
/// 65536 or more stack entries into one ERROR node (a 16-bit child count
/// wraps; free() then aborts), so the frontend does not parse such a text at
/// all. The estimate is an upper bound: tokens pending at each bracket level
/// (a comma or the end of a statement lets the parser reduce them), open
/// brackets, and the headers of enclosing indented blocks. CPython rejects
/// nesting beyond a few hundred levels, so no valid file comes near it.
std::optional<uint32_t> findParserOverflowRisk(std::string_view Text);

/// A node's children with their field ids, gathered with one cursor pass.
struct Kids {
  llvm::SmallVector<TSNode, 8> Nodes;
  llvm::SmallVector<TSFieldId, 8> Fields;

  size_t size() const { return Nodes.size(); }
  /// The first child with field F, or a null node.
  TSNode get(TSFieldId F) const {
    for (size_t I = 0; I < Nodes.size(); ++I)
      if (Fields[I] == F)
        return Nodes[I];
    return TSNode{};
  }
};

/// Lists children with the SubtreeReader (or, where the runtime's layout
/// differs, a reusable cursor, without ts_node_child's quadratic cost), and
/// remembers the last nodes it listed (64, direct-mapped): the frontend's walk
/// lists a node, then looks up its fields, then lists it again when it
/// walks into it (a call's arguments three times), and each listing is a
/// tree-sitter cursor pass.
class ChildLister {
public:
  ChildLister();
  ~ChildLister();
  ChildLister(const ChildLister &) = delete;
  ChildLister &operator=(const ChildLister &) = delete;

  /// Fills Out with N's children (only the named ones when NamedOnly).
  void list(TSNode N, Kids &Out, bool NamedOnly = true);
  /// Appends N's named children to Out, without field ids.
  void listNamed(TSNode N, llvm::SmallVectorImpl<TSNode> &Out);
  /// N's first child (named or not) with field F, or a null node: what
  /// ts_node_child_by_field_id finds, from the same listing.
  TSNode child(TSNode N, TSFieldId F);
  /// N's listing itself: valid until the next call of this lister.
  const ChildList &children(TSNode N) { return fetch(N).Kids; }

private:
  /// All children of one node, as the cursor reports them.
  struct Listing {
    const void *Id = nullptr;
    uint32_t Start = 0;
    ChildList Kids;
  };
  /// N's listing, from the remembered ones or made now.
  const Listing &fetch(TSNode N);

  /// Null when this runtime's trees cannot be read directly; then a cursor
  /// lists them.
  const SubtreeReader *Reader;
  TSTreeCursor Cursor;
  bool Live = false;
  static constexpr unsigned Remembered = 64;
  Listing Recent[Remembered];
};

/// Where a (non-null) node's text ends: ts_node_end_byte, read directly
/// where the SubtreeReader may.
inline uint32_t endByte(TSNode N) {
  static const bool Direct = SubtreeReader::get() != nullptr;
  return Direct ? SubtreeReader::endByte(N) : ts_node_end_byte(N);
}

/// The byte span of a node.
inline Span spanOf(TSNode N) {
  if (N.id == nullptr)
    return Span{};
  return Span{ts_node_start_byte(N), endByte(N)};
}

/// True for a node that is absent (a null TSNode). What ts_node_is_null
/// tests, without a call into the shared library per test.
inline bool isNull(TSNode N) { return N.id == nullptr; }

/// Calls Visit(TSNode, TSFieldId) for every node of Tree and its field in
/// its parent, in pre-order, the way a TSTreeCursor walks it (for checks
/// and tests that compare whole trees; the frontend's own walk lists
/// children with the SubtreeReader).
template <typename Visitor> void forEachNodePreOrder(const TSTree *Tree, Visitor Visit) {
  TSTreeCursor C = ts_tree_cursor_new(ts_tree_root_node(Tree));
  while (true) {
    Visit(ts_tree_cursor_current_node(&C), ts_tree_cursor_current_field_id(&C));
    if (ts_tree_cursor_goto_first_child(&C))
      continue;
    bool Moved = false;
    while (!Moved) {
      if (ts_tree_cursor_goto_next_sibling(&C))
        Moved = true;
      else if (!ts_tree_cursor_goto_parent(&C))
        break;
    }
    if (!Moved)
      break;
  }
  ts_tree_cursor_delete(&C);
}

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_PYTHONSYNTAX_H
