//===- checks/NormUnbiasedVarianceCheck.cpp - PL401 -----------------------===//
#include "checks/NormUnbiasedVarianceCheck.h"

#include "checks/CheckSupport.h"

#include <fmt/format.h>

#include <cmath>

namespace paramlint {
namespace {

/// The relative change of the outputs of an unbiased-variance LayerNorm
/// against a biased one: sqrt((n-1)/n) - 1.
double unbiasedEffect(unsigned N) {
  return std::sqrt((N - 1.0) / N) - 1.0;
}

/// Whether Text between its parentheses holds nothing but blanks.
bool emptyArgs(std::string_view Args) {
  for (size_t I = 1; I + 1 < Args.size(); ++I)
    if (!std::isspace(static_cast<unsigned char>(Args[I])))
      return false;
  return true;
}

} // namespace

void NormUnbiasedVarianceCheck::run(const ParamGraph &Graph,
                                    DiagnosticSink &Out) const {
  for (const NormClassUse &U : normClasses(Graph)) {
    const NormSemanticsFact &F = *U.Fact;
    if (F.K != NormSemanticsFact::Kind::LayerNorm || !F.Unbiased ||
        F.VarianceCall.End == 0)
      continue;
    const SourceFile &File = *U.Root->File;
    std::string Call(File.slice(F.VarianceCall));
    if (Call.size() > 60)
      Call = Call.substr(0, 57) + "...";
    std::string Effect = effectAtWidths(
        U, unbiasedEffect,
        fmt::format("the width n ({:+.3g}% at n=1024)", unbiasedEffect(1024) * 100));
    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{&File, F.VarianceCall};
    D.Message = fmt::format(
        "`{}` divides the variance by n - 1 (`{}`: torch's `{}` is unbiased "
        "by default) where torch.nn.LayerNorm divides by n: its outputs scale "
        "by sqrt((n-1)/n) against torch's, {}",
        U.Root->ClassName, Call, F.VarianceIsStd ? "std" : "var", Effect);
    D.Notes.push_back(Note{"forward of `" + U.Root->ClassName + "`",
                           Location{&File, F.Forward}});
    Fix X;
    X.Applies = Applicability::Unsafe;
    if (F.FlagName == "correction") {
      X.Message = "Pass `correction=0` (divide by n, as torch.nn.LayerNorm does)";
      X.Edits.push_back(Edit{F.FlagValue, "0"});
    } else {
      X.Message = "Pass `unbiased=False` (divide by n, as torch.nn.LayerNorm does)";
      if (F.FlagValue.End != 0) {
        X.Edits.push_back(
            Edit{F.FlagValue, File.kind() == SourceKind::Cxx ? "false" : "False"});
      } else if (F.VarianceArgs.End > F.VarianceArgs.Begin) {
        uint32_t At = F.VarianceArgs.End - 1;
        X.Edits.push_back(Edit{Span{At, At}, emptyArgs(File.slice(F.VarianceArgs))
                                                 ? "unbiased=False"
                                                 : ", unbiased=False"});
      }
    }
    if (!X.Edits.empty())
      D.TheFix = std::move(X);
    Out.report(std::move(D));
  }
}

} // namespace paramlint
