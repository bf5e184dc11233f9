//===- NormVariant.cpp - Norm variants: equality and descriptions
//----------===//
#include "NormVariant.h"

#include <cstdio>
#include <tuple>

namespace paramlint::harness {

namespace {

auto fields(const NormVariant &V) {
  return std::tie(V.Kind, V.Variance, V.Eps, V.EpsValue, V.HasScale, V.HasShift,
                  V.ScaleOffset, V.Storage, V.Accumulation, V.Moments);
}

/// Moments only matters where the fp64 path computes a mean.
bool momentsMatter(const NormVariant &V) {
  return V.Kind == NormKind::LayerNorm && V.Accumulation == AccumType::F64;
}

std::string number(double X) {
  char Buf[32];
  std::snprintf(Buf, sizeof Buf, "%g", X);
  return Buf;
}

} // namespace

NormVariant NormVariant::torchLayerNorm(double Eps) {
  NormVariant V;
  V.EpsValue = Eps;
  return V;
}

NormVariant NormVariant::rmsNorm(double Eps) {
  NormVariant V;
  V.Kind = NormKind::RMSNorm;
  V.EpsValue = Eps;
  V.HasShift = false;
  return V;
}

bool operator==(const NormVariant &A, const NormVariant &B) {
  return fields(A) == fields(B);
}

bool sameSemantics(const NormVariant &A, const NormVariant &B) {
  NormVariant A2 = A, B2 = B;
  if (!momentsMatter(A2))
    A2.Moments = MomentAlgorithm::TwoPass;
  if (!momentsMatter(B2))
    B2.Moments = MomentAlgorithm::TwoPass;
  // A scale offset without a scale is no offset at all.
  A2.ScaleOffset = A2.ScaleOffset && A2.HasScale;
  B2.ScaleOffset = B2.ScaleOffset && B2.HasScale;
  return A2 == B2;
}

std::string describe(const NormVariant &V) {
  std::string S = V.Kind == NormKind::LayerNorm ? "LayerNorm(" : "RMSNorm(";
  S += V.Variance == VarianceKind::Biased ? "biased" : "unbiased";
  S += V.Kind == NormKind::LayerNorm ? " var" : " mean square";
  S += ", eps=" + number(V.EpsValue);
  switch (V.Eps) {
  case EpsPlacement::InsideSqrt:
    S += " inside sqrt";
    break;
  case EpsPlacement::AddedToStd:
    S += " added to std";
    break;
  case EpsPlacement::ClampStd:
    S += " clamping std";
    break;
  case EpsPlacement::ClampVar:
    S += " clamping var";
    break;
  }
  if (V.HasScale)
    S += V.ScaleOffset ? ", scale (1 + w)" : ", scale";
  if (V.HasShift)
    S += ", shift";
  S += "; ";
  S += dtypeName(V.Storage);
  S += V.Accumulation == AccumType::F32 ? ", fp32 accumulation"
                                        : ", fp64 accumulation";
  if (momentsMatter(V))
    S += V.Moments == MomentAlgorithm::Welford ? ", Welford" : ", two-pass";
  return S + ")";
}

std::string formula(const NormVariant &V) {
  bool Layer = V.Kind == NormKind::LayerNorm;
  std::string Unbiased =
      V.Variance == VarianceKind::Unbiased ? "True" : "False";
  std::string Centred = Layer ? "(x - x.mean(-1))" : "x";
  std::string Var = Layer ? "x.var(-1, unbiased=" + Unbiased + ")"
                          : (V.Variance == VarianceKind::Unbiased
                                 ? "x.pow(2).sum(-1) / (n - 1)"
                                 : "x.pow(2).mean(-1)");
  std::string Eps = number(V.EpsValue);
  std::string S;
  switch (V.Eps) {
  case EpsPlacement::InsideSqrt:
    S = Centred + " * rsqrt(" + Var + " + " + Eps + ")";
    break;
  case EpsPlacement::AddedToStd:
    S = Centred + " / (sqrt(" + Var + ") + " + Eps + ")";
    break;
  case EpsPlacement::ClampStd:
    S = Centred + " / sqrt(" + Var + ").clamp(min=" + Eps + ")";
    break;
  case EpsPlacement::ClampVar:
    S = Centred + " * rsqrt((" + Var + ").clamp(min=" + Eps + "))";
    break;
  }
  if (V.HasScale)
    S += V.ScaleOffset ? " * (1 + w)" : " * w";
  if (V.HasShift)
    S += " + b";
  return S;
}

} // namespace paramlint::harness
