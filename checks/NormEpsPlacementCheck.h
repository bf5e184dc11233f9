//===- checks/NormEpsPlacementCheck.h - PL402 ------------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_NORMEPSPLACEMENTCHECK_H
#define PARAMLINT_CHECKS_NORMEPSPLACEMENTCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a hand-written norm whose eps does not sit under the square root.
/// ## What it does
/// Finds norm classes whose `forward` divides by `std + eps` (the
/// Annotated Transformer's `(x - mean) / (std + self.eps)`) or by
/// `sqrt(var) + eps`, or bounds the std or the variance with eps instead
/// (`std.clamp(min=eps)`, `torch.sqrt(torch.clamp(var, min=eps))`), where
/// `torch.nn.LayerNorm`, `F.layer_norm` and RMSNorm compute
/// `(x - mean) / sqrt(var + eps)`. libtorch C++ modules too (`/ (sd +
/// eps)`, `torch::sqrt(torch::clamp_min(var, eps))`).
/// ## Why is this bad?
/// They agree only while the variance is large against eps: the outputs
/// differ by the factor sqrt(v + eps) / (sqrt(v) + eps) (eps added to the
/// std), sqrt(v + eps) / max(sqrt(v), eps) (std clamped) or
/// sqrt(v + eps) / sqrt(max(v, eps)) (variance clamped), which is close to 1
/// at unit variance but reaches sqrt(2) when the variance is eps (a
/// near-constant row), so a checkpoint moved between such a class and
/// torch's LayerNorm behaves differently exactly on the rows where
/// normalisation matters most. The message states the factor for the
/// class's eps, and where a config gives eps, the value and its source
/// (`eps=1e-06 from GPT_CONFIG['eps']`).
/// ## Example
///     return self.a_2 * (x - mean) / (std + self.eps) + self.b_2
///     return self.w * c / torch.sqrt(torch.clamp(var, min=1e-5)) + self.b
/// Use instead:
///     return self.a_2 * (x - mean) / (std ** 2 + self.eps).sqrt() + self.b_2
///     return self.w * c / torch.sqrt(var + 1e-5) + self.b
/// ## Fix safety
/// Unsafe: it changes the layer's outputs (on purpose). It moves eps under
/// the square root, written as one would by hand: `torch.sqrt(var) + eps`
/// becomes `torch.sqrt(var + eps)`, a clamped variance `var + eps`, any
/// other std `(std ** 2 + eps).sqrt()` (in C++ `torch::sqrt(var + eps)`,
/// `(std.pow(2) + eps).sqrt()`).
class NormEpsPlacementCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL402", "norm-eps-placement", Severity::Warning};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_NORMEPSPLACEMENTCHECK_H
