//===- python/PythonFrontend.cpp - Python source to facts -----------------===//
///
/// \file
/// One pre-order walk over the tree-sitter tree with an explicit stack (deep
/// nesting must not overflow the C++ stack). Statements that carry facts
/// (imports, classes, defs, assignments, calls, attribute chains) are handled
/// where the walk meets them; each handler pushes only the sub-trees still
/// worth walking, so no chain is reported twice and no prefix of a chain is
/// reported at all.
///
//===----------------------------------------------------------------------===//

#include "python/PythonFrontend.h"
#include "python/PythonSyntax.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paramlint {

using py::Grammar;
using py::isNull;
using py::Kids;
using py::spanOf;
using py::Sym;

namespace {

/// Container constructors are recognised by the callee's last component.
enum class Container { None, ModuleList, Sequential, ModuleDict, ParamHolder };

/// Deeper ModuleExpr nesting than this is not worth describing and would
/// make the (recursive) builder a stack risk.
constexpr unsigned MaxExprDepth = 64;

/// The last component of a dotted name: `nn.ModuleList` -> `ModuleList`.
llvm::StringRef lastComponent(llvm::StringRef Dotted) {
  size_t Dot = Dotted.rfind('.');
  return Dot == llvm::StringRef::npos ? Dotted : Dotted.substr(Dot + 1);
}

Container containerOf(llvm::StringRef Callee) {
  llvm::StringRef Last = lastComponent(Callee);
  if (Last == "ModuleList")
    return Container::ModuleList;
  if (Last == "Sequential")
    return Container::Sequential;
  if (Last == "ModuleDict")
    return Container::ModuleDict;
  if (Last == "ParameterList" || Last == "ParameterDict")
    return Container::ParamHolder;
  return Container::None;
}

/// In-place tensor methods (`copy_`, `normal_`): a trailing underscore on a
/// name that is not private.
bool isInPlaceMethod(llvm::StringRef Name) {
  return Name.size() > 1 && Name.back() == '_' && Name.front() != '_';
}

/// Keeps messages printable whatever bytes the file holds.
std::string printable(std::string_view Text, size_t Max) {
  std::string Out;
  for (char C : Text) {
    if (C == '\n' || C == '\r')
      break;
    if (Out.size() >= Max) {
      Out += "...";
      break;
    }
    unsigned char U = static_cast<unsigned char>(C);
    Out += (U >= 0x20 && U < 0x7f) ? C : '?';
  }
  return Out;
}

/// Extracts the facts of one parsed file.
class Extractor {
public:
  Extractor(const std::string &Text, FileFacts &Out)
      : G(Grammar::get()), Text(Text), F(Out) {}

  void run(TSNode Root);

private:
  /// What the walk knows about where it is. Frames refer to contexts by
  /// index; a context changes only at classes, defs, branches and loops.
  struct Ctx {
    unsigned Scope = 0;
    int Class = -1;       ///< The class whose body we are directly in.
    int MemberClass = -1; ///< The class `self` belongs to (inside methods).
    std::string_view Self;
    bool ClassBody = false;
    bool Cond = false;
    unsigned Loop = 0; ///< Loop depth inside the current function.
    std::optional<unsigned> LoopCount; ///< `for _ in range(N)` of the loop.
  };
  struct Frame {
    TSNode Node;
    uint32_t Context;
    Span Stmt;
  };
  /// A local variable of one function whose value we may need later.
  struct Local {
    bool HasExpr = false;
    bool IsList = false; ///< A Python list (not a module) of modules.
    unsigned Loop = 0;   ///< Loop depth where it was assigned.
    ModuleExpr Expr;
    std::vector<SourceName> Sources;
  };
  /// An attribute/subscript chain, links ordered from the root outward.
  struct Chain {
    TSNode Root{};
    llvm::SmallVector<TSNode, 8> Links;
    unsigned Attrs = 0;
  };

  // --- small helpers -------------------------------------------------------
  std::string_view text(TSNode N) const {
    if (isNull(N))
      return {};
    uint32_t B = ts_node_start_byte(N), E = ts_node_end_byte(N);
    if (E > Text.size() || B > E)
      return {};
    return std::string_view(Text).substr(B, E - B);
  }
  Sym kind(TSNode N) const { return G.of(N); }
  TSNode field(TSNode N, TSFieldId Id) {
    return isNull(N) ? N : ts_node_child_by_field_id(N, Id);
  }
  TSNode unparen(TSNode N);
  bool isDotted(TSNode N);
  bool dotted(TSNode N, std::string &Out);
  bool getChain(TSNode N, Chain &C);
  void pathOf(const Chain &C, std::vector<PathSegment> &Path);
  std::string indexName(TSNode Subscript);
  bool plainString(TSNode N, std::string &Out, Span *Content = nullptr);
  bool keyPattern(TSNode N, std::string &Out, unsigned Depth);
  bool isLiteral(TSNode N);
  std::optional<unsigned> rangeCount(TSNode Iterable);
  unsigned newContext(const Ctx &C);

  // --- the walk ------------------------------------------------------------
  void push(TSNode N, uint32_t Context, Span Stmt) {
    if (!isNull(N) && ts_node_child_count(N) != 0)
      Stack.push_back(Frame{N, Context, Stmt});
  }
  void pushChildren(TSNode N, uint32_t Context, const Span *Stmt);
  void pushChainInterior(const Chain &C, uint32_t Context, Span Stmt);

  void handleImport(TSNode N);
  void handleImportFrom(TSNode N);
  void handleClass(TSNode N, const Frame &Fr);
  void handleFunction(TSNode N, const Frame &Fr);
  void handleFor(TSNode N, const Frame &Fr);
  void handleAssignment(TSNode N, const Frame &Fr);
  void handleTarget(TSNode Target, TSNode Value, bool Augmented,
                    const Frame &Fr, bool &SourcesDone,
                    std::vector<SourceName> &Sources);
  void handleCall(TSNode N, const Frame &Fr);
  void handleChainRead(TSNode N, const Frame &Fr);

  // --- facts ---------------------------------------------------------------
  void addAccess(AccessFact::Kind K, const Chain &C, size_t Drop, const Ctx &Cx,
                 Span Stmt, bool Called);
  void collectSources(TSNode Value, std::string_view Skip, unsigned Scope,
                      std::vector<SourceName> &Out);
  bool valueIsParameter(TSNode Value);
  void callArgs(TSNode Args, llvm::SmallVectorImpl<TSNode> &Positional,
                llvm::SmallVectorImpl<TSNode> &Keywords);
  void literalArgs(TSNode Args, CallArgs &Out);

  void addMembersFromValue(const Ctx &Cx, std::string Name, Span Where,
                           TSNode Value, bool Cond);
  void addMemberOne(const Ctx &Cx, const std::string &Name, Span Where,
                    TSNode Value, bool Cond);
  void handleMemberCall(const Ctx &Cx, const Chain &Callee, TSNode Fn,
                        TSNode Args);
  void handleAppend(const Ctx &Cx, ModuleExpr &Target, unsigned DefLoop,
                    llvm::StringRef Method, TSNode Arg);

  ModuleExpr buildExpr(TSNode Call, unsigned Depth);
  ModuleExpr buildElement(TSNode N, unsigned Depth);
  bool fillSequence(ModuleExpr &E, TSNode Arg, unsigned Depth);
  void fillKeyed(ModuleExpr &E, TSNode Arg, unsigned Depth);
  ModuleExpr exprOfValue(const Ctx &Cx, TSNode Value, bool &IsModule);

  Local *findLocal(unsigned Scope, std::string_view Name);
  Local &setLocal(unsigned Scope, std::string_view Name, unsigned Loop);
  void recordLocal(const Ctx &Cx, TSNode Var, TSNode Value,
                   const std::vector<SourceName> &Sources);

  void findFirstProblem(TSNode Root);

  const Grammar &G;
  const std::string &Text;
  FileFacts &F;
  py::ChildLister Lister;
  std::vector<Frame> Stack;
  std::vector<Ctx> Contexts;
  std::vector<llvm::StringMap<Local>> Locals; ///< By scope.
  llvm::StringSet<> Imported;
  llvm::SmallVector<TSNode, 16> Scratch;
  uint32_t CurrentContext = 0; ///< Context of the frame being handled.
};

// --- helpers -----------------------------------------------------------------

TSNode Extractor::unparen(TSNode N) {
  while (!isNull(N) && kind(N) == Sym::ParenthesizedExpression) {
    if (ts_node_named_child_count(N) != 1)
      break;
    N = ts_node_named_child(N, 0);
  }
  return N;
}

bool Extractor::isDotted(TSNode N) {
  while (!isNull(N) && kind(N) == Sym::Attribute)
    N = field(N, G.Object);
  return !isNull(N) && kind(N) == Sym::Identifier;
}

bool Extractor::dotted(TSNode N, std::string &Out) {
  llvm::SmallVector<TSNode, 8> Parts;
  while (!isNull(N) && kind(N) == Sym::Attribute) {
    TSNode A = field(N, G.AttributeField);
    if (isNull(A))
      return false;
    Parts.push_back(A);
    N = field(N, G.Object);
  }
  if (isNull(N) || kind(N) != Sym::Identifier)
    return false;
  Out.assign(text(N));
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    Out += '.';
    Out += text(*It);
  }
  return true;
}

