//===- NormKernels.cpp - LayerNorm/RMSNorm forward over rows
//---------------===//
//
// The fp32 row kernel is written for GCC's auto-vectoriser: contiguous
// loops, restrict-qualified pointers, reductions spread over a fixed array
// of Lanes accumulators (an elementwise update the vectoriser maps onto
// registers of any width, where a single scalar accumulator would not be
// vectorised without -ffast-math). The library is compiled with
// -ffp-contract=off so that no FMA changes a rounding between builds.
//
//===----------------------------------------------------------------------===//
#include "NormKernels.h"
#include "HugePages.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>

#ifdef __SSE__
#include <immintrin.h>
#endif

namespace paramlint::harness {

namespace {

constexpr std::size_t Lanes = 16;

/// Outputs at least this large bypass the cache (larger than any L2).
constexpr std::size_t StreamBytes = std::size_t(32) << 20;

/// The sum of the lanes in a fixed pairwise order.
float sumLanes(const float (&Acc)[Lanes]) {
  float P8[8], P4[4];
  for (std::size_t J = 0; J < 8; ++J)
    P8[J] = Acc[J] + Acc[J + 8];
  for (std::size_t J = 0; J < 4; ++J)
    P4[J] = P8[J] + P8[J + 4];
  return (P4[0] + P4[2]) + (P4[1] + P4[3]);
}

/// The divisor of the sum of squares: n or n - 1.
double divisorOf(const NormVariant &V, std::size_t Width) {
  return V.Variance == VarianceKind::Unbiased ? double(Width - 1)
                                              : double(Width);
}

/// r(v) of NormVariant.h in the precision T. NaN propagates through every
/// placement (std::max keeps a NaN first argument).
template <typename T> T reciprocalStd(T Var, T Eps, EpsPlacement Where) {
  switch (Where) {
  case EpsPlacement::InsideSqrt:
    return T(1) / std::sqrt(Var + Eps);
  case EpsPlacement::AddedToStd:
    return T(1) / (std::sqrt(Var) + Eps);
  case EpsPlacement::ClampStd:
    return T(1) / std::max(std::sqrt(Var), Eps);
  case EpsPlacement::ClampVar:
    return T(1) / std::sqrt(std::max(Var, Eps));
  }
  return T(1) / std::sqrt(Var + Eps);
}

/// Rounds N floats to the storage dtype in place (no-op for fp32).
void roundRow(float *Y, std::size_t N, DType Storage) {
  if (Storage == DType::F32)
    return;
  for (std::size_t I = 0; I < N; ++I)
    Y[I] = roundToStorage(Y[I], Storage);
}

/// What one fp32 row needs besides its data.
struct RowParamsF32 {
  float Divisor;
  float Eps;
  EpsPlacement Where;
  DType Storage;
  /// Write the output with non-temporal stores (large outputs only).
  bool Stream;
};

/// One row of the fp32 kernel (see NormKernels.h). Centred subtracts the
/// mean (LayerNorm); Scaled/Shifted apply S/B (S already includes a 1 + w
/// offset).
template <bool Centred, bool Scaled, bool Shifted>
void rowF32(const float *__restrict X, float *__restrict Y, std::size_t N,
            const float *__restrict S, const float *__restrict B,
            const RowParamsF32 &P) {
  // Shift by the first element: for rows far from zero the differences
  // are exact and small, so the sums below keep their precision.
  const float K = Centred ? X[0] : 0.0f;
  float MeanD = 0.0f;
  if (Centred) {
    float Acc[Lanes] = {};
    std::size_t I = 0;
    for (; I + Lanes <= N; I += Lanes)
      for (std::size_t J = 0; J < Lanes; ++J)
        Acc[J] += X[I + J] - K;
    float Tail = 0.0f;
    for (; I < N; ++I)
      Tail += X[I] - K;
    MeanD = (sumLanes(Acc) + Tail) / float(N);
  }
  float Acc[Lanes] = {};
  std::size_t I = 0;
  for (; I + Lanes <= N; I += Lanes)
    for (std::size_t J = 0; J < Lanes; ++J) {
      float D = Centred ? (X[I + J] - K) - MeanD : X[I + J];
      Acc[J] += D * D;
    }
  float Tail = 0.0f;
  for (; I < N; ++I) {
    float D = Centred ? (X[I] - K) - MeanD : X[I];
    Tail += D * D;
  }
  const float Var = (sumLanes(Acc) + Tail) / P.Divisor;
  const float R = reciprocalStd(Var, P.Eps, P.Where);
  auto Out = [&](std::size_t J) {
    float T = (Centred ? (X[J] - K) - MeanD : X[J]) * R;
    if (Scaled)
      T = T * S[J];
    if (Shifted)
      T = T + B[J];
    return T;
  };
  std::size_t J = 0;
#ifdef __SSE__
  // A large output is not read again soon: non-temporal stores skip the
  // read-for-ownership of every output line (a third of the traffic).
  if (P.Stream && P.Storage == DType::F32 &&
      reinterpret_cast<std::uintptr_t>(Y) % 16 == 0) {
    for (; J + Lanes <= N; J += Lanes) {
      alignas(16) float Block[Lanes];
      for (std::size_t L = 0; L < Lanes; ++L)
        Block[L] = Out(J + L);
      for (std::size_t L = 0; L < Lanes; L += 4)
        _mm_stream_ps(Y + J + L, _mm_load_ps(Block + L));
    }
  }
#endif
  for (; J < N; ++J)
    Y[J] = Out(J);
  roundRow(Y, N, P.Storage);
}

using RowFnF32 = void (*)(const float *, float *, std::size_t, const float *,
                          const float *, const RowParamsF32 &);

template <bool Centred> RowFnF32 pickRowF32(bool Scaled, bool Shifted) {
  if (Scaled)
    return Shifted ? rowF32<Centred, true, true> : rowF32<Centred, true, false>;
  return Shifted ? rowF32<Centred, false, true> : rowF32<Centred, false, false>;
}

/// The scale a kernel multiplies by: w itself, or 1 + w computed in T.
template <typename T>
std::vector<T> effectiveScale(const NormVariant &V, const float *Scale,
                              std::size_t Width) {
  std::vector<T> S(Width);
  for (std::size_t I = 0; I < Width; ++I)
    S[I] = V.ScaleOffset ? T(1) + T(Scale[I]) : T(Scale[I]);
  return S;
}

/// One row of the fp64 reference.
void rowF64(const float *X, float *Y, std::size_t N, const double *S,
            const float *B, const NormVariant &V) {
  double Mean = 0, SumSq = 0;
  if (V.Kind == NormKind::RMSNorm) {
    for (std::size_t I = 0; I < N; ++I)
      SumSq += double(X[I]) * double(X[I]);
  } else if (V.Moments == MomentAlgorithm::TwoPass) {
    for (std::size_t I = 0; I < N; ++I)
      Mean += X[I];
    Mean /= double(N);
    for (std::size_t I = 0; I < N; ++I)
      SumSq += (X[I] - Mean) * (X[I] - Mean);
  } else {
    for (std::size_t I = 0; I < N; ++I) {
      double Delta = X[I] - Mean;
      Mean += Delta / double(I + 1);
      SumSq += Delta * (X[I] - Mean);
    }
  }
  const double R = reciprocalStd(SumSq / divisorOf(V, N), V.EpsValue, V.Eps);
  for (std::size_t I = 0; I < N; ++I) {
    double T = (X[I] - Mean) * R;
    if (S)
      T *= S[I];
    if (B)
      T += B[I];
    Y[I] = float(T); // then to fp16/bf16 below, as torch casts double
  }
  roundRow(Y, N, V.Storage);
}

/// NaN/Inf among N floats, by exponent bits (a loop GCC vectorises, unlike
/// one calling std::isfinite).
std::size_t countNonFinite(const float *P, std::size_t N) {
  std::size_t Count = 0;
  for (std::size_t I = 0; I < N; ++I) {
    std::uint32_t Bits;
    std::memcpy(&Bits, P + I, sizeof Bits);
    Count += (Bits & 0x7f800000u) == 0x7f800000u;
  }
  return Count;
}

/// Why the inputs cannot be run, or "" when they can.
std::string checkInputs(const NormVariant &V, const RowMatrix &X,
                        const NormWeights &W) {
  auto Num = [](std::size_t N) { return std::to_string(N); };
  if (X.Width == 0)
    return "zero-width rows: a norm needs at least one element per row";
  if (X.Rows > X.Values.size() / X.Width || X.Values.size() != X.Rows * X.Width)
    return "shape mismatch: " + Num(X.Values.size()) + " values are not " +
           Num(X.Rows) + " rows of width " + Num(X.Width);
  if (V.Variance == VarianceKind::Unbiased && X.Width < 2)
    return "unbiased variance needs rows of width >= 2 (width " + Num(X.Width) +
           " divides by n - 1 = 0)";
  if (!std::isfinite(V.EpsValue) || V.EpsValue < 0)
    return "eps must be finite and >= 0";
  auto CheckWeight = [&](const std::vector<float> &Wt, bool Has,
                         const char *Name) -> std::string {
    if (!Has && !Wt.empty())
      return std::string("shape mismatch: the variant has no ") + Name +
             " but " + Num(Wt.size()) + " " + Name + " values were given";
    if (Has && Wt.size() != X.Width)
      return std::string("shape mismatch: ") + Name + " has " + Num(Wt.size()) +
             " values, rows have width " + Num(X.Width);
    return "";
  };
  std::string Why = CheckWeight(W.Scale, V.HasScale, "scale");
  return Why.empty() ? CheckWeight(W.Shift, V.HasShift, "shift") : Why;
}

/// Weights rounded to storage, with their non-finite count.
std::vector<float> storageCopy(const std::vector<float> &From, DType Storage,
                               std::size_t &NonFinite) {
  std::vector<float> To(From.size());
  for (std::size_t I = 0; I < From.size(); ++I)
    To[I] = roundToStorage(From[I], Storage);
  NonFinite = countNonFinite(To.data(), To.size());
  return To;
}

} // namespace

std::string NonFiniteCounts::describe(DType Storage) const {
  std::string S;
  auto Add = [&S](std::size_t N, const std::string &What) {
    if (!N)
      return;
    if (!S.empty())
      S += ", ";
    S += std::to_string(N) + " NaN/Inf " + What;
  };
  Add(Input, "inputs");
  if (InputOverflow)
    S += " (" + std::to_string(InputOverflow) + " overflowed " +
         std::string(dtypeName(Storage)) + ")";
  Add(Scale, "in scale");
  Add(Shift, "in shift");
  Add(Output, "outputs");
  return S;
}

void forRowRanges(std::size_t Rows, unsigned Threads,
                  const std::function<void(std::size_t, std::size_t)> &Body) {
  if (Threads == 0)
    Threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t T = std::min<std::size_t>(Threads, Rows);
  if (T <= 1) {
    Body(0, Rows);
    return;
  }
  std::size_t Chunk = (Rows + T - 1) / T;
  std::vector<std::thread> Workers;
  Workers.reserve(T - 1);
  for (std::size_t Begin = Chunk; Begin < Rows; Begin += Chunk)
    Workers.emplace_back(Body, Begin, std::min(Rows, Begin + Chunk));
  Body(0, std::min(Rows, Chunk));
  for (std::thread &W : Workers)
    W.join();
}

unsigned threadsFor(std::size_t Elements, const RunOptions &Opts) {
  unsigned T = Opts.Threads ? Opts.Threads
                            : std::max(1u, std::thread::hardware_concurrency());
  std::size_t ByWork =
      Elements / std::max<std::size_t>(1, Opts.MinElementsPerThread);
  return unsigned(std::max<std::size_t>(1, std::min<std::size_t>(T, ByWork)));
}

void normRowsF32(const NormVariant &V, const float *X, float *Y,
                 std::size_t Rows, std::size_t Width, const float *Scale,
                 const float *Shift, unsigned Threads) {
  std::vector<float> Offset;
  const float *S = V.HasScale ? Scale : nullptr;
  if (S && V.ScaleOffset) {
    Offset = effectiveScale<float>(V, Scale, Width);
    S = Offset.data();
  }
  const float *B = V.HasShift ? Shift : nullptr;
  RowFnF32 Row = V.Kind == NormKind::LayerNorm
                     ? pickRowF32<true>(S != nullptr, B != nullptr)
                     : pickRowF32<false>(S != nullptr, B != nullptr);
  RowParamsF32 P{float(divisorOf(V, Width)), float(V.EpsValue), V.Eps,
                 V.Storage, Rows * Width * sizeof(float) >= StreamBytes};
  forRowRanges(Rows, Threads, [&](std::size_t Begin, std::size_t End) {
    for (std::size_t R = Begin; R < End; ++R)
      Row(X + R * Width, Y + R * Width, Width, S, B, P);
#ifdef __SSE__
    if (P.Stream)
      _mm_sfence(); // order the streamed stores before the join
#endif
  });
}

void normRowsF64(const NormVariant &V, const float *X, float *Y,
                 std::size_t Rows, std::size_t Width, const float *Scale,
                 const float *Shift, unsigned Threads) {
  std::vector<double> S;
  if (V.HasScale && Scale)
    S = effectiveScale<double>(V, Scale, Width);
  const float *B = V.HasShift ? Shift : nullptr;
  const double *SP = S.empty() ? nullptr : S.data();
  forRowRanges(Rows, Threads, [&](std::size_t Begin, std::size_t End) {
    for (std::size_t R = Begin; R < End; ++R)
      rowF64(X + R * Width, Y + R * Width, Width, SP, B, V);
  });
}

Result<NormOutput> runNorm(const NormVariant &V, const RowMatrix &X,
                           const NormWeights &W, const RunOptions &Opts) {
  if (std::string Why = checkInputs(V, X, W); !Why.empty())
    return Error{Why};
  NormOutput Out;
  Out.Y.Rows = X.Rows;
  Out.Y.Width = X.Width;
  resizeOnHugePages(Out.Y.Values, X.Values.size());

  const float *XP = X.Values.data();
  std::vector<float> Stored;
  if (V.Storage == DType::F32) {
    Out.NonFinite.Input = countNonFinite(XP, X.Values.size());
  } else {
    Stored.resize(X.Values.size());
    for (std::size_t I = 0; I < Stored.size(); ++I) {
      Stored[I] = roundToStorage(X.Values[I], V.Storage);
      bool Bad = !std::isfinite(Stored[I]);
      Out.NonFinite.Input += Bad;
      Out.NonFinite.InputOverflow += Bad && std::isfinite(X.Values[I]);
    }
    XP = Stored.data();
  }
  std::vector<float> Scale =
      storageCopy(W.Scale, V.Storage, Out.NonFinite.Scale);
  std::vector<float> Shift =
      storageCopy(W.Shift, V.Storage, Out.NonFinite.Shift);

  unsigned Threads = threadsFor(X.Values.size(), Opts);
  auto Kernel = V.Accumulation == AccumType::F32 ? normRowsF32 : normRowsF64;
  Kernel(V, XP, Out.Y.Values.data(), X.Rows, X.Width,
         Scale.empty() ? nullptr : Scale.data(),
         Shift.empty() ? nullptr : Shift.data(), Threads);
  Out.NonFinite.Output =
      countNonFinite(Out.Y.Values.data(), Out.Y.Values.size());
  return Out;
}

} // namespace paramlint::harness
