//===- python/NormSemantics.cpp - What a norm class's forward computes ----===//
#include "python/NormSemantics.h"

#include "graph/NormLayer.h"
#include "graph/NormTerms.h"
#include "python/PythonSyntax.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace paramlint {
namespace {
using namespace py;
using namespace norm;

/// Text with whitespace and brackets removed, for comparing dims.
std::string dimText(std::string_view S) {
  std::string Out;
  for (char C : S)
    if (!std::isspace(static_cast<unsigned char>(C)) && C != '(' && C != ')' &&
        C != '[' && C != ']')
      Out += C;
  while (!Out.empty() && Out.back() == ',')
    Out.pop_back();
  return Out;
}

bool containsNoCase(std::string_view Hay, std::string_view Needle) {
  auto It = std::search(Hay.begin(), Hay.end(), Needle.begin(), Needle.end(),
                        [](char A, char B) {
                          return std::tolower(static_cast<unsigned char>(A)) ==
                                 std::tolower(static_cast<unsigned char>(B));
                        });
  return It != Hay.end();
}

/// A function's parameters after `self`: names and default value nodes.
struct FnParams {
  std::vector<std::string> Names;
  std::vector<TSNode> Defaults; ///< Null nodes where there is no default.
};

/// The classes of the file by name: a subclass's `super().forward(x)` and
/// inherited `__init__` and parameters are read from its base here.
struct FileClasses {
  std::map<std::string, std::pair<const ClassFact *, TSNode>> ByName;
};

/// What `__init__` says about the attributes forward reads.
struct InitInfo {
  FnParams Params;
  std::map<std::string, TSNode> SelfValues; ///< First `self.X = value`.
};

class ClassReader {
public:
  ClassReader(std::string_view Text, const ClassFact &C,
              const std::set<std::string> &Namespaces, const FileClasses &Others)
      : Text(Text), Class(C), Namespaces(Namespaces), Others(Others),
        G(Grammar::get()) {}

  /// Reads the class body; returns the fact, or nullopt when the class is
  /// not a norm.
  std::optional<NormSemanticsFact> read(TSNode Body);

private:
  using Env = std::map<std::string, TermP>;

  std::string_view text(TSNode N) const {
    Span S = spanOf(N);
    return Text.substr(S.Begin, S.End - S.Begin);
  }
  std::string shortText(Span S) const {
    return reasonText(Text.substr(S.Begin, S.End - S.Begin));
  }
  std::string_view typeOf(TSNode N) const { return ts_node_type(N); }
  std::vector<TSNode> named(TSNode N) {
    llvm::SmallVector<TSNode, 8> Out;
    Lister.listNamed(N, Out);
    return std::vector<TSNode>(Out.begin(), Out.end());
  }
  FnParams paramsOf(TSNode Fn);
  void readInit(TSNode Fn);
  void collectSelfAssignments(TSNode Block, unsigned Depth);
  std::vector<TermP> evalFunction(TSNode Fn, const std::vector<TermP> &Args,
                                  unsigned Depth);
  void runBlock(TSNode Block, Env &E, std::vector<TermP> &Returns,
                unsigned Depth);
  void runStatement(TSNode S, Env &E, std::vector<TermP> &Returns,
                    unsigned Depth);
  void assign(TSNode Target, TSNode Value, Env &E, unsigned Depth);
  TermP eval(TSNode N, Env &E, unsigned Depth);
  TermP evalCall(TSNode N, Env &E, unsigned Depth);
  TermP varianceCall(Op K, TermP Recv, const std::vector<TSNode> &Rest,
                     const std::map<std::string, TSNode> &Kw, TSNode Args,
                     Span Where);
  bool isParam(const std::string &Name) const;
  bool isNamespace(TSNode N) const;

  void resolveEps(const TermP &T, NormSemanticsFact &F);
  void resolveWidth(NormSemanticsFact &F);

