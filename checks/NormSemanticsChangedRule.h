//===- checks/NormSemanticsChangedRule.h - PL403 ---------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_NORMSEMANTICSCHANGEDRULE_H
#define PARAMLINT_CHECKS_NORMSEMANTICSCHANGEDRULE_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a norm layer whose outputs change between two versions of a model.
/// ## What it does
/// Raised by `paramlint verify OLD NEW`, never by `check`: the norm layers
/// of both versions are paired by module path, loaded with the same weights
/// through each side's own parameter names (a checkpoint's, or seeded
/// tensors), and run on the same probe rows (random, 1e4 + noise,
/// near-constant, constant). A layer whose outputs differ beyond
/// `torch.testing.assert_close`'s tolerance, or hold NaN/Inf, or that cannot
/// be compared (a width mismatch, unknown semantics, a missing tensor) is
/// reported with the two variants, the measured max abs/rel difference and
/// the semantic changes with their predicted size.
/// ## Why is this bad?
/// Renaming `scale`/`shift` to `weight`/`bias` must not change a single
/// output. Swapping a hand-written LayerNorm for `torch.nn.LayerNorm` may:
/// an unbiased variance scales outputs by sqrt((n-1)/n), eps added to the
/// std instead of the variance changes near-constant rows by up to 41%.
/// A model that loads without error but computes something else is the
/// failure this rule exists to catch.
/// ## Example
///     # old: var = x.var(dim=-1, keepdim=True)  (unbiased)
///     self.norm1 = LayerNorm(768)
/// Use instead:
///     # new: torch.nn.LayerNorm divides by n
///     self.norm1 = nn.LayerNorm(768)
///     # and keep the old behaviour where it matters, or accept the change
/// ## Fix safety
/// No fix: which side is right is the user's call.
struct NormSemanticsChangedRule {
  static constexpr CheckInfo Info{"PL403", "norm-semantics-changed", Severity::Error};
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_NORMSEMANTICSCHANGEDRULE_H
