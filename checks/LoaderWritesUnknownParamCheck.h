//===- checks/LoaderWritesUnknownParamCheck.h - PL101 ----------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_LOADERWRITESUNKNOWNPARAMCHECK_H
#define PARAMLINT_CHECKS_LOADERWRITESUNKNOWNPARAMCHECK_H

#include "checks/Check.h"

namespace paramlint {

/// Flags loader writes to a parameter the target module type does not have.
/// ## What it does
/// Finds an attribute chain such as `gpt.trf_blocks[b].norm1.scale` whose
/// last name the resolved module (here `torch.nn.LayerNorm`, parameters
/// `weight` and `bias`) does not have, when that name is a norm-parameter
/// name of some convention, or the statement writes a parameter or mutates
/// a tensor through it; and chains that go through a submodule that does
/// not exist.
/// ## Why is this bad?
/// Reading the missing name raises `AttributeError` (rasbt/LLMs-from-scratch
/// issue #626). Worse, a plain write such as `norm1.scale =
/// nn.Parameter(g)` raises nothing: `nn.Module.__setattr__` registers a new
/// parameter `scale`, `weight` keeps its initial value, and the model is
/// silently wrong.
/// ## Example
///     gpt.trf_blocks[b].norm1.scale = assign(gpt.trf_blocks[b].norm1.scale, g)
/// Use instead:
///     gpt.trf_blocks[b].norm1.weight = assign(gpt.trf_blocks[b].norm1.weight, g)
/// ## Fix safety
/// Safe when the module has exactly one parameter in the role the written
/// name has (`scale` → `weight`); every use of the chain in the statement is
/// renamed. Unsafe when the statement writes a plain tensor: once renamed,
/// torch refuses to assign a tensor to a registered parameter (`TypeError`)
/// until the value is wrapped in `nn.Parameter`. No fix otherwise.
class LoaderWritesUnknownParamCheck final : public Check {
public:
  static constexpr CheckInfo Info{"PL101", "loader-writes-unknown-param",
                                  Severity::Error};
  const CheckInfo &info() const override { return Info; }
  void run(const ParamGraph &Graph, DiagnosticSink &Out) const override;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_LOADERWRITESUNKNOWNPARAMCHECK_H