bool Extractor::getChain(TSNode N, Chain &C) {
  C.Links.clear();
  C.Attrs = 0;
  TSNode Cur = unparen(N);
  while (!isNull(Cur)) {
    Sym K = kind(Cur);
    if (K == Sym::Attribute) {
      C.Links.push_back(Cur);
      ++C.Attrs;
      Cur = unparen(field(Cur, G.Object));
    } else if (K == Sym::Subscript) {
      C.Links.push_back(Cur);
      Cur = unparen(field(Cur, G.Value));
    } else {
      break;
    }
  }
  if (isNull(Cur))
    return false;
  std::reverse(C.Links.begin(), C.Links.end());
  C.Root = Cur;
  return !C.Links.empty();
}

std::string Extractor::indexName(TSNode Sub) {
  Kids K;
  Lister.list(Sub, K);
  TSNode Only{};
  unsigned Count = 0;
  for (size_t I = 0; I < K.size(); ++I)
    if (K.Fields[I] == G.SubscriptField) {
      Only = K.Nodes[I];
      ++Count;
    }
  if (Count != 1)
    return "*";
  Sym S = kind(Only);
  if (S == Sym::Integer)
    return std::string(text(Only));
  std::string Out;
  if ((S == Sym::String || S == Sym::ConcatenatedString) &&
      plainString(Only, Out))
    return Out;
  return "*";
}

void Extractor::pathOf(const Chain &C, std::vector<PathSegment> &Path) {
  Path.reserve(C.Links.size());
  for (TSNode L : C.Links) {
    PathSegment Seg;
    if (kind(L) == Sym::Attribute) {
      TSNode A = field(L, G.AttributeField);
      Seg.K = PathSegment::Kind::Attr;
      Seg.Name.assign(text(A));
      Seg.Where = spanOf(A);
    } else {
      Seg.K = PathSegment::Kind::Index;
      Seg.Name = indexName(L);
      // The brackets: from the end of the value to the end of the node.
      Seg.Where =
          Span{ts_node_end_byte(field(L, G.Value)), ts_node_end_byte(L)};
    }
    Path.push_back(std::move(Seg));
  }
}

/// The text of a string literal without quotes or prefix; false for an
/// f-string with interpolations. Content receives the span between quotes.
bool Extractor::plainString(TSNode N, std::string &Out, Span *Content) {
  Out.clear();
  Kids K;
  if (kind(N) == Sym::ConcatenatedString) {
    Lister.list(N, K);
    for (TSNode Part : K.Nodes) {
      std::string P;
      if (kind(Part) != Sym::String || !plainString(Part, P))
        return false;
      Out += P;
    }
    if (Content)
      *Content = spanOf(N);
    return true;
  }
  if (kind(N) != Sym::String)
    return false;
  Lister.list(N, K, /*NamedOnly=*/true);
  uint32_t Begin = ts_node_start_byte(N), End = ts_node_end_byte(N);
  for (TSNode C : K.Nodes) {
    Sym S = kind(C);
    if (S == Sym::Interpolation)
      return false;
    if (S == Sym::StringStart)
      Begin = ts_node_end_byte(C);
    else if (S == Sym::StringEnd)
      End = ts_node_start_byte(C);
  }
  if (End < Begin || End > Text.size())
    return false;
  Out.assign(Text, Begin, End - Begin);
  if (Content)
    *Content = Span{Begin, End};
  return true;
}

/// A key as a pattern: literal text kept, every computed part `*`
/// (f-strings, `+` concatenation, `"%d" % i`, `"{}".format(i)`). True when
/// the key contains at least one string literal.
bool Extractor::keyPattern(TSNode N, std::string &Out, unsigned Depth) {
  N = unparen(N);
  if (isNull(N) || Depth > 32) {
    Out += '*';
    return false;
  }
  Sym S = kind(N);
  if (S == Sym::String) {
    Kids K;
    Lister.list(N, K, /*NamedOnly=*/true);
    uint32_t Pos = ts_node_start_byte(N), End = ts_node_end_byte(N);
    for (TSNode C : K.Nodes) {
      Sym CS = kind(C);
      if (CS == Sym::StringStart) {
        Pos = ts_node_end_byte(C);
      } else if (CS == Sym::StringEnd) {
        End = ts_node_start_byte(C);
      } else if (CS == Sym::Interpolation) {
        uint32_t B = ts_node_start_byte(C);
        if (B > Pos)
          Out.append(Text, Pos, B - Pos);
        Out += '*';
        Pos = ts_node_end_byte(C);
      }
    }
    if (End > Pos && End <= Text.size())
      Out.append(Text, Pos, End - Pos);
    return true;
  }
  if (S == Sym::ConcatenatedString) {
    Kids K;
    Lister.list(N, K);
    for (TSNode C : K.Nodes)
      keyPattern(C, Out, Depth + 1);
    return true;
  }
  if (S == Sym::BinaryOperator) {
    TSNode Op = field(N, G.Operator);
    std::string_view OpText = isNull(Op) ? "" : text(Op);
    TSNode L = field(N, G.Left), R = field(N, G.Right);
    if (OpText == "+") {
      bool A = keyPattern(L, Out, Depth + 1);
      bool B = keyPattern(R, Out, Depth + 1);
      return A || B;
    }
    if (OpText == "%" && !isNull(L) && kind(unparen(L)) == Sym::String) {
      std::string Format;
      keyPattern(L, Format, Depth + 1);
      // printf conversions become wildcards; `%%` stays a percent sign.
      for (size_t I = 0; I < Format.size(); ++I) {
        if (Format[I] != '%') {
          Out += Format[I];
          continue;
        }
        if (I + 1 < Format.size() && Format[I + 1] == '%') {
          Out += '%';
          ++I;
          continue;
        }
        size_t J = I + 1;
        while (J < Format.size() && std::strchr("-+ #0123456789.()", Format[J]))
          ++J;
        // A `%(name)s` mapping key also ends at the conversion letter.
        Out += '*';
        I = J < Format.size() ? J : Format.size() - 1;
      }
      return true;
    }
  }
  if (S == Sym::Call) {
    TSNode Fn = field(N, G.Function);
    if (!isNull(Fn) && kind(Fn) == Sym::Attribute &&
        text(field(Fn, G.AttributeField)) == "format") {
      TSNode Obj = unparen(field(Fn, G.Object));
      if (!isNull(Obj) && kind(Obj) == Sym::String) {
        std::string Format;
        keyPattern(Obj, Format, Depth + 1);
        for (size_t I = 0; I < Format.size(); ++I) {
          if (Format[I] == '{' && I + 1 < Format.size() &&
              Format[I + 1] == '{') {
            Out += '{';
            ++I;
          } else if (Format[I] == '}' && I + 1 < Format.size() &&
                     Format[I + 1] == '}') {
            Out += '}';
            ++I;
          } else if (Format[I] == '{') {
            size_t Close = Format.find('}', I);
            Out += '*';
            I = Close == std::string::npos ? Format.size() : Close;
          } else {
            Out += Format[I];
          }
        }
        return true;
      }
    }
  }
  Out += '*';
  return false;
}

bool Extractor::isLiteral(TSNode N) {
  switch (kind(N)) {
  case Sym::Integer:
  case Sym::Float:
  case Sym::True:
  case Sym::False:
  case Sym::None:
    return true;
  case Sym::String: {
    std::string Ignored;
    return plainString(N, Ignored);
  }
  case Sym::ConcatenatedString: {
    std::string Ignored;
    return plainString(N, Ignored);
  }
  case Sym::UnaryOperator: {
    TSNode A = ts_node_named_child(N, 0);
    return !isNull(A) && (kind(A) == Sym::Integer || kind(A) == Sym::Float);
  }
  default:
    return false;
  }
}

/// The trip count of `range(N)` / `range(A, B)` with literal bounds.
std::optional<unsigned> Extractor::rangeCount(TSNode Iterable) {
  Iterable = unparen(Iterable);
  if (isNull(Iterable) || kind(Iterable) != Sym::Call)
    return std::nullopt;
  TSNode Fn = field(Iterable, G.Function);
  if (isNull(Fn) || kind(Fn) != Sym::Identifier || text(Fn) != "range")
    return std::nullopt;
  llvm::SmallVector<TSNode, 4> Pos, Kw;
  callArgs(field(Iterable, G.Arguments), Pos, Kw);
  auto Num = [&](TSNode N, long long &V) {
    if (kind(N) != Sym::Integer)
      return false;
    std::string T(text(N));
    T.erase(std::remove(T.begin(), T.end(), '_'), T.end());
    char *End = nullptr;
    V = std::strtoll(T.c_str(), &End, 0);
    return End && *End == 0;
  };
  long long A = 0, B = 0;
  if (Pos.size() == 1 && Kw.empty() && Num(Pos[0], B) && B >= 0 &&
      B < (1LL << 31))
    return static_cast<unsigned>(B);
  if (Pos.size() == 2 && Kw.empty() && Num(Pos[0], A) && Num(Pos[1], B) &&
      B >= A && B - A < (1LL << 31))
    return static_cast<unsigned>(B - A);
  return std::nullopt;
}

