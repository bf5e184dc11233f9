//===- NormKernels.h - LayerNorm/RMSNorm forward over rows -------*- C++
//-*-===//
///
/// \file
/// Runs a NormVariant over the rows of a row-major matrix: runNorm() checks
/// shapes, rounds inputs and weights to the storage dtype, counts NaN/Inf,
/// and dispatches to one of two kernels:
///
/// - normRowsF32: fp32 statistics. Each row is shifted by its first element
///   before summing (x - x0 is exact for rows of similar magnitude), so a row
///   of 1e4 + small noise keeps its variance and its centred values, which a
///   plain fp32 sum (and a fortiori E[x^2] - E[x]^2) loses. Sums run in 16
///   fixed lanes reduced in a fixed order, so the result does not depend on
///   the SIMD width the compiler picked, nor on the thread count.
/// - normRowsF64: fp64 statistics (two-pass or Welford), the reference.
///
/// Both write float outputs rounded to the storage dtype; both split rows
/// over std::threads for large inputs.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_NORMKERNELS_H
#define PARAMLINT_HARNESS_NORMKERNELS_H

#include "NormVariant.h"
#include "Result.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace paramlint::harness {

/// A row-major matrix: Rows rows of Width values each. A norm normalises
/// each row.
struct RowMatrix {
  std::size_t Rows = 0;
  std::size_t Width = 0;
  std::vector<float> Values; ///< Rows * Width values.
};

/// A layer's weights. Each is Width values, or empty when the variant has
/// no such parameter.
struct NormWeights {
  std::vector<float> Scale;
  std::vector<float> Shift;
};

/// NaN and infinity counts, so that bad values are reported rather than
/// silently carried into a comparison.
struct NonFiniteCounts {
  std::size_t Input = 0;         ///< Inputs that are NaN/Inf in storage.
  std::size_t InputOverflow = 0; ///< Of those, finite values that overflowed
                                 ///< the storage dtype (e.g. 1e5 in fp16).
  std::size_t Scale = 0;
  std::size_t Shift = 0;
  std::size_t Output = 0;

  /// True when any count is non-zero.
  bool any() const { return Input || Scale || Shift || Output; }
  /// E.g. "3 NaN/Inf inputs (1 overflowed fp16), 1 NaN/Inf in scale,
  /// 8 NaN/Inf outputs"; empty when nothing is wrong.
  std::string describe(DType Storage) const;
};

/// The outputs of a run (values representable in the storage dtype) and
/// what was not finite.
struct NormOutput {
  RowMatrix Y;
  NonFiniteCounts NonFinite;
};

/// How to run.
struct RunOptions {
  /// Worker threads; 0 means one per hardware thread.
  unsigned Threads = 0;
  /// Inputs smaller than this many elements per thread run on fewer threads
  /// (starting a thread costs more than normalising a few rows).
  std::size_t MinElementsPerThread = std::size_t(1) << 16;
};

/// Runs V over every row of X with weights W. Errors (never exceptions):
/// zero-width rows, Values not Rows * Width, a scale or shift whose size is
/// not Width (or that the variant does not have), unbiased variance over
/// one element, eps not finite and >= 0. NaN/Inf in the inputs or weights
/// are not errors: the run goes on and NonFinite counts them.
Result<NormOutput> runNorm(const NormVariant &V, const RowMatrix &X,
                           const NormWeights &W, const RunOptions &Opts = {});

/// The fp32 kernel on raw pointers, without checks: X and Y hold Rows *
/// Width floats (already in the storage dtype; Y is rounded to it), Scale
/// and Shift hold Width floats or are null when V has none (Scale is the
/// raw `w`; the kernel applies the `1 + w` offset). Threads as in
/// RunOptions (0 = hardware threads). V.Accumulation is ignored.
void normRowsF32(const NormVariant &V, const float *X, float *Y,
                 std::size_t Rows, std::size_t Width, const float *Scale,
                 const float *Shift, unsigned Threads);

/// The fp64 reference kernel; same contract as normRowsF32.
void normRowsF64(const NormVariant &V, const float *X, float *Y,
                 std::size_t Rows, std::size_t Width, const float *Scale,
                 const float *Shift, unsigned Threads);

/// Calls Body(Begin, End) on disjoint, contiguous row ranges covering
/// [0, Rows), one per thread, on up to Threads threads (0 = hardware
/// threads; the caller's thread is one of them). Returns when all are done.
void forRowRanges(std::size_t Rows, unsigned Threads,
                  const std::function<void(std::size_t, std::size_t)> &Body);

/// The number of threads to use for Elements values given Opts.
unsigned threadsFor(std::size_t Elements, const RunOptions &Opts);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_NORMKERNELS_H
