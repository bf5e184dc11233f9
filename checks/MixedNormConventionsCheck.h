//===- checks/MixedNormConventionsCheck.h - PL301 --------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_MIXEDNORMCONVENTIONSCHECK_H
#define PARAMLINT_CHECKS_MIXEDNORMCONVENTIONSCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags norm classes of one project that name scale and shift differently.
/// ## What it does
/// Reads the names every norm class in use gives its scale and shift
/// (`scale`/`shift`, `weight`/`bias`, `gamma`/`beta`, ... as the conventions
/// table knows them). Library classes such as `torch.nn.LayerNorm` count as
/// `weight`/`bias` users when the project also defines a norm class of its
/// own. The convention most classes use wins (on a tie: the one with both
/// names, then the library's, then the first defined); each project class
/// that names a role otherwise is reported once, at the parameter
/// definition, naming the classes and the convention it disagrees with.
/// With the config's `convention` set, that convention wins and every
/// project norm class is held to it, used or not. Library classes are never
/// reported themselves: their names cannot change.
/// ## Why is this bad?
/// A loader or a checkpoint converter written for one class is reused for
/// another: `norm1.scale = ...` written into a `torch.nn.LayerNorm` creates
/// a stray attribute instead of loading the weight (the #626 bug of
/// LLMs-from-scratch), and state-dict keys saved under one convention are
/// "missing" under the other. One convention per project removes the trap.
/// ## Example
///     class LayerNorm(nn.Module):
///         def __init__(self, d):
///             super().__init__()
///             self.scale = nn.Parameter(torch.ones(d))
///             self.shift = nn.Parameter(torch.zeros(d))
///     class Block(nn.Module):
///         def __init__(self, d):
///             super().__init__()
///             self.norm1 = LayerNorm(d)
///             self.norm2 = nn.LayerNorm(d)
/// Use instead:
///             self.weight = nn.Parameter(torch.ones(d))
///             self.bias = nn.Parameter(torch.zeros(d))
/// ## Fix safety
/// Unsafe: it renames the class's parameters, as `paramlint rename-params`
/// does: the definitions, `self.` uses in the class and its subclasses,
/// loader uses and state-dict key strings bound to the class in the same
/// file, and a `_load_from_state_dict` override that maps the old keys so
/// checkpoints saved before the rename still load (`strict=True` too).
/// Loaders in other files are fixed in the following rounds of the same
/// `--fix` run (PL101 and PL102 safe fixes). No fix when the class already
/// overrides `_load_from_state_dict` or has a member of the new name.
class MixedNormConventionsCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL301", "mixed-norm-conventions",
                                  Severity::Warning};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_MIXEDNORMCONVENTIONSCHECK_H
