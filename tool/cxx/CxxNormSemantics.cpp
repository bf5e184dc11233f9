//===- cxx/CxxNormSemantics.cpp - Norm semantics of C++ code --------------===//
#include "cxx/CxxNormSemantics.h"

#include "graph/NormTerms.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace paramlint {
namespace {
using namespace clang;
using namespace norm;

/// E without what the source does not spell: implicit casts, temporaries,
/// copies, parentheses.
const Expr *bare(const Expr *E) {
  for (int I = 0; E && I < 16; ++I) {
    const Expr *Before = E;
    E = E->IgnoreUnlessSpelledInSource()->IgnoreParens();
    // `c10::optional<Tensor>(weight)`, `Scalar(eps)`: one converted value.
    if (const auto *C = dyn_cast<CXXConstructExpr>(E))
      if (C->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(C))
        E = C->getArg(0);
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      E = F->getSubExpr();
    if (const auto *L = dyn_cast<CXXStdInitializerListExpr>(E))
      E = L->getSubExpr();
    if (E == Before)
      break;
  }
  return E;
}

std::string nameOf(const NamedDecl *D) {
  return D && D->getDeclName().isIdentifier() ? D->getName().str() : "";
}

std::string calleeOf(const CallExpr *C) {
  if (const FunctionDecl *F = C->getDirectCallee())
    return nameOf(F);
  return "";
}

/// The written arguments of a call from First on, each with the parameter
/// it binds (null for variadic), defaults left out.
std::vector<std::pair<const Expr *, const ParmVarDecl *>>
writtenArgs(const CallExpr *C, unsigned First) {
  std::vector<std::pair<const Expr *, const ParmVarDecl *>> Out;
  const FunctionDecl *F = C->getDirectCallee();
  for (unsigned I = First; I < C->getNumArgs(); ++I) {
    const Expr *A = C->getArg(I);
    if (isa<CXXDefaultArgExpr>(A))
      continue;
    const ParmVarDecl *P = F && I < F->getNumParams() ? F->getParamDecl(I) : nullptr;
    Out.push_back({A, P});
  }
  return Out;
}

/// A number the expression is as a constant: a literal, arithmetic on
/// literals, a const variable initialised so, or a member's in-class
/// initialiser (the default of a config struct's field). Origin says which.
std::optional<double> constantOf(const Expr *E, ASTContext &Ctx, std::string &Origin,
                                 unsigned Depth = 0) {
  E = bare(E);
  if (!E || Depth > 8)
    return std::nullopt;
  if (!E->isValueDependent() && !E->isTypeDependent()) {
    Expr::EvalResult R;
    if (E->EvaluateAsRValue(R, Ctx) && !R.HasSideEffects) {
      if (R.Val.isFloat()) {
        // `1e-5f` is a float: its value as a double.
        llvm::APFloat F = R.Val.getFloat();
        bool Loses = false;
        F.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &Loses);
        Origin = "literal";
        return F.convertToDouble();
      }
      if (R.Val.isInt()) {
        Origin = "literal";
        return static_cast<double>(R.Val.getInt().getSExtValue());
      }
    }
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
      if (V->getType().isConstQualified() && V->getInit() && !isa<ParmVarDecl>(V)) {
        std::string Inner;
        if (auto X = constantOf(V->getInit(), Ctx, Inner, Depth + 1)) {
          Origin = "constant `" + nameOf(V) + "`";
          return X;
        }
      }
  if (const auto *M = dyn_cast<MemberExpr>(E))
    if (const auto *F = dyn_cast<FieldDecl>(M->getMemberDecl()))
      if (const Expr *Init = F->getInClassInitializer()) {
        std::string Inner;
        if (auto X = constantOf(Init, Ctx, Inner, Depth + 1)) {
          Origin = "default of `" + F->getParent()->getQualifiedNameAsString() +
                   "::" + nameOf(F) + "`";
          return X;
        }
      }
  return std::nullopt;
}

/// The source text of a span, on one line and shortened.
std::string shortTextOf(llvm::StringRef Text, Span S) {
  if (S.End <= S.Begin || S.End > Text.size())
    return "?";
  llvm::StringRef Source = Text.substr(S.Begin, S.End - S.Begin);
  return reasonText(std::string_view(Source.data(), Source.size()));
}

//===-- libtorch forward ------------------------------------------------===//

class ForwardReader {
public:
  ForwardReader(const CXXRecordDecl &R, ASTContext &Ctx, const CxxSpans &Spans)
      : R(R), Ctx(Ctx), Spans(Spans) {}

