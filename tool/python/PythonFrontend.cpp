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
#include "graph/FactsCompact.h"
#include "graph/NormLayer.h"
#include "python/ConfigClasses.h"
#include "python/NormSemantics.h"
#include "python/PythonSyntax.h"

#include "fmt/format.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paramlint {

using py::Grammar;
using py::isNull;
using py::endByte;
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

/// Limits that keep key building linear and small: state-dict keys are
/// short, so longer literals (docstrings, messages) are not keys at all.
constexpr unsigned MaxKeyDepth = 32;
constexpr size_t MaxKeyLiteral = 256;
constexpr size_t MaxKeySegs = 64;
constexpr size_t MaxKeyPattern = 1024;

/// One part of a key expression. Const text is exactly the source between
/// Where (a fix may rewrite it); Cooked text is in the pattern but written
/// differently or shared (`%%`, `{{`, a join separator); Wild is `*`.
struct KeySeg {
  enum class Kind : uint8_t { Const, Cooked, Wild };
  Kind K = Kind::Wild;
  std::string Text;
  Span Where;
};
using KeySegs = llvm::SmallVector<KeySeg, 6>;

/// Names that hold one key string rather than a dict (`k`, `key`,
/// `param_name`): `"gamma" in k` is then a substring test, not a lookup.
bool isKeyishName(std::string_view Name) {
  std::string L;
  for (char C : Name)
    L += static_cast<char>(C >= 'A' && C <= 'Z' ? C - 'A' + 'a' : C);
  auto EndsWith = [&](std::string_view S) {
    return L.size() >= S.size() && L.compare(L.size() - S.size(), S.size(),
                                             S.data(), S.size()) == 0;
  };
  return L == "k" || L == "n" || L == "s" || L == "kk" || EndsWith("key") ||
         EndsWith("name") || EndsWith("_k") || EndsWith("key_") ||
         EndsWith("name_");
}

/// Extracts the facts of one parsed file.
class Extractor {
public:
  Extractor(const std::string &Text, FileFacts &Out)
      : G(Grammar::get()), Text(Text), F(Out) {}

  void run(TSNode Root);

  /// The `class_definition` node of each of F.Classes, by index: the norm
  /// reader takes them from here instead of walking the tree again.
  const std::vector<TSNode> &classNodes() const { return ClassNodes; }

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
    /// A string built like a key (`prefix = f"h.{i}"`): its parts, whose
    /// Const spans point to where this assignment writes them.
    bool IsKey = false;
    /// A string of unknown text (`for k in sd`, `for k, v in sd.items()`).
    bool IsStr = false;
    /// A dict (`sd = torch.load(p)`, `m.state_dict()`, `{...}`).
    bool IsDict = false;
    /// A rename map (`{"gamma": "weight"}`): `.update({...})` extends it.
    bool IsMap = false;
    std::vector<KeySeg> Key;
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
    uint32_t B = ts_node_start_byte(N), E = endByte(N);
    if (E > Text.size() || B > E)
      return {};
    return std::string_view(Text).substr(B, E - B);
  }
  Sym kind(TSNode N) const { return G.of(N); }
  /// N's child with field Id, from the lister's listing of N (which the
  /// walk usually has made already).
  TSNode field(TSNode N, TSFieldId Id) { return Lister.child(N, Id); }
  TSNode unparen(TSNode N);
  bool isDotted(TSNode N);
  bool dotted(TSNode N, std::string &Out);
  /// dotted() into a fact's name.
  bool dotted(TSNode N, Symbol &Out) {
    std::string S;
    bool Ok = dotted(N, S);
    Out = S;
    return Ok;
  }
  bool getChain(TSNode N, Chain &C);
  void pathOf(const Chain &C, std::vector<PathSegment> &Path);
  TSNode onlyIndex(TSNode Subscript);
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
  /// The key of a configuration read (`cfg["eps"]`, `config.eps`,
  /// `self.cfg["eps"]`), or empty.
  std::string configKey(TSNode N);
  /// Numbers of a module-level `NAME = {"key": number, ...}`.
  void configValues(TSNode Target, TSNode Value);
  /// `GPTConfig(norm_eps=1e-6)`: the numeric keywords of a config class's
  /// construction, which override the class's defaults.
  void configArguments(TSNode Fn, TSNode Args);

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

  // --- key expressions -------------------------------------------------------
  bool keySegs(TSNode N, unsigned Scope, KeySegs &Out, unsigned Depth);
  bool stringSegs(TSNode Str, unsigned Scope, KeySegs &Out, unsigned Depth);
  bool constRun(uint32_t Begin, uint32_t End, bool FString, KeySegs &Out);
  bool percentSegs(TSNode Format, TSNode Args, unsigned Scope, KeySegs &Out,
                   unsigned Depth);
  bool formatSegs(TSNode Format, TSNode Args, unsigned Scope, KeySegs &Out,
                  unsigned Depth);
  bool joinSegs(TSNode Sep, TSNode Args, unsigned Scope, KeySegs &Out,
                unsigned Depth);
  void argSegs(TSNode Arg, unsigned Scope, KeySegs &Out, unsigned Depth);
  bool mayBeKey(TSNode N, unsigned Scope);
  bool keyFact(TSNode N, unsigned Scope, KeyUseFact &Out);
  Local *keyLocal(unsigned Scope, std::string_view Name);
  void addKeyUse(KeyUseFact::Kind K, TSNode Key, const std::string &Dict,
                 const Ctx &Cx);
  bool stateDictOf(TSNode Call, const Ctx &Cx, StateDictFact &Out);
  std::string syntheticStateDict(TSNode Call, const Ctx &Cx);
  std::string dictOf(TSNode Expr, const Ctx &Cx);
  void chainKeyUse(const Chain &C, const Ctx &Cx, bool Target);
  void dictLiteralKeys(TSNode Dict, const Ctx &Cx, const std::string &Name,
                       KeyUseFact::Kind K);
  bool renameMap(TSNode Value, const Ctx &Cx, const std::string &Name);
  void assignedKeyFacts(TSNode Target, TSNode Value, const Ctx &Cx);
  void augmentKey(TSNode Target, TSNode Value, const Ctx &Cx);
  void markLoopVar(TSNode Left, TSNode Right, const Ctx &Cx);
  void handleComparison(TSNode N, const Ctx &Cx);
  void keyCall(TSNode Fn, TSNode Args, const Ctx &Cx);
  void loadStateDict(TSNode Fn, TSNode Args, const Ctx &Cx);
  bool plainLiteral(TSNode N, std::string &Out, Span &Where);

  const Grammar &G;
  const std::string &Text;
  FileFacts &F;
  py::ChildLister Lister;
  std::vector<Frame> Stack;
  std::vector<Ctx> Contexts;
  std::vector<llvm::StringMap<Local>> Locals; ///< By scope.
  llvm::StringSet<> Imported;
  std::vector<TSNode> ClassNodes; ///< Parallel to F.Classes.
  /// Scopes where some local was ever given sources (collectSources).
  std::vector<bool> SourcedScopes;
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

/// The index of `x[i]`; null for `x[a, b]` (several subscript fields).
TSNode Extractor::onlyIndex(TSNode Sub) {
  // Named children are the value and the indices (counts are stored in
  // the node, so this costs no child walk for `x[a, b]`).
  if (ts_node_named_child_count(Sub) != 2)
    return TSNode{};
  TSNode Index = ts_node_named_child(Sub, 1);
  return kind(Index) == Sym::Comment ? TSNode{} : Index;
}

