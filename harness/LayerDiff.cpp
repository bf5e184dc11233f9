//===- LayerDiff.cpp - Two versions of one norm layer, side by side
//--------===//
#include "LayerDiff.h"

#include <cmath>
#include <cstdio>

namespace paramlint::harness {

namespace {

/// The dtype with the looser default tolerance.
DType coarser(DType A, DType B) {
  return defaultTolerance(A).RTol >= defaultTolerance(B).RTol ? A : B;
}

std::string placementName(EpsPlacement P) {
  switch (P) {
  case EpsPlacement::InsideSqrt:
    return "inside the sqrt";
  case EpsPlacement::AddedToStd:
    return "added to the std";
  case EpsPlacement::ClampStd:
    return "clamping the std";
  case EpsPlacement::ClampVar:
    return "clamping the variance";
  }
  return "?";
}

std::string format(const char *Fmt, double A, double B = 0, double C = 0) {
  char Buf[160];
  std::snprintf(Buf, sizeof Buf, Fmt, A, B, C);
  return Buf;
}

std::string onOff(bool B) { return B ? "yes" : "no"; }

/// Runs one side and names it in any error.
Result<NormOutput> runSide(const char *Name, const LayerSide &S,
                           const RowMatrix &X) {
  Result<NormOutput> R = runNorm(S.Variant, X, S.Weights);
  if (!R)
    return Error{std::string(Name) + " side: " + R.error()};
  return R;
}

} // namespace

std::string_view verdictName(Verdict V) {
  switch (V) {
  case Verdict::BitIdentical:
    return "bit-identical";
  case Verdict::WithinTolerance:
    return "within tolerance";
  case Verdict::Different:
    return "DIFFERENT";
  case Verdict::NotFinite:
    return "NaN/Inf";
  }
  return "?";
}

std::vector<std::string> describeDifferences(const NormVariant &A,
                                             const NormVariant &B,
                                             std::size_t Width) {
  std::vector<std::string> D;
  if (A.Kind != B.Kind)
    D.push_back(A.Kind == NormKind::LayerNorm
                    ? "LayerNorm -> RMSNorm: the mean is no longer subtracted"
                    : "RMSNorm -> LayerNorm: the mean is now subtracted");
  if (A.Variance != B.Variance && Width >= 2) {
    double N = double(Width);
    // Dividing by n - 1 instead of n multiplies the variance by n/(n-1).
    bool ToUnbiased = B.Variance == VarianceKind::Unbiased;
    double Scale = ToUnbiased ? std::sqrt((N - 1) / N) : std::sqrt(N / (N - 1));
    D.push_back(std::string("variance ") +
                (ToUnbiased ? "biased -> unbiased" : "unbiased -> biased") +
                format(": centred outputs scale by %.6g (%+.3g%% at n=%.0f) "
                       "while eps is small against the variance",
                       Scale, (Scale - 1) * 100, N));
  }
  if (A.Eps != B.Eps)
    D.push_back("eps " + placementName(A.Eps) + " -> " + placementName(B.Eps) +
                ": matters on rows whose variance is not large against eps");
  if (A.EpsValue != B.EpsValue)
    D.push_back(format("eps %g -> %g", A.EpsValue, B.EpsValue));
  if (A.HasScale != B.HasScale)
    D.push_back("scale: " + onOff(A.HasScale) + " -> " + onOff(B.HasScale));
  if (A.HasShift != B.HasShift)
    D.push_back("shift: " + onOff(A.HasShift) + " -> " + onOff(B.HasShift));
  if ((A.ScaleOffset && A.HasScale) != (B.ScaleOffset && B.HasScale))
    D.push_back(std::string("scale ") + (A.ScaleOffset ? "(1 + w)" : "w") +
                " -> " + (B.ScaleOffset ? "(1 + w)" : "w") +
                ": the same stored weights scale by a different factor");
  if (A.Storage != B.Storage)
    D.push_back("storage " + std::string(dtypeName(A.Storage)) + " -> " +
                std::string(dtypeName(B.Storage)));
  if (A.Accumulation != B.Accumulation)
    D.push_back(std::string("accumulation ") +
                (A.Accumulation == AccumType::F32 ? "fp32" : "fp64") + " -> " +
                (B.Accumulation == AccumType::F32 ? "fp32" : "fp64"));
  return D;
}

Result<LayerDiff> diffLayer(const LayerSide &Old, const LayerSide &New,
                            const ProbeOptions &Probes,
                            std::optional<Tolerance> Tol) {
  if (Old.Width != New.Width)
    return Error{"shape mismatch: the old side normalises " +
                 std::to_string(Old.Width) + " elements, the new side " +
                 std::to_string(New.Width)};
  if (Old.Width == 0)
    return Error{"zero-width rows: a norm needs at least one element per row"};
  std::vector<Probe> P = makeProbes(Old.Width, Probes);
  RowMatrix X = stackProbes(P);
  Result<NormOutput> A = runSide("old", Old, X);
  if (!A)
    return Error{A.error()};
  Result<NormOutput> B = runSide("new", New, X);
  if (!B)
    return Error{B.error()};

  LayerDiff D;
  D.ComparedIn = coarser(Old.Variant.Storage, New.Variant.Storage);
  Tolerance T = Tol ? *Tol : defaultTolerance(D.ComparedIn);
  D.OldNonFinite = A->NonFinite;
  D.NewNonFinite = B->NonFinite;
  D.SemanticDifferences =
      describeDifferences(Old.Variant, New.Variant, Old.Width);
  // Sizes agree by construction, so compare() cannot fail here.
  D.Overall = *compare(B->Y.Values, A->Y.Values, D.ComparedIn, T);
  std::size_t Begin = 0;
  for (const Probe &Pr : P) {
    std::size_t End = Begin + Pr.X.Values.size();
    std::vector<float> NewPart(B->Y.Values.begin() + Begin,
                               B->Y.Values.begin() + End);
    std::vector<float> OldPart(A->Y.Values.begin() + Begin,
                               A->Y.Values.begin() + End);
    D.Probes.push_back({Pr.Name, *compare(NewPart, OldPart, D.ComparedIn, T)});
    Begin = End;
  }
  if (D.OldNonFinite.any() || D.NewNonFinite.any())
    D.Outcome = Verdict::NotFinite;
  else if (D.Overall.BitIdentical)
    D.Outcome = Verdict::BitIdentical;
  else
    D.Outcome =
        D.Overall.pass() ? Verdict::WithinTolerance : Verdict::Different;
  return D;
}

} // namespace paramlint::harness
