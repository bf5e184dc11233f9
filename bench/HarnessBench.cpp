//===- bench/HarnessBench.cpp - The fp32 norm kernel against memcpy ------===//
///
/// \file
/// Times the harness's fp32 LayerNorm and RMSNorm kernels on an 8192 x 4096
/// fp32 matrix (128 MiB in, 128 MiB out) against a memcpy of the same bytes
/// split over the same threads, in the same process and run: a norm must
/// read every input and write every output, so the copy is the floor. The
/// argument is the thread count (1, and every hardware thread).
/// bench/harness.sh also times torch.nn.functional.layer_norm at the same
/// shape and thread count (bench/torch_layer_norm.py) and prints the ratios.
///
//===----------------------------------------------------------------------===//
#include "HugePages.h"
#include "NormKernels.h"
#include "Probes.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <thread>

using namespace paramlint::harness;

namespace {

constexpr std::size_t Rows = 8192, Width = 4096;

/// The input, weights and an output buffer, made (and touched) once.
struct Buffers {
  RowMatrix X = randomRows(Rows, Width, 1, 0.5, 2.0);
  std::vector<float> Scale = seededWeights("bench", WeightRole::Scale, Width);
  std::vector<float> Shift = seededWeights("bench", WeightRole::Shift, Width);
  std::vector<float> Y = std::vector<float>(Rows * Width, 0.0f);
};

Buffers &buffers() {
  static Buffers B;
  return B;
}

void setCounters(benchmark::State &State) {
  // Bytes moved: one read and one write of the matrix per iteration.
  State.SetBytesProcessed(std::int64_t(State.iterations()) * 2 * Rows * Width *
                          sizeof(float));
}

void runKernel(benchmark::State &State, const NormVariant &V) {
  Buffers &B = buffers();
  auto Threads = unsigned(State.range(0));
  for (auto _ : State) {
    normRowsF32(V, B.X.Values.data(), B.Y.data(), Rows, Width, B.Scale.data(),
                B.Shift.data(), Threads);
    benchmark::DoNotOptimize(B.Y.data());
    benchmark::ClobberMemory();
  }
  setCounters(State);
}

void BM_LayerNormF32(benchmark::State &State) {
  runKernel(State, NormVariant::torchLayerNorm());
}

void BM_RMSNormF32(benchmark::State &State) {
  runKernel(State, NormVariant::rmsNorm());
}

void BM_Memcpy(benchmark::State &State) {
  Buffers &B = buffers();
  auto Threads = unsigned(State.range(0));
  for (auto _ : State) {
    forRowRanges(Rows, Threads, [&](std::size_t Begin, std::size_t End) {
      std::memcpy(B.Y.data() + Begin * Width, B.X.Values.data() + Begin * Width,
                  (End - Begin) * Width * sizeof(float));
    });
    benchmark::DoNotOptimize(B.Y.data());
    benchmark::ClobberMemory();
  }
  setCounters(State);
}

/// The kernel writing into a fresh, untouched allocation each time, as
/// torch's F.layer_norm does (it allocates its output): the page faults of
/// 128 MiB are part of what a torch user waits for. The output is advised
/// onto huge pages as runNorm's is (HugePages.h).
void BM_LayerNormF32FreshOutput(benchmark::State &State) {
  Buffers &B = buffers();
  auto Threads = unsigned(State.range(0));
  NormVariant V = NormVariant::torchLayerNorm();
  for (auto _ : State) {
    std::unique_ptr<float[]> Y(new float[Rows * Width]);
    adviseHugePages(Y.get(), Rows * Width * sizeof(float));
    normRowsF32(V, B.X.Values.data(), Y.get(), Rows, Width, B.Scale.data(),
                B.Shift.data(), Threads);
    benchmark::DoNotOptimize(Y.get());
    benchmark::ClobberMemory();
  }
  setCounters(State);
}

/// runNorm() as `verify` calls it: checks, NaN/Inf counts, a fresh output.
void BM_RunNormF32(benchmark::State &State) {
  Buffers &B = buffers();
  RunOptions Opts;
  Opts.Threads = unsigned(State.range(0));
  NormWeights W{B.Scale, B.Shift};
  for (auto _ : State) {
    Result<NormOutput> R = runNorm(NormVariant::torchLayerNorm(), B.X, W, Opts);
    benchmark::DoNotOptimize(R);
  }
  setCounters(State);
}

void threadArgs(benchmark::internal::Benchmark *B) {
  unsigned All = std::max(1u, std::thread::hardware_concurrency());
  B->Arg(1);
  if (All > 1)
    B->Arg(All);
  B->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK(BM_Memcpy)->Apply(threadArgs);
BENCHMARK(BM_LayerNormF32)->Apply(threadArgs);
BENCHMARK(BM_RMSNormF32)->Apply(threadArgs);
BENCHMARK(BM_LayerNormF32FreshOutput)->Apply(threadArgs);
BENCHMARK(BM_RunNormF32)->Apply(threadArgs);

BENCHMARK_MAIN();