  std::optional<NormSemanticsFact> read();

private:
  using Env = std::map<const VarDecl *, TermP>;

  Span spanOf(SourceRange Range) const {
    std::optional<Span> S = Spans.SpanOf(Range);
    return S ? *S : Span{};
  }
  std::string shortText(Span S) const { return shortTextOf(Spans.Text, S); }

  void readConstructors();
  void run(const Stmt *S, Env &E, std::vector<TermP> &Returns, unsigned Depth);
  TermP eval(const Expr *E, Env &Vars, unsigned Depth);
  TermP evalCall(const CallExpr *C, Env &Vars, unsigned Depth);
  TermP varianceCall(Op K, TermP Recv, const CallExpr *C, unsigned First, Span W);
  void resolveEps(const TermP &T, NormSemanticsFact &F);
  void resolveWidth(NormSemanticsFact &F);
  const FieldDecl *field(const std::string &Name) const;

  const CXXRecordDecl &R;
  ASTContext &Ctx;
  const CxxSpans &Spans;
  /// Members a constructor registers, by their state name.
  std::map<const FieldDecl *, std::string> Registered;
  /// The first value a constructor gives each member, and that
  /// constructor.
  std::map<const FieldDecl *, std::pair<const Expr *, const CXXConstructorDecl *>> Given;
  bool SawNormOp = false;
  bool Upcast = false;
};

const FieldDecl *ForwardReader::field(const std::string &Name) const {
  for (const FieldDecl *F : R.fields())
    if (nameOf(F) == Name)
      return F;
  return nullptr;
}

/// The register_parameter call E is (through the holder's conversions).
const CXXMemberCallExpr *registerParameterIn(const Expr *E) {
  const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(bare(E));
  if (!MC || calleeOf(MC) != "register_parameter" || MC->getNumArgs() < 2)
    return nullptr;
  return MC;
}

void ForwardReader::readConstructors() {
  auto Give = [&](const FieldDecl *F, const Expr *V, const CXXConstructorDecl *C) {
    if (!F || !V)
      return;
    Given.emplace(F, std::make_pair(V, C));
    if (const CXXMemberCallExpr *Reg = registerParameterIn(V))
      if (const auto *Lit = dyn_cast<StringLiteral>(bare(Reg->getArg(0))))
        Registered.emplace(F, Lit->getString().str());
  };
  for (const CXXConstructorDecl *Ctor : R.ctors()) {
    const FunctionDecl *Def = nullptr;
    if (!Ctor->hasBody(Def))
      continue;
    const auto *C = cast<CXXConstructorDecl>(Def);
    for (const CXXCtorInitializer *I : C->inits())
      if (I->isWritten() && I->getMember())
        Give(I->getMember(), I->getInit(), C);
    // `weight = register_parameter(...)`, `eps = e;` in the body.
    std::vector<const Stmt *> Work{C->getBody()};
    while (!Work.empty()) {
      const Stmt *S = Work.back();
      Work.pop_back();
      if (!S)
        continue;
      const Expr *L = nullptr, *V = nullptr;
      if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign) {
        L = BO->getLHS();
        V = BO->getRHS();
      } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
                 Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
        L = Op->getArg(0);
        V = Op->getArg(1);
      }
      if (L)
        if (const auto *M = dyn_cast<MemberExpr>(bare(L)))
          if (isa<CXXThisExpr>(bare(M->getBase())))
            Give(dyn_cast<FieldDecl>(M->getMemberDecl()), V, C);
      for (const Stmt *Child : S->children())
        Work.push_back(Child);
    }
  }
}

