//===- bench/CheckBench.cpp - `paramlint check` against a bare parse -----===//
///
/// \file
/// Times the whole `check` pipeline against the floor it cannot beat: a bare
/// tree-sitter parse of the same files, in the same process and run, so the
/// ratio between the two is free of machine and load noise.
///
/// The corpus is a directory of real Python model code named by the
/// environment variable PARAMLINT_BENCH_CORPUS (bench/run.sh sets it). Every
/// benchmark takes the share of the corpus in percent as its argument (every
/// other file for 50), so one run also shows whether time grows linearly.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "Discover.h"
#include "SourceFile.h"
#include "python/PythonFrontend.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

using namespace paramlint;

namespace {

/// The environment variable that names the corpus directory.
constexpr const char *CorpusVariable = "PARAMLINT_BENCH_CORPUS";

/// The `.py` files of the corpus, read into memory once, in discovery order.
struct Corpus {
  std::vector<std::string> Paths;
  std::vector<std::string> Texts;
  /// The same texts as the engine sees them, so BM_Extract times extraction
  /// alone and not the line table that SourceFile builds.
  std::vector<std::unique_ptr<SourceFile>> Files;
};

bool endsWith(const std::string &S, const std::string &Suffix) {
  return S.size() >= Suffix.size() &&
         S.compare(S.size() - Suffix.size(), Suffix.size(), Suffix) == 0;
}

/// Loads the corpus on first use. Notebooks are left out: the bare parse
/// has no notebook reader, and the comparison must be over the same bytes.
const Corpus &corpus() {
  static const Corpus C = [] {
    Corpus Result;
    const char *Root = std::getenv(CorpusVariable);
    for (const DiscoveredPath &In : discoverInputs({Root ? Root : ""})) {
      if (!In.Problem.empty() || !endsWith(In.Path, ".py"))
        continue;
      std::ifstream Stream(In.Path, std::ios::binary);
      std::string Text((std::istreambuf_iterator<char>(Stream)),
                       std::istreambuf_iterator<char>());
      Result.Paths.push_back(In.Path);
      Result.Files.push_back(
          std::make_unique<SourceFile>(In.Path, Text, SourceKind::Python));
      Result.Texts.push_back(std::move(Text));
    }
    return Result;
  }();
  return C;
}

/// Indices of the files in a share of the corpus: all of them for 100,
/// every other one for 50, so a half has the same mix of file sizes.
std::vector<size_t> share(int64_t Percent) {
  std::vector<size_t> Picked;
  size_t N = corpus().Paths.size();
  size_t Stride = Percent >= 100 ? 1 : static_cast<size_t>(100 / Percent);
  for (size_t I = 0; I < N; I += Stride)
    Picked.push_back(I);
  return Picked;
}

/// Reports the bytes and files one iteration covered, as rates.
void reportThroughput(benchmark::State &State, const std::vector<size_t> &Picked) {
  int64_t Bytes = 0;
  for (size_t I : Picked)
    Bytes += static_cast<int64_t>(corpus().Texts[I].size());
  State.SetBytesProcessed(Bytes * static_cast<int64_t>(State.iterations()));
  State.SetItemsProcessed(static_cast<int64_t>(Picked.size()) *
                          static_cast<int64_t>(State.iterations()));
  State.counters["files"] = static_cast<double>(Picked.size());
  State.counters["MB"] = static_cast<double>(Bytes) / 1e6;
}

/// The floor: tree-sitter parses every file, one thread, nothing else.
void BM_BareParse(benchmark::State &State) {
  std::vector<size_t> Picked = share(State.range(0));
  for (auto _ : State) {
    size_t Nodes = 0;
    for (size_t I : Picked)
      Nodes += parsePythonOnly(corpus().Texts[I]);
    benchmark::DoNotOptimize(Nodes);
  }
  reportThroughput(State, Picked);
}

/// Parse plus fact extraction per file, one thread, texts already in memory.
void BM_Extract(benchmark::State &State) {
  std::vector<size_t> Picked = share(State.range(0));
  for (auto _ : State) {
    size_t Facts = 0;
    for (size_t I : Picked) {
      FileFacts F = extractPythonFacts(*corpus().Files[I]);
      Facts += F.Accesses.size() + F.Bindings.size() + F.Classes.size();
    }
    benchmark::DoNotOptimize(Facts);
  }
  reportThroughput(State, Picked);
}

/// Runs analyze() over the picked files; fails the benchmark on an error.
/// analyze() also reads the files the inputs import but were not given
/// (at most a few hundred): for a share below 100 those come from the rest
/// of the corpus, so the rates count every file analysed, and
/// `context_files` says how many were such imports.
void runAnalyze(benchmark::State &State, unsigned Jobs, bool RunChecks) {
  std::vector<size_t> Picked = share(State.range(0));
  std::vector<std::string> Paths;
  for (size_t I : Picked)
    Paths.push_back(corpus().Paths[I]);
  AnalysisOptions Options;
  Options.Jobs = Jobs;
  Options.RunChecks = RunChecks;
  size_t Findings = 0, Analysed = 0, Inputs = 0;
  int64_t Bytes = 0;
  for (auto _ : State) {
    auto Result = analyze(Paths, Options);
    if (!Result) {
      State.SkipWithError(llvm::toString(Result.takeError()).c_str());
      return;
    }
    Findings = (*Result)->Diagnostics.size();
    Analysed = (*Result)->Files.size();
    Inputs = (*Result)->InputCount;
    Bytes = 0;
    for (const auto &File : (*Result)->Files)
      Bytes += static_cast<int64_t>(File->text().size());
    benchmark::DoNotOptimize(Findings);
  }
  State.SetBytesProcessed(Bytes * static_cast<int64_t>(State.iterations()));
  State.SetItemsProcessed(static_cast<int64_t>(Analysed) *
                          static_cast<int64_t>(State.iterations()));
  State.counters["files"] = static_cast<double>(Inputs);
  State.counters["context_files"] = static_cast<double>(Analysed - Inputs);
  State.counters["MB"] = static_cast<double>(Bytes) / 1e6;
  State.counters["findings"] = static_cast<double>(Findings);
}

/// analyze() up to the linked graph, no checks, one thread: the share of
/// `check` that is reading, extraction and linking.
void BM_AnalyzeNoChecks(benchmark::State &State) { runAnalyze(State, 1, false); }

/// The whole `check` (read from disk, extract, link, every rule), one thread:
/// the apples-to-apples partner of BM_BareParse.
void BM_CheckSingleThread(benchmark::State &State) { runAnalyze(State, 1, true); }

/// The whole `check` with one worker per core, as the CLI runs it.
void BM_CheckParallel(benchmark::State &State) { runAnalyze(State, 0, true); }

/// Repetitions per benchmark: PARAMLINT_BENCH_REPETITIONS, else 5. A
/// per-benchmark count overrides --benchmark_repetitions, hence the variable.
int repetitions() {
  const char *Value = std::getenv("PARAMLINT_BENCH_REPETITIONS");
  int N = Value ? std::atoi(Value) : 0;
  return N > 0 ? N : 5;
}

/// Each benchmark once over half the corpus and once over all of it, with
/// repetitions so the medians are printed. Both times are kept: wall time
/// (the parallel run's CPU time is spread over threads) and the main
/// thread's CPU time, which a busy machine disturbs far less.
void configure(benchmark::internal::Benchmark *B) {
  B->Arg(50)->Arg(100)->Unit(benchmark::kMillisecond)->Repetitions(repetitions())
      ->ReportAggregatesOnly(true)->UseRealTime();
}

BENCHMARK(BM_BareParse)->Apply(configure);
BENCHMARK(BM_Extract)->Apply(configure);
BENCHMARK(BM_AnalyzeNoChecks)->Apply(configure);
BENCHMARK(BM_CheckSingleThread)->Apply(configure);
BENCHMARK(BM_CheckParallel)->Apply(configure);

} // namespace

/// Refuses to run without a corpus rather than timing an empty directory.
int main(int Argc, char **Argv) {
  const char *Root = std::getenv(CorpusVariable);
  if (!Root || !*Root) {
    std::fprintf(stderr,
                 "paramlint_bench: skipped: set %s to a directory of Python "
                 "code (bench/run.sh does, see bench/README.md)\n",
                 CorpusVariable);
    return 0;
  }
  benchmark::Initialize(&Argc, Argv);
  if (benchmark::ReportUnrecognizedArguments(Argc, Argv))
    return 1;
  if (corpus().Paths.empty()) {
    std::fprintf(stderr, "paramlint_bench: no .py files under %s\n", Root);
    return 1;
  }
  std::fprintf(stderr, "paramlint_bench: %zu .py files under %s\n",
               corpus().Paths.size(), Root);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
