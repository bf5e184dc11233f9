//===- checks/NormUnbiasedVarianceCheck.h - PL401 --------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_NORMUNBIASEDVARIANCECHECK_H
#define PARAMLINT_CHECKS_NORMUNBIASEDVARIANCECHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a hand-written LayerNorm whose variance divides by n - 1.
/// ## What it does
/// Finds norm classes whose `forward` takes the variance or standard
/// deviation with torch's default `unbiased=True` (`x.var(-1)`,
/// `x.std(-1, keepdim=True)`, `correction=1`), where `torch.nn.LayerNorm`
/// and `F.layer_norm` divide by n. libtorch C++ modules too:
/// `x.var(-1, /*unbiased=*/true, true)`.
/// ## Why is this bad?
/// Nothing fails: the layer's outputs are scaled by sqrt((n-1)/n) against
/// torch's LayerNorm (-0.049% at n=1024, -1.6% at n=32), so a checkpoint
/// trained with one gives slightly different activations in the other, and
/// swapping the class for `nn.LayerNorm` (the usual fix of a scale/shift
/// name mismatch) changes the model's outputs. The message states the
/// factor at the widths the instances are built with.
/// ## Example
///     var = x.var(dim=-1, keepdim=True)
/// Use instead:
///     var = x.var(dim=-1, keepdim=True, unbiased=False)
/// ## Fix safety
/// Unsafe: it changes the layer's outputs (on purpose). It passes
/// `unbiased=False` (or `correction=0` where `correction=` is written); in
/// C++ it turns a written flag to `false` (none is offered when the
/// default applies).
class NormUnbiasedVarianceCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL401", "norm-unbiased-variance",
                                  Severity::Warning};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_NORMUNBIASEDVARIANCECHECK_H