TermP ForwardReader::eval(const Expr *E, Env &Vars, unsigned Depth) {
  E = bare(E);
  if (!E)
    return unknown("nothing", Span{});
  Span W = spanOf(E->getSourceRange());
  if (Depth > 48)
    return unknown("expression too deep", W);
  if (const auto *F = dyn_cast<FloatingLiteral>(E))
    return num(F->getValueAsApproximateDouble(), W);
  if (const auto *I = dyn_cast<IntegerLiteral>(E))
    return num(static_cast<double>(I->getValue().getSExtValue()), W);
  if (const auto *U = dyn_cast<UnaryOperator>(E)) {
    TermP A = eval(U->getSubExpr(), Vars, Depth + 1);
    if (U->getOpcode() == UO_Plus)
      return A;
    if (U->getOpcode() == UO_Minus)
      return A->K == Op::Num ? num(-A->Value, W) : make(Op::Neg, W, {A});
    return unknown("`" + shortText(W) + "`", W);
  }
  auto Binary = [&](BinaryOperatorKind K, const Expr *L, const Expr *Rt) -> TermP {
    Op O = K == BO_Add ? Op::Add : K == BO_Sub ? Op::Sub : K == BO_Mul ? Op::Mul
         : K == BO_Div ? Op::Div : Op::Unknown;
    if (O == Op::Unknown)
      return unknown("`" + shortText(W) + "`", W);
    return binary(O, eval(L, Vars, Depth + 1), eval(Rt, Vars, Depth + 1), W,
                  spanOf(bare(L)->getSourceRange()), spanOf(bare(Rt)->getSourceRange()));
  };
  if (const auto *B = dyn_cast<BinaryOperator>(E))
    return Binary(B->getOpcode(), B->getLHS(), B->getRHS());
  if (const auto *Op_ = dyn_cast<CXXOperatorCallExpr>(E)) {
    OverloadedOperatorKind K = Op_->getOperator();
    if (Op_->getNumArgs() == 2) {
      BinaryOperatorKind BK = K == OO_Plus ? BO_Add : K == OO_Minus ? BO_Sub
                            : K == OO_Star ? BO_Mul : K == OO_Slash ? BO_Div : BO_Comma;
      return Binary(BK, Op_->getArg(0), Op_->getArg(1));
    }
    if (Op_->getNumArgs() == 1 && K == OO_Minus)
      return make(Op::Neg, W, {eval(Op_->getArg(0), Vars, Depth + 1)});
    return unknown("`" + shortText(W) + "`", W);
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
      auto It = Vars.find(V);
      if (It != Vars.end())
        return It->second;
      std::string Origin;
      if (auto X = constantOf(E, Ctx, Origin))
        return num(*X, W);
    }
    return unknown("`" + nameOf(Ref->getDecl()) + "`", W);
  }
  if (const auto *M = dyn_cast<MemberExpr>(E)) {
    const auto *F = dyn_cast<FieldDecl>(M->getMemberDecl());
    if (F && isa<CXXThisExpr>(bare(M->getBase()))) {
      auto Reg = Registered.find(F);
      auto T = std::const_pointer_cast<Term>(
          make(Reg != Registered.end() ? Op::Param : Op::Attr, W));
      T->Name = Reg != Registered.end() ? Reg->second : nameOf(F);
      return T;
    }
    return unknown("`" + shortText(W) + "`", W);
  }
  if (const auto *C = dyn_cast<CallExpr>(E))
    return evalCall(C, Vars, Depth);
  return unknown("`" + shortText(W) + "`", W);
}

/// A dim argument as written, without blanks and braces: `{-1}` is `-1`.
std::string dimText(llvm::StringRef Text, Span S) {
  std::string Out;
  if (S.End <= S.Begin || S.End > Text.size())
    return Out;
  for (char C : Text.substr(S.Begin, S.End - S.Begin))
    if (!std::isspace(static_cast<unsigned char>(C)) && C != '{' && C != '}')
      Out += C;
  return Out;
}

TermP ForwardReader::varianceCall(Op K, TermP Recv, const CallExpr *C,
                                  unsigned First, Span W) {
  SawNormOp = true;
  auto T = std::const_pointer_cast<Term>(make(K, W, {std::move(Recv)}));
  for (const auto &[A, P] : writtenArgs(C, First)) {
    std::string Param = nameOf(P);
    Span AW = spanOf(bare(A)->getSourceRange());
    if (Param == "dim") {
      T->Name = dimText(Spans.Text, AW);
    } else if (Param == "unbiased" || Param == "correction") {
      T->FlagWhere = AW;
      T->FlagName = Param;
      const Expr *V = bare(A);
      if (const auto *B = dyn_cast<CXXBoolLiteralExpr>(V)) {
        T->Unbiased = B->getValue();
      } else if (const auto *I = dyn_cast<IntegerLiteral>(V);
                 I && Param == "correction" && I->getValue().ule(1)) {
        T->Unbiased = I->getValue() == 1;
      } else {
        T->FlagProblem = Param + "=" + shortText(AW);
      }
    }
  }
  return T;
}

