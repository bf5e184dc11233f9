//===- NormVariant.h - What a LayerNorm/RMSNorm computes ---------*- C++
//-*-===//
///
/// \file
/// A NormVariant says exactly which formula a norm layer's forward computes
/// and in which precision, so that two versions of a layer (before and after
/// a fix, a hand-written class and `torch.nn.LayerNorm`) can be run side by
/// side. With mu the mean, v the variance (or, for RMSNorm, the mean square)
/// over the last dimension of width n, s the scale and b the shift:
///
///   LayerNorm:  y = (x - mu) * r(v) * s + b
///   RMSNorm:    y = x * r(v) * s + b        (v = sum(x^2) / divisor)
///
/// with divisor n (biased) or n - 1 (unbiased, torch's default for
/// `var`/`std`), and r the reciprocal "standard deviation" by eps placement:
///
///   InsideSqrt:  r = 1 / sqrt(v + eps)      `rsqrt(var + eps)`, torch's own
///   AddedToStd:  r = 1 / (sqrt(v) + eps)    `/ (std + eps)`, eps outside the
///                                           sqrt (Annotated Transformer)
///   ClampStd:    r = 1 / max(sqrt(v), eps)  `/ std.clamp(min=eps)`, as
///                                           F.normalize does
///   ClampVar:    r = 1 / sqrt(max(v, eps))  `rsqrt(var.clamp(min=eps))`
///
/// `s` is `1 + w` when ScaleOffset is set (Gemma), else `w`; without a scale
/// s = 1, without a shift b = 0.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_NORMVARIANT_H
#define PARAMLINT_HARNESS_NORMVARIANT_H

#include "Half.h"

#include <cstdint>
#include <string>

namespace paramlint::harness {

/// Centred (LayerNorm) or not (RMSNorm).
enum class NormKind : std::uint8_t { LayerNorm, RMSNorm };

/// The divisor of the variance / mean square: n or n - 1.
enum class VarianceKind : std::uint8_t { Biased, Unbiased };

/// Where eps enters the reciprocal standard deviation (see the file
/// comment).
enum class EpsPlacement : std::uint8_t { InsideSqrt, AddedToStd, ClampStd, ClampVar };

/// The precision the statistics and the output are computed in.
enum class AccumType : std::uint8_t { F32, F64 };

/// How the fp64 path gets the mean and variance. The fp32 path always uses
/// a two-pass over the row shifted by its first element (see
/// NormKernels.h); RMSNorm has no mean and ignores this.
enum class MomentAlgorithm : std::uint8_t { TwoPass, Welford };

/// One norm layer's forward semantics and precision.
struct NormVariant {
  NormKind Kind = NormKind::LayerNorm;
  VarianceKind Variance = VarianceKind::Biased;
  EpsPlacement Eps = EpsPlacement::InsideSqrt;
  double EpsValue = 1e-5;
  bool HasScale = true;
  bool HasShift = true;
  /// Scale by `1 + w` rather than `w`.
  bool ScaleOffset = false;
  /// The dtype of inputs, weights and outputs.
  DType Storage = DType::F32;
  AccumType Accumulation = AccumType::F32;
  MomentAlgorithm Moments = MomentAlgorithm::TwoPass;

  /// `torch.nn.LayerNorm(n, eps)` (elementwise_affine=True, bias=True).
  static NormVariant torchLayerNorm(double Eps = 1e-5);
  /// The common RMSNorm (Llama, `torch.nn.RMSNorm`): mean square, eps inside
  /// the sqrt, a scale and no shift.
  static NormVariant rmsNorm(double Eps = 1e-6);

  friend bool operator==(const NormVariant &A, const NormVariant &B);
  friend bool operator!=(const NormVariant &A, const NormVariant &B) {
    return !(A == B);
  }
};

/// True when A and B compute the same function of (x, scale, shift): equal
/// up to the fields that cannot change an output (Moments on the fp32 path
/// or for RMSNorm).
bool sameSemantics(const NormVariant &A, const NormVariant &B);

/// A one-line description for reports, e.g.
/// "LayerNorm(biased var, eps=1e-05 inside sqrt, scale, shift; fp32, fp32
/// accumulation)".
std::string describe(const NormVariant &V);

/// The formula as a torch expression, e.g.
/// "(x - x.mean(-1)) * rsqrt(x.var(-1, unbiased=False) + 1e-05) * w + b".
std::string formula(const NormVariant &V);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_NORMVARIANT_H
