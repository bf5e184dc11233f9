//===- graph/NormTerms.h - A normalising forward as terms -------*- C++ -*-===//
///
/// \file
/// The language-neutral half of reading a norm's semantics from source:
/// the terms a frontend evaluates a forward into (`self.scale * (x -
/// x.mean(-1)) / torch.sqrt(x.var(-1) + self.eps)` in Python, the same
/// through `torch::sqrt` and `x.var(-1, false, true)` in libtorch C++) and
/// their classification into a NormSemanticsFact. It matches
///   shift + scale * (x - mean(x)) * r(var(x))     (LayerNorm)
///   shift + scale * x * r(mean(x^2))              (RMSNorm)
/// in any order of factors, with r one of `rsqrt(v + eps)`, `1 / sqrt(v +
/// eps)`, `/ (std + eps)`, `/ (sqrt(v) + eps)`, clamps of std or variance;
/// or a library call (`F.layer_norm`, `torch::layer_norm`). Each frontend
/// says how to resolve eps and how to quote its source; the rules of what
/// is a LayerNorm are written once.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_NORMTERMS_H
#define PARAMLINT_GRAPH_NORMTERMS_H

#include "graph/Facts.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint {
namespace norm {

/// What an expression of forward evaluates to, with casts stripped and
/// locals and helpers inlined.
enum class Op {
  Input,  ///< forward's tensor argument.
  Param,  ///< A parameter of the class (its state name).
  Attr,   ///< Any other member (eps lives here).
  Num,    ///< A numeric literal (constants are folded).
  NoneLit,
  Add, Sub, Mul, Div, Pow, Neg,
  Mean, Var, Std, Sqrt, Rsqrt, Clamp,
  LayerNormCall, ///< Args: input, weight, bias, eps (null when absent).
  RmsNormCall,   ///< Args: input, weight, eps.
  Unknown,       ///< Name says what.
};

struct Term;
using TermP = std::shared_ptr<const Term>;

struct Term {
  Op K = Op::Unknown;
  /// Param/Attr: the member; Mean/Var/Std: the reduced dim as written
  /// (spaces and brackets dropped); Unknown: why.
  std::string Name;
  double Value = 0;
  std::vector<TermP> Args;
  Span Where;
  /// Binary operators: the operands as written.
  Span LeftWhere, RightWhere;
  /// Var/Std: the divisor flag (nullopt: torch's default, unbiased), the
  /// argument list, the flag's value as written and its keyword.
  std::optional<bool> Unbiased;
  std::string FlagProblem;
  Span ArgsWhere, FlagWhere;
  std::string FlagName;
};

TermP make(Op K, Span Where, std::vector<TermP> Args = {});
TermP unknown(std::string Why, Span Where);
TermP num(double V, Span Where);
/// Structural equality (spans ignored): `x - mean` in one statement equals
/// the same expression in another.
bool same(const TermP &A, const TermP &B);
bool isNum(const TermP &T, double V);
/// A binary operator's term, constants folded and the neutral `+ 0`,
/// `* 0` dropped (`y + 0.0 * self.shift` keeps a parameter in the graph and
/// adds nothing), with the operands' spans for rewrites.
TermP binary(Op O, TermP A, TermP B, Span Where, Span LeftWhere, Span RightWhere);

/// Source quoted in a reason: on one line, at most 48 characters.
std::string reasonText(std::string_view Source);

/// What the classification needs from the frontend that built the terms.
struct NormClassifier {
  /// The source at a span, on one line and shortened, for reasons.
  std::function<std::string(Span)> ShortText;
  /// Sets EpsValue/EpsOrigin (and EpsParam, EpsConfigKey) from the member
  /// (Op::Attr) eps is; literals are resolved by the classifier.
  std::function<void(const TermP &, NormSemanticsFact &)> ResolveEps;
  /// The library calls as the language spells them, for Via and reasons.
  std::string LayerNormCall = "F.layer_norm";
  std::string RmsNormCall = "F.rms_norm";

  /// The semantics of a forward that returns Out: Kind Unknown with the
  /// reason when it is not a norm this reader understands.
  NormSemanticsFact classify(const TermP &Out) const;
};

/// The semantics of a forward whose return statements evaluate to
/// Returns: one fact when every path computes the same norm, Kind Unknown
/// when they differ or cannot be read. Nullopt when the class is not a
/// norm at all (attention's `/ sqrt(d)`): a path is not a norm and the
/// class does not LookLikeANorm (named like one, and forward takes a root
/// or a variance).
std::optional<NormSemanticsFact> classifyForward(const NormClassifier &C,
                                                 const std::vector<TermP> &Returns,
                                                 bool LooksLikeANorm);

} // namespace norm
} // namespace paramlint

#endif // PARAMLINT_GRAPH_NORMTERMS_H
