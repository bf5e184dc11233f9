//===- checks/NormEpsPlacementCheck.cpp - PL402 ---------------------------===//
#include "checks/NormEpsPlacementCheck.h"

#include "checks/CheckSupport.h"
#include "graph/NormLayer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace paramlint {
namespace {

/// The factor between a placement's outputs and torch's `sqrt(var + eps)`
/// ones at variance V: sqrt(V + eps) / denominator.
double epsFactor(NormSemanticsFact::EpsKind K, double V, double Eps) {
  using EK = NormSemanticsFact::EpsKind;
  double Denominator = K == EK::ClampStd   ? std::max(std::sqrt(V), Eps)
                       : K == EK::ClampVar ? std::sqrt(std::max(V, Eps))
                                           : std::sqrt(V) + Eps;
  return std::sqrt(V + Eps) / Denominator;
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

/// Whether Text's first '(' at Open closes at its very end.
bool closesAtEnd(std::string_view Text, size_t Open) {
  int Depth = 0;
  for (size_t I = Open; I < Text.size(); ++I) {
    if (Text[I] == '(')
      ++Depth;
    else if (Text[I] == ')' && --Depth == 0)
      return I + 1 == Text.size();
  }
  return false;
}

bool isIdentChar(char C) {
  return std::isalnum(static_cast<unsigned char>(C)) || C == '_';
}

/// The square root with eps moved inside, built from the std as written,
/// the way one would write it by hand: `torch.sqrt(var)` becomes
/// `torch.sqrt(var + eps)`, `var.sqrt()` `(var + eps).sqrt()`, `var ** 0.5`
/// `(var + eps) ** 0.5`, and any other std `(std ** 2 + eps).sqrt()`; in
/// C++ `torch::sqrt(var + eps)` and `(std.pow(2) + eps).sqrt()`.
std::string rootWithEps(std::string_view Std, std::string_view Eps, bool Cxx) {
  std::string E(Eps);
  // `torch.sqrt(X)` / `sqrt(X)`: eps joins X.
  size_t Open = Std.find('(');
  if (Open != std::string_view::npos && Open + 2 < Std.size() &&
      closesAtEnd(Std, Open)) {
    std::string_view Callee = Std.substr(0, Open);
    if (Callee == "torch.sqrt" || Callee == "sqrt" || Callee == "torch::sqrt" ||
        Callee == "std::sqrt")
      return std::string(Std.substr(0, Std.size() - 1)) + " + " + E + ")";
  }
  // `X.sqrt()`: X is a primary.
  constexpr std::string_view Method = ".sqrt()";
  if (Std.size() > Method.size() &&
      Std.substr(Std.size() - Method.size()) == Method)
    return "(" + std::string(Std.substr(0, Std.size() - Method.size())) + " + " + E +
           ").sqrt()";
  // `X ** 0.5`.
  for (std::string_view Pow : {" ** 0.5", "**0.5"})
    if (!Cxx && Std.size() > Pow.size() && Std.substr(Std.size() - Pow.size()) == Pow) {
      std::string_view X = Std.substr(0, Std.size() - Pow.size());
      if (!needsParens(X))
        return "(" + std::string(X) + " + " + E + ") ** 0.5";
    }
  std::string S(Std);
  if (needsParens(S))
    S = "(" + S + ")";
  return "(" + S + (Cxx ? ".pow(2) + " : " ** 2 + ") + E + ").sqrt()";
}

/// S widened over the spaces on either side.
std::pair<size_t, size_t> spaced(const std::string &T, Span S) {
  size_t Begin = S.Begin, End = S.End;
  while (Begin > 0 && T[Begin - 1] == ' ')
    --Begin;
  while (End < T.size() && T[End] == ' ')
    ++End;
  return {Begin, End};
}

/// Span widened over the grouping parentheses right around it (`(std +
/// eps)` in `c / (std + eps)`), so that a replacement which is already a
/// primary does not end up in a second pair. A call's parentheses stay.
Span withoutGrouping(const SourceFile &File, Span S) {
  const std::string &T = File.text();
  auto [Begin, End] = spaced(T, S);
  if (Begin == 0 || End >= T.size() || T[Begin - 1] != '(' || T[End] != ')')
    return S;
  size_t Before = Begin - 1;
  while (Before > 0 && T[Before - 1] == ' ')
    --Before;
  if (Before > 0 && (isIdentChar(T[Before - 1]) || T[Before - 1] == ')' ||
                     T[Before - 1] == ']'))
    return S; // `f(std + eps)`: the call's own parentheses.
  return Span{static_cast<uint32_t>(Begin - 1), static_cast<uint32_t>(End + 1)};
}

/// Whether the expression at S is a whole call argument (`f(S)`, `f(a,
/// S)`) or the whole right side of an assignment, where a sum needs no
/// parentheses.
bool standsAlone(const SourceFile &File, Span S) {
  const std::string &T = File.text();
  auto [B, E] = spaced(T, S);
  if (B == 0)
    return false;
  char Prev = T[B - 1], Next = E < T.size() ? T[E] : '\n';
  if ((Prev == '(' || Prev == ',') && (Next == ')' || Next == ','))
    return true;
  return Prev == '=' && B >= 2 && std::string_view("=!<>+-*/%&|^@:").find(T[B - 2]) ==
                                      std::string_view::npos &&
         (Next == '\n' || Next == '#' || Next == ';');
}

} // namespace

void NormEpsPlacementCheck::run(const ParamGraph &Graph,
                                DiagnosticSink &Out) const {
  using EK = NormSemanticsFact::EpsKind;
  ConfigValueIndex Config; // Built on the first eps read from a config.
  for (const NormClassUse &U : normClasses(Graph)) {
    const NormSemanticsFact &F = *U.Fact;
    if (F.Eps != EK::AddedToStd && F.Eps != EK::ClampStd && F.Eps != EK::ClampVar)
      continue;
    const SourceFile &File = *U.Root->File;
    std::string Effect;
    // An eps read from the configuration has the value the project's
    // config dicts and classes give it.
    std::optional<double> Eps = F.EpsValue;
    std::string Origin = F.EpsOrigin, From;
    if (!Eps && !F.EpsConfigKey.empty()) {
      if (Config.empty() && !Graph.Facts.empty())
        Config = configValueIndex(Graph.Facts);
      Eps = configValueOf(F.EpsConfigKey, Config, Origin, From);
    }
    if (Eps) {
      double E = *Eps;
      Effect = fmt::format("{:+.3g}% at unit variance, {:+.3g}% when the "
                           "variance equals eps ({})",
                           (epsFactor(F.Eps, 1, E) - 1) * 100,
                           (epsFactor(F.Eps, E, E) - 1) * 100,
                           From.empty() ? fmt::format("{:g}", E)
                                        : fmt::format("eps={:g} from {}", E, From));
    } else {
      Effect = "eps is " + (Origin.empty() ? std::string("not a literal") : Origin);
    }
    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{&File, F.EpsSum.End ? F.EpsSum : F.Forward};
    const char *What = F.Eps == EK::AddedToStd ? "adds eps to the standard deviation"
                       : F.Eps == EK::ClampStd ? "clamps the standard deviation at eps"
                                               : "clamps the variance at eps";
    const char *Default = F.Eps == EK::AddedToStd ? "std + eps"
                          : F.Eps == EK::ClampStd ? "std.clamp(min=eps)"
                                                  : "var.clamp(min=eps)";
    const char *Factor = F.Eps == EK::AddedToStd ? "sqrt(v + eps) / (sqrt(v) + eps)"
                         : F.Eps == EK::ClampStd ? "sqrt(v + eps) / max(sqrt(v), eps)"
                                                 : "sqrt(v + eps) / sqrt(max(v, eps))";
    std::string Written = F.EpsSum.End ? std::string(File.slice(F.EpsSum)) : Default;
    D.Message = fmt::format(
        "`{}` {} (`{}`) where torch's LayerNorm adds it to the variance under "
        "the square root: outputs differ by {}, {}",
        U.Root->ClassName, What, Written, Factor, Effect);
    D.Notes.push_back(Note{"forward of `" + U.Root->ClassName + "`",
                           Location{&File, F.Forward}});
    if (F.EpsSum.End && F.StdOperand.End && F.EpsOperand.End) {
      std::string_view Operand = File.slice(F.StdOperand);
      std::string_view Eps = File.slice(F.EpsOperand);
      Span Where = F.EpsSum;
      std::string Replacement;
      Where = withoutGrouping(File, F.EpsSum);
      if (F.Eps == EK::ClampVar) {
        // The variance itself gains eps; the root around it stays. A sum
        // needs parentheses unless it is a whole argument or right side.
        Replacement = std::string(Operand) + " + " + std::string(Eps);
        if (Where.Begin != F.EpsSum.Begin || !standsAlone(File, F.EpsSum))
          Replacement = "(" + Replacement + ")";
      } else {
        Replacement = rootWithEps(Operand, Eps, File.kind() == SourceKind::Cxx);
      }
      Fix X;
      X.Applies = Applicability::Unsafe;
      X.Message = "Move eps under the square root: `" + Replacement + "`";
      X.Edits.push_back(Edit{Where, Replacement});
      D.TheFix = std::move(X);
    }
    Out.report(std::move(D));
  }
}

} // namespace paramlint