unsigned Extractor::newContext(const Ctx &C) {
  Contexts.push_back(C);
  return static_cast<unsigned>(Contexts.size() - 1);
}

void Extractor::callArgs(TSNode Args, llvm::SmallVectorImpl<TSNode> &Positional,
                         llvm::SmallVectorImpl<TSNode> &Keywords) {
  if (isNull(Args))
    return;
  if (kind(Args) == Sym::GeneratorExpression) {
    Positional.push_back(Args);
    return;
  }
  Kids K;
  Lister.list(Args, K);
  for (TSNode C : K.Nodes) {
    Sym S = kind(C);
    if (S == Sym::KeywordArgument)
      Keywords.push_back(C);
    else if (S == Sym::DictionarySplat || S == Sym::Comment)
      continue;
    else
      Positional.push_back(C);
  }
}

void Extractor::literalArgs(TSNode Args, CallArgs &Out) {
  llvm::SmallVector<TSNode, 8> Pos, Kw;
  callArgs(Args, Pos, Kw);
  for (TSNode P : Pos) {
    P = unparen(P);
    if (isLiteral(P))
      Out.Positional.emplace_back(std::string(text(P)));
    else
      Out.Positional.emplace_back(std::nullopt);
  }
  for (TSNode K : Kw) {
    TSNode Name = field(K, G.Name), Value = unparen(field(K, G.Value));
    if (isNull(Name))
      continue;
    std::optional<std::string> V;
    if (!isNull(Value) && isLiteral(Value))
      V = std::string(text(Value));
    Out.Keyword.emplace_back(std::string(text(Name)), std::move(V));
  }
}

// --- locals ------------------------------------------------------------------

Extractor::Local *Extractor::findLocal(unsigned Scope, std::string_view Name) {
  if (Scope >= Locals.size())
    return nullptr;
  auto It = Locals[Scope].find(llvm::StringRef(Name.data(), Name.size()));
  return It == Locals[Scope].end() ? nullptr : &It->second;
}

Extractor::Local &Extractor::setLocal(unsigned Scope, std::string_view Name,
                                      unsigned Loop) {
  if (Scope >= Locals.size())
    Locals.resize(Scope + 1);
  Local &L = Locals[Scope][llvm::StringRef(Name.data(), Name.size())];
  L = Local();
  L.Loop = Loop;
  return L;
}

/// Remembers what a local holds when it may matter later: module
/// constructors and lists of them (methods only), and names of tensors
/// read from a checkpoint (anywhere), so that `w = sd["x"]; m.a = w` keeps
/// the source name.
void Extractor::recordLocal(const Ctx &Cx, TSNode Var, TSNode Value,
                            const std::vector<SourceName> &Sources) {
  std::string_view Name = text(Var);
  TSNode V = unparen(Value);
  Sym S = isNull(V) ? Sym::Other : kind(V);
  bool Interesting = Cx.MemberClass >= 0 && (S == Sym::Call || S == Sym::List ||
                                             S == Sym::ListComprehension ||
                                             S == Sym::GeneratorExpression);
  if (!Interesting && Sources.empty()) {
    // A reassignment forgets what the name held before.
    if (findLocal(Cx.Scope, Name))
      setLocal(Cx.Scope, Name, Cx.Loop);
    return;
  }
  Local &L = setLocal(Cx.Scope, Name, Cx.Loop);
  L.Sources = Sources;
  if (!Interesting)
    return;
  L.HasExpr = true;
  if (S == Sym::Call) {
    L.Expr = buildExpr(V, 0);
    return;
  }
  L.IsList = true;
  L.Expr.Where = spanOf(V);
  if (!fillSequence(L.Expr, V, 0))
    L.HasExpr = false;
}

// --- ModuleExpr
// ----------------------------------------------------------------

ModuleExpr Extractor::buildExpr(TSNode Call, unsigned Depth) {
  ModuleExpr E;
  E.Where = spanOf(Call);
  TSNode Fn = field(Call, G.Function);
  if (isNull(Fn) || !dotted(Fn, E.Callee)) {
    E.Callee.clear();
    E.K = ModuleExpr::Kind::Unknown;
    return E;
  }
  TSNode Args = field(Call, G.Arguments);
  Container C = containerOf(E.Callee);
  if (C == Container::None) {
    E.K = ModuleExpr::Kind::Instance;
    literalArgs(Args, E.Args);
    return E;
  }
  if (C == Container::ParamHolder || Depth >= MaxExprDepth) {
    E.K = ModuleExpr::Kind::Unknown;
    return E;
  }
  llvm::SmallVector<TSNode, 8> Pos, Kw;
  callArgs(Args, Pos, Kw);
  if (C == Container::ModuleDict) {
    E.K = ModuleExpr::Kind::Keyed;
    if (!Pos.empty())
      fillKeyed(E, Pos[0], Depth);
    return E;
  }
  E.K = ModuleExpr::Kind::Indexed;
  if (Pos.empty())
    return E;
  if (C == Container::ModuleList) {
    if (!fillSequence(E, Pos[0], Depth))
      E.K = ModuleExpr::Kind::Unknown;
    return E;
  }
  // Sequential: `*seq`, one OrderedDict, or the modules themselves.
  if (Pos.size() == 1) {
    TSNode Only = unparen(Pos[0]);
    if (kind(Only) == Sym::ListSplat) {
      TSNode Inner = ts_node_named_child(Only, 0);
      if (isNull(Inner) || !fillSequence(E, Inner, Depth))
        E.K = ModuleExpr::Kind::Unknown;
      return E;
    }
    if (kind(Only) == Sym::Call) {
      std::string Inner;
      if (dotted(field(Only, G.Function), Inner)) {
        llvm::StringRef Last = lastComponent(Inner);
        if (Last == "OrderedDict" || Last == "dict") {
          E.K = ModuleExpr::Kind::Keyed;
          fillKeyed(E, Only, Depth);
          return E;
        }
      }
    }
  }
  for (size_t I = 0; I < Pos.size(); ++I) {
    if (kind(Pos[I]) == Sym::ListSplat) {
      E.K = ModuleExpr::Kind::Unknown;
      E.Children.clear();
      return E;
    }
    E.Children.emplace_back(std::to_string(I), buildElement(Pos[I], Depth + 1));
  }
  return E;
}

/// One element of a container: a constructor, a local, or unknown.
ModuleExpr Extractor::buildElement(TSNode N, unsigned Depth) {
  N = unparen(N);
  ModuleExpr E;
  E.Where = spanOf(N);
  if (Depth >= MaxExprDepth)
    return E;
  switch (kind(N)) {
  case Sym::Call:
    return buildExpr(N, Depth + 1);
  case Sym::Identifier: {
    // Elements are built before any context is known; only method locals
    // exist, and they live in the current scope of the innermost frame.
    if (!Contexts.empty()) {
      const Ctx &Cx = Contexts[CurrentContext];
      if (Local *L = findLocal(Cx.Scope, text(N)))
        if (L->HasExpr && !L->IsList)
          return L->Expr;
    }
    return E;
  }
  case Sym::ConditionalExpression: {
    TSNode A = ts_node_named_child(N, 0);
    if (!isNull(A) && kind(unparen(A)) != Sym::None)
      return buildElement(A, Depth + 1);
    return E;
  }
  default:
    return E;
  }
}

/// Fills an Indexed/Repeated container from a list, tuple, comprehension,
/// generator or a local list. False when Arg is none of these.
bool Extractor::fillSequence(ModuleExpr &E, TSNode Arg, unsigned Depth) {
  Arg = unparen(Arg);
  if (isNull(Arg))
    return false;
  switch (kind(Arg)) {
  case Sym::List:
  case Sym::Tuple: {
    Kids K;
    Lister.list(Arg, K);
    E.K = ModuleExpr::Kind::Indexed;
    unsigned I = 0;
    for (TSNode C : K.Nodes) {
      if (kind(C) == Sym::Comment)
        continue;
      if (kind(C) == Sym::ListSplat) {
        E.K = ModuleExpr::Kind::Unknown;
        E.Children.clear();
        return true;
      }
      E.Children.emplace_back(std::to_string(I++), buildElement(C, Depth + 1));
    }
    return true;
  }
  case Sym::ListComprehension:
  case Sym::GeneratorExpression: {
    Kids K;
    Lister.list(Arg, K);
    TSNode Body = K.get(G.Body);
    E.K = ModuleExpr::Kind::Repeated;
    E.Children.clear();
    E.Children.emplace_back("*", buildElement(Body, Depth + 1));
    unsigned Clauses = 0;
    for (TSNode C : K.Nodes)
      if (kind(C) == Sym::ForInClause) {
        ++Clauses;
        if (Clauses == 1)
          E.Count = rangeCount(field(C, G.Right));
      }
    if (Clauses != 1)
      E.Count.reset();
    return true;
  }
  case Sym::Identifier: {
    const Ctx &Cx = Contexts[CurrentContext];
    Local *L = findLocal(Cx.Scope, text(Arg));
    if (!L || !L->HasExpr || !L->IsList)
      return false;
    E.K = L->Expr.K;
    E.Children = L->Expr.Children;
    E.Count = L->Expr.Count;
    return true;
  }
  default:
    return false;
  }
}

