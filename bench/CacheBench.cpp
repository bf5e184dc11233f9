//===- bench/CacheBench.cpp - The cache's hash and serializer -------------===//
///
/// \file
/// What a warm run pays per file instead of a parse: hashing the text
/// (ContentHash, against a byte-at-a-time FNV-1a, the simplest choice) and
/// reading the facts back (FactsSerializer), over the `.py` files of the
/// corpus named by PARAMLINT_BENCH_CORPUS (bench/cache.sh sets it); and
/// the whole cost of one changed file.
///
//===----------------------------------------------------------------------===//
#include "Discover.h"
#include "SourceFile.h"
#include "cache/ContentHash.h"
#include "cache/FactsCache.h"
#include "cache/FactsSerializer.h"
#include "python/PythonFrontend.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace paramlint;

namespace {

/// The corpus texts, their facts and the facts' bytes, made once.
struct Loaded {
  std::vector<std::string> Texts;
  std::vector<FileFacts> Facts;
  std::vector<std::string> Bytes;
  size_t TextBytes = 0, FactBytes = 0;
};

const Loaded &loaded() {
  static const Loaded L = [] {
    Loaded Out;
    const char *Root = std::getenv("PARAMLINT_BENCH_CORPUS");
    if (!Root)
      return Out;
    for (const DiscoveredPath &In : discoverInputs({Root})) {
      if (!In.Problem.empty() || In.Path.size() < 3 ||
          In.Path.compare(In.Path.size() - 3, 3, ".py") != 0)
        continue;
      std::ostringstream Text;
      Text << std::ifstream(In.Path, std::ios::binary).rdbuf();
      Out.Texts.push_back(Text.str());
      Out.Facts.push_back(extractPythonFacts(
          SourceFile(In.Path, Out.Texts.back(), SourceKind::Python)));
      Out.Bytes.emplace_back();
      serializeFacts(Out.Facts.back(), Out.Bytes.back());
      Out.TextBytes += Out.Texts.back().size();
      Out.FactBytes += Out.Bytes.back().size();
    }
    return Out;
  }();
  return L;
}

bool skipWithoutCorpus(benchmark::State &State) {
  if (!loaded().Texts.empty())
    return false;
  State.SkipWithError("PARAMLINT_BENCH_CORPUS names no corpus of .py files");
  return true;
}

void BM_ContentHash(benchmark::State &State) {
  if (skipWithoutCorpus(State))
    return;
  for (auto _ : State)
    for (const std::string &T : loaded().Texts)
      benchmark::DoNotOptimize(contentHash(T));
  State.SetBytesProcessed(State.iterations() * loaded().TextBytes);
}

/// FNV-1a, 64-bit: one multiply per byte, each waiting for the last.
uint64_t fnv1a(const std::string &S) {
  uint64_t H = 0xcbf29ce484222325ull;
  for (unsigned char C : S)
    H = (H ^ C) * 0x100000001b3ull;
  return H;
}

void BM_Fnv1a(benchmark::State &State) {
  if (skipWithoutCorpus(State))
    return;
  for (auto _ : State)
    for (const std::string &T : loaded().Texts)
      benchmark::DoNotOptimize(fnv1a(T));
  State.SetBytesProcessed(State.iterations() * loaded().TextBytes);
}

void BM_FactsSerialize(benchmark::State &State) {
  if (skipWithoutCorpus(State))
    return;
  std::string Out;
  for (auto _ : State)
    for (const FileFacts &F : loaded().Facts) {
      Out.clear();
      serializeFacts(F, Out);
      benchmark::DoNotOptimize(Out.data());
    }
  State.counters["facts_MB"] = loaded().FactBytes / 1e6;
  State.counters["text_MB"] = loaded().TextBytes / 1e6;
}

void BM_FactsDeserialize(benchmark::State &State) {
  if (skipWithoutCorpus(State))
    return;
  for (auto _ : State)
    for (const std::string &B : loaded().Bytes)
      benchmark::DoNotOptimize(deserializeFacts(B));
  State.counters["facts_MB"] = loaded().FactBytes / 1e6;
}

/// The parse it replaces, for scale.
void BM_ExtractFacts(benchmark::State &State) {
  if (skipWithoutCorpus(State))
    return;
  for (auto _ : State)
    for (const std::string &T : loaded().Texts)
      benchmark::DoNotOptimize(
          extractPythonFacts(SourceFile("x.py", T, SourceKind::Python)));
}

/// One changed file, as a warm run with one edit pays for it: hash the new
/// text, miss, parse and extract, serialise, write the entry. The file is
/// PARAMLINT_BENCH_FILE (bench/cache.sh names the one it edits); each
/// iteration changes its last line, so every lookup misses.
void BM_OneFileMiss(benchmark::State &State) {
  const char *Path = std::getenv("PARAMLINT_BENCH_FILE");
  std::ostringstream Text;
  if (Path)
    Text << std::ifstream(Path, std::ios::binary).rdbuf();
  if (Text.str().empty()) {
    State.SkipWithError("PARAMLINT_BENCH_FILE names no readable file");
    return;
  }
  char Dir[] = "/tmp/paramlint-cache-bench-XXXXXX";
  if (!::mkdtemp(Dir)) {
    State.SkipWithError("mkdtemp failed");
    return;
  }
  FactsCache Cache(Dir);
  uint64_t Edit = 0;
  for (auto _ : State) {
    State.PauseTiming();
    SourceFile File(Path, Text.str() + "\n# edit " + std::to_string(Edit++) + "\n",
                    SourceKind::Python);
    State.ResumeTiming();
    benchmark::DoNotOptimize(Cache.extract(File, extractPythonFacts));
  }
  State.counters["KB"] = Text.str().size() / 1e3;
  State.counters["misses"] = static_cast<double>(Cache.stats().Misses);
  std::error_code EC;
  std::filesystem::remove_all(Dir, EC);
}

} // namespace

BENCHMARK(BM_OneFileMiss)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ContentHash)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Fnv1a)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FactsSerialize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FactsDeserialize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExtractFacts)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