TermP ForwardReader::evalCall(const CallExpr *C, Env &Vars, unsigned Depth) {
  Span W = spanOf(C->getSourceRange());
  std::string Name = calleeOf(C);
  TermP Recv;
  unsigned First = 0;
  const Expr *RecvExpr = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C)) {
    RecvExpr = MC->getImplicitObjectArgument();
    Recv = eval(RecvExpr, Vars, Depth + 1);
  } else {
    const FunctionDecl *F = C->getDirectCallee();
    std::string Qual = F ? F->getQualifiedNameAsString() : "";
    bool Torch = Qual.rfind("torch::", 0) == 0 || Qual.rfind("at::", 0) == 0 ||
                 Qual.rfind("std::", 0) == 0 || Qual == Name;
    if (!Torch || C->getNumArgs() == 0)
      return unknown("call `" + shortText(W) + "`", W);
    RecvExpr = C->getArg(0);
    Recv = eval(RecvExpr, Vars, Depth + 1);
    First = 1;
  }
  auto Args = writtenArgs(C, First);
  auto Arg = [&](size_t I) -> const Expr * { return I < Args.size() ? Args[I].first : nullptr; };
  auto Named = [&](const char *P) -> const Expr * {
    for (const auto &[A, D] : Args)
      if (nameOf(D) == P)
        return A;
    return nullptr;
  };
  if (Name == "layer_norm") {
    // torch::layer_norm(input, normalized_shape, weight, bias, eps).
    SawNormOp = true;
    auto Opt = [&](const char *P) -> TermP {
      const Expr *A = Named(P);
      if (!A)
        return nullptr;
      // `{}`, `c10::nullopt`, `torch::Tensor()`: absent.
      const Expr *B = bare(A);
      const auto *Ref = dyn_cast<DeclRefExpr>(B);
      const auto *Temp = dyn_cast<CXXTemporaryObjectExpr>(B);
      if (isa<CXXNullPtrLiteralExpr>(B) || isa<CXXScalarValueInitExpr>(B) ||
          (Ref && nameOf(Ref->getDecl()) == "nullopt") || (Temp && Temp->getNumArgs() == 0) ||
          (isa<InitListExpr>(B) && cast<InitListExpr>(B)->getNumInits() == 0))
        return make(Op::NoneLit, spanOf(A->getSourceRange()));
      return eval(A, Vars, Depth + 1);
    };
    return make(Op::LayerNormCall, W, {Recv, Opt("weight"), Opt("bias"), Opt("eps")});
  }
  if (Name == "to" || Name == "toType") {
    for (const auto &[A, P] : Args) {
      Span AW = spanOf(bare(A)->getSourceRange());
      std::string T = shortText(AW);
      if (T.find("kFloat") != std::string::npos || T.find("Float32") != std::string::npos ||
          T == "torch::kF32")
        Upcast = true;
    }
    return Recv;
  }
  if (Name == "type_as" || Name == "contiguous" || Name == "clone" || Name == "detach" ||
      Name == "toBackend")
    return Recv;
  if (Name == "mean") {
    auto T = std::const_pointer_cast<Term>(make(Op::Mean, W, {Recv}));
    if (const Expr *D = Named("dim"))
      T->Name = dimText(Spans.Text, spanOf(bare(D)->getSourceRange()));
    return T;
  }
  if (Name == "var" || Name == "std")
    return varianceCall(Name == "var" ? Op::Var : Op::Std, Recv, C, First, W);
  if (Name == "sqrt" || Name == "rsqrt") {
    if (Recv->K == Op::Num && Name == "sqrt")
      return num(std::sqrt(Recv->Value), W);
    SawNormOp = true;
    return make(Name == "sqrt" ? Op::Sqrt : Op::Rsqrt, W, {Recv});
  }
  if (Name == "pow" || Name == "square") {
    TermP Exp = Name == "square" ? num(2, W)
                : Arg(0)        ? eval(Arg(0), Vars, Depth + 1)
                                : nullptr;
    if (!Exp)
      return unknown("`" + shortText(W) + "`", W);
    if (Exp->K == Op::Num && std::fabs(std::fabs(Exp->Value) - 0.5) < 1e-12)
      SawNormOp = true;
    return make(Op::Pow, W, {Recv, Exp});
  }
  if (Name == "clamp" || Name == "clamp_min") {
    const Expr *Min = Named("min") ? Named("min") : Arg(0);
    if (!Min || (Name == "clamp" && Named("max")))
      return unknown("`" + shortText(W) + "`", W);
    auto T = std::const_pointer_cast<Term>(
        make(Op::Clamp, W, {Recv, eval(Min, Vars, Depth + 1)}));
    // The clamped value and the bound as written: PL402 rewrites them.
    T->LeftWhere = spanOf(bare(RecvExpr)->getSourceRange());
    T->RightWhere = spanOf(bare(Min)->getSourceRange());
    return T;
  }
  if (Name == "add" || Name == "sub" || Name == "mul" || Name == "div") {
    if (Args.size() != 1)
      return unknown("`" + shortText(W) + "`", W);
    Op O = Name == "add" ? Op::Add : Name == "sub" ? Op::Sub
         : Name == "mul" ? Op::Mul : Op::Div;
    return make(O, W, {Recv, eval(Arg(0), Vars, Depth + 1)});
  }
  return unknown("call `" + Name + "`", W);
}

