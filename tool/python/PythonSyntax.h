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

  /// The frontend's kind of a node (Other for kinds it does not name).
  Sym of(TSNode N) const {
    if (ts_node_is_null(N))
      return Sym::Other;
    TSSymbol S = ts_node_symbol(N);
    if (S == static_cast<TSSymbol>(-1))
      return Sym::Error;
    return S < Kinds.size() ? Kinds[S] : Sym::Other;
  }

  /// The process-wide table (built on first use, thread-safe).
  static const Grammar &get();
};

/// Deletes a tree on scope exit.
struct TreeDeleter {
  void operator()(TSTree *T) const { ts_tree_delete(T); }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

/// Parses Text with this thread's parser; null if tree-sitter refuses (a
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
/// remembers the last few nodes it listed: the frontend's walk
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

private:
  /// All children of one node, as the cursor reports them.
  struct Listing {
    const void *Id = nullptr;
    uint32_t Start = 0;
    ChildList Kids;
    /// Whether Kids.Fields is filled: through the cursor a field id costs a
    /// walk up through hidden parents, and most listings (the walk's) need
    /// none. The SubtreeReader always fills them.
    bool HasFields = false;
  };
  /// N's listing, from the remembered ones or made now; with field ids
  /// when WithFields.
  const Listing &fetch(TSNode N, bool WithFields);

  /// Null when this runtime's trees cannot be read directly.
  const SubtreeReader *Reader;
  TSTreeCursor Cursor;
  bool Live = false;
  static constexpr unsigned Remembered = 8;
  /// Up to this many children, ts_node_child (which walks from the first
  /// child every time) costs less than moving the cursor from sibling to
  /// sibling through the grammar's hidden nodes.
  static constexpr uint32_t FewChildren = 4;
  Listing Recent[Remembered];
  unsigned Next = 0; ///< The entry the next new listing replaces.
};

/// The byte span of a node.
inline Span spanOf(TSNode N) {
  if (ts_node_is_null(N))
    return Span{};
  return Span{ts_node_start_byte(N), ts_node_end_byte(N)};
}

/// True for a node that is absent (a null TSNode). What ts_node_is_null
/// tests, without a call into the shared library per test.
inline bool isNull(TSNode N) { return N.id == nullptr; }

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_PYTHONSYNTAX_H
