//===- graph/NormTerms.cpp - A normalising forward as terms ---------------===//
#include "graph/NormTerms.h"

#include <cmath>

namespace paramlint {
namespace norm {

TermP make(Op K, Span Where, std::vector<TermP> Args) {
  auto T = std::make_shared<Term>();
  T->K = K;
  T->Where = Where;
  T->Args = std::move(Args);
  return T;
}

TermP unknown(std::string Why, Span Where) {
  auto T = std::make_shared<Term>();
  T->K = Op::Unknown;
  T->Name = std::move(Why);
  T->Where = Where;
  return T;
}

TermP num(double V, Span Where) {
  auto T = std::make_shared<Term>();
  T->K = Op::Num;
  T->Value = V;
  T->Where = Where;
  return T;
}

bool same(const TermP &A, const TermP &B) {
  if (!A || !B)
    return !A && !B;
  if (A->K != B->K || A->Name != B->Name || A->Args.size() != B->Args.size() ||
      A->Unbiased != B->Unbiased)
    return false;
  if (A->K == Op::Num && A->Value != B->Value)
    return false;
  if (A->K == Op::Unknown)
    return false;
  for (size_t I = 0; I < A->Args.size(); ++I)
    if (!same(A->Args[I], B->Args[I]))
      return false;
  return true;
}

bool isNum(const TermP &T, double V) { return T && T->K == Op::Num && T->Value == V; }

TermP binary(Op O, TermP A, TermP B, Span Where, Span LeftWhere, Span RightWhere) {
  if (A->K == Op::Num && B->K == Op::Num) {
    double X = A->Value, Y = B->Value;
    double V = O == Op::Add ? X + Y : O == Op::Sub ? X - Y : O == Op::Mul ? X * Y
             : O == Op::Div ? X / Y : std::pow(X, Y);
    return num(V, Where);
  }
  if (O == Op::Mul && (isNum(A, 0) || isNum(B, 0)))
    return num(0, Where);
  if ((O == Op::Add || O == Op::Sub) && isNum(B, 0))
    return A;
  if (O == Op::Add && isNum(A, 0))
    return B;
  auto T = std::const_pointer_cast<Term>(make(O, Where, {std::move(A), std::move(B)}));
  T->LeftWhere = LeftWhere;
  T->RightWhere = RightWhere;
  return T;
}

std::string reasonText(std::string_view Source) {
  std::string T(Source);
  for (char &C : T)
    if (C == '\n' || C == '\t')
      C = ' ';
  if (T.size() > 48)
    T = T.substr(0, 45) + "...";
  return T;
}

namespace {

/// One classification: the frontend's hooks and the matching rules.
class Classifier {
public:
  explicit Classifier(const NormClassifier &Hooks) : Hooks(Hooks) {}
  NormSemanticsFact classify(const TermP &Out);

private:
  struct Variance {
    bool Centred = false;
    TermP X;
    const Term *Call = nullptr; ///< The var/std call deciding the divisor.
    std::string Dim;
  };
  struct Normaliser {
    Variance V;
    NormSemanticsFact::EpsKind Eps = NormSemanticsFact::EpsKind::None;
    TermP EpsTerm;
    /// AddedToStd: `std + eps`; ClampStd / ClampVar: the clamp call.
    const Term *Sum = nullptr;
  };
  bool variance(const TermP &T, bool AllowStd, Variance &Out, std::string &Why);
  bool normaliserOf(const TermP &D, bool UnderRoot, Normaliser &Out,
                    std::string &Why);
  static bool epsLike(const TermP &T) {
    return T && (T->K == Op::Num || T->K == Op::Attr);
  }
  NormSemanticsFact library(const TermP &Call);
  /// A literal eps here, a member's through the frontend's hook.
  void resolveEps(const TermP &T, NormSemanticsFact &F) const {
    if (T && T->K == Op::Num) {
      F.EpsValue = T->Value;
      F.EpsOrigin = "literal";
    } else if (T && T->K == Op::Attr) {
      Hooks.ResolveEps(T, F);
    }
  }