/// Fills a Keyed container from `{"k": m}`, `dict(k=m)`,
/// `OrderedDict([("k", m)])` or a dict comprehension.
void Extractor::fillKeyed(ModuleExpr &E, TSNode Arg, unsigned Depth) {
  Arg = unparen(Arg);
  if (isNull(Arg))
    return;
  Sym S = kind(Arg);
  Kids K;
  if (S == Sym::Dictionary) {
    Lister.list(Arg, K);
    for (TSNode P : K.Nodes) {
      if (kind(P) != Sym::Pair)
        continue;
      std::string Key;
      TSNode KeyNode = unparen(field(P, G.Key));
      if (isNull(KeyNode) || !plainString(KeyNode, Key))
        Key = "*";
      E.Children.emplace_back(std::move(Key),
                              buildElement(field(P, G.Value), Depth + 1));
    }
    return;
  }
  if (S == Sym::DictionaryComprehension) {
    TSNode Body = field(Arg, G.Body);
    E.Children.emplace_back("*", buildElement(field(Body, G.Value), Depth + 1));
    return;
  }
  if (S == Sym::List || S == Sym::Tuple) {
    // OrderedDict's argument: a sequence of (key, module) pairs.
    Lister.list(Arg, K);
    llvm::SmallVector<TSNode, 16> Items(K.Nodes.begin(), K.Nodes.end());
    for (TSNode Item : Items) {
      Item = unparen(Item);
      if (kind(Item) != Sym::Tuple)
        continue;
      Kids Pair;
      Lister.list(Item, Pair);
      if (Pair.size() != 2)
        continue;
      std::string Key;
      if (!plainString(unparen(Pair.Nodes[0]), Key))
        Key = "*";
      E.Children.emplace_back(std::move(Key),
                              buildElement(Pair.Nodes[1], Depth + 1));
    }
    return;
  }
  if (S == Sym::Call) {
    // dict(...) / OrderedDict(...): keywords, or one positional sequence.
    llvm::SmallVector<TSNode, 8> Pos, Kw;
    callArgs(field(Arg, G.Arguments), Pos, Kw);
    if (!Pos.empty())
      fillKeyed(E, Pos[0], Depth + 1);
    for (TSNode KwArg : Kw)
      E.Children.emplace_back(std::string(text(field(KwArg, G.Name))),
                              buildElement(field(KwArg, G.Value), Depth + 1));
  }
}

/// The module a value expression describes: constructor call, local, or
/// not a module at all (IsModule false).
ModuleExpr Extractor::exprOfValue(const Ctx &Cx, TSNode Value, bool &IsModule) {
  TSNode V = unparen(Value);
  IsModule = false;
  ModuleExpr E;
  if (isNull(V))
    return E;
  E.Where = spanOf(V);
  Sym S = kind(V);
  if (S == Sym::Call && isDotted(field(V, G.Function))) {
    IsModule = true;
    return buildExpr(V, 0);
  }
  if (S == Sym::Identifier) {
    Local *L = findLocal(Cx.Scope, text(V));
    if (L && L->HasExpr && !L->IsList) {
      IsModule = true;
      return L->Expr;
    }
  }
  return E;
}

// --- members
// -------------------------------------------------------------------

void Extractor::addMembersFromValue(const Ctx &Cx, std::string Name, Span Where,
                                    TSNode Value, bool Cond) {
  TSNode V = unparen(Value);
  if (!isNull(V) && kind(V) == Sym::ConditionalExpression) {
    // `A if c else B`: one alternative per branch that is not None.
    Kids K;
    Lister.list(V, K);
    TSNode Branches[2] = {K.size() > 0 ? K.Nodes[0] : TSNode{},
                          K.size() > 2 ? K.Nodes[2] : TSNode{}};
    bool Any = false;
    for (TSNode B : Branches) {
      TSNode UB = unparen(B);
      if (isNull(UB) || kind(UB) == Sym::None)
        continue;
      Any = true;
      addMemberOne(Cx, Name, Where, UB, true);
    }
    if (!Any) {
      MemberFact M;
      M.Name = std::move(Name);
      M.Where = Where;
      M.Conditional = true;
      F.Classes[Cx.MemberClass].Members.push_back(std::move(M));
    }
    return;
  }
  addMemberOne(Cx, Name, Where, V, Cond);
}

void Extractor::addMemberOne(const Ctx &Cx, const std::string &Name, Span Where,
                             TSNode V, bool Cond) {
  MemberFact M;
  M.Name = Name;
  M.Where = Where;
  M.Conditional = Cond;
  if (!isNull(V) && kind(V) == Sym::Call) {
    std::string Callee;
    if (dotted(field(V, G.Function), Callee) &&
        lastComponent(Callee) == "Parameter")
      M.Kind = MemberKind::Parameter;
  }
  if (M.Kind != MemberKind::Parameter) {
    bool IsModule = false;
    M.Value = exprOfValue(Cx, V, IsModule);
    if (IsModule)
      M.Kind = MemberKind::Module;
    else
      M.Value = ModuleExpr();
  }
  F.Classes[Cx.MemberClass].Members.push_back(std::move(M));
}

/// `self.register_*("n", v)`, `self.add_module`, `self.x.append(m)`.
void Extractor::handleMemberCall(const Ctx &Cx, const Chain &Callee, TSNode Fn,
                                 TSNode Args) {
  llvm::SmallVector<TSNode, 4> Pos, Kw;
  auto Method = [&](size_t I) -> llvm::StringRef {
    TSNode L = Callee.Links[I];
    if (kind(L) != Sym::Attribute)
      return {};
    std::string_view T = text(field(L, G.AttributeField));
    return llvm::StringRef(T.data(), T.size());
  };
  (void)Fn;
  if (Callee.Links.size() == 2 && Callee.Attrs == 2) {
    llvm::StringRef M = Method(1);
    if (M != "append" && M != "extend")
      return;
    llvm::StringRef Name = Method(0);
    auto &Members = F.Classes[Cx.MemberClass].Members;
    for (auto It = Members.rbegin(); It != Members.rend(); ++It) {
      if (It->Name != Name || It->Kind != MemberKind::Module)
        continue;
      if (It->Value.K == ModuleExpr::Kind::Indexed ||
          It->Value.K == ModuleExpr::Kind::Repeated) {
        callArgs(Args, Pos, Kw);
        if (!Pos.empty())
          handleAppend(Cx, It->Value, 0, M, Pos[0]);
      }
      break;
    }
    return;
  }
  if (Callee.Links.size() != 1 || Callee.Attrs != 1)
    return;
  llvm::StringRef M = Method(0);
  enum { Param, Buffer, Mod } What;
  if (M == "register_parameter")
    What = Param;
  else if (M == "register_buffer")
    What = Buffer;
  else if (M == "add_module" || M == "register_module")
    What = Mod;
  else
    return;
  callArgs(Args, Pos, Kw);
  auto Keyword = [&](llvm::StringRef K) -> TSNode {
    for (TSNode A : Kw)
      if (text(field(A, G.Name)) == std::string_view(K.data(), K.size()))
        return unparen(field(A, G.Value));
    return TSNode{};
  };
  TSNode NameNode = !Pos.empty() ? unparen(Pos[0]) : Keyword("name");
  TSNode Value = Pos.size() > 1 ? unparen(Pos[1])
                                : Keyword(What == Param    ? "param"
                                          : What == Buffer ? "tensor"
                                                           : "module");
  std::string Name;
  Span Where{};
  if (isNull(NameNode) || !plainString(NameNode, Name, &Where))
    return;
  if (What != Mod && !isNull(Value) && kind(Value) == Sym::None)
    return; // A None parameter or buffer is not in the state dict.
  MemberFact Fact;
  Fact.Name = std::move(Name);
  Fact.Where = Where;
  Fact.Conditional = Cx.Cond;
  if (What == Param) {
    Fact.Kind = MemberKind::Parameter;
  } else if (What == Buffer) {
    Fact.Kind = MemberKind::Buffer;
    TSNode P = Pos.size() > 2 ? unparen(Pos[2]) : Keyword("persistent");
    if (!isNull(P) && kind(P) == Sym::False)
      Fact.Persistent = false;
  } else {
    Fact.Kind = MemberKind::Module;
    bool IsModule = false;
    Fact.Value = exprOfValue(Cx, Value, IsModule);
    if (!IsModule) {
      Fact.Value = ModuleExpr();
      if (!isNull(Value))
        Fact.Value.Where = spanOf(Value);
    }
  }
  F.Classes[Cx.MemberClass].Members.push_back(std::move(Fact));
}

