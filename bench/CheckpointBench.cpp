//===- bench/CheckpointBench.cpp - `keys` time against tensor data size ---===//
///
/// \file
/// Reading names is header-only, so listing a checkpoint must cost the same
/// whether its tensors hold 1 MiB or 10 GiB. The benchmark writes, once, two
/// pairs of checkpoints with the same 320 Llama-style keys: a small one
/// (320 × [16, 64] float32, 1.25 MiB of data) and a 10 GiB one (320 ×
/// [2048, 4096] float32), each as safetensors and as a torch zip, the data
/// being holes of sparse files (bench/make_sparse_checkpoints.py, run with
/// the PyTorch python). It then times readCheckpoint() on each; the two
/// sizes must give the same time, well under the 50 ms target.
///
/// The files go to $PARAMLINT_BENCH_CHECKPOINTS (default
/// $TMPDIR/paramlint-bench-checkpoints) and are reused across runs.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Checkpoint.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace paramlint;

namespace {
namespace fs = std::filesystem;

/// The directory holding `small/` and `10GiB/`, created on first use.
const std::string &checkpointDir() {
  static const std::string Dir = [] {
    const char *Env = std::getenv("PARAMLINT_BENCH_CHECKPOINTS");
    const char *Tmp = std::getenv("TMPDIR");
    std::string Root = Env ? Env
                           : std::string(Tmp ? Tmp : "/tmp") +
                                 "/paramlint-bench-checkpoints";
    struct Size {
      const char *Name, *Rows, *Cols;
    };
    for (Size S : {Size{"small", "16", "64"}, Size{"10GiB", "2048", "4096"}}) {
      std::string Out = Root + "/" + S.Name;
      if (fs::exists(Out + "/model.pt"))
        continue;
      std::string Cmd = std::string("/usr/bin/python3 '") + PARAMLINT_SOURCE_DIR +
                        "/bench/make_sparse_checkpoints.py' '" + Out + "' 320 " +
                        S.Rows + " " + S.Cols;
      if (std::system(Cmd.c_str()) != 0) {
        std::fprintf(stderr, "CheckpointBench: `%s` failed\n", Cmd.c_str());
        std::exit(2);
      }
    }
    return Root;
  }();
  return Dir;
}

/// Args: {0 safetensors | 1 torch zip, 0 small | 1 10 GiB}.
void BM_ReadCheckpoint(benchmark::State &State) {
  std::string Path = checkpointDir() + (State.range(1) ? "/10GiB" : "/small") +
                     (State.range(0) ? "/model.pt" : "/model.safetensors");
  State.SetLabel(Path.substr(checkpointDir().size() + 1) + ", " +
                 std::to_string(fs::file_size(Path) >> 20) + " MiB");
  size_t Tensors = 0;
  for (auto _ : State) {
    auto Info = readCheckpoint(Path);
    if (!Info) {
      State.SkipWithError(llvm::toString(Info.takeError()).c_str());
      return;
    }
    Tensors = Info->Tensors.size();
    benchmark::DoNotOptimize(Info->Tensors.data());
  }
  State.counters["tensors"] = static_cast<double>(Tensors);
}
BENCHMARK(BM_ReadCheckpoint)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"torch", "big"})
    ->Unit(benchmark::kMillisecond);

} // namespace
