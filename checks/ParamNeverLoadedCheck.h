//===- checks/ParamNeverLoadedCheck.h - PL103 ------------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_PARAMNEVERLOADEDCHECK_H
#define PARAMLINT_CHECKS_PARAMNEVERLOADEDCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a loader that fills some parameters of a layer but not the others.
/// ## What it does
/// For every loader (a function, or top-level code, that writes at least
/// two parameters of a model from outside it), collects the layers it writes parameters of, adds the layers of
/// the same class beside them (`norm2` beside `norm1`), and reports the
/// parameters of those layers it never writes. A whole-state load of the
/// model in the same function (`model.load_state_dict(sd)`, or libtorch's
/// `torch::load(model, path)`), unless `strict=False`, fills every key:
/// the writes beside it only patch, and nothing is reported.
/// ## Why is this bad?
/// A parameter the loader forgets keeps its initial value (`ones`/`zeros`
/// for a norm, random for a linear layer). Nothing fails; the model is
/// quietly worse, or wrong.
/// ## Example
///     blk.norm1.weight = assign(blk.norm1.weight, p["ln_1"]["g"])
///     blk.norm1.bias = assign(blk.norm1.bias, p["ln_1"]["b"])
///     blk.norm2.weight = assign(blk.norm2.weight, p["ln_2"]["g"])
/// Use instead:
///     blk.norm2.bias = assign(blk.norm2.bias, p["ln_2"]["b"])  # as well
/// ## Fix safety
/// No fix: only the author knows where the missing tensor comes from. The
/// message lists every parameter left at its initial value.
class ParamNeverLoadedCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL103", "param-never-loaded", Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_PARAMNEVERLOADEDCHECK_H