/// `x.append(m)` / `x.extend([...])` on a container or a local list: in a
/// loop it repeats, outside it adds indexed children.
void Extractor::handleAppend(const Ctx &Cx, ModuleExpr &Target,
                             unsigned DefLoop, llvm::StringRef Method,
                             TSNode Arg) {
  bool InLoop = Cx.Loop > DefLoop;
  llvm::SmallVector<ModuleExpr, 4> Elements;
  bool Repeats = InLoop;
  Arg = unparen(Arg);
  if (Method == "append") {
    Elements.push_back(buildElement(Arg, 1));
  } else {
    ModuleExpr Seq;
    if (!fillSequence(Seq, Arg, 1))
      return;
    if (Seq.K == ModuleExpr::Kind::Repeated)
      Repeats = true;
    for (auto &C : Seq.Children)
      Elements.push_back(std::move(C.second));
  }
  if (Elements.empty())
    return;
  if (Repeats || Target.K == ModuleExpr::Kind::Repeated) {
    if (Target.K != ModuleExpr::Kind::Repeated) {
      Target.K = ModuleExpr::Kind::Repeated;
      Target.Children.clear();
      Target.Count = InLoop ? Cx.LoopCount : std::nullopt;
      Target.Children.emplace_back("*", std::move(Elements.front()));
    } else {
      Target.Count.reset();
    }
    return;
  }
  for (auto &E : Elements)
    Target.Children.emplace_back(std::to_string(Target.Children.size()),
                                 std::move(E));
}

// --- accesses
// ------------------------------------------------------------------

void Extractor::addAccess(AccessFact::Kind K, const Chain &C, size_t Drop,
                          const Ctx &Cx, Span Stmt, bool Called) {
  AccessFact A;
  A.K = K;
  A.Scope = Cx.Scope;
  A.Root.assign(text(C.Root));
  A.RootWhere = spanOf(C.Root);
  A.Called = Called;
  A.Statement = Stmt;
  pathOf(C, A.Path);
  A.Path.resize(A.Path.size() - std::min(Drop, A.Path.size()));
  F.Accesses.push_back(std::move(A));
}

/// Collects the subscript chains with a string key in Value (iteratively:
/// values can nest deeply). Skip is the target's own text.
void Extractor::collectSources(TSNode Value, std::string_view Skip,
                               unsigned Scope, std::vector<SourceName> &Out) {
  llvm::SmallVector<TSNode, 32> Work;
  Work.push_back(Value);
  bool HaveLocals = Scope < Locals.size() && !Locals[Scope].empty();
  Kids K;
  while (!Work.empty()) {
    TSNode N = Work.pop_back_val();
    if (isNull(N))
      continue;
    Sym S = kind(N);
    if (S == Sym::Identifier) {
      if (HaveLocals)
        if (Local *L = findLocal(Scope, text(N)))
          Out.insert(Out.end(), L->Sources.begin(), L->Sources.end());
      continue;
    }
    if (ts_node_child_count(N) == 0)
      continue;
    if (S == Sym::Attribute) {
      Work.push_back(field(N, G.Object));
      continue;
    }
    if (S == Sym::KeywordArgument) {
      Work.push_back(field(N, G.Value));
      continue;
    }
    if (S == Sym::Subscript) {
      llvm::SmallVector<std::string, 6> Keys;
      bool AnyString = false;
      TSNode Cur = N;
      while (!isNull(Cur) && kind(Cur) == Sym::Subscript) {
        Lister.list(Cur, K);
        TSNode Only{};
        unsigned Count = 0;
        for (size_t I = 0; I < K.size(); ++I)
          if (K.Fields[I] == G.SubscriptField) {
            Only = K.Nodes[I];
            ++Count;
            Work.push_back(K.Nodes[I]);
          }
        std::string Key;
        if (Count == 1 && kind(Only) == Sym::Integer)
          Key.assign(text(Only));
        else if (Count == 1 && keyPattern(Only, Key, 0))
          AnyString = true;
        else
          Key = "*";
        Keys.push_back(std::move(Key));
        Cur = unparen(field(Cur, G.Value));
      }
      if (!isNull(Cur) && kind(Cur) == Sym::Identifier && AnyString) {
        if (text(N) != Skip) {
          SourceName SN;
          SN.Root.assign(text(Cur));
          SN.Keys.assign(Keys.rbegin(), Keys.rend());
          SN.Where = spanOf(N);
          Out.push_back(std::move(SN));
        }
      } else {
        Work.push_back(Cur);
      }
      continue;
    }
    size_t Before = Work.size();
    Lister.listNamed(N, Work);
    std::reverse(Work.begin() + Before, Work.end());
  }
}

bool Extractor::valueIsParameter(TSNode Value) {
  TSNode V = unparen(Value);
  if (isNull(V) || kind(V) != Sym::Call)
    return false;
  std::string Callee;
  if (!dotted(field(V, G.Function), Callee))
    return false;
  llvm::StringRef Last = lastComponent(Callee);
  return Last.contains("Parameter") || Last.contains("assign");
}

// --- the walk
// ------------------------------------------------------------------

void Extractor::pushChildren(TSNode N, uint32_t Context, const Span *Stmt) {
  Scratch.clear();
  Lister.listNamed(N, Scratch);
  for (auto It = Scratch.rbegin(); It != Scratch.rend(); ++It) {
    if (ts_node_child_count(*It) == 0)
      continue;
    Stack.push_back(Frame{*It, Context, Stmt ? *Stmt : spanOf(*It)});
  }
}

void Extractor::pushChainInterior(const Chain &C, uint32_t Context, Span Stmt) {
  // Index expressions may hold calls and chains; a non-variable root
  // (`f(x).a`) is walked as an expression of its own.
  Kids K;
  for (auto It = C.Links.rbegin(); It != C.Links.rend(); ++It) {
    if (kind(*It) != Sym::Subscript)
      continue;
    Lister.list(*It, K);
    for (size_t I = K.size(); I-- > 0;)
      if (K.Fields[I] == G.SubscriptField)
        push(K.Nodes[I], Context, Stmt);
  }
  if (!isNull(C.Root) && kind(C.Root) != Sym::Identifier)
    push(C.Root, Context, Stmt);
}

void Extractor::run(TSNode Root) {
  Contexts.push_back(Ctx());
  ScopeFact Module;
  Module.Name = "<module>";
  F.Scopes.push_back(std::move(Module));
  push(Root, 0, spanOf(Root));
  while (!Stack.empty()) {
    Frame Fr = Stack.back();
    Stack.pop_back();
    CurrentContext = Fr.Context;
    TSNode N = Fr.Node;
    switch (kind(N)) {
    case Sym::Module:
    case Sym::Block:
      pushChildren(N, Fr.Context, nullptr);
      break;
    case Sym::ImportStatement:
      handleImport(N);
      break;
    case Sym::ImportFromStatement:
      handleImportFrom(N);
      break;
    case Sym::FutureImportStatement:
    case Sym::Comment:
    case Sym::String:
      break;
    case Sym::ClassDefinition:
      handleClass(N, Fr);
      break;
    case Sym::FunctionDefinition:
      handleFunction(N, Fr);
      break;
    case Sym::ForStatement:
      handleFor(N, Fr);
      break;
    case Sym::IfStatement:
    case Sym::ElifClause:
    case Sym::ElseClause:
    case Sym::TryStatement:
    case Sym::ExceptClause:
    case Sym::ExceptGroupClause:
    case Sym::FinallyClause:
    case Sym::MatchStatement:
    case Sym::CaseClause: {
      uint32_t C = Fr.Context;
      if (!Contexts[C].Cond) {
        Ctx Next = Contexts[C];
        Next.Cond = true;
        C = newContext(Next);
      }
      pushChildren(N, C, nullptr);
      break;
    }
    case Sym::WhileStatement: {
      Ctx Next = Contexts[Fr.Context];
      ++Next.Loop;
      Next.LoopCount.reset();
      pushChildren(N, newContext(Next), nullptr);
      break;
    }
    case Sym::WithStatement:
    case Sym::DecoratedDefinition:
      pushChildren(N, Fr.Context, nullptr);
      break;
    case Sym::Assignment:
    case Sym::AugmentedAssignment:
      handleAssignment(N, Fr);
      break;
    case Sym::Call:
      handleCall(N, Fr);
      break;
    case Sym::Attribute:
    case Sym::Subscript:
      handleChainRead(N, Fr);
      break;
    default:
      pushChildren(N, Fr.Context, &Fr.Stmt);
      break;
    }
  }
  // Imports found after a use: drop chains rooted at imported names.
  if (!Imported.empty())
    F.Accesses.erase(std::remove_if(F.Accesses.begin(), F.Accesses.end(),
                                    [&](const AccessFact &A) {
                                      return Imported.count(A.Root) != 0;
                                    }),
                     F.Accesses.end());
  findFirstProblem(Root);
}

