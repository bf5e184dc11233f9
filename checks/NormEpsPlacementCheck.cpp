//===- checks/NormEpsPlacementCheck.cpp - PL402 ---------------------------===//
#include "checks/NormEpsPlacementCheck.h"

#include "checks/CheckSupport.h"

#include <fmt/format.h>

#include <cmath>

namespace paramlint {
namespace {

/// The factor between `std + eps` and `sqrt(var + eps)` outputs at variance
/// V: sqrt(V + eps) / (sqrt(V) + eps).
double epsFactor(double V, double Eps) {
  return std::sqrt(V + Eps) / (std::sqrt(V) + Eps);
}

/// Whether Text has an operator outside brackets, so that `Text ** 2` would
/// bind to its last operand only.
bool needsParens(std::string_view Text) {
  int Depth = 0;
  bool InString = false;
  char Quote = 0;
  for (char C : Text) {
    if (InString) {
      InString = C != Quote;
      continue;
    }
    if (C == '"' || C == '\'') {
      InString = true;
      Quote = C;
    } else if (C == '(' || C == '[' || C == '{') {
      ++Depth;
    } else if (C == ')' || C == ']' || C == '}') {
      --Depth;
    } else if (Depth == 0 && (C == ' ' || C == '+' || C == '-' || C == '*' ||
                              C == '/' || C == '@' || C == '%')) {
      return true;
    }
  }
  return false;
}

} // namespace

void NormEpsPlacementCheck::run(const ParamGraph &Graph,
                                DiagnosticSink &Out) const {
  for (const NormClassUse &U : normClasses(Graph)) {
    const NormSemanticsFact &F = *U.Fact;
    if (F.Eps != NormSemanticsFact::EpsKind::AddedToStd)
      continue;
    const SourceFile &File = *U.Root->File;
    std::string Effect;
    if (F.EpsValue) {
      double E = *F.EpsValue;
      Effect = fmt::format("{:+.3g}% at unit variance, {:+.3g}% when the "
                           "variance equals eps ({:g})",
                           (epsFactor(1, E) - 1) * 100,
                           (epsFactor(E, E) - 1) * 100, E);
    } else {
      Effect = "eps is " + (F.EpsOrigin.empty() ? std::string("not a literal")
                                                : F.EpsOrigin);
    }
    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{&File, F.EpsSum.End ? F.EpsSum : F.Forward};
    std::string Sum = F.EpsSum.End ? std::string(File.slice(F.EpsSum)) : "std + eps";
    D.Message = fmt::format(
        "`{}` adds eps to the standard deviation (`{}`) where torch's "
        "LayerNorm adds it to the variance under the square root: outputs "
        "differ by sqrt(v + eps) / (sqrt(v) + eps), {}",
        U.Root->ClassName, Sum, Effect);
    D.Notes.push_back(Note{"forward of `" + U.Root->ClassName + "`",
                           Location{&File, F.Forward}});
    if (F.EpsSum.End && F.StdOperand.End && F.EpsOperand.End) {
      std::string Std(File.slice(F.StdOperand));
      if (needsParens(Std))
        Std = "(" + Std + ")";
      std::string Replacement =
          "(" + Std + " ** 2 + " + std::string(File.slice(F.EpsOperand)) + ").sqrt()";
      Fix X;
      X.Applies = Applicability::Unsafe;
      X.Message = "Move eps under the square root: `" + Replacement + "`";
      X.Edits.push_back(Edit{F.EpsSum, Replacement});
      D.TheFix = std::move(X);
    }
    Out.report(std::move(D));
  }
}

} // namespace paramlint
