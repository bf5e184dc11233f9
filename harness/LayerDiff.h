//===- LayerDiff.h - Two versions of one norm layer, side by side -*- C++
//-*-===//
///
/// \file
/// What `paramlint verify` needs per layer in one call: run the old and the
/// new side (each its own variant and weights) over the same probes and
/// report how far apart they are, probe by probe, with a verdict, the
/// NaN/Inf either side saw, and the semantic differences between the two
/// variants with their predicted effect (e.g. sqrt(n/(n-1)) for biased vs
/// unbiased variance).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_LAYERDIFF_H
#define PARAMLINT_HARNESS_LAYERDIFF_H

#include "Compare.h"
#include "NormKernels.h"
#include "Probes.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint::harness {

/// One side of a layer: what it computes, its weights, its width.
struct LayerSide {
  NormVariant Variant;
  NormWeights Weights;
  std::size_t Width = 0;
};

/// The outcome for a layer, best first.
enum class Verdict : std::uint8_t {
  BitIdentical,    ///< every output bit equal
  WithinTolerance, ///< not identical, but every element within tolerance
  Different,       ///< some element outside tolerance
  NotFinite,       ///< NaN/Inf in a side's inputs, weights or outputs
};

/// "bit-identical", "within tolerance", "DIFFERENT", "NaN/Inf".
std::string_view verdictName(Verdict V);

/// One probe kind's comparison.
struct ProbeDiff {
  std::string Probe; ///< "random", "mean-shifted", ...
  Comparison Result;
};

/// The report for one layer.
struct LayerDiff {
  Verdict Outcome = Verdict::BitIdentical;
  Comparison Overall; ///< over every probe row
  std::vector<ProbeDiff> Probes;
  /// The dtype distances and tolerances are measured in: the coarser of
  /// the two storage dtypes.
  DType ComparedIn = DType::F32;
  NonFiniteCounts OldNonFinite, NewNonFinite;
  /// describeDifferences(Old.Variant, New.Variant, Width).
  std::vector<std::string> SemanticDifferences;
};

/// Runs both sides over makeProbes(Width, Probes) and compares New against
/// Old under Tol (default: defaultTolerance of the coarser storage dtype).
/// Errors: the widths differ, or a side's weights do not fit its variant
/// (the message says which side).
Result<LayerDiff> diffLayer(const LayerSide &Old, const LayerSide &New,
                            const ProbeOptions &Probes = {},
                            std::optional<Tolerance> Tol = std::nullopt);

/// How B's semantics differ from A's, one line per field that differs, with
/// the predicted effect where it is known, e.g. "variance biased -> unbiased:
/// centred outputs scale by sqrt((n-1)/n) = 0.999512 (-0.049% at n=1024)
/// while eps is small against the variance". Empty when sameSemantics().
std::vector<std::string> describeDifferences(const NormVariant &A,
                                             const NormVariant &B,
                                             std::size_t Width);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_LAYERDIFF_H