void Extractor::handleImport(TSNode N) {
  Kids K;
  Lister.list(N, K);
  for (size_t I = 0; I < K.size(); ++I) {
    if (K.Fields[I] != G.Name)
      continue;
    TSNode Item = K.Nodes[I];
    ImportFact Imp;
    Imp.Where = spanOf(Item);
    if (kind(Item) == Sym::AliasedImport) {
      Imp.Module.assign(text(field(Item, G.Name)));
      Imp.Alias.assign(text(field(Item, G.Alias)));
    } else if (kind(Item) == Sym::DottedName) {
      Imp.Module.assign(text(Item));
      Imp.Alias = Imp.Module.substr(0, Imp.Module.find('.'));
    } else {
      continue;
    }
    // Normalise `a . b` to `a.b`.
    Imp.Module.erase(std::remove_if(Imp.Module.begin(), Imp.Module.end(),
                                    [](char C) {
                                      return C == ' ' || C == '\t' ||
                                             C == '\\' || C == '\n' ||
                                             C == '\r';
                                    }),
                     Imp.Module.end());
    if (Imp.Alias.empty())
      continue;
    Imported.insert(Imp.Alias);
    F.Imports.push_back(std::move(Imp));
  }
}

void Extractor::handleImportFrom(TSNode N) {
  Kids K;
  Lister.list(N, K);
  std::string Module;
  unsigned Level = 0;
  TSNode ModuleNode = K.get(G.ModuleName);
  if (isNull(ModuleNode))
    return;
  if (kind(ModuleNode) == Sym::RelativeImport) {
    Kids R;
    Lister.list(ModuleNode, R);
    for (TSNode C : R.Nodes) {
      if (kind(C) == Sym::ImportPrefix) {
        std::string_view P = text(C);
        Level = static_cast<unsigned>(std::count(P.begin(), P.end(), '.'));
      } else if (kind(C) == Sym::DottedName) {
        Module.assign(text(C));
      }
    }
  } else {
    Module.assign(text(ModuleNode));
  }
  for (size_t I = 0; I < K.size(); ++I) {
    TSNode Item = K.Nodes[I];
    ImportFact Imp;
    Imp.Module = Module;
    Imp.Level = Level;
    Imp.Where = spanOf(Item);
    if (kind(Item) == Sym::WildcardImport) {
      Imp.Name = "*";
      Imp.Alias = "*";
      F.Imports.push_back(std::move(Imp));
      continue;
    }
    if (K.Fields[I] != G.Name)
      continue;
    if (kind(Item) == Sym::AliasedImport) {
      Imp.Name.assign(text(field(Item, G.Name)));
      Imp.Alias.assign(text(field(Item, G.Alias)));
    } else {
      Imp.Name.assign(text(Item));
      Imp.Alias = Imp.Name;
    }
    if (Imp.Alias.empty())
      continue;
    Imported.insert(Imp.Alias);
    F.Imports.push_back(std::move(Imp));
  }
}

void Extractor::handleClass(TSNode N, const Frame &Fr) {
  Kids K;
  Lister.list(N, K);
  TSNode Name = K.get(G.Name), Supers = K.get(G.Superclasses),
         Body = K.get(G.Body);
  if (isNull(Name))
    return;
  ClassFact C;
  C.Name.assign(text(Name));
  C.Where = spanOf(Name);
  if (!isNull(Supers)) {
    Kids S;
    Lister.list(Supers, S);
    for (TSNode B : S.Nodes) {
      std::string Base;
      if (dotted(B, Base))
        C.Bases.push_back(std::move(Base));
    }
  }
  const Ctx Outer = Contexts[Fr.Context];
  F.Classes.push_back(std::move(C));
  Ctx Inner;
  Inner.Scope = Outer.Scope;
  Inner.Class = static_cast<int>(F.Classes.size() - 1);
  Inner.ClassBody = true;
  if (!isNull(Body))
    push(Body, newContext(Inner), spanOf(Body));
}

void Extractor::handleFunction(TSNode N, const Frame &Fr) {
  Kids K;
  Lister.list(N, K);
  TSNode Name = K.get(G.Name), Params = K.get(G.ParametersField),
         Body = K.get(G.Body);
  if (isNull(Name))
    return;
  const Ctx Outer = Contexts[Fr.Context];
  ScopeFact S;
  S.Name.assign(text(Name));
  S.Parent = Outer.Scope;
  S.Where = spanOf(Name);
  bool IsMethod = Outer.ClassBody && Outer.Class >= 0;
  if (IsMethod) {
    ClassFact &C = F.Classes[Outer.Class];
    S.Class = C.Name;
    C.Methods.push_back(S.Name);
    if (S.Name == "__getattr__" || S.Name == "__setattr__")
      C.HasDynamicAttributes = true;
  }
  std::string_view FirstParam;
  if (!isNull(Params)) {
    Kids P;
    Lister.list(Params, P);
    for (TSNode Param : P.Nodes) {
      ParamFact PF;
      TSNode Id{}, Type{};
      switch (kind(Param)) {
      case Sym::Identifier:
        Id = Param;
        break;
      case Sym::TypedParameter: {
        TSNode First = ts_node_named_child(Param, 0);
        if (!isNull(First) && kind(First) == Sym::Identifier)
          Id = First;
        Type = field(Param, G.Type);
        break;
      }
      case Sym::DefaultParameter:
        Id = field(Param, G.Name);
        break;
      case Sym::TypedDefaultParameter:
        Id = field(Param, G.Name);
        Type = field(Param, G.Type);
        break;
      default:
        break;
      }
      if (isNull(Id) || kind(Id) != Sym::Identifier)
        continue;
      PF.Name.assign(text(Id));
      if (!isNull(Type))
        PF.Annotation.assign(text(Type));
      if (S.Params.empty())
        FirstParam = text(Id);
      S.Params.push_back(std::move(PF));
    }
  }
  unsigned Index = static_cast<unsigned>(F.Scopes.size());
  F.Scopes.push_back(std::move(S));
  Ctx Inner;
  Inner.Scope = Index;
  if (IsMethod) {
    Inner.MemberClass = Outer.Class;
    Inner.Self = FirstParam;
  } else {
    // A def nested in a method still sees the method's `self`.
    Inner.MemberClass = Outer.MemberClass;
    Inner.Self = Outer.Self;
  }
  if (!isNull(Body))
    push(Body, newContext(Inner), spanOf(Body));
}

void Extractor::handleFor(TSNode N, const Frame &Fr) {
  Kids K;
  Lister.list(N, K);
  TSNode Left = K.get(G.Left), Right = K.get(G.Right), Body = K.get(G.Body),
         Else = K.get(G.Alternative);
  const Ctx Outer = Contexts[Fr.Context];
  // `for blk in m.blocks` / `for i, blk in enumerate(m.blocks)`.
  TSNode Var{}, Iter = unparen(Right);
  if (!isNull(Left) && kind(Left) == Sym::Identifier) {
    Var = Left;
  } else if (!isNull(Left) &&
             (kind(Left) == Sym::PatternList ||
              kind(Left) == Sym::TuplePattern) &&
             !isNull(Iter) && kind(Iter) == Sym::Call &&
             text(field(Iter, G.Function)) == "enumerate") {
    Kids L;
    Lister.list(Left, L);
    llvm::SmallVector<TSNode, 4> Pos, Kw;
    callArgs(field(Iter, G.Arguments), Pos, Kw);
    if (L.size() == 2 && kind(L.Nodes[1]) == Sym::Identifier && !Pos.empty()) {
      Var = L.Nodes[1];
      Iter = unparen(Pos[0]);
    }
  }
  Chain C;
  if (!isNull(Var) && !isNull(Iter) &&
      (kind(Iter) == Sym::Identifier || getChain(Iter, C))) {
    if (kind(Iter) == Sym::Identifier)
      C.Root = Iter;
    if (kind(C.Root) == Sym::Identifier) {
      BindingFact B;
      B.K = BindingFact::Kind::Alias;
      B.Scope = Outer.Scope;
      B.Var.assign(text(Var));
      B.Root.assign(text(C.Root));
      B.Where = spanOf(Var);
      if (kind(Iter) != Sym::Identifier)
        pathOf(C, B.Path);
      PathSegment Star;
      Star.K = PathSegment::Kind::Index;
      Star.Name = "*";
      Star.Where = spanOf(Iter);
      B.Path.push_back(std::move(Star));
      F.Bindings.push_back(std::move(B));
    }
  }
  Ctx Inner = Outer;
  ++Inner.Loop;
  Inner.LoopCount = rangeCount(Right);
  if (!isNull(Else))
    push(Else, Fr.Context, spanOf(Else));
  if (!isNull(Body))
    push(Body, newContext(Inner), spanOf(Body));
  if (!isNull(Right))
    push(Right, Fr.Context, spanOf(Right));
}