void ForwardReader::run(const Stmt *S, Env &E, std::vector<TermP> &Returns,
                        unsigned Depth) {
  if (!S || Depth > 32)
    return;
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    for (const Stmt *C : CS->body())
      run(C, E, Returns, Depth + 1);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit())
        E[V] = eval(V->getInit(), E, 0);
    return;
  }
  if (const auto *Ret = dyn_cast<ReturnStmt>(S)) {
    if (Ret->getRetValue())
      Returns.push_back(eval(Ret->getRetValue(), E, 0));
    return;
  }
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    // Each branch on its own copy; a variable the branches leave different
    // is unknown.
    std::vector<Env> Outcomes;
    for (const Stmt *Branch : {If->getThen(), If->getElse()}) {
      Env Copy = E;
      if (Branch)
        run(Branch, Copy, Returns, Depth + 1);
      Outcomes.push_back(std::move(Copy));
    }
    std::set<const VarDecl *> Names;
    for (const Env &O : Outcomes)
      for (const auto &KV : O)
        Names.insert(KV.first);
    for (const VarDecl *N : Names) {
      auto A = Outcomes[0].find(N), B = Outcomes[1].find(N);
      TermP X = A == Outcomes[0].end() ? nullptr : A->second;
      TermP Y = B == Outcomes[1].end() ? nullptr : B->second;
      E[N] = X && Y && (X.get() == Y.get() || same(X, Y))
                 ? X
                 : unknown("`" + nameOf(N) + "` depends on a condition",
                           spanOf(If->getSourceRange()));
    }
    return;
  }
  // `x = ...`, `x += ...` on a local.
  const Expr *L = nullptr, *V = nullptr;
  Op Compound = Op::Unknown;
  bool Assign = false;
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    L = BO->getLHS();
    V = BO->getRHS();
    Assign = BO->getOpcode() == BO_Assign;
  } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S); OC && OC->getNumArgs() == 2) {
    L = OC->getArg(0);
    V = OC->getArg(1);
    OverloadedOperatorKind K = OC->getOperator();
    Assign = K == OO_Equal;
    Compound = K == OO_PlusEqual ? Op::Add : K == OO_MinusEqual ? Op::Sub
             : K == OO_StarEqual ? Op::Mul : K == OO_SlashEqual ? Op::Div : Op::Unknown;
  }
  if (!L)
    return;
  const auto *Ref = dyn_cast<DeclRefExpr>(bare(L));
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var)
    return;
  Span W = spanOf(S->getSourceRange());
  if (Assign) {
    E[Var] = eval(V, E, 0);
  } else if (Compound != Op::Unknown) {
    TermP Old = E.count(Var) ? E[Var] : unknown("`" + nameOf(Var) + "`", W);
    E[Var] = make(Compound, W, {Old, eval(V, E, 0)});
  } else {
    E[Var] = unknown("`" + shortText(W) + "`", W);
  }
}

