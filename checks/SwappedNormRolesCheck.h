//===- checks/SwappedNormRolesCheck.h - PL104 ------------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_SWAPPEDNORMROLESCHECK_H
#define PARAMLINT_CHECKS_SWAPPEDNORMROLESCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a tensor named as one norm role written into a parameter of the other.
/// ## What it does
/// Finds writes into a norm layer's scale (`weight`, `scale`, `gamma`, ...)
/// whose source is named as a shift (`params["ln_1"]["b"]`,
/// `sd["h.0.ln_1.bias"]`), and the reverse. In C++, a tensor field whose
/// own name gives its role counts too: ggml's `model.tensors["model/h" +
/// std::to_string(i) + "/ln_1/b"] = layer.ln_1_g` binds a bias to a gain.
/// A name taken from a table (`{ASR_TENSOR_LN_WEIGHT, "encoder.ln_post.bias"}`)
/// is reported at the table entry when the selecting constant's own name
/// says the field's role and the entry's text does not (the table was
/// edited), with the call as a note; at the call otherwise.
/// ## Why is this bad?
/// Shapes match, so nothing fails: the layer multiplies by the bias and adds
/// the gain, and every output downstream is wrong.
/// ## Example
///     blk.norm1.weight = assign(blk.norm1.weight, p["ln_1"]["b"])
///     blk.norm1.bias = assign(blk.norm1.bias, p["ln_1"]["g"])
/// Use instead:
///     blk.norm1.weight = assign(blk.norm1.weight, p["ln_1"]["g"])
///     blk.norm1.bias = assign(blk.norm1.bias, p["ln_1"]["b"])
/// ## Fix safety
/// Safe when the same loader writes the other role of the same layer from a
/// source of the opposite name: the two sources are swapped. No fix otherwise
/// (nor for a table entry).
class SwappedNormRolesCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL104", "swapped-norm-roles", Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_SWAPPEDNORMROLESCHECK_H
