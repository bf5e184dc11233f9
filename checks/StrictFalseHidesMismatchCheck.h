//===- checks/StrictFalseHidesMismatchCheck.h - PL105 ----------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_STRICTFALSEHIDESMISMATCHCHECK_H
#define PARAMLINT_CHECKS_STRICTFALSEHIDESMISMATCHCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags `load_state_dict(..., strict=False)` where some keys provably do not match.
/// ## What it does
/// For a `load_state_dict` call with `strict=False` whose dict paramlint
/// can see being built, lists the keys the dict gets that the model does
/// not have and, when every key of the dict is known, the model keys the
/// dict never gets.
/// ## Why is this bad?
/// `strict=False` turns both lists into return values nobody reads: the
/// unexpected tensors are dropped and the missing parameters keep their
/// initial values. The model loads "fine" and is wrong.
/// ## Example
///     sd = {f"h.{i}.ln_1.gamma": w for i, w in enumerate(gammas)}
///     model.load_state_dict(sd, strict=False)
/// Use instead:
///     sd = {f"h.{i}.ln_1.weight": w for i, w in enumerate(gammas)}
///     model.load_state_dict(sd)  # strict: a mismatch is an error
/// ## Fix safety
/// No fix: the keys must be renamed (PL102 offers that), and whether to
/// load strictly is the author's call.
class StrictFalseHidesMismatchCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL105", "strict-false-hides-mismatch",
                                  Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_STRICTFALSEHIDESMISMATCHCHECK_H