void ForwardReader::resolveEps(const TermP &T, NormSemanticsFact &F) {
  const FieldDecl *Field = field(T->Name);
  std::string Member = "this->" + T->Name;
  auto It = Field ? Given.find(Field) : Given.end();
  if (It != Given.end()) {
    const Expr *V = bare(It->second.first);
    const CXXConstructorDecl *Ctor = It->second.second;
    // `eps(eps)` from a constructor parameter: its default is the value, an
    // instance's argument overrides it.
    if (const auto *Ref = dyn_cast<DeclRefExpr>(V))
      if (const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
        F.EpsParam = nameOf(P);
        F.EpsParamIndex = static_cast<int>(P->getFunctionScopeIndex());
        std::string Origin;
        if (P->hasDefaultArg() && !P->hasUninstantiatedDefaultArg())
          if (auto X = constantOf(P->getDefaultArg(), Ctx, Origin)) {
            F.EpsValue = *X;
            F.EpsOrigin = "default of `" + F.EpsParam + "`";
            return;
          }
        F.EpsOrigin = "argument `" + F.EpsParam + "` of " +
                      (Ctor ? Ctor->getNameAsString() : std::string("the constructor"));
        return;
      }
    std::string Origin;
    if (auto X = constantOf(V, Ctx, Origin)) {
      F.EpsValue = *X;
      F.EpsOrigin = Origin == "literal" ? "`" + Member + "` = literal"
                                        : "`" + Member + "` = " + Origin;
      return;
    }
    // `eps(cfg.norm_eps)` whose struct has no default: a config key.
    if (const auto *M = dyn_cast<MemberExpr>(V)) {
      F.EpsConfigKey = nameOf(M->getMemberDecl());
      F.EpsOrigin = "config key `" + F.EpsConfigKey + "`";
      return;
    }
    F.EpsOrigin = "`" + Member + " = " + shortText(spanOf(V->getSourceRange())) + "`";
    return;
  }
  if (Field && Field->getInClassInitializer()) {
    std::string Origin;
    if (auto X = constantOf(Field->getInClassInitializer(), Ctx, Origin)) {
      F.EpsValue = *X;
      F.EpsOrigin = "`" + T->Name + "` initialiser";
      return;
    }
  }
  F.EpsOrigin = "`" + Member + "` (not set in a constructor)";
}

void ForwardReader::resolveWidth(NormSemanticsFact &F) {
  const std::string &Member = !F.Scale.empty() ? F.Scale : F.Shift;
  for (const auto &[Field, State] : Registered) {
    if (State != Member)
      continue;
    auto It = Given.find(Field);
    if (It == Given.end())
      return;
    // register_parameter("weight", torch::ones(d)) / torch::ones({d}).
    const CXXMemberCallExpr *Reg = registerParameterIn(It->second.first);
    const auto *Init = Reg ? dyn_cast<CallExpr>(bare(Reg->getArg(1))) : nullptr;
    if (!Init || Init->getNumArgs() == 0)
      return;
    const Expr *Size = bare(Init->getArg(0));
    if (const auto *IL = dyn_cast<InitListExpr>(Size); IL && IL->getNumInits() == 1)
      Size = bare(IL->getInit(0));
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Size)) {
      if (const auto *P = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
        F.WidthParam = nameOf(P);
        F.WidthParamIndex = static_cast<int>(P->getFunctionScopeIndex());
      }
      return;
    }
    if (const auto *I = dyn_cast<IntegerLiteral>(Size))
      F.WidthValue = static_cast<unsigned>(I->getValue().getZExtValue());
    return;
  }
}