void Extractor::handleAssignment(TSNode N, const Frame &Fr) {
  bool Augmented = kind(N) == Sym::AugmentedAssignment;
  // `a = b = value`: every left side gets the innermost right side.
  llvm::SmallVector<TSNode, 2> Targets;
  TSNode Value{};
  TSNode Cur = N;
  while (true) {
    Kids K;
    Lister.list(Cur, K);
    TSNode L = K.get(G.Left), R = K.get(G.Right);
    if (!isNull(L))
      Targets.push_back(L);
    if (!Augmented && !isNull(R) && kind(R) == Sym::Assignment) {
      Cur = R;
      continue;
    }
    Value = R;
    if (isNull(R) && !isNull(L) && Targets.size() == 1) {
      // `x: int` declares without a value: a class-level field.
      const Ctx &Cx = Contexts[Fr.Context];
      if (Cx.ClassBody && Cx.Class >= 0 && kind(L) == Sym::Identifier) {
        MemberFact M;
        M.Name.assign(text(L));
        M.Where = spanOf(L);
        M.Conditional = Cx.Cond;
        F.Classes[Cx.Class].Members.push_back(std::move(M));
      }
      return;
    }
    break;
  }
  bool SourcesDone = false;
  std::vector<SourceName> Sources;
  for (TSNode T : Targets)
    handleTarget(T, Value, Augmented, Fr, SourcesDone, Sources);
  if (!isNull(Value))
    push(Value, Fr.Context, Fr.Stmt);
}

void Extractor::handleTarget(TSNode Target, TSNode Value, bool Augmented,
                             const Frame &Fr, bool &SourcesDone,
                             std::vector<SourceName> &Sources) {
  const Ctx Cx = Contexts[Fr.Context];
  TSNode T = unparen(Target);
  if (isNull(T))
    return;
  Sym TK = kind(T);
  auto EnsureSources = [&](std::string_view Skip) {
    if (!SourcesDone && !isNull(Value))
      collectSources(Value, Skip, Cx.Scope, Sources);
    SourcesDone = true;
  };

  if (TK == Sym::PatternList || TK == Sym::TuplePattern ||
      TK == Sym::ListPattern || TK == Sym::ExpressionList || TK == Sym::Tuple ||
      TK == Sym::List) {
    // `self.a, self.b = x, y`: pair the sides when they line up.
    Kids L, R;
    Lister.list(T, L);
    TSNode V = unparen(Value);
    if (!isNull(V) && (kind(V) == Sym::ExpressionList || kind(V) == Sym::Tuple))
      Lister.list(V, R);
    bool Paired = R.size() == L.size();
    llvm::SmallVector<TSNode, 8> Elems(L.Nodes.begin(), L.Nodes.end());
    llvm::SmallVector<TSNode, 8> Vals(R.Nodes.begin(), R.Nodes.end());
    for (size_t I = 0; I < Elems.size(); ++I) {
      TSNode E = unparen(Elems[I]);
      if (kind(E) == Sym::Identifier) {
        if (Cx.ClassBody && Cx.Class >= 0) {
          MemberFact M;
          M.Name.assign(text(E));
          M.Where = spanOf(E);
          M.Conditional = Cx.Cond;
          F.Classes[Cx.Class].Members.push_back(std::move(M));
          continue;
        }
        // Unpacking a checkpoint read keeps its names for every variable.
        std::vector<SourceName> Mine;
        if (Paired) {
          collectSources(Vals[I], {}, Cx.Scope, Mine);
        } else {
          EnsureSources({});
          Mine = Sources;
        }
        recordLocal(Cx, E, Paired ? Vals[I] : TSNode{}, Mine);
        continue;
      }
      if (Paired) {
        bool Done = false;
        std::vector<SourceName> Own;
        handleTarget(E, Vals[I], Augmented, Fr, Done, Own);
      } else if (kind(E) == Sym::Attribute || kind(E) == Sym::Subscript) {
        Chain C;
        if (getChain(E, C)) {
          if (kind(C.Root) == Sym::Identifier && C.Attrs > 0 &&
              !Imported.count(text(C.Root))) {
            EnsureSources({});
            addAccess(AccessFact::Kind::Write, C, 0, Cx, Fr.Stmt, false);
            F.Accesses.back().Sources = Sources;
          }
          if (Cx.MemberClass >= 0 && !Cx.Self.empty() && C.Links.size() == 1 &&
              C.Attrs == 1 && text(C.Root) == Cx.Self) {
            TSNode A = field(C.Links[0], G.AttributeField);
            MemberFact M;
            M.Name.assign(text(A));
            M.Where = spanOf(A);
            M.Conditional = Cx.Cond;
            F.Classes[Cx.MemberClass].Members.push_back(std::move(M));
          }
          pushChainInterior(C, Fr.Context, Fr.Stmt);
        }
      }
    }
    return;
  }

  if (TK == Sym::Identifier) {
    if (Augmented)
      return;
    if (Cx.ClassBody && Cx.Class >= 0) {
      MemberFact M;
      M.Name.assign(text(T));
      M.Where = spanOf(T);
      M.Conditional = Cx.Cond;
      F.Classes[Cx.Class].Members.push_back(std::move(M));
      return;
    }
    TSNode V = unparen(Value);
    if (isNull(V))
      return;
    Sym VK = kind(V);
    if (Cx.Scope == 0 && VK == Sym::Attribute && isDotted(V)) {
      // Module-level `LayerNorm = nn.LayerNorm` names a class.
      std::string D;
      dotted(V, D);
      size_t Dot = D.rfind('.');
      ImportFact Imp;
      Imp.Module = D.substr(0, Dot);
      Imp.Name = D.substr(Dot + 1);
      Imp.Alias.assign(text(T));
      Imp.IsAssignment = true;
      Imp.Where = spanOf(T);
      bool RootImported = Imported.count(D.substr(0, D.find('.'))) != 0;
      F.Imports.push_back(std::move(Imp));
      if (RootImported)
        return;
    }
    BindingFact B;
    B.Scope = Cx.Scope;
    B.Where = spanOf(T);
    bool Bound = false;
    if (VK == Sym::Call) {
      TSNode Fn = field(V, G.Function);
      if (isDotted(Fn)) {
        B.K = BindingFact::Kind::Instance;
        dotted(Fn, B.Callee);
        Bound = true;
      }
    } else if (VK == Sym::Identifier) {
      B.K = BindingFact::Kind::Alias;
      B.Root.assign(text(V));
      Bound = true;
    } else if (VK == Sym::Attribute || VK == Sym::Subscript) {
      Chain C;
      if (getChain(V, C) && kind(C.Root) == Sym::Identifier) {
        B.K = BindingFact::Kind::Alias;
        B.Root.assign(text(C.Root));
        pathOf(C, B.Path);
        Bound = true;
      }
    }
    if (Bound) {
      B.Var.assign(text(T));
      F.Bindings.push_back(std::move(B));
    }
    EnsureSources({});
    recordLocal(Cx, T, Value, Sources);
    return;
  }

  if (TK != Sym::Attribute && TK != Sym::Subscript) {
    push(T, Fr.Context, Fr.Stmt);
    return;
  }
  Chain C;
  if (!getChain(T, C))
    return;
  if (kind(C.Root) == Sym::Identifier && C.Attrs > 0 &&
      !Imported.count(text(C.Root))) {
    // `x.weight.data = t` mutates the tensor `x.weight` in place.
    size_t Drop = 0;
    AccessFact::Kind K = AccessFact::Kind::Write;
    TSNode Last = C.Links.back();
    if (C.Links.size() > 1 && kind(Last) == Sym::Attribute &&
        text(field(Last, G.AttributeField)) == "data") {
      K = AccessFact::Kind::Mutate;
      Drop = 1;
    }
    EnsureSources(text(T));
    addAccess(K, C, Drop, Cx, Fr.Stmt, false);
    AccessFact &A = F.Accesses.back();
    A.Sources = Sources;
    A.ValueIsParameter = !isNull(Value) && valueIsParameter(Value);
  }
  // `self.x = value` defines a member of the enclosing class.
  if (!Augmented && Cx.MemberClass >= 0 && !Cx.Self.empty() &&
      C.Links.size() == 1 && C.Attrs == 1 && kind(C.Root) == Sym::Identifier &&
      text(C.Root) == Cx.Self) {
    TSNode A = field(C.Links[0], G.AttributeField);
    addMembersFromValue(Cx, std::string(text(A)), spanOf(A), Value, Cx.Cond);
  }
  pushChainInterior(C, Fr.Context, Fr.Stmt);
}

