//===- checks/KeyNotInModelCheck.h - PL102 ---------------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_KEYNOTINMODELCHECK_H
#define PARAMLINT_CHECKS_KEYNOTINMODELCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a state-dict key that names no key of its model while a role-equivalent does.
/// ## What it does
/// Finds key strings and patterns (`f"h.{i}.ln_1.gamma"`, `"ln_f.b"`) used
/// with a model's state dict (stored into the dict `load_state_dict` gets,
/// read from `model.state_dict()`, or best-matched to a model) that match no
/// key of the model, when the model has a key that differs only in the
/// norm parameter's convention (`gamma` for `weight`, `b` for `bias`). A
/// C++ loader's keys that no model explains are compared with the
/// checkpoints given (`--checkpoint`) the same way. Also
/// finds substring renames (`k.replace("gamma", "weight")`) that hit a
/// parameter that is not a norm's, such as a LayerScale `gamma`.
/// ## Why is this bad?
/// With `strict=True` the load fails at run time; with `strict=False` the
/// key is silently dropped and the parameter keeps its initial value.
/// ## Example
///     sd[f"h.{i}.ln_1.gamma"] = tf_weights[f"h{i}/ln_1/gamma"]
/// Use instead:
///     sd[f"h.{i}.ln_1.weight"] = tf_weights[f"h{i}/ln_1/gamma"]
/// ## Fix safety
/// Safe when exactly one role-equivalent name exists: the constant part of
/// the string that holds the wrong name is rewritten. No fix for renames.
class KeyNotInModelCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL102", "key-not-in-model", Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_KEYNOTINMODELCHECK_H