std::optional<NormSemanticsFact> ForwardReader::read() {
  const FunctionDecl *Forward = nullptr;
  for (const CXXMethodDecl *M : R.methods()) {
    const FunctionDecl *Def = nullptr;
    if (nameOf(M) == "forward" && M->hasBody(Def)) {
      Forward = Def;
      break;
    }
  }
  if (!Forward || Forward->getNumParams() == 0 || !Spans.SpanOf(Forward->getLocation()))
    return std::nullopt;
  readConstructors();
  Env E;
  E[Forward->getParamDecl(0)] = make(Op::Input, spanOf(Forward->getLocation()));
  for (unsigned I = 1; I < Forward->getNumParams(); ++I) {
    const ParmVarDecl *P = Forward->getParamDecl(I);
    E[P] = P->hasDefaultArg() && !P->hasUninstantiatedDefaultArg()
               ? eval(P->getDefaultArg(), E, 0)
               : unknown("argument `" + nameOf(P) + "`", spanOf(P->getSourceRange()));
  }
  std::vector<TermP> Returns;
  run(Forward->getBody(), E, Returns, 0);
  NormClassifier C;
  C.ShortText = [this](Span S) { return shortText(S); };
  C.ResolveEps = [this](const TermP &T, NormSemanticsFact &F) { resolveEps(T, F); };
  C.LayerNormCall = "torch::layer_norm";
  C.RmsNormCall = "torch::rms_norm";
  std::string Lower = nameOf(&R);
  for (char &Ch : Lower)
    Ch = static_cast<char>(std::tolower(static_cast<unsigned char>(Ch)));
  std::optional<NormSemanticsFact> Result =
      classifyForward(C, Returns, Lower.find("norm") != std::string::npos && SawNormOp);
  if (!Result)
    return std::nullopt;
  Result->Upcast = Upcast;
  Result->Forward = spanOf(Forward->getLocation());
  if (Result->K != NormSemanticsFact::Kind::Unknown)
    resolveWidth(*Result);
  return Result;
}

//===-- ggml --------------------------------------------------------------===//

/// What a tensor expression of a ggml graph function is, as far as norms
/// go: the result of a norm call, possibly scaled and shifted.
struct NormState {
  const CallExpr *Norm = nullptr;
  const Expr *Scale = nullptr, *Shift = nullptr;
};

class GgmlReader {
public:
  explicit GgmlReader(ASTContext &Ctx, const CxxSpans &Spans) : Ctx(Ctx), Spans(Spans) {}
  void walk(const Stmt *S, unsigned Depth);
  std::vector<GgmlNormSite> sites();

private:
  NormState valueOf(const Expr *E, unsigned Depth);
  /// A model tensor: a member chain (`layer.ln_1_g`, `model.layers[i].w`),
  /// through `ggml_repeat(ctx, w, cur)`; null for anything computed.
  const Expr *weightOf(const Expr *E);
  void record(const NormState &S);

  ASTContext &Ctx;
  const CxxSpans &Spans;
  std::map<const VarDecl *, NormState> Vars;
  /// The most complete state each norm call reached, in source order.
  std::vector<NormState> Found;
};

bool isNormCall(const std::string &N) {
  return N == "ggml_norm" || N == "ggml_norm_inplace" || N == "ggml_rms_norm" ||
         N == "ggml_rms_norm_inplace";
}

const Expr *GgmlReader::weightOf(const Expr *E) {
  E = bare(E);
  if (const auto *C = dyn_cast_or_null<CallExpr>(E))
    if (calleeOf(C) == "ggml_repeat" && C->getNumArgs() >= 2)
      E = bare(C->getArg(1));
  if (!E)
    return nullptr;
  const Expr *X = E;
  // Down to the chain's root: members, subscripts, `->`.
  for (int I = 0; X && I < 16; ++I) {
    if (const auto *M = dyn_cast<MemberExpr>(X))
      X = bare(M->getBase());
    else if (const auto *A = dyn_cast<ArraySubscriptExpr>(X))
      X = bare(A->getBase());
    else if (const auto *Op_ = dyn_cast<CXXOperatorCallExpr>(X);
             Op_ && (Op_->getOperator() == OO_Subscript || Op_->getOperator() == OO_Arrow))
      X = bare(Op_->getArg(0));
    else
      break;
  }
  if (X == E || !(isa<DeclRefExpr>(X) || isa<CXXThisExpr>(X)))
    return nullptr;
  return isa<MemberExpr>(E) ? E : nullptr;
}

void GgmlReader::record(const NormState &S) {
  for (NormState &F : Found)
    if (F.Norm == S.Norm) {
      if ((S.Scale && !F.Scale) || (S.Shift && !F.Shift))
        F = S;
      return;
    }
  Found.push_back(S);
}