void Extractor::handleCall(TSNode N, const Frame &Fr) {
  const Ctx Cx = Contexts[Fr.Context];
  Kids K;
  Lister.list(N, K);
  TSNode Fn = K.get(G.Function), Args = K.get(G.Arguments);
  if (isNull(Fn))
    return;
  if (isDotted(Fn)) {
    CallFact Call;
    Call.Scope = Cx.Scope;
    dotted(Fn, Call.Callee);
    Call.Where = spanOf(Fn);
    llvm::SmallVector<TSNode, 8> Pos, Kw;
    callArgs(Args, Pos, Kw);
    for (TSNode P : Pos) {
      TSNode U = unparen(P);
      Call.Args.emplace_back(kind(U) == Sym::Identifier ? text(U)
                                                        : std::string_view());
    }
    for (TSNode KwArg : Kw) {
      TSNode V = unparen(field(KwArg, G.Value));
      if (!isNull(V) && kind(V) == Sym::Identifier)
        Call.Keyword.emplace_back(std::string(text(field(KwArg, G.Name))),
                                  std::string(text(V)));
    }
    F.Calls.push_back(std::move(Call));
    // `setattr(self, "n", v)` defines a member like `self.n = v`.
    if (Cx.MemberClass >= 0 && kind(Fn) == Sym::Identifier &&
        text(Fn) == "setattr" && Pos.size() == 3 &&
        kind(unparen(Pos[0])) == Sym::Identifier &&
        text(unparen(Pos[0])) == Cx.Self) {
      std::string Name;
      Span Where{};
      if (plainString(unparen(Pos[1]), Name, &Where))
        addMembersFromValue(Cx, std::move(Name), Where, Pos[2], Cx.Cond);
    }
  }
  Chain C;
  if (getChain(Fn, C)) {
    bool RootIsVar = kind(C.Root) == Sym::Identifier;
    std::string_view Root = RootIsVar ? text(C.Root) : std::string_view();
    if (RootIsVar && Cx.MemberClass >= 0 && Root == Cx.Self)
      handleMemberCall(Cx, C, Fn, Args);
    // `blocks.append(Block())` on a local list.
    if (RootIsVar && C.Links.size() == 1 && C.Attrs == 1 &&
        Cx.MemberClass >= 0) {
      std::string_view M = text(field(C.Links[0], G.AttributeField));
      if (M == "append" || M == "extend")
        if (Local *L = findLocal(Cx.Scope, Root))
          if (L->HasExpr && L->IsList) {
            llvm::SmallVector<TSNode, 4> Pos, Kw;
            callArgs(Args, Pos, Kw);
            if (!Pos.empty())
              handleAppend(Cx, L->Expr, L->Loop,
                           llvm::StringRef(M.data(), M.size()), Pos[0]);
          }
    }
    if (RootIsVar && C.Attrs > 0 && !Imported.count(Root)) {
      TSNode Last = C.Links.back();
      std::string_view Method = kind(Last) == Sym::Attribute
                                    ? text(field(Last, G.AttributeField))
                                    : std::string_view();
      if (isInPlaceMethod(llvm::StringRef(Method.data(), Method.size()))) {
        size_t Drop = 1;
        if (C.Links.size() > 1) {
          TSNode Prev = C.Links[C.Links.size() - 2];
          if (kind(Prev) == Sym::Attribute &&
              text(field(Prev, G.AttributeField)) == "data")
            Drop = 2;
        }
        addAccess(AccessFact::Kind::Mutate, C, Drop, Cx, Fr.Stmt, false);
        std::vector<SourceName> Sources;
        if (!isNull(Args))
          collectSources(Args, {}, Cx.Scope, Sources);
        AccessFact &A = F.Accesses.back();
        A.Sources = std::move(Sources);
        llvm::SmallVector<TSNode, 4> Pos, Kw;
        callArgs(Args, Pos, Kw);
        A.ValueIsParameter = !Pos.empty() && valueIsParameter(Pos[0]);
      } else {
        addAccess(AccessFact::Kind::Read, C, 0, Cx, Fr.Stmt, true);
      }
    }
    if (!isNull(Args))
      push(Args, Fr.Context, Fr.Stmt);
    pushChainInterior(C, Fr.Context, Fr.Stmt);
    return;
  }
  if (!isNull(Args))
    push(Args, Fr.Context, Fr.Stmt);
  if (kind(Fn) != Sym::Identifier)
    push(Fn, Fr.Context, Fr.Stmt);
}

void Extractor::handleChainRead(TSNode N, const Frame &Fr) {
  Chain C;
  if (!getChain(N, C))
    return;
  if (kind(C.Root) == Sym::Identifier && C.Attrs > 0 &&
      !Imported.count(text(C.Root)))
    addAccess(AccessFact::Kind::Read, C, 0, Contexts[Fr.Context], Fr.Stmt,
              false);
  pushChainInterior(C, Fr.Context, Fr.Stmt);
}

// --- problems
// ------------------------------------------------------------------

void Extractor::findFirstProblem(TSNode Root) {
  if (!ts_node_has_error(Root))
    return;
  // Descend to the first ERROR or MISSING node in document order.
  TSNode Cur = Root;
  Kids K;
  while (true) {
    Lister.list(Cur, K, /*NamedOnly=*/false);
    TSNode Next{};
    for (TSNode C : K.Nodes) {
      if (ts_node_is_missing(C) || kind(C) == Sym::Error) {
        Next = C;
        break;
      }
      if (ts_node_has_error(C)) {
        Next = C;
        break;
      }
    }
    if (isNull(Next))
      break;
    Cur = Next;
    if (ts_node_is_missing(Cur) || kind(Cur) == Sym::Error)
      break;
  }
  ParseProblem P;
  if (ts_node_is_missing(Cur)) {
    uint32_t At = ts_node_start_byte(Cur);
    P.Message =
        "syntax error: missing `" + printable(ts_node_type(Cur), 40) + "`";
    P.Where = Span{At, At};
    F.Problems.push_back(std::move(P));
    return;
  }
  if (kind(Cur) != Sym::Error) {
    P.Message = "syntax error";
    P.Where = spanOf(Cur);
    F.Problems.push_back(std::move(P));
    return;
  }
  // Inside an ERROR node: an unknown character is the culprit; else the
  // error's last token when it is punctuation (`foo(a))`), else the node.
  TSNode Culprit{};
  llvm::SmallVector<TSNode, 32> Work;
  Work.push_back(Cur);
  bool First = true;
  while (!Work.empty() && isNull(Culprit)) {
    TSNode N = Work.pop_back_val();
    if (!First && kind(N) == Sym::Error) {
      Culprit = N;
      break;
    }
    First = false;
    size_t Before = Work.size();
    Lister.listNamed(N, Work);
    std::reverse(Work.begin() + Before, Work.end());
  }
  if (isNull(Culprit)) {
    Lister.list(Cur, K, /*NamedOnly=*/false);
    if (K.size() > 0 && !ts_node_is_named(K.Nodes.back()))
      Culprit = K.Nodes.back();
  }
  uint32_t End = static_cast<uint32_t>(Text.size());
  if (!isNull(Culprit)) {
    P.Where = spanOf(Culprit);
    P.Message =
        "syntax error: unexpected `" + printable(text(Culprit), 40) + "`";
  } else {
    P.Where = spanOf(Cur);
    std::string_view T = text(Cur);
    if (T.empty() || ts_node_start_byte(Cur) >= End)
      P.Message = "syntax error: unexpected end of file";
    else
      P.Message = "syntax error: unexpected `" + printable(T, 40) + "`";
  }
  F.Problems.push_back(std::move(P));
}

} // namespace

FileFacts extractPythonFacts(const SourceFile &File) {
  FileFacts Facts;
  if (std::optional<uint32_t> At = py::findParserOverflowRisk(File.text())) {
    ParseProblem P;
    P.Message = "syntax error: too deeply nested to parse";
    P.Where = Span{*At, *At};
    Facts.Problems.push_back(std::move(P));
    Facts.Scopes.emplace_back();
    Facts.Scopes.back().Name = "<module>";
    return Facts;
  }
  py::TreePtr Tree = py::parseWithThreadParser(File.text());
  if (!Tree) {
    ParseProblem P;
    P.Message = "file could not be parsed";
    Facts.Problems.push_back(std::move(P));
    Facts.Scopes.emplace_back();
    Facts.Scopes.back().Name = "<module>";
    return Facts;
  }
  Extractor(File.text(), Facts).run(ts_tree_root_node(Tree.get()));
  return Facts;
}

size_t parsePythonOnly(const std::string &Text) {
  if (py::findParserOverflowRisk(Text))
    return 0;
  py::TreePtr Tree = py::parseWithThreadParser(Text);
  if (!Tree)
    return 0;
  size_t Count = 0;
  TSTreeCursor C = ts_tree_cursor_new(ts_tree_root_node(Tree.get()));
  // Iterative pre-order count: siblings first, then climb.
  while (true) {
    ++Count;
    if (ts_tree_cursor_goto_first_child(&C))
      continue;
    bool Moved = false;
    while (!Moved) {
      if (ts_tree_cursor_goto_next_sibling(&C)) {
        Moved = true;
      } else if (!ts_tree_cursor_goto_parent(&C)) {
        ts_tree_cursor_delete(&C);
        return Count;
      }
    }
  }
}

} // namespace paramlint