std::string Extractor::indexName(TSNode Sub) {
  TSNode Only = onlyIndex(Sub);
  if (isNull(Only))
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
          Span{endByte(field(L, G.Value)), endByte(L)};
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
  uint32_t Begin = ts_node_start_byte(N), End = endByte(N);
  for (TSNode C : K.Nodes) {
    Sym S = kind(C);
    if (S == Sym::Interpolation)
      return false;
    if (S == Sym::StringStart)
      Begin = endByte(C);
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
    uint32_t Pos = ts_node_start_byte(N), End = endByte(N);
    for (TSNode C : K.Nodes) {
      Sym CS = kind(C);
      if (CS == Sym::StringStart) {
        Pos = endByte(C);
      } else if (CS == Sym::StringEnd) {
        End = ts_node_start_byte(C);
      } else if (CS == Sym::Interpolation) {
        uint32_t B = ts_node_start_byte(C);
        if (B > Pos)
          Out.append(Text, Pos, B - Pos);
        Out += '*';
        Pos = endByte(C);
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
  // Kinds only: no field ids, and the walk's own listing of the argument
  // list when it walks in is the same one.
  llvm::SmallVector<TSNode, 8> Named;
  Lister.listNamed(Args, Named);
  for (TSNode C : Named) {
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
    if (isLiteral(P)) {
      Out.Positional.emplace_back(std::string(text(P)));
      continue;
    }
    Out.Positional.emplace_back(std::nullopt);
    if (std::string Key = configKey(P); !Key.empty())
      Out.ConfigKeys.emplace_back("#" + std::to_string(Out.Positional.size() - 1),
                                  std::move(Key));
  }
  for (TSNode K : Kw) {
    TSNode Name = field(K, G.Name), Value = unparen(field(K, G.Value));
    if (isNull(Name))
      continue;
    std::optional<std::string> V;
    if (!isNull(Value) && isLiteral(Value))
      V = std::string(text(Value));
    else if (std::string Key = isNull(Value) ? "" : configKey(Value); !Key.empty())
      Out.ConfigKeys.emplace_back(std::string(text(Name)), std::move(Key));
    Out.Keyword.emplace_back(std::string(text(Name)), std::move(V));
  }
}

std::string Extractor::configKey(TSNode N) {
  N = unparen(N);
  if (isNull(N))
    return "";
  // The container must be a plain name or an attribute chain of names:
  // `cfg`, `config`, `self.cfg`.
  auto NamedChain = [&](TSNode C) {
    for (unsigned Depth = 0; Depth < 4; ++Depth) {
      C = unparen(C);
      if (isNull(C))
        return false;
      if (kind(C) == Sym::Identifier)
        return true;
      if (kind(C) != Sym::Attribute)
        return false;
      C = field(C, G.Object);
    }
    return false;
  };
  std::string Key;
  if (kind(N) == Sym::Subscript) {
    TSNode K = unparen(field(N, G.SubscriptField));
    if (!isNull(K) && plainString(K, Key) && NamedChain(field(N, G.Value)))
      return Key;
    return "";
  }
  if (kind(N) == Sym::Attribute) {
    TSNode Obj = unparen(field(N, G.Object));
    // `self.eps` is an attribute of the module, not a configuration.
    if (isNull(Obj) || (kind(Obj) == Sym::Identifier && text(Obj) == "self") ||
        !NamedChain(Obj))
      return "";
    return std::string(text(field(N, G.AttributeField)));
  }
  return "";
}

void Extractor::configArguments(TSNode Fn, TSNode Args) {
  llvm::SmallVector<TSNode, 8> Pos, Kw;
  callArgs(Args, Pos, Kw);
  for (TSNode K : Kw) {
    TSNode Name = field(K, G.Name), V = unparen(field(K, G.Value));
    if (isNull(Name) || isNull(V))
      continue;
    Sym VS = kind(V);
    if (VS != Sym::Integer && VS != Sym::Float &&
        !(VS == Sym::UnaryOperator && isLiteral(V)))
      continue;
    if (std::optional<double> Number = numberLiteral(text(V)))
      F.ConfigValues.push_back(ConfigValueFact{std::string(text(Fn)), std::string(text(Name)),
                                               *Number, spanOf(V),
                                               ConfigValueFact::Kind::Argument});
  }
}

void Extractor::configValues(TSNode Target, TSNode Value) {
  Target = unparen(Target);
  Value = unparen(Value);
  if (isNull(Target) || isNull(Value) || kind(Target) != Sym::Identifier ||
      kind(Value) != Sym::Dictionary)
    return;
  Kids K;
  Lister.list(Value, K);
  for (TSNode P : K.Nodes) {
    if (kind(P) != Sym::Pair)
      continue;
    std::string Key;
    TSNode KeyNode = unparen(field(P, G.Key)), V = unparen(field(P, G.Value));
    if (isNull(KeyNode) || isNull(V) || !plainString(KeyNode, Key))
      continue;
    Sym VS = kind(V);
    if (VS != Sym::Integer && VS != Sym::Float &&
        !(VS == Sym::UnaryOperator && isLiteral(V)))
      continue;
    std::optional<double> Number = numberLiteral(text(V));
    if (!Number)
      continue;
    F.ConfigValues.push_back(
        ConfigValueFact{std::string(text(Target)), std::move(Key), *Number, spanOf(V)});
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
  if (!Sources.empty()) {
    if (Cx.Scope >= SourcedScopes.size())
      SourcedScopes.resize(Cx.Scope + 1);
    SourcedScopes[Cx.Scope] = true;
  }
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
  Container C = containerOf(E.Callee.str());
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
  // Sources come only from locals that carry some and from subscripts: with
  // neither possible (no such local in the scope, no `[` in the value's
  // text) the walk below would find nothing, and it is one of the costlier
  // parts of extraction (most assignments are `x = self.f(x)`).
  if (!(Scope < SourcedScopes.size() && SourcedScopes[Scope]) &&
      text(Value).find('[') == std::string_view::npos)
    return;
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
  // `nn.Parameter(t)`, and the helpers loaders wrap it in: `assign(l, r)`,
  // `to_param(a)`, `make_parameter(a)`; `get_params()` returns many.
  std::string Last = lastComponent(Callee).lower();
  llvm::StringRef L(Last);
  return L.contains("assign") ||
         (L.contains("param") && !L.endswith("params") &&
          !L.endswith("parameters"));
}

// --- the walk
// ------------------------------------------------------------------

void Extractor::pushChildren(TSNode N, uint32_t Context, const Span *Stmt) {
  // Named children with children of their own, last first (the stack pops
  // them in order); nothing below calls the lister, so the listing stays.
  const py::ChildList &L = Lister.children(N);
  for (size_t I = L.size(); I-- > 0;) {
    const py::ChildList::Child &C = L.Kids[I];
    if (C.Named && C.HasKids)
      Stack.push_back(Frame{C.Node, Context, Stmt ? *Stmt : spanOf(C.Node)});
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
    case Sym::ComparisonOperator:
      handleComparison(N, Contexts[Fr.Context]);
      pushChildren(N, Fr.Context, &Fr.Stmt);
      break;
    case Sym::ForInClause:
      markLoopVar(field(N, G.Left), field(N, G.Right), Contexts[Fr.Context]);
      pushChildren(N, Fr.Context, &Fr.Stmt);
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
                                      return Imported.count(A.Root.str()) != 0;
                                    }),
                     F.Accesses.end());
  // Chained renames in the order they apply; key uses in file order.
  std::stable_sort(F.Renames.begin(), F.Renames.end(),
                   [](const RenameFact &A, const RenameFact &B) {
                     return A.FromWhere.Begin < B.FromWhere.Begin;
                   });
  std::stable_sort(F.KeyUses.begin(), F.KeyUses.end(),
                   [](const KeyUseFact &A, const KeyUseFact &B) {
                     return A.Where.Begin < B.Where.Begin;
                   });
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
    std::string Module = Imp.Module;
    Module.erase(std::remove_if(Module.begin(), Module.end(),
                                [](char C) {
                                  return C == ' ' || C == '\t' || C == '\\' ||
                                         C == '\n' || C == '\r';
                                }),
                 Module.end());
    Imp.Module = Module;
    if (Imp.Alias.empty())
      continue;
    Imported.insert(Imp.Alias.str());
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
    Imported.insert(Imp.Alias.str());
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
  C.Extent = spanOf(N);
  if (!isNull(Body) && ts_node_named_child_count(Body) > 0)
    C.BodyStart = ts_node_start_byte(ts_node_named_child(Body, 0));
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
  ClassNodes.push_back(N);
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
  markLoopVar(Left, Right, Outer);
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
  if (Augmented && Targets.size() == 1 &&
      kind(unparen(Targets[0])) == Sym::Identifier) {
    Kids K;
    Lister.list(N, K, /*NamedOnly=*/false);
    TSNode Op = K.get(G.Operator);
    if (!isNull(Op) && text(Op) == "+=")
      augmentKey(unparen(Targets[0]), Value, Contexts[Fr.Context]);
  }
  bool SourcesDone = false;
  std::vector<SourceName> Sources;
  for (TSNode T : Targets)
    handleTarget(T, Value, Augmented, Fr, SourcesDone, Sources);
  if (const Ctx &Cx = Contexts[Fr.Context];
      !Augmented && Cx.Scope == 0 && Cx.Class < 0 && Targets.size() == 1)
    configValues(Targets[0], Value);
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
          chainKeyUse(C, Cx, !Augmented);
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
        std::string Callee;
        dotted(Fn, Callee);
        B.Callee = Callee;
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
    assignedKeyFacts(T, Value, Cx);
    return;
  }

  if (TK != Sym::Attribute && TK != Sym::Subscript) {
    push(T, Fr.Context, Fr.Stmt);
    return;
  }
  Chain C;
  if (!getChain(T, C))
    return;
  chainKeyUse(C, Cx, !Augmented);
  if (!Augmented && TK == Sym::Attribute)
    assignedKeyFacts(T, Value, Cx);
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
  keyCall(Fn, Args, Cx);
  const bool Dotted = isDotted(Fn);
  if (Dotted && looksLikeConfigClass(text(Fn)))
    configArguments(Fn, Args);
  if (Dotted) {
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
    bool PassesIdentifier = false;
    for (const std::string &A : Call.Args)
      PassesIdentifier |= !A.empty();
    for (TSNode KwArg : Kw) {
      TSNode V = unparen(field(KwArg, G.Value));
      if (!isNull(V) && kind(V) == Sym::Identifier)
        Call.Keyword.emplace_back(std::string(text(field(KwArg, G.Name))),
                                  std::string(text(V)));
    }
    // Facts are held for the whole run: a call that passes no identifier
    // can bind nothing (Linker::bindVarUncached), so it is not kept.
    if (PassesIdentifier || !Call.Keyword.empty())
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
    chainKeyUse(C, Cx, /*Target=*/false);
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
  chainKeyUse(C, Contexts[Fr.Context], /*Target=*/false);
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

// --- key expressions
// -----------------------------------------------------------

/// A wildcard, merged with a wildcard before it.
void addWild(KeySegs &Out) {
  if (Out.empty() || Out.back().K != KeySeg::Kind::Wild)
    Out.push_back(KeySeg{});
}

void addCooked(KeySegs &Out, std::string Text) {
  KeySeg S;
  S.K = KeySeg::Kind::Cooked;
  S.Text = std::move(Text);
  Out.push_back(std::move(S));
}

/// Appends Const text [Begin, End) of the file, or false when it cannot be
/// part of a state-dict key (too long, holds whitespace or an escape). In an f-string
/// `{{` and `}}` stand for one brace: those become Cooked.
bool Extractor::constRun(uint32_t Begin, uint32_t End, bool FString,
                         KeySegs &Out) {
  if (End <= Begin)
    return true;
  if (End > Text.size() || End - Begin > MaxKeyLiteral)
    return false;
  uint32_t Run = Begin;
  auto Flush = [&](uint32_t To) {
    if (To > Run) {
      KeySeg S;
      S.K = KeySeg::Kind::Const;
      S.Text.assign(Text, Run, To - Run);
      S.Where = Span{Run, To};
      Out.push_back(std::move(S));
    }
  };
  for (uint32_t I = Begin; I < End; ++I) {
    char C = Text[I];
    // No key holds whitespace; a backslash would make the written text
    // differ from the key (an escape), and keys hold none either.
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\\')
      return false;
    if (FString && (C == '{' || C == '}') && I + 1 < End && Text[I + 1] == C) {
      Flush(I);
      addCooked(Out, std::string(1, C));
      Run = ++I + 1;
    }
  }
  Flush(End);
  return true;
}

/// A `string` node: constant runs between the quotes, interpolations as
/// the segments of their expression (a local key string, a literal) or `*`.
bool Extractor::stringSegs(TSNode Str, unsigned Scope, KeySegs &Out,
                           unsigned Depth) {
  Kids K;
  Lister.list(Str, K, /*NamedOnly=*/true);
  uint32_t Pos = ts_node_start_byte(Str), End = endByte(Str);
  bool FString = false;
  llvm::SmallVector<TSNode, 4> Interps;
  for (TSNode C : K.Nodes) {
    Sym S = kind(C);
    if (S == Sym::StringStart) {
      Pos = endByte(C);
      std::string_view Prefix = text(C);
      FString = Prefix.find_first_of("fF") != std::string_view::npos;
      if (Prefix.find_first_of("bB") != std::string_view::npos)
        return false; // bytes are never state-dict keys
    } else if (S == Sym::StringEnd) {
      End = ts_node_start_byte(C);
    } else if (S == Sym::Interpolation) {
      Interps.push_back(C);
    }
  }
  for (TSNode C : Interps) {
    if (!constRun(Pos, ts_node_start_byte(C), FString, Out))
      return false;
    // `{x:02d}` / `{x!r}` format the value: its text is unknown.
    if (ts_node_named_child_count(C) != 1) {
      addWild(Out);
    } else {
      KeySegs Inner;
      if (keySegs(ts_node_named_child(C, 0), Scope, Inner, Depth + 1))
        Out.append(Inner.begin(), Inner.end());
      else
        addWild(Out);
    }
    Pos = endByte(C);
  }
  return constRun(Pos, End, FString, Out);
}

/// An argument substituted into a format: its segments, or `*`.
void Extractor::argSegs(TSNode Arg, unsigned Scope, KeySegs &Out,
                        unsigned Depth) {
  KeySegs Inner;
  if (!isNull(Arg) && keySegs(Arg, Scope, Inner, Depth + 1))
    Out.append(Inner.begin(), Inner.end());
  else
    addWild(Out);
}

/// Appends the Const text S.Text[From, To) with its own span.
void constPart(const KeySeg &S, size_t From, size_t To, KeySegs &Out) {
  if (To <= From)
    return;
  KeySeg C;
  C.K = KeySeg::Kind::Const;
  C.Text = S.Text.substr(From, To - From);
  C.Where = Span{S.Where.Begin + static_cast<uint32_t>(From),
                 S.Where.Begin + static_cast<uint32_t>(To)};
  Out.push_back(std::move(C));
}

/// Expands the directives of a format string's Const text: At(T, I, Seg)
/// returns I when T[I] starts no directive, else the index after it with
/// the directive's segments in Seg. Other segments pass through.
template <typename DirectiveFn>
void expandDirectives(const KeySegs &Fmt, KeySegs &Out, DirectiveFn At) {
  for (const KeySeg &S : Fmt) {
    if (S.K != KeySeg::Kind::Const) {
      Out.push_back(S);
      continue;
    }
    const std::string &T = S.Text;
    size_t Run = 0;
    for (size_t I = 0; I < T.size();) {
      KeySegs Directive;
      size_t Next = At(T, I, Directive);
      if (Next <= I) {
        ++I;
        continue;
      }
      constPart(S, Run, I, Out);
      Out.append(Directive.begin(), Directive.end());
      Run = I = Next;
    }
    constPart(S, Run, T.size(), Out);
  }
}

/// `"h.%d.g" % i`, `"%s.weight" % (prefix,)`: `%s` takes the argument's
/// segments, every other conversion is `*`, `%%` is a percent sign.
bool Extractor::percentSegs(TSNode Format, TSNode Args, unsigned Scope,
                            KeySegs &Out, unsigned Depth) {
  KeySegs Fmt;
  if (!keySegs(Format, Scope, Fmt, Depth + 1))
    return false;
  llvm::SmallVector<TSNode, 4> ArgList;
  TSNode A = unparen(Args);
  bool Mapping = !isNull(A) && kind(A) == Sym::Dictionary;
  if (!isNull(A) && kind(A) == Sym::Tuple)
    Lister.listNamed(A, ArgList);
  else if (!isNull(A))
    ArgList.push_back(A);
  size_t Next = 0;
  expandDirectives(Fmt, Out, [&](const std::string &T, size_t I,
                                 KeySegs &Seg) -> size_t {
    if (T[I] != '%')
      return I;
    if (I + 1 < T.size() && T[I + 1] == '%') {
      addCooked(Seg, "%");
      return I + 2;
    }
    size_t J = I + 1;
    bool Named = J < T.size() && T[J] == '(';
    if (Named) {
      size_t Close = T.find(')', J);
      J = Close == std::string::npos ? T.size() : Close + 1;
    }
    while (J < T.size() && std::strchr("-+ #0123456789.*hlL", T[J]))
      ++J;
    char Conv = J < T.size() ? T[J] : 0;
    if (!Named && !Mapping && Conv == 's' && Next < ArgList.size())
      argSegs(ArgList[Next], Scope, Seg, Depth);
    else
      addWild(Seg);
    if (!Named)
      ++Next;
    return std::min(J + 1, T.size());
  });
  return true;
}

/// `"h.{}.g".format(i)`, `"{p}.weight".format(p=prefix)`: a plain field
/// takes its argument's segments, a field with a conversion or spec is `*`.
bool Extractor::formatSegs(TSNode Format, TSNode Args, unsigned Scope,
                           KeySegs &Out, unsigned Depth) {
  KeySegs Fmt;
  if (!keySegs(Format, Scope, Fmt, Depth + 1))
    return false;
  llvm::SmallVector<TSNode, 4> Pos, Kw;
  callArgs(Args, Pos, Kw);
  size_t Auto = 0;
  auto Field = [&](std::string_view Name) -> TSNode {
    if (Name.empty())
      return Auto < Pos.size() ? Pos[Auto++] : TSNode{};
    if (std::all_of(Name.begin(), Name.end(),
                    [](char C) { return C >= '0' && C <= '9'; })) {
      size_t I = std::strtoul(std::string(Name).c_str(), nullptr, 10);
      return I < Pos.size() ? Pos[I] : TSNode{};
    }
    for (TSNode K : Kw)
      if (text(field(K, G.Name)) == Name)
        return field(K, G.Value);
    return TSNode{};
  };
  expandDirectives(Fmt, Out, [&](const std::string &T, size_t I,
                                 KeySegs &Seg) -> size_t {
    char C = T[I];
    if (C != '{' && C != '}')
      return I;
    // `{{` / `}}` is a brace; a stray `}` (Python would raise) stays text.
    if ((I + 1 < T.size() && T[I + 1] == C) || C == '}') {
      addCooked(Seg, std::string(1, C));
      return I + 1 < T.size() && T[I + 1] == C ? I + 2 : I + 1;
    }
    size_t Close = T.find('}', I);
    if (Close == std::string::npos) {
      addWild(Seg);
      return T.size();
    }
    std::string_view Spec(T.data() + I + 1, Close - I - 1);
    size_t Cut = Spec.find_first_of("!:.[");
    TSNode Arg = Field(Spec.substr(0, Cut));
    if (Cut == std::string_view::npos && !isNull(Arg))
      argSegs(Arg, Scope, Seg, Depth);
    else
      addWild(Seg);
    return Close + 1;
  });
  return true;
}

/// `".".join([a, "b", f"c{i}"])`: the elements with the separator between
/// (Cooked: one written separator stands for all of them); any other
/// iterable is `*`.
bool Extractor::joinSegs(TSNode Sep, TSNode Args, unsigned Scope,
                         KeySegs &Out, unsigned Depth) {
  std::string SepText;
  Span SepWhere{};
  if (!plainLiteral(Sep, SepText, SepWhere) || SepText.size() > 4 ||
      SepText.find_first_of(" \t\r\n") != std::string::npos)
    return false;
  llvm::SmallVector<TSNode, 4> Pos, Kw;
  callArgs(Args, Pos, Kw);
  TSNode Seq = Pos.size() == 1 ? unparen(Pos[0]) : TSNode{};
  if (isNull(Seq) || (kind(Seq) != Sym::List && kind(Seq) != Sym::Tuple)) {
    addWild(Out);
    return true;
  }
  llvm::SmallVector<TSNode, 8> Elems;
  Lister.listNamed(Seq, Elems);
  bool First = true;
  for (TSNode E : Elems) {
    if (kind(E) == Sym::Comment)
      continue;
    if (kind(E) == Sym::ListSplat) {
      addWild(Out);
      First = false;
      continue;
    }
    if (!First && !SepText.empty())
      addCooked(Out, SepText);
    First = false;
    KeySegs Inner;
    if (!keySegs(E, Scope, Inner, Depth + 1))
      return false;
    Out.append(Inner.begin(), Inner.end());
  }
  return true;
}

/// The segments of a key expression. False when the expression cannot be
/// a state-dict key (bytes, a literal with whitespace or too long); a part
/// we cannot see into is `*`.
bool Extractor::keySegs(TSNode N, unsigned Scope, KeySegs &Out,
                        unsigned Depth) {
  N = unparen(N);
  if (isNull(N) || Depth > MaxKeyDepth || Out.size() > MaxKeySegs) {
    addWild(Out);
    return true;
  }
  switch (kind(N)) {
  case Sym::String:
    return stringSegs(N, Scope, Out, Depth);
  case Sym::ConcatenatedString: {
    llvm::SmallVector<TSNode, 4> Parts;
    Lister.listNamed(N, Parts);
    for (TSNode P : Parts)
      if (kind(P) == Sym::String && !stringSegs(P, Scope, Out, Depth + 1))
        return false;
    return true;
  }
  case Sym::Identifier: {
    Local *L = keyLocal(Scope, text(N));
    if (L && L->IsKey)
      Out.append(L->Key.begin(), L->Key.end());
    else
      addWild(Out);
    return true;
  }
  case Sym::BinaryOperator: {
    TSNode Op = field(N, G.Operator);
    std::string_view OpText = isNull(Op) ? "" : text(Op);
    TSNode L = field(N, G.Left), R = field(N, G.Right);
    if (OpText == "+")
      return keySegs(L, Scope, Out, Depth + 1) &&
             keySegs(R, Scope, Out, Depth + 1);
    Sym LK = kind(unparen(L));
    if (OpText == "%" && (LK == Sym::String || LK == Sym::ConcatenatedString))
      return percentSegs(L, R, Scope, Out, Depth);
    addWild(Out);
    return true;
  }
  case Sym::Call: {
    TSNode Fn = field(N, G.Function);
    if (!isNull(Fn) && kind(Fn) == Sym::Attribute) {
      std::string_view Method = text(field(Fn, G.AttributeField));
      TSNode Obj = unparen(field(Fn, G.Object));
      Sym OK = kind(Obj);
      bool Literal = OK == Sym::String || OK == Sym::ConcatenatedString;
      if (Method == "format" && Literal)
        return formatSegs(Obj, field(N, G.Arguments), Scope, Out, Depth);
      if (Method == "join" && OK == Sym::String)
        return joinSegs(Obj, field(N, G.Arguments), Scope, Out, Depth);
    }
    addWild(Out);
    return true;
  }
  case Sym::Integer:
  case Sym::Float:
  case Sym::True:
  case Sym::False:
  case Sym::None:
  case Sym::Tuple:
    return false; // not a string key
  default:
    addWild(Out);
    return true;
  }
}

/// A cheap syntactic filter: only these kinds can be string keys, so an
/// index such as `x[0]`, `x[:, 1]` or `x[i]` with no key local costs nothing.
bool Extractor::mayBeKey(TSNode N, unsigned Scope) {
  switch (kind(unparen(N))) {
  case Sym::String:
  case Sym::ConcatenatedString:
  case Sym::BinaryOperator:
  case Sym::Call:
    return true;
  case Sym::Identifier: {
    Local *L = keyLocal(Scope, text(unparen(N)));
    return L && L->IsKey;
  }
  default:
    return false;
  }
}

/// Fills Pattern, Pieces and Where of a key use; false when N is no string
/// key or has no constant text at all.
bool Extractor::keyFact(TSNode N, unsigned Scope, KeyUseFact &Out) {
  N = unparen(N);
  if (isNull(N) || !mayBeKey(N, Scope))
    return false;
  KeySegs Segs;
  if (!keySegs(N, Scope, Segs, 0))
    return false;
  bool AnyConst = false;
  Out.Pattern.clear();
  Out.Pieces.clear();
  for (const KeySeg &S : Segs) {
    if (S.K == KeySeg::Kind::Wild) {
      if (Out.Pattern.empty() || Out.Pattern.back() != '*')
        Out.Pattern += '*';
      continue;
    }
    Out.Pattern += S.Text;
    if (S.K == KeySeg::Kind::Const && !S.Text.empty()) {
      AnyConst = true;
      Out.Pieces.push_back(KeyPiece{S.Text, S.Where});
    }
  }
  if (!AnyConst || Out.Pattern.size() > MaxKeyPattern)
    return false;
  Out.Scope = Scope;
  Out.Where = spanOf(N);
  return true;
}

/// The local of Scope named Name, else of the enclosing scopes (module
/// constants such as `PREFIX = "transformer."`) unless a parameter of a
/// scope on the way shadows it.
Extractor::Local *Extractor::keyLocal(unsigned Scope, std::string_view Name) {
  unsigned S = Scope;
  for (unsigned Hops = 0; Hops < 64; ++Hops) {
    if (Local *L = findLocal(S, Name))
      return L;
    if (S == 0 || S >= F.Scopes.size())
      return nullptr;
    for (const ParamFact &P : F.Scopes[S].Params)
      if (P.Name == Name)
        return nullptr;
    S = F.Scopes[S].Parent;
  }
  return nullptr;
}

void Extractor::addKeyUse(KeyUseFact::Kind K, TSNode Key,
                          const std::string &Dict, const Ctx &Cx) {
  KeyUseFact U;
  if (!keyFact(Key, Cx.Scope, U))
    return;
  U.K = K;
  U.Dict = Dict;
  F.KeyUses.push_back(std::move(U));
}

/// `m.state_dict()` / `self.m.blocks[0].state_dict()`: the model chain.
bool Extractor::stateDictOf(TSNode Call, const Ctx &Cx, StateDictFact &Out) {
  Call = unparen(Call);
  if (isNull(Call) || kind(Call) != Sym::Call)
    return false;
  TSNode Fn = field(Call, G.Function);
  if (isNull(Fn) || kind(Fn) != Sym::Attribute ||
      text(field(Fn, G.AttributeField)) != "state_dict")
    return false;
  TSNode Obj = unparen(field(Fn, G.Object));
  Chain C;
  if (kind(Obj) == Sym::Identifier) {
    Out.Root.assign(text(Obj));
  } else if (getChain(Obj, C) && kind(C.Root) == Sym::Identifier) {
    Out.Root.assign(text(C.Root));
    pathOf(C, Out.Path);
  } else {
    return false;
  }
  if (Imported.count(Out.Root.str()))
    return false;
  Out.Scope = Cx.Scope;
  Out.Where = spanOf(Call);
  return true;
}

/// A `state_dict()` call used in place: a StateDictFact with the synthetic
/// variable `<sd@OFFSET>` (OFFSET: the call's first byte), or "".
std::string Extractor::syntheticStateDict(TSNode Call, const Ctx &Cx) {
  StateDictFact SD;
  if (!stateDictOf(Call, Cx, SD))
    return {};
  SD.Var = "<sd@" + std::to_string(ts_node_start_byte(unparen(Call))) + ">";
  std::string Var = SD.Var;
  F.StateDicts.push_back(std::move(SD));
  return Var;
}

/// The name of the dict an expression denotes: `sd`, `self.sd` (dotted,
/// as written), `<sd@N>` for `m.state_dict()`; `d.keys()` is `d`. Empty for
/// anything else and for imported roots (`os.environ`).
std::string Extractor::dictOf(TSNode Expr, const Ctx &Cx) {
  TSNode E = unparen(Expr);
  if (isNull(E))
    return {};
  Sym S = kind(E);
  if (S == Sym::Identifier) {
    std::string Name(text(E));
    return Imported.count(Name) ? std::string() : Name;
  }
  if (S == Sym::Attribute) {
    std::string Name;
    if (!dotted(E, Name) || Imported.count(Name.substr(0, Name.find('.'))))
      return {};
    return Name;
  }
  if (S == Sym::Call) {
    TSNode Fn = field(E, G.Function);
    if (!isNull(Fn) && kind(Fn) == Sym::Attribute &&
        text(field(Fn, G.AttributeField)) == "keys")
      return dictOf(field(Fn, G.Object), Cx);
    return syntheticStateDict(E, Cx);
  }
  return {};
}

/// `sd[key]`, `self.sd[key]`, `m.state_dict()[key]`: the first subscript
/// of the chain when everything before it is a dotted name. Store when it
/// is the assignment target itself, else Load.
void Extractor::chainKeyUse(const Chain &C, const Ctx &Cx, bool Target) {
  size_t I = 0;
  while (I < C.Links.size() && kind(C.Links[I]) == Sym::Attribute)
    ++I;
  if (I == C.Links.size())
    return;
  TSNode Index = onlyIndex(C.Links[I]);
  if (isNull(Index) || !mayBeKey(Index, Cx.Scope))
    return;
  KeyUseFact U;
  if (!keyFact(Index, Cx.Scope, U))
    return;
  std::string Dict;
  if (kind(C.Root) == Sym::Identifier) {
    Dict.assign(text(C.Root));
    if (Imported.count(Dict))
      return;
    for (size_t J = 0; J < I; ++J) {
      Dict += '.';
      Dict += text(field(C.Links[J], G.AttributeField));
    }
  } else if (I == 0) {
    Dict = syntheticStateDict(C.Root, Cx);
  }
  if (Dict.empty())
    return;
  U.K = Target && I + 1 == C.Links.size() ? KeyUseFact::Kind::Store
                                          : KeyUseFact::Kind::Load;
  U.Dict = std::move(Dict);
  F.KeyUses.push_back(std::move(U));
}

/// The keys of `{key: v, ...}` or `{key: v for ...}`.
void Extractor::dictLiteralKeys(TSNode Dict, const Ctx &Cx,
                                const std::string &Name, KeyUseFact::Kind K) {
  Dict = unparen(Dict);
  if (isNull(Dict))
    return;
  if (kind(Dict) == Sym::DictionaryComprehension) {
    TSNode Body = field(Dict, G.Body);
    if (!isNull(Body))
      addKeyUse(K, field(Body, G.Key), Name, Cx);
    return;
  }
  if (kind(Dict) != Sym::Dictionary)
    return;
  llvm::SmallVector<TSNode, 16> Pairs;
  Lister.listNamed(Dict, Pairs);
  for (TSNode P : Pairs)
    if (kind(P) == Sym::Pair)
      addKeyUse(K, field(P, G.Key), Name, Cx);
}

/// A string literal without interpolation (not concatenated): its text
/// and the span between its quotes.
bool Extractor::plainLiteral(TSNode N, std::string &Out, Span &Where) {
  N = unparen(N);
  return !isNull(N) && kind(N) == Sym::String && plainString(N, Out, &Where);
}

/// `{"gamma": "weight", ...}` or `[("gamma", "weight"), ...]`: every entry
/// str -> str (a dict may also map to None: a dropped key). Emits the
/// MapEntry facts and returns true; false (and nothing emitted) for any
/// other value.
bool Extractor::renameMap(TSNode Value, const Ctx &Cx,
                          const std::string &Name) {
  TSNode V = unparen(Value);
  if (isNull(V))
    return false;
  Sym S = kind(V);
  if (S != Sym::Dictionary && S != Sym::List && S != Sym::Tuple)
    return false;
  llvm::SmallVector<TSNode, 16> Items;
  Lister.listNamed(V, Items);
  std::vector<RenameFact> Out;
  for (TSNode Item : Items) {
    if (kind(Item) == Sym::Comment)
      continue;
    TSNode From{}, To{};
    if (S == Sym::Dictionary) {
      if (kind(Item) != Sym::Pair)
        return false;
      From = field(Item, G.Key);
      To = field(Item, G.Value);
    } else {
      Item = unparen(Item);
      if (kind(Item) != Sym::Tuple || ts_node_named_child_count(Item) != 2)
        return false;
      From = ts_node_named_child(Item, 0);
      To = ts_node_named_child(Item, 1);
    }
    RenameFact R;
    if (!plainLiteral(From, R.From, R.FromWhere))
      return false;
    // `"x.inv_freq": None` drops a key: part of the map, but no rename.
    if (S == Sym::Dictionary && kind(unparen(To)) == Sym::None)
      continue;
    if (!plainLiteral(To, R.To, R.ToWhere))
      return false;
    R.K = RenameFact::Kind::MapEntry;
    R.Scope = Cx.Scope;
    R.Map = Name;
    Out.push_back(std::move(R));
  }
  if (Out.empty())
    return false;
  for (RenameFact &R : Out)
    F.Renames.push_back(std::move(R));
  return true;
}

/// Facts of `name = value` beyond bindings: state_dict() bindings, dict
/// literals and rename maps, and local key strings for later uses.
void Extractor::assignedKeyFacts(TSNode Target, TSNode Value, const Ctx &Cx) {
  TSNode V = unparen(Value);
  if (isNull(V))
    return;
  // This runs for every assignment: one switch rejects the values that
  // can make no key fact before anything else is looked at.
  Sym S = kind(V);
  bool IsVar = kind(Target) == Sym::Identifier;
  switch (S) {
  case Sym::Dictionary:
  case Sym::DictionaryComprehension:
  case Sym::List:
  case Sym::Tuple:
    break;
  case Sym::String:
  case Sym::ConcatenatedString:
  case Sym::BinaryOperator:
  case Sym::Call:
  case Sym::Identifier:
    if (!IsVar)
      return;
    break;
  default:
    return;
  }
  // A long string (a docstring, a message) cannot be a key.
  if (S != Sym::Dictionary && S != Sym::DictionaryComprehension &&
      S != Sym::List && S != Sym::Tuple && S != Sym::Call &&
      endByte(V) - ts_node_start_byte(V) > MaxKeyPattern)
    return;
  std::string Name;
  if (IsVar)
    Name.assign(text(Target));
  else if (!dotted(Target, Name))
    return;
  auto Slot = [&]() -> Local & {
    if (Local *L = findLocal(Cx.Scope, Name))
      return *L;
    return setLocal(Cx.Scope, Name, Cx.Loop);
  };
  if (S == Sym::Dictionary || S == Sym::DictionaryComprehension) {
    bool IsMap = S == Sym::Dictionary && renameMap(V, Cx, Name);
    if (!IsMap)
      dictLiteralKeys(V, Cx, Name, KeyUseFact::Kind::DictLiteral);
    if (IsVar) {
      Local &L = Slot();
      L.IsDict = true;
      L.IsMap = IsMap;
    }
    return;
  }
  if (S == Sym::List || S == Sym::Tuple) {
    renameMap(V, Cx, Name);
    return;
  }
  if (S == Sym::Identifier) {
    // `p = prefix` copies a key string; `d = sd` a dict.
    Local *From = keyLocal(Cx.Scope, text(V));
    if (From && (From->IsKey || From->IsStr || From->IsDict)) {
      Local Copy = *From;
      Local &L = Slot();
      L.IsKey = Copy.IsKey;
      L.IsStr = Copy.IsStr;
      L.IsDict = Copy.IsDict;
      L.IsMap = Copy.IsMap;
      L.Key = std::move(Copy.Key);
    }
    return;
  }
  if (S == Sym::Call) {
    TSNode Fn = field(V, G.Function);
    Sym FK = kind(Fn);
    std::string_view Last = FK == Sym::Identifier  ? text(Fn)
                            : FK == Sym::Attribute ? text(field(Fn, G.AttributeField))
                                                   : std::string_view();
    if (Last == "state_dict") {
      StateDictFact SD;
      if (stateDictOf(V, Cx, SD)) {
        SD.Var = Name;
        F.StateDicts.push_back(std::move(SD));
      }
      Slot().IsDict = true;
      return;
    }
    if (Last == "load" || Last == "load_file" || Last == "OrderedDict" ||
        Last == "dict") {
      Slot().IsDict = true;
      return;
    }
    if (Last != "format" && Last != "join")
      return;
  } else if (S == Sym::BinaryOperator) {
    TSNode Op = field(V, G.Operator);
    std::string_view OpText = isNull(Op) ? "" : text(Op);
    if (OpText != "+" && OpText != "%")
      return;
  }
  KeySegs Segs;
  if (!keySegs(V, Cx.Scope, Segs, 0) || Segs.size() > MaxKeySegs)
    return;
  bool AnyConst = std::any_of(Segs.begin(), Segs.end(), [](const KeySeg &K) {
    return K.K == KeySeg::Kind::Const;
  });
  if (!AnyConst)
    return;
  Local &L = Slot();
  L.IsKey = true;
  L.Key.assign(Segs.begin(), Segs.end());
}

/// `prefix += ".attn"` extends a local key string.
void Extractor::augmentKey(TSNode Target, TSNode Value, const Ctx &Cx) {
  Local *L = findLocal(Cx.Scope, text(Target));
  if (!L || !L->IsKey)
    return;
  KeySegs Segs;
  if (!keySegs(Value, Cx.Scope, Segs, 0) ||
      L->Key.size() + Segs.size() > MaxKeySegs) {
    L->IsKey = false;
    L->Key.clear();
    return;
  }
  L->Key.insert(L->Key.end(), Segs.begin(), Segs.end());
}

/// `for k in sd`, `for k in sd.keys()`, `for k, v in sd.items()` (also in
/// comprehensions): k is a key string of unknown text. Any other loop
/// variable forgets what its name held.
void Extractor::markLoopVar(TSNode Left, TSNode Right, const Ctx &Cx) {
  Left = unparen(Left);
  if (isNull(Left))
    return;
  TSNode Var = Left;
  bool Pair = false;
  if (kind(Left) == Sym::PatternList || kind(Left) == Sym::TuplePattern) {
    if (ts_node_named_child_count(Left) != 2)
      return;
    Var = ts_node_named_child(Left, 0);
    Pair = true;
  }
  if (kind(Var) != Sym::Identifier)
    return;
  TSNode It = unparen(Right);
  // `list(...)`, `sorted(...)`, `tqdm(...)` around the iterable.
  for (int Peel = 0; Peel < 2 && !isNull(It) && kind(It) == Sym::Call;
       ++Peel) {
    TSNode Fn = field(It, G.Function);
    if (isNull(Fn) || kind(Fn) != Sym::Identifier)
      break;
    llvm::SmallVector<TSNode, 2> Pos, Kw;
    callArgs(field(It, G.Arguments), Pos, Kw);
    if (Pos.empty() || text(Fn) == "range" || text(Fn) == "enumerate" ||
        text(Fn) == "zip")
      break;
    It = unparen(Pos[0]);
  }
  bool Keys = false;
  if (!isNull(It) && kind(It) == Sym::Call) {
    TSNode Fn = field(It, G.Function);
    if (!isNull(Fn) && kind(Fn) == Sym::Attribute) {
      std::string_view M = text(field(Fn, G.AttributeField));
      Keys = Pair ? M == "items" : (M == "keys" || M == "state_dict");
    }
  } else if (!Pair && !isNull(It) && kind(It) == Sym::Identifier) {
    Local *L = keyLocal(Cx.Scope, text(It));
    Keys = L && L->IsDict;
  }
  std::string_view Name = text(Var);
  if (Keys)
    setLocal(Cx.Scope, Name, Cx.Loop).IsStr = true;
  else if (Local *L = findLocal(Cx.Scope, Name); L && (L->IsKey || L->IsStr))
    setLocal(Cx.Scope, Name, Cx.Loop);
}

/// `key in d` / `key not in d` is a Load of d; `"gamma" in k` with k a key
/// string is a substring rule.
void Extractor::handleComparison(TSNode N, const Ctx &Cx) {
  if (ts_node_named_child_count(N) != 2 || ts_node_child_count(N) != 3)
    return;
  const char *Op = ts_node_type(ts_node_child(N, 1));
  if (std::strcmp(Op, "in") != 0 && std::strcmp(Op, "not in") != 0)
    return;
  TSNode L = unparen(ts_node_named_child(N, 0));
  TSNode R = unparen(ts_node_named_child(N, 1));
  if (isNull(L) || isNull(R) || !mayBeKey(L, Cx.Scope))
    return;
  bool RightIsString = false;
  if (kind(R) == Sym::Identifier) {
    std::string_view Name = text(R);
    Local *RL = keyLocal(Cx.Scope, Name);
    if (RL && (RL->IsKey || RL->IsStr))
      RightIsString = true;
    else if (!(RL && RL->IsDict))
      RightIsString = isKeyishName(Name);
  } else if (kind(R) == Sym::Attribute &&
             isKeyishName(text(field(R, G.AttributeField)))) {
    return; // `"7b" in config.name`: a substring of some name, not a key.
  }
  if (RightIsString) {
    RenameFact R;
    if (!plainLiteral(L, R.From, R.FromWhere) || R.From.empty() ||
        R.From.find_first_of(" \t\r\n\\") != std::string::npos)
      return;
    R.K = RenameFact::Kind::SubstringTest;
    R.Scope = Cx.Scope;
    F.Renames.push_back(std::move(R));
    return;
  }
  std::string Dict = dictOf(R, Cx);
  if (!Dict.empty())
    addKeyUse(KeyUseFact::Kind::Load, L, Dict, Cx);
}

/// Key facts of a method call: `d.get(k)`, `d.pop(k)`, `d.setdefault(k,
/// v)`, `d.update({...})`, `k.replace(a, b)`, `re.sub(a, b, k)` and
/// `m.load_state_dict(...)`.
void Extractor::keyCall(TSNode Fn, TSNode Args, const Ctx &Cx) {
  if (isNull(Fn) || kind(Fn) != Sym::Attribute)
    return;
  std::string_view Method = text(field(Fn, G.AttributeField));
  if (Method != "get" && Method != "pop" && Method != "setdefault" &&
      Method != "update" && Method != "replace" && Method != "sub" &&
      Method != "load_state_dict")
    return;
  if (Method == "load_state_dict") {
    loadStateDict(Fn, Args, Cx);
    return;
  }
  // The first two positional arguments, without listing them all: these
  // methods are frequent and most calls are not about keys.
  TSNode Pos[2] = {};
  if (!isNull(Args) && kind(Args) == Sym::ArgumentList) {
    uint32_t Count = ts_node_named_child_count(Args), Got = 0;
    for (uint32_t I = 0; Got < 2 && I < Count; ++I) {
      TSNode A = ts_node_named_child(Args, I);
      Sym AK = kind(A);
      if (AK == Sym::Comment)
        continue;
      if (AK == Sym::KeywordArgument || AK == Sym::ListSplat ||
          AK == Sym::DictionarySplat)
        break;
      Pos[Got++] = A;
    }
  }
  TSNode Obj = field(Fn, G.Object);
  if (Method == "replace" || Method == "sub") {
    if (Method == "sub") {
      std::string Callee;
      if (!dotted(Fn, Callee) || (Callee != "re.sub" && Callee != "regex.sub"))
        return;
    }
    if (isNull(Pos[1]))
      return;
    RenameFact R;
    if (!plainLiteral(Pos[0], R.From, R.FromWhere) ||
        !plainLiteral(Pos[1], R.To, R.ToWhere) || R.From.empty() ||
        R.From.size() > MaxKeyLiteral || R.To.size() > MaxKeyLiteral ||
        R.From.find_first_of(" \t\r\n") != std::string::npos ||
        R.To.find_first_of(" \t\r\n") != std::string::npos)
      return;
    // Escapes (`"\n"`) are text, not key renames; a regex keeps them.
    if (Method == "replace" && (R.From.find('\\') != std::string::npos ||
                                R.To.find('\\') != std::string::npos))
      return;
    if (Method == "replace") {
      // `os.path.replace`-like module functions are no string renames.
      TSNode O = unparen(Obj);
      while (!isNull(O) && kind(O) == Sym::Attribute)
        O = unparen(field(O, G.Object));
      if (!isNull(O) && kind(O) == Sym::Identifier &&
          Imported.count(std::string(text(O))))
        return;
    }
    R.K = Method == "sub" ? RenameFact::Kind::RegexSub
                          : RenameFact::Kind::Replace;
    R.Scope = Cx.Scope;
    F.Renames.push_back(std::move(R));
    return;
  }
  if (isNull(Pos[0]))
    return;
  if (Method == "update") {
    TSNode D = unparen(Pos[0]);
    if (kind(D) != Sym::Dictionary && kind(D) != Sym::DictionaryComprehension)
      return;
    std::string Dict = dictOf(Obj, Cx);
    if (Dict.empty())
      return;
    // `weight_map.update({...})` adds renames to a rename map.
    TSNode O = unparen(Obj);
    Local *M = kind(O) == Sym::Identifier ? keyLocal(Cx.Scope, text(O))
                                          : nullptr;
    if (M && M->IsMap && kind(D) == Sym::Dictionary && renameMap(D, Cx, Dict))
      return;
    dictLiteralKeys(D, Cx, Dict, KeyUseFact::Kind::Store);
    return;
  }
  if (!mayBeKey(Pos[0], Cx.Scope))
    return;
  std::string Dict = dictOf(Obj, Cx);
  if (Dict.empty())
    return;
  addKeyUse(Method == "setdefault" ? KeyUseFact::Kind::Store
                                   : KeyUseFact::Kind::Load,
            Pos[0], Dict, Cx);
}

/// `m.load_state_dict(sd, strict=False)`. An argument that is no name gets
/// a synthetic one, `<arg@OFFSET>` (OFFSET: its first byte): a dict
/// literal's DictLiteral key uses carry it, and a call's result is bound to
/// it by an Instance BindingFact; `other.state_dict()` is `<sd@OFFSET>`.
void Extractor::loadStateDict(TSNode Fn, TSNode Args, const Ctx &Cx) {
  LoadStateDictFact L;
  TSNode Obj = unparen(field(Fn, G.Object));
  Chain C;
  if (!isNull(Obj) && kind(Obj) == Sym::Identifier) {
    L.Receiver.assign(text(Obj));
  } else if (getChain(Obj, C) && kind(C.Root) == Sym::Identifier) {
    L.Receiver.assign(text(C.Root));
    pathOf(C, L.Path);
  } else {
    return;
  }
  if (Imported.count(L.Receiver.str()))
    return;
  L.Scope = Cx.Scope;
  L.Where = spanOf(field(Fn, G.AttributeField));
  llvm::SmallVector<TSNode, 4> Pos, Kw;
  callArgs(Args, Pos, Kw);
  TSNode Arg = !Pos.empty() ? Pos[0] : TSNode{};
  TSNode Strict = Pos.size() > 1 ? Pos[1] : TSNode{};
  for (TSNode K : Kw) {
    std::string_view Name = text(field(K, G.Name));
    if (Name == "state_dict")
      Arg = field(K, G.Value);
    else if (Name == "strict")
      Strict = field(K, G.Value);
  }
  Arg = unparen(Arg);
  if (!isNull(Arg)) {
    Sym S = kind(Arg);
    if (S == Sym::Identifier || S == Sym::Attribute) {
      dotted(Arg, L.Argument);
    } else if (S == Sym::Dictionary || S == Sym::DictionaryComprehension) {
      L.Argument = "<arg@" + std::to_string(ts_node_start_byte(Arg)) + ">";
      dictLiteralKeys(Arg, Cx, L.Argument, KeyUseFact::Kind::DictLiteral);
    } else if (S == Sym::Call) {
      L.Argument = syntheticStateDict(Arg, Cx);
      TSNode ArgFn = field(Arg, G.Function);
      if (L.Argument.empty() && isDotted(ArgFn)) {
        // `m.load_state_dict(convert(tf))` is `sd = convert(tf)` with a
        // name no code can write: the same Instance binding lets the
        // linker follow the dict a project function returns (or see that
        // `torch.load(p)` gives keys nobody can know).
        L.Argument = "<arg@" + std::to_string(ts_node_start_byte(Arg)) + ">";
        BindingFact B;
        B.K = BindingFact::Kind::Instance;
        B.Scope = Cx.Scope;
        B.Var = L.Argument;
        std::string Callee;
        dotted(ArgFn, Callee);
        B.Callee = Callee;
        B.Where = spanOf(Arg);
        F.Bindings.push_back(std::move(B));
      }
    }
  }
  Strict = unparen(Strict);
  if (!isNull(Strict)) {
    L.StrictGiven = true;
    if (kind(Strict) == Sym::True)
      L.Strict = true;
    else if (kind(Strict) == Sym::False)
      L.Strict = false;
  }
  F.LoadStateDicts.push_back(std::move(L));
}

} // namespace

namespace {

/// Whether C may continue a code such as `PL101`.
bool isCodeChar(char C) {
  return (C >= 'A' && C <= 'Z') || (C >= '0' && C <= '9');
}

/// The `# noqa` directives of a file. Only a `#` followed by blanks and
/// `noqa` (in any case) is looked at, and a directive counts only when its
/// `#` starts or sits inside a comment node, so `"# noqa"` in a string
/// never suppresses. The scan looks for `#` with memchr: every file is
/// scanned, and a search for the letters of `noqa` stopped at every `n`.
void extractSuppressions(std::string_view Text, TSNode Root,
                         std::vector<SuppressionFact> &Out) {
  const Grammar &G = Grammar::get();
  for (size_t Hash = 0; (Hash = Text.find('#', Hash)) != std::string_view::npos;
       ++Hash) {
    size_t At = Hash + 1;
    while (At < Text.size() && (Text[At] == ' ' || Text[At] == '\t'))
      ++At;
    if (At + 4 > Text.size() || (Text[At] | 0x20) != 'n' ||
        (Text[At + 1] | 0x20) != 'o' || (Text[At + 2] | 0x20) != 'q' ||
        (Text[At + 3] | 0x20) != 'a')
      continue;
    size_t End = At + 4;
    if (End < Text.size() && (std::isalnum(static_cast<unsigned char>(Text[End])) ||
                              Text[End] == '_'))
      continue; // `# noqaX` is no directive.
    TSNode Comment = ts_node_descendant_for_byte_range(
        Root, static_cast<uint32_t>(Hash), static_cast<uint32_t>(Hash + 1));
    if (G.of(Comment) != Sym::Comment)
      continue;
    SuppressionFact S;
    S.Comment = spanOf(Comment);
    size_t CommentEnd = S.Comment.End;
    if (End < CommentEnd && Text[End] == ':') {
      // Codes: letters then digits, separated by commas and blanks.
      size_t P = End + 1;
      while (true) {
        size_t Q = P;
        while (Q < CommentEnd && (Text[Q] == ' ' || Text[Q] == '\t' ||
                                  (Text[Q] == ',' && !S.Codes.empty())))
          ++Q;
        size_t B = Q;
        while (Q < CommentEnd && Text[Q] >= 'A' && Text[Q] <= 'Z')
          ++Q;
        size_t Digits = Q;
        while (Q < CommentEnd && Text[Q] >= '0' && Text[Q] <= '9')
          ++Q;
        if (Digits == B || Q == Digits || (Q < CommentEnd && isCodeChar(Text[Q])))
          break;
        S.Codes.push_back({std::string(Text.substr(B, Q - B)),
                           Span{static_cast<uint32_t>(B), static_cast<uint32_t>(Q)}});
        P = End = Q;
      }
    }
    S.Where = Span{static_cast<uint32_t>(Hash), static_cast<uint32_t>(End)};
    Out.push_back(std::move(S));
    Hash = End - 1;
  }
}

/// Keeps only the calls that can bind a parameter at a call site. The
/// linker reads a call only when its callee resolves to a project function
/// (Linker::buildCallIndex), and a Python callee can resolve to one only
/// through its head: a module-level function of the file called by its bare
/// name, an imported name (or a module-level alias, an import fact too), or
/// anything when the file star-imports. The others (`x.view(...)`,
/// `self.conv(h)`, a class's constructor) never bind, and every file's facts
/// are held for the whole run.
void dropCallsThatCannotBind(FileFacts &F) {
  std::set<std::string_view> Functions, Imported;
  for (size_t S = 1; S < F.Scopes.size(); ++S)
    if (F.Scopes[S].Parent == 0 && F.Scopes[S].Class.empty())
      Functions.insert(F.Scopes[S].Name);
  for (const ImportFact &I : F.Imports) {
    if (I.Alias == "*")
      return;
    Imported.insert(I.Alias);
  }
  F.Calls.erase(std::remove_if(F.Calls.begin(), F.Calls.end(),
                               [&](const CallFact &C) {
                                 std::string_view Callee = C.Callee;
                                 size_t Dot = Callee.find('.');
                                 std::string_view Head = Callee.substr(0, Dot);
                                 return !Imported.count(Head) &&
                                        !(Dot == std::string_view::npos &&
                                          Functions.count(Head));
                               }),
                F.Calls.end());
}

} // namespace

FileFacts extractPythonFacts(const SourceFile &File) {
  return extractPythonFactsWithin(File, 0);
}

FileFacts extractPythonFactsWithin(const SourceFile &File, double TimeoutSeconds) {
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
  bool TimedOut = false;
  // The tree and everything the extraction keeps of it die before the
  // arena: nothing in the facts points into the tree.
  py::ParseArenaScope Arena;
  py::TreePtr Tree = py::parseWithThreadParser(
      File.text(), static_cast<uint64_t>(std::max(0.0, TimeoutSeconds) * 1e6),
      &TimedOut);
  if (!Tree) {
    ParseProblem P;
    P.Message = TimedOut ? fmt::format("skipped: took too long (parsing ran past "
                                       "the per-file budget of {} s; raise "
                                       "`file-timeout` in the config)",
                                       TimeoutSeconds)
                         : "file could not be parsed";
    P.TimedOut = TimedOut;
    Facts.Problems.push_back(std::move(P));
    Facts.Scopes.emplace_back();
    Facts.Scopes.back().Name = "<module>";
    return Facts;
  }
  Extractor E(File.text(), Facts);
  E.run(ts_tree_root_node(Tree.get()));
  extractNormSemantics(File.text(), E.classNodes(), Facts);
  extractConfigClasses(File.text(), ts_tree_root_node(Tree.get()), Facts);
  extractSuppressions(File.text(), ts_tree_root_node(Tree.get()),
                      Facts.Suppressions);
  // Every file's facts are held until the checks are done.
  dropCallsThatCannotBind(Facts);
  compactFacts(Facts);
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