  const NormClassifier &Hooks;
};


bool Classifier::variance(const TermP &T, bool AllowStd, Variance &Out,
                           std::string &Why) {
  if (T->K == Op::Var || (AllowStd && T->K == Op::Std)) {
    Out.Centred = true;
    Out.X = T->Args[0];
    Out.Call = T.get();
    Out.Dim = T->Name;
    return true;
  }
  if (T->K == Op::Pow && isNum(T->Args[1], 2) && T->Args[0]->K == Op::Std)
    return variance(T->Args[0], true, Out, Why);
  if (T->K == Op::Mean) {
    const TermP &In = T->Args[0];
    TermP C;
    if (In->K == Op::Pow && isNum(In->Args[1], 2))
      C = In->Args[0];
    else if (In->K == Op::Mul && same(In->Args[0], In->Args[1]))
      C = In->Args[0];
    if (!C) {
      Why = "mean of `" + Hooks.ShortText(In->Where) + "`";
      return false;
    }
    Out.Dim = T->Name;
    if (C->K == Op::Sub && C->Args[1]->K == Op::Mean &&
        same(C->Args[1]->Args[0], C->Args[0])) {
      Out.Centred = true;
      Out.X = C->Args[0];
      return true;
    }
    Out.Centred = false;
    Out.X = C;
    return true;
  }
  Why = "`" + Hooks.ShortText(T->Where) + "` is not a variance";
  return false;
}

bool Classifier::normaliserOf(const TermP &D, bool UnderRoot, Normaliser &Out,
                               std::string &Why) {
  using EK = NormSemanticsFact::EpsKind;
  // The argument of the root: var + eps, or var.
  auto Radicand = [&](const TermP &S) {
    if (S->K == Op::Add) {
      for (int Side = 0; Side < 2; ++Side) {
        const TermP &V = S->Args[Side], &Eps = S->Args[1 - Side];
        std::string Ignored;
        if (epsLike(Eps) && variance(V, false, Out.V, Ignored)) {
          Out.Eps = EK::InsideSqrt;
          Out.EpsTerm = Eps;
          return true;
        }
      }
    }
    // `sqrt(torch.clamp(var, min=eps))`: eps bounds the variance.
    if (S->K == Op::Clamp && epsLike(S->Args[1])) {
      std::string Ignored;
      if (variance(S->Args[0], false, Out.V, Ignored)) {
        Out.Eps = EK::ClampVar;
        Out.EpsTerm = S->Args[1];
        Out.Sum = S.get();
        return true;
      }
    }
    Out.Eps = EK::None;
    return variance(S, false, Out.V, Why);
  };
  if (UnderRoot) // D is the radicand of rsqrt / pow(-0.5).
    return Radicand(D);
  if (D->K == Op::Sqrt || (D->K == Op::Pow && isNum(D->Args[1], 0.5)))
    return Radicand(D->Args[0]);
  if (D->K == Op::Std) {
    Out.Eps = EK::None;
    return variance(D, true, Out.V, Why);
  }
  if (D->K == Op::Add) {
    for (int Side = 0; Side < 2; ++Side) {
      const TermP &S = D->Args[Side], &Eps = D->Args[1 - Side];
      if (!epsLike(Eps))
        continue;
      Normaliser Inner;
      if (normaliserOf(S, false, Inner, Why) && Inner.Eps == EK::None) {
        Out = Inner;
        Out.Eps = EK::AddedToStd;
        Out.EpsTerm = Eps;
        Out.Sum = D.get();
        return true;
      }
    }
  }
  if (D->K == Op::Clamp && epsLike(D->Args[1])) {
    Normaliser Inner;
    if (normaliserOf(D->Args[0], false, Inner, Why) && Inner.Eps == EK::None) {
      Out = Inner;
      Out.Eps = EK::ClampStd;
      Out.EpsTerm = D->Args[1];
      Out.Sum = D.get();
      return true;
    }
  }
  if (Why.empty())
    Why = "divides by `" + Hooks.ShortText(D->Where) + "`";
  return false;
}

NormSemanticsFact Classifier::library(const TermP &Call) {
  NormSemanticsFact F;
  bool Ln = Call->K == Op::LayerNormCall;
  F.K = Ln ? NormSemanticsFact::Kind::LayerNorm : NormSemanticsFact::Kind::RMSNorm;
  F.Via = Ln ? Hooks.LayerNormCall : Hooks.RmsNormCall;
  F.Eps = NormSemanticsFact::EpsKind::InsideSqrt;
  auto Fail = [&](const std::string &Why, Span Where) {
    F.K = NormSemanticsFact::Kind::Unknown;
    F.Reason = Why;
    F.ReasonWhere = Where;
    return F;
  };
  if (!Call->Args[0] || Call->Args[0]->K != Op::Input)
    return Fail(F.Via + " of something other than forward's input", Call->Where);
  auto Role = [&](const TermP &T, std::string &Out) {
    if (!T || T->K == Op::NoneLit)
      return true;
    if (T->K != Op::Param)
      return false;
    Out = T->Name;
    return true;
  };
  if (!Role(Call->Args[1], F.Scale))
    return Fail("weight `" + Hooks.ShortText(Call->Args[1]->Where) + "` is not a parameter",
                Call->Args[1]->Where);
  if (Ln && !Role(Call->Args[2], F.Shift))
    return Fail("bias `" + Hooks.ShortText(Call->Args[2]->Where) + "` is not a parameter",
                Call->Args[2]->Where);
  const TermP &Eps = Call->Args[3];
  if (!Eps || Eps->K == Op::NoneLit) {
    if (Ln) {
      F.EpsValue = 1e-5;
      F.EpsOrigin = Hooks.LayerNormCall + " default";
    } else {
      F.EpsValue = 1.1920928955078125e-07;
      F.EpsOrigin = "torch.finfo(dtype).eps";
    }
  } else if (epsLike(Eps)) {
    resolveEps(Eps, F);
  } else {
    return Fail("eps `" + Hooks.ShortText(Eps->Where) + "`", Eps->Where);
  }
  return F;
}

NormSemanticsFact Classifier::classify(const TermP &Out) {
  NormSemanticsFact F;
  auto Fail = [&](const std::string &Why, Span Where) {
    NormSemanticsFact U;
    U.Reason = Why;
    U.ReasonWhere = Where;
    return U;
  };
  TermP T = Out;
  // The shift: `... + self.bias`.
  if (T->K == Op::Add) {
    for (int Side = 0; Side < 2; ++Side)
      if (T->Args[Side]->K == Op::Param && T->Args[1 - Side]->K != Op::Param) {
        F.Shift = T->Args[Side]->Name;
        T = T->Args[1 - Side];
        break;
      }
  }
  // Factors of the product, with division as inversion.
  std::vector<std::pair<TermP, bool>> Factors;
  std::vector<std::pair<TermP, bool>> Work{{T, false}};
  while (!Work.empty()) {
    auto [X, Inv] = Work.back();
    Work.pop_back();
    if (X->K == Op::Mul) {
      Work.push_back({X->Args[1], Inv});
      Work.push_back({X->Args[0], Inv});
    } else if (X->K == Op::Div) {
      Work.push_back({X->Args[1], !Inv});
      Work.push_back({X->Args[0], Inv});
    } else {
      Factors.push_back({X, Inv});
    }
  }
  TermP Numerator, Library;
  std::optional<Normaliser> Norm;
  std::string Why;
  for (auto &[X, Inv] : Factors) {
    if (X->K == Op::Unknown)
      return Fail(X->Name, X->Where);
    if (!Inv && (X->K == Op::LayerNormCall || X->K == Op::RmsNormCall) && !Library) {
      Library = X;
      continue;
    }
    if (!Inv && X->K == Op::Param && F.Scale.empty()) {
      F.Scale = X->Name;
      continue;
    }
    if (!Inv && X->K == Op::Add && F.Scale.empty()) {
      bool Offset = false;
      for (int Side = 0; Side < 2; ++Side)
        if (isNum(X->Args[Side], 1) && X->Args[1 - Side]->K == Op::Param) {
          F.Scale = X->Args[1 - Side]->Name;
          F.ScaleOffset = Offset = true;
        }
      if (Offset)
        continue;
    }
    if (!Norm) {
      Normaliser N;
      std::string W;
      bool Root = !Inv && (X->K == Op::Rsqrt ||
                           (X->K == Op::Pow && isNum(X->Args[1], -0.5)));
      if ((Inv || Root) &&
          normaliserOf(Root ? X->Args[0] : X, Root, N, W)) {
        Norm = N;
        continue;
      }
      if ((Inv || Root) && Why.empty())
        Why = W;
    }
    if (!Inv && !Numerator) {
      Numerator = X;
      continue;
    }
    return Fail(Why.empty() ? "factor `" + Hooks.ShortText(X->Where) + "`" : Why, X->Where);
  }
  if (Library) {
    if (Norm || Numerator || (!F.Scale.empty() && !F.Shift.empty()))
      return Fail("arithmetic around " + (Library->K == Op::LayerNormCall
                                              ? Hooks.LayerNormCall
                                              : Hooks.RmsNormCall),
                  Out->Where);
    if (!F.Scale.empty() || !F.Shift.empty())
      return Fail("scale or shift outside " + Hooks.LayerNormCall, Out->Where);
    return library(Library);
  }
  if (!Norm)
    return Fail(Why.empty() ? "no division by a standard deviation" : Why, Out->Where);
  if (!Numerator)
    return Fail("nothing is normalised", Out->Where);
  const Variance &V = Norm->V;
  if (V.X->K != Op::Input)
    return Fail("the variance is not of forward's input", Out->Where);
  if (V.Centred) {
    if (Numerator->K != Op::Sub || !same(Numerator->Args[0], V.X) ||
        Numerator->Args[1]->K != Op::Mean || !same(Numerator->Args[1]->Args[0], V.X))
      return Fail("centred variance but `" + Hooks.ShortText(Numerator->Where) +
                      "` is not x - mean(x)",
                  Numerator->Where);
    if (Numerator->Args[1]->Name != V.Dim)
      return Fail("the mean and the variance reduce different dims", Numerator->Where);
    F.K = NormSemanticsFact::Kind::LayerNorm;
  } else {
    if (!same(Numerator, V.X))
      return Fail("mean square of x but `" + Hooks.ShortText(Numerator->Where) +
                      "` is not x",
                  Numerator->Where);
    F.K = NormSemanticsFact::Kind::RMSNorm;
  }
  if (V.Call) {
    if (!V.Call->FlagProblem.empty())
      return Fail("`" + V.Call->FlagProblem + "` is not a literal 0/1/True/False",
                  V.Call->FlagWhere);
    F.Unbiased = V.Call->Unbiased.value_or(true);
    F.VarianceCall = V.Call->Where;
    F.VarianceArgs = V.Call->ArgsWhere;
    F.FlagValue = V.Call->FlagWhere;
    F.FlagName = V.Call->FlagName;
    F.VarianceIsStd = V.Call->K == Op::Std;
  }
  F.Eps = Norm->Eps;
  if (Norm->Sum && Norm->Sum->K == Op::Clamp) {
    // The clamp call, the clamped value and the bound as written.
    F.EpsSum = Norm->Sum->Where;
    F.StdOperand = Norm->Sum->LeftWhere;
    F.EpsOperand = Norm->Sum->RightWhere;
    if (F.StdOperand.End == 0 || F.EpsOperand.End == 0)
      F.EpsSum = Span{};
  } else if (Norm->Sum) {
    F.EpsSum = Norm->Sum->Where;
    F.StdOperand = Norm->Sum->Args[0].get() == Norm->EpsTerm.get()
                       ? Norm->Sum->RightWhere
                       : Norm->Sum->LeftWhere;
    F.EpsOperand = Norm->Sum->Args[0].get() == Norm->EpsTerm.get()
                       ? Norm->Sum->LeftWhere
                       : Norm->Sum->RightWhere;
    // A method-call sum (`std.add(eps)`) has no operand spans to rewrite.
    if (F.StdOperand.End == 0)
      F.EpsSum = Span{};
  }
  resolveEps(Norm->EpsTerm, F);
  return F;
}

} // namespace

NormSemanticsFact NormClassifier::classify(const TermP &Out) const {
  return Classifier(*this).classify(Out);
}

std::optional<NormSemanticsFact> classifyForward(const NormClassifier &C,
                                                 const std::vector<TermP> &Returns,
                                                 bool LooksLikeANorm) {
  std::optional<NormSemanticsFact> Result;
  for (const TermP &R : Returns) {
    NormSemanticsFact F = C.classify(R);
    if (F.K == NormSemanticsFact::Kind::Unknown && !LooksLikeANorm)
      return std::nullopt; // Not a norm: attention's sqrt(d_k) and the like.
    if (!Result) {
      Result = F;
    } else if (Result->K != F.K || Result->Unbiased != F.Unbiased ||
               Result->Eps != F.Eps || Result->EpsValue != F.EpsValue ||
               Result->Scale != F.Scale || Result->Shift != F.Shift ||
               Result->ScaleOffset != F.ScaleOffset) {
      NormSemanticsFact U;
      U.Reason = "forward returns different normalisations on different paths";
      U.ReasonWhere = R->Where;
      Result = U;
    }
  }
  if (!Result) {
    if (!LooksLikeANorm)
      return std::nullopt;
    Result = NormSemanticsFact{};
    Result->Reason = "forward returns nothing that can be read";
  }
  return Result;
}

} // namespace norm
} // namespace paramlint