NormState GgmlReader::valueOf(const Expr *E, unsigned Depth) {
  E = bare(E);
  if (!E || Depth > 64)
    return {};
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
      auto It = Vars.find(V);
      if (It != Vars.end())
        return It->second;
    }
    return {};
  }
  const auto *C = dyn_cast<CallExpr>(E);
  if (!C) {
    for (const Stmt *Child : E->children())
      if (const auto *CE = dyn_cast_or_null<Expr>(Child))
        valueOf(CE, Depth + 1);
    return {};
  }
  std::string N = calleeOf(C);
  if (isNormCall(N)) {
    for (const Expr *A : C->arguments())
      valueOf(A, Depth + 1);
    NormState S;
    S.Norm = C;
    record(S);
    return S;
  }
  bool Mul = N == "ggml_mul" || N == "ggml_mul_inplace";
  bool Add = N == "ggml_add" || N == "ggml_add_inplace";
  if ((Mul || Add) && C->getNumArgs() == 3) {
    // Each operand once: nesting stays linear.
    NormState Operands[2] = {valueOf(C->getArg(1), Depth + 1),
                             valueOf(C->getArg(2), Depth + 1)};
    for (int Side = 0; Side < 2; ++Side) {
      NormState S = Operands[Side];
      const Expr *W = weightOf(C->getArg(2 - Side));
      if (!S.Norm || !W)
        continue;
      // Scale before shift: `ggml_mul` after the add is something else.
      if (Mul && !S.Scale && !S.Shift)
        S.Scale = W;
      else if (Add && !S.Shift)
        S.Shift = W;
      else
        return {};
      record(S);
      return S;
    }
    return {};
  }
  for (const Expr *A : C->arguments())
    valueOf(A, Depth + 1);
  return {};
}

void GgmlReader::walk(const Stmt *S, unsigned Depth) {
  if (!S || Depth > 64)
    return;
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit())
        Vars[V] = valueOf(V->getInit(), 0);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign) {
    NormState V = valueOf(BO->getRHS(), 0);
    if (const auto *Ref = dyn_cast<DeclRefExpr>(bare(BO->getLHS())))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
        Vars[Var] = V;
    return;
  }
  if (const auto *E = dyn_cast<Expr>(S)) {
    valueOf(E, 0);
    return;
  }
  for (const Stmt *Child : S->children())
    walk(Child, Depth + 1);
}

std::vector<GgmlNormSite> GgmlReader::sites() {
  std::vector<GgmlNormSite> Out;
  for (const NormState &S : Found) {
    if (!S.Scale && !S.Shift)
      continue; // `ggml_norm(ctx, w, 1e-9f)` alone: no layer's tensors.
    GgmlNormSite Site;
    Site.Call = S.Norm;
    Site.Scale = S.Scale;
    Site.Shift = S.Shift;
    NormSemanticsFact &F = Site.Semantics;
    std::string N = calleeOf(S.Norm);
    bool Rms = N.find("rms") != std::string::npos;
    F.K = Rms ? NormSemanticsFact::Kind::RMSNorm : NormSemanticsFact::Kind::LayerNorm;
    F.Via = N;
    F.Unbiased = false; // ggml divides the sum of squares by n.
    F.Eps = NormSemanticsFact::EpsKind::InsideSqrt;
    if (std::optional<Span> W = Spans.SpanOf(S.Norm->getCallee()->getSourceRange()))
      F.Forward = *W;
    if (S.Norm->getNumArgs() >= 3) {
      std::string Origin;
      if (auto X = constantOf(S.Norm->getArg(2), Ctx, Origin)) {
        F.EpsValue = *X;
        F.EpsOrigin = Origin;
      } else {
        std::optional<Span> AW = Spans.SpanOf(bare(S.Norm->getArg(2))->getSourceRange());
        F.EpsOrigin = "`" + (AW ? shortTextOf(Spans.Text, *AW) : std::string("?")) +
                      "` (not a constant)";
        if (const auto *M = dyn_cast<MemberExpr>(bare(S.Norm->getArg(2))))
          F.EpsConfigKey = nameOf(M->getMemberDecl());
      }
    } else {
      F.EpsOrigin = N + " without an eps argument (older ggml: built in)";
    }
    Out.push_back(std::move(Site));
  }
  return Out;
}

} // namespace

std::optional<NormSemanticsFact> readCxxNormClass(const CXXRecordDecl &R,
                                                  ASTContext &Ctx,
                                                  const CxxSpans &Spans) {
  return ForwardReader(R, Ctx, Spans).read();
}

std::vector<GgmlNormSite> findGgmlNorms(const Stmt *Body, ASTContext &Ctx,
                                        const CxxSpans &Spans) {
  GgmlReader G(Ctx, Spans);
  G.walk(Body, 0);
  return G.sites();
}

} // namespace paramlint
