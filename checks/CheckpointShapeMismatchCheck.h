//===- checks/CheckpointShapeMismatchCheck.h - PL203 -----------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_CHECKPOINTSHAPEMISMATCHCHECK_H
#define PARAMLINT_CHECKS_CHECKPOINTSHAPEMISMATCHCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a norm module whose tensors in a `--checkpoint` file disagree in shape.
/// ## What it does
/// With `paramlint check PATH --checkpoint FILE` (the checkpoint bound to a
/// model as PL201 describes), groups the checkpoint's tensors by the norm
/// module of the model they belong to (`h.0.ln_1`: its scale, shift and
/// running statistics, in whatever convention the checkpoint spells them,
/// `gamma`/`beta` included) and reports a module pattern (`h.*.ln_1`, one
/// finding for all layers) when the tensors of one module do not all have
/// the same shape: an elementwise-affine norm's weight, bias, running mean
/// and running variance are all of its normalised shape.
///
/// Limit: only shapes the checkpoint itself contradicts are found. The
/// model side's shapes come from constructor arguments
/// (`nn.LayerNorm(cfg["emb_dim"])`) that the graph does not evaluate, so a
/// checkpoint whose tensors agree with each other but not with the model
/// (a 1024-wide checkpoint for a 768-wide model) is not reported. The
/// finding points at the model's class definition; a note names the
/// checkpoint.
/// ## Why is this bad?
/// `load_state_dict` raises "size mismatch" on the wrong tensor even with
/// `strict=False`; a conversion script that mixed up two tensors (a
/// linear layer's bias written as a norm's) is the usual cause.
/// ## Example
///     self.ln_1 = nn.LayerNorm(768)   # checkpoint: h.0.ln_1.weight [768], h.0.ln_1.bias [3072]
/// Use instead: write the norm's own bias into the checkpoint
///     sd["h.0.ln_1.bias"] = tf_weights["h0/ln_1/b"]   # [768]
/// ## Fix safety
/// No fix: which tensor is wrong is for the author of the conversion to
/// find.
class CheckpointShapeMismatchCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL203", "checkpoint-shape-mismatch",
                                  Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECKPOINTSHAPEMISMATCHCHECK_H
