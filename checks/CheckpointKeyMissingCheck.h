//===- checks/CheckpointKeyMissingCheck.h - PL201 --------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_CHECKPOINTKEYMISSINGCHECK_H
#define PARAMLINT_CHECKS_CHECKPOINTKEYMISSINGCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a model key that no tensor of a `--checkpoint` file provides.
/// ## What it does
/// With `paramlint check PATH --checkpoint FILE`, reads the tensor names of
/// FILE (headers only; safetensors, GGUF, `.npz`/`.npy`, torch zip; a
/// `{"model": state_dict}` wrapper is stripped), binds it to the root model
/// of PATH whose keys explain most of the names (a name counts when a key
/// matches it, or would with the role-equivalent leaf: `ln_1.gamma` for
/// `ln_1.weight`; a tie or less than half explained binds nothing and says
/// so on stderr), and reports each model key pattern (`h.*.ln_1.weight`,
/// one finding for all layers) that no tensor matches. When the checkpoint
/// has the role-equivalent tensor of the same module, the message names it
/// and its naming convention. Non-persistent buffers and
/// `num_batches_tracked` (torch fills it in) are never reported, nor is a
/// key under a condition paramlint cannot decide (`bias=config.bias`)
/// unless the checkpoint holds its role-equivalent (`ln_1.b`): then the
/// condition held for the model the checkpoint was saved from.
///
/// The finding points at the model's class definition (the code a user can
/// change); a note names the checkpoint. A key pattern matched by at least
/// one tensor counts as present: how many layers a repeated container has
/// is not checked.
/// ## Why is this bad?
/// `load_state_dict(sd)` raises on it, and with `strict=False` the
/// parameter silently keeps its random initial value.
/// ## Example
///     class Block(nn.Module):
///         def __init__(self, d):
///             super().__init__()
///             self.ln_1 = nn.LayerNorm(d)   # checkpoint: h.0.ln_1.gamma, h.0.ln_1.beta
/// Use instead: load through the rename map the fix generates
///     model._register_load_state_dict_pre_hook(_rename_checkpoint_keys)
/// ## Fix safety
/// Unsafe, and no edit: the fix message holds the generated JSON rename
/// map (`{"h.0.ln_1.gamma": "h.0.ln_1.weight", ...}`) and a
/// `_register_load_state_dict_pre_hook` snippet that applies it;
/// `check --emit-rename-map OUT.json` writes the map of every finding.
class CheckpointKeyMissingCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL201", "checkpoint-key-missing",
                                  Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECKPOINTKEYMISSINGCHECK_H
