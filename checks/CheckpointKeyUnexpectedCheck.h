//===- checks/CheckpointKeyUnexpectedCheck.h - PL202 -----------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_CHECKPOINTKEYUNEXPECTEDCHECK_H
#define PARAMLINT_CHECKS_CHECKPOINTKEYUNEXPECTEDCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags tensors of a `--checkpoint` file that no key of the model takes.
/// ## What it does
/// With `paramlint check PATH --checkpoint FILE` (the checkpoint bound to a
/// model as PL201 describes), reports each pattern of tensor names
/// (`h.*.ln_1.gamma`: one finding for all layers) that matches no
/// state-dict key of the model. When the model has the role-equivalent key
/// of the same module and the checkpoint lacks it, the message names it
/// (`h.*.ln_1.weight`). Names below a module paramlint cannot enumerate (an
/// unknown base class, an opaque container) are never reported; a tensor
/// that only a non-persistent buffer would take is, as torch reports it.
///
/// The finding points at the model's class definition; a note names the
/// checkpoint. Extra layers of a repeated container (`h.12` when the model
/// builds 12) are not reported: the layer count is not checked.
/// ## Why is this bad?
/// `load_state_dict(sd)` raises on it, and with `strict=False` the tensor is
/// dropped without a word, usually while the parameter it was meant for
/// keeps its initial value (PL201).
/// ## Example
///     class Block(nn.Module):
///         def __init__(self, d):
///             super().__init__()
///             self.ln_1 = nn.LayerNorm(d)   # checkpoint: h.0.ln_1.g, h.0.ln_1.b
/// Use instead: load through the rename map the fix generates
///     model._register_load_state_dict_pre_hook(_rename_checkpoint_keys)
/// ## Fix safety
/// Unsafe, and no edit: the fix message holds the generated JSON rename
/// map (`{"h.0.ln_1.g": "h.0.ln_1.weight", ...}`) and a
/// `_register_load_state_dict_pre_hook` snippet that applies it;
/// `check --emit-rename-map OUT.json` writes the map of every finding.
class CheckpointKeyUnexpectedCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL202", "checkpoint-key-unexpected",
                                  Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECKPOINTKEYUNEXPECTEDCHECK_H