  std::string_view Text;
  const ClassFact &Class;
  const std::set<std::string> &Namespaces;
  const FileClasses &Others;
  const Grammar &G;
  /// This class and its project bases in the file, nearest first, with
  /// their methods.
  std::vector<std::pair<const ClassFact *, std::map<std::string, TSNode>>> Lineage;
  void readLineage(TSNode Body);
  ChildLister Lister;
  std::map<std::string, TSNode> Methods;
  InitInfo Init;
  bool SawNormOp = false;
  bool Upcast = false;
};

bool ClassReader::isParam(const std::string &Name) const {
  for (const auto &[C, Ms] : Lineage)
    for (const MemberFact &M : C->Members)
      if (M.Name == Name && M.Kind == MemberKind::Parameter)
        return true;
  return false;
}

void ClassReader::readLineage(TSNode Body) {
  auto MethodsOf = [&](TSNode B) {
    std::map<std::string, TSNode> Out;
    for (TSNode S : named(B)) {
      TSNode Def = S;
      if (G.of(S) == Sym::DecoratedDefinition)
        Def = ts_node_child_by_field_id(S, G.Definition);
      if (G.of(Def) == Sym::FunctionDefinition)
        Out[std::string(text(ts_node_child_by_field_id(Def, G.Name)))] = Def;
    }
    return Out;
  };
  Lineage.push_back({&Class, MethodsOf(Body)});
  // The first base that is a class of this file, then its first, ...
  const ClassFact *C = &Class;
  for (unsigned Depth = 0; Depth < 8; ++Depth) {
    const std::pair<const ClassFact *, TSNode> *Base = nullptr;
    for (const std::string &B : C->Bases) {
      auto It = Others.ByName.find(B);
      if (It != Others.ByName.end() && It->second.first != C) {
        Base = &It->second;
        break;
      }
    }
    if (!Base)
      break;
    C = Base->first;
    Lineage.push_back({C, MethodsOf(Base->second)});
  }
}

bool ClassReader::isNamespace(TSNode N) const {
  std::string_view T = text(N);
  size_t Dot = T.find('.');
  std::string First(T.substr(0, Dot));
  return Namespaces.count(First) != 0;
}

FnParams ClassReader::paramsOf(TSNode Fn) {
  FnParams P;
  TSNode Ps = ts_node_child_by_field_id(Fn, G.ParametersField);
  bool First = true;
  for (TSNode C : named(Ps)) {
    std::string Name;
    TSNode Default{};
    switch (G.of(C)) {
    case Sym::Identifier:
      Name = std::string(text(C));
      break;
    case Sym::TypedParameter:
      Name = std::string(text(ts_node_named_child(C, 0)));
      break;
    case Sym::DefaultParameter:
    case Sym::TypedDefaultParameter:
      Name = std::string(text(ts_node_child_by_field_id(C, G.Name)));
      Default = ts_node_child_by_field_id(C, G.Value);
      break;
    default:
      continue; // *args, **kwargs, `/`, `*`.
    }
    if (First) {
      First = false; // self
      continue;
    }
    P.Names.push_back(Name);
    P.Defaults.push_back(Default);
  }
  return P;
}

void ClassReader::collectSelfAssignments(TSNode Block, unsigned Depth) {
  if (Depth > 8)
    return;
  for (TSNode S : named(Block)) {
    Sym K = G.of(S);
    if (K == Sym::ExpressionStatement) {
      TSNode A = ts_node_named_child(S, 0);
      if (G.of(A) != Sym::Assignment)
        continue;
      TSNode L = ts_node_child_by_field_id(A, G.Left);
      TSNode R = ts_node_child_by_field_id(A, G.Right);
      if (G.of(L) != Sym::Attribute || isNull(R))
        continue;
      TSNode Obj = ts_node_child_by_field_id(L, G.Object);
      if (text(Obj) != "self")
        continue;
      std::string Name(text(ts_node_child_by_field_id(L, G.AttributeField)));
      Init.SelfValues.emplace(Name, R);
      continue;
    }
    if (K == Sym::Block || K == Sym::IfStatement || K == Sym::ElifClause ||
        K == Sym::ElseClause || K == Sym::WithStatement || K == Sym::TryStatement)
      collectSelfAssignments(S, Depth + 1);
  }
}

void ClassReader::readInit(TSNode Fn) {
  Init.Params = paramsOf(Fn);
  collectSelfAssignments(ts_node_child_by_field_id(Fn, G.Body), 0);
}

std::vector<TermP> ClassReader::evalFunction(TSNode Fn,
                                             const std::vector<TermP> &Args,
                                             unsigned Depth) {
  FnParams P = paramsOf(Fn);
  Env E;
  for (size_t I = 0; I < P.Names.size(); ++I) {
    if (I < Args.size()) {
      E[P.Names[I]] = Args[I];
    } else if (Args.empty() && I == 0) {
      E[P.Names[I]] = make(Op::Input, spanOf(Fn));
    } else if (!isNull(P.Defaults[I])) {
      E[P.Names[I]] = eval(P.Defaults[I], E, Depth + 1);
    } else {
      E[P.Names[I]] = unknown("argument `" + P.Names[I] + "`", spanOf(Fn));
    }
  }
  std::vector<TermP> Returns;
  runBlock(ts_node_child_by_field_id(Fn, G.Body), E, Returns, Depth);
  return Returns;
}

void ClassReader::runBlock(TSNode Block, Env &E, std::vector<TermP> &Returns,
                           unsigned Depth) {
  for (TSNode S : named(Block))
    runStatement(S, E, Returns, Depth);
}

void ClassReader::runStatement(TSNode S, Env &E, std::vector<TermP> &Returns,
                               unsigned Depth) {
  Sym K = G.of(S);
  if (K == Sym::ExpressionStatement) {
    TSNode A = ts_node_named_child(S, 0);
    if (G.of(A) == Sym::Assignment) {
      assign(ts_node_child_by_field_id(A, G.Left),
             ts_node_child_by_field_id(A, G.Right), E, Depth);
    } else if (G.of(A) == Sym::AugmentedAssignment) {
      TSNode L = ts_node_child_by_field_id(A, G.Left);
      TSNode R = ts_node_child_by_field_id(A, G.Right);
      std::string_view OpText = text(ts_node_child_by_field_id(A, G.Operator));
      if (G.of(L) != Sym::Identifier)
        return;
      std::string Name(text(L));
      TermP Old = E.count(Name) ? E[Name] : unknown("`" + Name + "`", spanOf(L));
      TermP New = eval(R, E, Depth);
      Op O = OpText == "+=" ? Op::Add : OpText == "-=" ? Op::Sub
           : OpText == "*=" ? Op::Mul : OpText == "/=" ? Op::Div : Op::Unknown;
      E[Name] = O == Op::Unknown ? unknown("`" + std::string(OpText) + "`", spanOf(A))
                                 : make(O, spanOf(A), {Old, New});
    }
    return;
  }
  if (typeOf(S) == "return_statement") {
    std::vector<TSNode> Kids = named(S);
    if (!Kids.empty())
      Returns.push_back(eval(Kids[0], E, Depth));
    return;
  }
  if (K == Sym::IfStatement) {
    // Each branch runs on its own copy; a variable the branches leave
    // different (beyond dtype casts, which are stripped) is unknown.
    std::vector<Env> Outcomes;
    bool HasElse = false;
    for (TSNode C : named(S)) {
      TSNode Body{};
      if (G.of(C) == Sym::Block)
        Body = C;
      else if (G.of(C) == Sym::ElifClause)
        Body = ts_node_child_by_field_id(C, G.Consequence);
      else if (G.of(C) == Sym::ElseClause) {
        Body = ts_node_child_by_field_id(C, G.Body);
        HasElse = true;
      }
      if (isNull(Body))
        continue;
      Env Branch = E;
      runBlock(Body, Branch, Returns, Depth);
      Outcomes.push_back(std::move(Branch));
    }
    if (!HasElse)
      Outcomes.push_back(E);
    std::set<std::string> Names;
    for (const Env &O : Outcomes)
      for (const auto &KV : O)
        Names.insert(KV.first);
    for (const std::string &N : Names) {
      TermP First;
      bool Agree = true;
      for (const Env &O : Outcomes) {
        auto It = O.find(N);
        TermP V = It == O.end() ? nullptr : It->second;
        if (!First)
          First = V;
        else if (!same(First, V) && First.get() != V.get())
          Agree = false;
      }
      E[N] = Agree && First ? First
                            : unknown("`" + N + "` depends on a condition", spanOf(S));
    }
    return;
  }
  if (K == Sym::WithStatement) {
    runBlock(ts_node_child_by_field_id(S, G.Body), E, Returns, Depth);
    return;
  }
}

void ClassReader::assign(TSNode Target, TSNode Value, Env &E, unsigned Depth) {
  if (isNull(Value))
    return;
  if (G.of(Target) == Sym::Identifier) {
    E[std::string(text(Target))] = eval(Value, E, Depth);
    return;
  }
  if (G.of(Target) == Sym::PatternList || G.of(Target) == Sym::TuplePattern ||
      G.of(Target) == Sym::ExpressionList) {
    std::vector<TSNode> Names = named(Target);
    // `var, mean = torch.var_mean(x, ...)`: the variance and the mean.
    if (G.of(Value) == Sym::Call && Names.size() == 2) {
      TSNode Fn = ts_node_child_by_field_id(Value, G.Function);
      std::string_view FnText = text(Fn);
      bool VarMean = FnText.size() >= 8 && FnText.substr(FnText.size() - 8) == "var_mean";
      bool StdMean = FnText.size() >= 8 && FnText.substr(FnText.size() - 8) == "std_mean";
      if (VarMean || StdMean) {
        TermP V = eval(Value, E, Depth);
        if (V->K == Op::Var || V->K == Op::Std) {
          E[std::string(text(Names[0]))] = V;
          auto M = make(Op::Mean, V->Where, {V->Args[0]});
          std::const_pointer_cast<Term>(M)->Name = V->Name;
          E[std::string(text(Names[1]))] = M;
          return;
        }
      }
    }
    for (TSNode N : Names)
      if (G.of(N) == Sym::Identifier)
        E[std::string(text(N))] = unknown("tuple assignment", spanOf(Target));
  }
}

TermP ClassReader::eval(TSNode N, Env &E, unsigned Depth) {
  Span W = spanOf(N);
  if (Depth > 48)
    return unknown("expression too deep", W);
  switch (G.of(N)) {
  case Sym::ParenthesizedExpression: {
    std::vector<TSNode> Kids = named(N);
    return Kids.size() == 1 ? eval(Kids[0], E, Depth + 1)
                            : unknown("`" + shortText(W) + "`", W);
  }
  case Sym::Identifier: {
    std::string Name(text(N));
    auto It = E.find(Name);
    if (It != E.end())
      return It->second;
    return unknown("`" + Name + "`", W);
  }
  case Sym::Integer:
  case Sym::Float: {
    if (auto V = numberLiteral(text(N)))
      return num(*V, W);
    return unknown("`" + shortText(W) + "`", W);
  }
  case Sym::None:
    return make(Op::NoneLit, W);
  case Sym::UnaryOperator: {
    std::vector<TSNode> Kids = named(N);
    if (Kids.empty())
      return unknown("`" + shortText(W) + "`", W);
    TermP A = eval(Kids.back(), E, Depth + 1);
    std::string_view T = text(N);
    if (!T.empty() && T[0] == '+')
      return A;
    if (!T.empty() && T[0] == '-')
      return A->K == Op::Num ? num(-A->Value, W) : make(Op::Neg, W, {A});
    return unknown("`" + shortText(W) + "`", W);
  }
  case Sym::BinaryOperator: {
    TSNode L = ts_node_child_by_field_id(N, G.Left);
    TSNode R = ts_node_child_by_field_id(N, G.Right);
    std::string_view OpText = text(ts_node_child_by_field_id(N, G.Operator));
    TermP A = eval(L, E, Depth + 1), B = eval(R, E, Depth + 1);
    Op O = OpText == "+" ? Op::Add : OpText == "-" ? Op::Sub
         : OpText == "*" ? Op::Mul : OpText == "/" ? Op::Div
         : OpText == "**" ? Op::Pow : Op::Unknown;
    if (O == Op::Unknown)
      return unknown("operator `" + std::string(OpText) + "`", W);
    if (O == Op::Pow && A->K != Op::Num && B->K == Op::Num &&
        std::fabs(std::fabs(B->Value) - 0.5) < 1e-12)
      SawNormOp = true;
    return binary(O, A, B, W, spanOf(L), spanOf(R));
  }
  case Sym::Attribute: {
    TSNode Obj = ts_node_child_by_field_id(N, G.Object);
    std::string Attr(text(ts_node_child_by_field_id(N, G.AttributeField)));
    if (text(Obj) == "self") {
      auto T = std::const_pointer_cast<Term>(
          make(isParam(Attr) ? Op::Param : Op::Attr, W));
      T->Name = Attr;
      return T;
    }
    return unknown("`" + shortText(W) + "`", W);
  }
  case Sym::Subscript: {
    // `self.weight[:, None, None]`: a broadcast view of the parameter.
    TermP V = eval(ts_node_child_by_field_id(N, G.Value), E, Depth + 1);
    if (V->K == Op::Param)
      return V;
    return unknown("`" + shortText(W) + "`", W);
  }
  case Sym::Call:
    return evalCall(N, E, Depth);
  default:
    return unknown("`" + shortText(W) + "`", W);
  }
}

TermP ClassReader::varianceCall(Op K, TermP Recv, const std::vector<TSNode> &Rest,
                                const std::map<std::string, TSNode> &Kw,
                                TSNode Args, Span Where) {
  SawNormOp = true;
  auto T = std::const_pointer_cast<Term>(make(K, Where, {Recv}));
  T->ArgsWhere = spanOf(Args);
  auto Flag = [&](TSNode V, const std::string &Name) {
    T->FlagWhere = spanOf(V);
    T->FlagName = Name;
    Sym S = G.of(V);
    if (Name == "correction") {
      auto C = S == Sym::Integer || S == Sym::Float ? numberLiteral(text(V)) : std::nullopt;
      if (C && (*C == 0 || *C == 1))
        T->Unbiased = *C == 1;
      else
        T->FlagProblem = "correction=" + std::string(text(V));
      return;
    }
    if (S == Sym::True || S == Sym::False)
      T->Unbiased = S == Sym::True;
    else
      T->FlagProblem = (Name.empty() ? std::string() : Name + "=") +
                       std::string(text(V));
  };
  size_t I = 0;
  if (I < Rest.size() && G.of(Rest[I]) != Sym::True && G.of(Rest[I]) != Sym::False)
    T->Name = dimText(text(Rest[I++]));
  if (I < Rest.size())
    Flag(Rest[I], "");
  for (const auto &[Name, V] : Kw) {
    if (Name == "dim" || Name == "axis")
      T->Name = dimText(text(V));
    else if (Name == "unbiased" || Name == "correction")
      Flag(V, Name);
  }
  return T;
}

TermP ClassReader::evalCall(TSNode N, Env &E, unsigned Depth) {
  Span W = spanOf(N);
  TSNode Fn = ts_node_child_by_field_id(N, G.Function);
  TSNode Args = ts_node_child_by_field_id(N, G.Arguments);
  std::vector<TSNode> Pos;
  std::map<std::string, TSNode> Kw;
  for (TSNode A : named(Args)) {
    if (G.of(A) == Sym::KeywordArgument)
      Kw[std::string(text(ts_node_child_by_field_id(A, G.Name)))] =
          ts_node_child_by_field_id(A, G.Value);
    else if (G.of(A) == Sym::Comment)
      continue;
    else if (G.of(A) == Sym::ListSplat || G.of(A) == Sym::DictionarySplat)
      return unknown("`" + shortText(W) + "`", W);
    else
      Pos.push_back(A);
  }
  std::string Method;
  TermP Recv;
  TSNode RecvNode{}; // The receiver as written (for rewrites of clamp).
  std::vector<TSNode> Rest;
  if (G.of(Fn) == Sym::Attribute) {
    TSNode Obj = ts_node_child_by_field_id(Fn, G.Object);
    Method = std::string(text(ts_node_child_by_field_id(Fn, G.AttributeField)));
    if (text(Obj) == "self") {
      auto M = Methods.find(Method);
      if (M == Methods.end() || Depth > 24)
        return unknown("call `self." + Method + "`", W);
      std::vector<TermP> Bound;
      for (TSNode A : Pos)
        Bound.push_back(eval(A, E, Depth + 1));
      if (Bound.empty())
        return unknown("call `self." + Method + "()`", W);
      std::vector<TermP> R = evalFunction(M->second, Bound, Depth + 2);
      if (R.empty())
        return unknown("`self." + Method + "` returns nothing", W);
      for (const TermP &T : R)
        if (!same(T, R[0]))
          return unknown("`self." + Method + "` returns different values", W);
      return R[0];
    }
    // `super().forward(x)`, `super(Cls, self).forward(x)`: the nearest base
    // of the file that defines the method, with its own helpers.
    if (G.of(Obj) == Sym::Call &&
        text(ts_node_child_by_field_id(Obj, G.Function)) == "super") {
      for (size_t I = 1; I < Lineage.size(); ++I) {
        auto M = Lineage[I].second.find(Method);
        if (M == Lineage[I].second.end())
          continue;
        if (Depth > 24)
          break;
        std::vector<TermP> Bound;
        for (TSNode A : Pos)
          Bound.push_back(eval(A, E, Depth + 1));
        if (Bound.empty())
          break;
        std::map<std::string, TSNode> Saved = Methods;
        Methods = Lineage[I].second;
        std::vector<TermP> R = evalFunction(M->second, Bound, Depth + 2);
        Methods = std::move(Saved);
        if (R.empty())
          return unknown("`super()." + Method + "` returns nothing", W);
        for (const TermP &T : R)
          if (!same(T, R[0]))
            return unknown("`super()." + Method + "` returns different values", W);
        return R[0];
      }
      return unknown("call `super()." + Method + "`", W);
    }
    if (isNamespace(Obj)) {
      if (Pos.empty() && Method != "layer_norm" && Method != "rms_norm")
        return unknown("call `" + shortText(spanOf(Fn)) + "`", W);
      if (!Pos.empty()) {
        Recv = eval(Pos[0], E, Depth + 1);
        RecvNode = Pos[0];
        Rest.assign(Pos.begin() + 1, Pos.end());
      }
    } else {
      Recv = eval(Obj, E, Depth + 1);
      RecvNode = Obj;
      Rest = Pos;
    }
  } else if (G.of(Fn) == Sym::Identifier) {
    Method = std::string(text(Fn));
    if (!Pos.empty()) {
      Recv = eval(Pos[0], E, Depth + 1);
      RecvNode = Pos[0];
      Rest.assign(Pos.begin() + 1, Pos.end());
    }
  } else {
    return unknown("call `" + shortText(W) + "`", W);
  }
  auto Arg = [&](size_t I, const char *Name) -> TSNode {
    auto K = Kw.find(Name);
    if (K != Kw.end())
      return K->second;
    return I < Rest.size() ? Rest[I] : TSNode{};
  };
  auto EvalOpt = [&](TSNode A) -> TermP {
    return isNull(A) ? nullptr : eval(A, E, Depth + 1);
  };

  if (Method == "layer_norm" || Method == "rms_norm") {
    SawNormOp = true;
    if (!Recv)
      Recv = EvalOpt(Kw.count("input") ? Kw["input"] : TSNode{});
    bool Ln = Method == "layer_norm";
    auto T = make(Ln ? Op::LayerNormCall : Op::RmsNormCall, W,
                  {Recv, EvalOpt(Arg(1, "weight")),
                   Ln ? EvalOpt(Arg(2, "bias")) : nullptr,
                   EvalOpt(Arg(Ln ? 3 : 2, "eps"))});
    return T;
  }
  if (!Recv)
    return unknown("call `" + shortText(W) + "`", W);
  if (Method == "float" || Method == "double") {
    Upcast = true;
    return Recv;
  }
  if (Method == "to") {
    for (TSNode A : Pos)
      if (text(A) == "torch.float32" || text(A) == "torch.float")
        Upcast = true;
    if (Kw.count("dtype") &&
        (text(Kw["dtype"]) == "torch.float32" || text(Kw["dtype"]) == "torch.float"))
      Upcast = true;
    return Recv;
  }
  if (Method == "type_as" || Method == "type" || Method == "half" ||
      Method == "bfloat16" || Method == "contiguous")
    return Recv;
  if (Method == "mean") {
    auto T = std::const_pointer_cast<Term>(make(Op::Mean, W, {Recv}));
    TSNode D = Arg(0, "dim");
    if (isNull(D) && Kw.count("axis"))
      D = Kw["axis"];
    if (!isNull(D))
      T->Name = dimText(text(D));
    return T;
  }
  if (Method == "var" || Method == "std" || Method == "var_mean" ||
      Method == "std_mean")
    return varianceCall(Method[0] == 'v' ? Op::Var : Op::Std, Recv, Rest, Kw,
                        Args, W);
  if (Method == "sqrt" || Method == "rsqrt") {
    SawNormOp = true;
    return make(Method == "sqrt" ? Op::Sqrt : Op::Rsqrt, W, {Recv});
  }
  if (Method == "pow" || Method == "square") {
    TermP Exp = Method == "square" ? num(2, W) : EvalOpt(Arg(0, "exponent"));
    if (!Exp)
      return unknown("`" + shortText(W) + "`", W);
    if (Exp->K == Op::Num && std::fabs(std::fabs(Exp->Value) - 0.5) < 1e-12)
      SawNormOp = true;
    return make(Op::Pow, W, {Recv, Exp});
  }
  if (Method == "clamp" || Method == "clamp_min" || Method == "clip") {
    TSNode MinNode = Arg(0, "min");
    TermP Min = EvalOpt(MinNode);
    if (!Min || (Method != "clamp_min" && !isNull(Arg(1, "max"))))
      return unknown("`" + shortText(W) + "`", W);
    auto T = std::const_pointer_cast<Term>(make(Op::Clamp, W, {Recv, Min}));
    // The clamped value and the bound as written: PL402 rewrites them.
    if (!isNull(RecvNode))
      T->LeftWhere = spanOf(RecvNode);
    T->RightWhere = spanOf(MinNode);
    return T;
  }
  if (Method == "add" || Method == "sub" || Method == "mul" || Method == "div") {
    if (Rest.size() != 1 || !Kw.empty())
      return unknown("`" + shortText(W) + "`", W);
    Op O = Method == "add" ? Op::Add : Method == "sub" ? Op::Sub
         : Method == "mul" ? Op::Mul : Op::Div;
    return make(O, W, {Recv, eval(Rest[0], E, Depth + 1)});
  }
  return unknown("call `" + Method + "`", W);
}

void ClassReader::resolveEps(const TermP &T, NormSemanticsFact &F) {
  std::string Attr = "self." + T->Name;
  auto It = Init.SelfValues.find(T->Name);
  if (It == Init.SelfValues.end()) {
    F.EpsOrigin = "`" + Attr + "` (not set in __init__)";
    return;
  }
  TSNode V = It->second;
  Sym S = G.of(V);
  if (S == Sym::UnaryOperator || S == Sym::Integer || S == Sym::Float ||
      S == Sym::BinaryOperator) {
    Env Empty;
    TermP N = eval(V, Empty, 0);
    if (N->K == Op::Num) {
      F.EpsValue = N->Value;
      F.EpsOrigin = "`" + Attr + "` = literal";
      return;
    }
  }
  if (S == Sym::Identifier) {
    std::string Name(text(V));
    const auto &Names = Init.Params.Names;
    auto P = std::find(Names.begin(), Names.end(), Name);
    if (P != Names.end()) {
      size_t I = P - Names.begin();
      F.EpsParam = Name;
      F.EpsParamIndex = static_cast<int>(I);
      TSNode D = Init.Params.Defaults[I];
      Env Empty;
      TermP N = isNull(D) ? nullptr : eval(D, Empty, 0);
      if (N && N->K == Op::Num) {
        F.EpsValue = N->Value;
        F.EpsOrigin = "default of `" + Name + "`";
      } else {
        F.EpsOrigin = "argument `" + Name + "` of __init__";
      }
      return;
    }
  }
  // `cfg["eps"]`, `config.layer_norm_eps`: a configuration value.
  if (S == Sym::Subscript) {
    std::string Key(text(ts_node_child_by_field_id(V, G.SubscriptField)));
    if (Key.size() >= 2 && (Key[0] == '"' || Key[0] == '\''))
      Key = Key.substr(1, Key.size() - 2);
    F.EpsOrigin = "config key `" + Key + "`";
    F.EpsConfigKey = Key;
    return;
  }
  if (S == Sym::Attribute) {
    std::string Key(text(ts_node_child_by_field_id(V, G.AttributeField)));
    F.EpsOrigin = "config key `" + Key + "`";
    F.EpsConfigKey = Key;
    return;
  }
  F.EpsOrigin = "`" + Attr + " = " + shortText(spanOf(V)) + "`";
}

void ClassReader::resolveWidth(NormSemanticsFact &F) {
  const std::string &Member = !F.Scale.empty() ? F.Scale : F.Shift;
  auto It = Init.SelfValues.find(Member);
  if (Member.empty() || It == Init.SelfValues.end())
    return;
  // nn.Parameter(torch.ones(dim)) (possibly `... if bias else None`).
  TSNode V = It->second;
  if (G.of(V) == Sym::ConditionalExpression)
    V = ts_node_named_child(V, 0);
  for (int Level = 0; Level < 2 && G.of(V) == Sym::Call; ++Level) {
    std::vector<TSNode> A = named(ts_node_child_by_field_id(V, G.Arguments));
    if (A.empty())
      return;
    V = A[0];
  }
  if (G.of(V) == Sym::Integer) {
    if (auto N = numberLiteral(text(V)))
      F.WidthValue = static_cast<unsigned>(*N);
    return;
  }
  if (G.of(V) != Sym::Identifier)
    return;
  const auto &Names = Init.Params.Names;
  auto P = std::find(Names.begin(), Names.end(), std::string(text(V)));
  if (P != Names.end()) {
    F.WidthParam = *P;
    F.WidthParamIndex = static_cast<int>(P - Names.begin());
  }
}

std::optional<NormSemanticsFact> ClassReader::read(TSNode Body) {
  readLineage(Body);
  Methods = Lineage.front().second;
  auto Fwd = Methods.find("forward");
  if (Fwd == Methods.end())
    return std::nullopt;
  // A copy: evaluating a `super()` call swaps Methods out and back, which
  // leaves an iterator into it dangling (ASan found it).
  const TSNode Forward = Fwd->second;
  // The nearest `__init__`, inherited when the class has none.
  for (const auto &[C, Ms] : Lineage)
    if (auto Ctor = Ms.find("__init__"); Ctor != Ms.end()) {
      readInit(Ctor->second);
      break;
    }
  // Class-level `eps = 1e-6`.
  for (TSNode S : named(Body)) {
    if (G.of(S) != Sym::ExpressionStatement)
      continue;
    TSNode A = ts_node_named_child(S, 0);
    TSNode L = ts_node_child_by_field_id(A, G.Left);
    if (G.of(A) == Sym::Assignment && G.of(L) == Sym::Identifier)
      Init.SelfValues.emplace(std::string(text(L)),
                              ts_node_child_by_field_id(A, G.Right));
  }

  std::vector<TermP> Returns = evalFunction(Forward, {}, 0);
  NormClassifier C;
  C.ShortText = [this](Span S) { return shortText(S); };
  C.ResolveEps = [this](const TermP &T, NormSemanticsFact &F) { resolveEps(T, F); };
  std::optional<NormSemanticsFact> Result =
      classifyForward(C, Returns, containsNoCase(Class.Name, "norm") && SawNormOp);
  if (!Result)
    return std::nullopt;
  Result->Upcast = Upcast;
  Result->Forward = spanOf(ts_node_child_by_field_id(Forward, G.Name));
  if (Result->K != NormSemanticsFact::Kind::Unknown)
    resolveWidth(*Result);
  return Result;
}

/// The names that denote torch (or math) namespaces in this file: `torch`,
/// `F`, `nn`, and whatever the imports bind to a torch module.
std::set<std::string> namespacesOf(const FileFacts &Facts) {
  std::set<std::string> Out{"torch", "F", "math", "nn"};
  for (const ImportFact &I : Facts.Imports) {
    if (I.IsAssignment)
      continue;
    bool Torchy = I.Module.rfind("torch", 0) == 0 || I.Module == "math";
    if (!Torchy)
      continue;
    // `from torch.nn import functional as F`, `import torch.nn.functional as F`.
    bool IsModule = I.Name.empty() || I.Name == "functional" || I.Name == "nn";
    if (IsModule && !I.Alias.empty())
      Out.insert(I.Alias);
  }
  return Out;
}

} // namespace

void extractNormSemantics(std::string_view Text,
                          const std::vector<TSNode> &ClassNodes,
                          FileFacts &Facts) {
  const Grammar &G = Grammar::get();
  if (ClassNodes.size() != Facts.Classes.size())
    return;
  // Only a class whose own body defines `forward` can be a norm (read()
  // looks no further); Methods lists every method the frontend saw in the
  // body, so the others are skipped without being read. They stay in
  // Others: a norm's `super()` calls and inherited `__init__` read them.
  std::vector<size_t> Candidates;
  FileClasses Others;
  for (size_t I = 0; I < ClassNodes.size(); ++I) {
    const ClassFact &F = Facts.Classes[I];
    Others.ByName.emplace(F.Name, std::make_pair(&F, ts_node_child_by_field_id(
                                                         ClassNodes[I], G.Body)));
    if (std::find(F.Methods.begin(), F.Methods.end(), "forward") != F.Methods.end())
      Candidates.push_back(I);
  }
  if (Candidates.empty())
    return;
  std::set<std::string> Namespaces = namespacesOf(Facts);
  for (size_t I : Candidates) {
    ClassReader R(Text, Facts.Classes[I], Namespaces, Others);
    Facts.Classes[I].Norm = R.read(ts_node_child_by_field_id(ClassNodes[I], G.Body));
  }
}

} // namespace paramlint
