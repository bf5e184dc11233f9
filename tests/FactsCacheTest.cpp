//===- FactsCacheTest.cpp - The per-file facts cache ----------------------===//
///
/// \file
/// Hits, misses and invalidation (by content, by build), damaged entries,
/// a cache that cannot be written, the content hash; then whole runs:
/// `analyze()` over every fixture gives byte-identical JSON cold, warm and
/// without a cache, and the CLI's `--no-cache`, `PARAMLINT_CACHE_DIR` and
/// `cache-dir` put (or keep) the cache where they say.
///
//===----------------------------------------------------------------------===//
#include "FactsDump.h"
#include "TestSupport.h"

#include "Analysis.h"
#include "Config.h"
#include "cache/ContentHash.h"
#include "cache/FactsCache.h"
#include "python/PythonFrontend.h"
#include "report/Reporters.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

const char *const Model = R"(import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g):
    block.norm1.scale = nn.Parameter(g)  # noqa: PL999
)";

/// Extracts with the real frontend and counts the calls.
struct CountingExtract {
  std::atomic<int> Calls{0};
  FileFacts operator()(const SourceFile &F) {
    ++Calls;
    return extractPythonFacts(F);
  }
  std::function<FileFacts(const SourceFile &)> fn() {
    return [this](const SourceFile &F) { return (*this)(F); };
  }
};

size_t countEntries(const std::string &Dir) {
  size_t N = 0;
  std::error_code EC;
  for (fs::recursive_directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC))
    N += It->is_regular_file();
  return N;
}

TEST(FactsCacheTest, SecondLookupOfTheSameTextIsAHit) {
  TempDir Dir;
  CountingExtract Extract;
  SourceFile File("a.py", Model, SourceKind::Python);
  std::string Cold, Warm;
  {
    FactsCache Cache(Dir.file("cache"), "test-build");
    Cold = dumpFacts(Cache.extract(File, Extract.fn()));
    CacheStats S = Cache.stats();
    EXPECT_EQ(S.Hits, 0u);
    EXPECT_EQ(S.Misses, 1u);
    EXPECT_EQ(S.Stored, 1u);
    EXPECT_TRUE(Cache.takeWarnings().empty());
  }
  EXPECT_EQ(Extract.Calls, 1);
  EXPECT_NE(Cold.find("Classes[0]"), std::string::npos);
  // A new run (a new cache object) reads the entry back.
  FactsCache Cache(Dir.file("cache"), "test-build");
  // Another path with the same text shares the entry: facts hold no path.
  SourceFile Same("elsewhere/b.py", Model, SourceKind::Python);
  Warm = dumpFacts(Cache.extract(Same, Extract.fn()));
  EXPECT_EQ(Extract.Calls, 1) << "the warm lookup parsed again";
  EXPECT_EQ(Warm, Cold);
  EXPECT_EQ(Cache.stats().Hits, 1u);
  EXPECT_EQ(Cache.stats().Misses, 0u);
  // The layout: markers at the root, entries under this build's directory.
  EXPECT_EQ(readFile(Dir.file("cache/.gitignore")).find("*\n") !=
                std::string::npos,
            true);
  EXPECT_EQ(readFile(Dir.file("cache/CACHEDIR.TAG"))
                .rfind("Signature: 8a477f597d28d172789f06886806bc55", 0),
            0u);
  std::string Entry = Cache.entryPath(FactsCache::keyOf(Model));
  EXPECT_TRUE(fs::is_regular_file(Entry)) << Entry;
  EXPECT_EQ(Entry.rfind(Dir.file("cache/facts-"), 0), 0u) << Entry;
}

TEST(FactsCacheTest, ChangedTextIsAMiss) {
  TempDir Dir;
  CountingExtract Extract;
  FactsCache Cache(Dir.file("cache"), "test-build");
  std::string Text = Model;
  Cache.extract(SourceFile("a.py", Text, SourceKind::Python), Extract.fn());
  // One byte changed (scale → scalf): parsed again, and its own facts.
  Text[Text.find("scale") + 4] = 'f';
  FileFacts F =
      Cache.extract(SourceFile("a.py", Text, SourceKind::Python), Extract.fn());
  EXPECT_EQ(Extract.Calls, 2);
  EXPECT_NE(dumpFacts(F).find("\"scalf\""), std::string::npos);
  EXPECT_EQ(Cache.stats().Misses, 2u);
  EXPECT_EQ(Cache.stats().Stored, 2u);
}

TEST(FactsCacheTest, AnotherBuildDoesNotReadTheEntries) {
  TempDir Dir;
  CountingExtract Extract;
  SourceFile File("a.py", Model, SourceKind::Python);
  FactsCache(Dir.file("cache"), "build-1").extract(File, Extract.fn());
  FactsCache Other(Dir.file("cache"), "build-2");
  Other.extract(File, Extract.fn());
  EXPECT_EQ(Extract.Calls, 2);
  EXPECT_EQ(Other.stats().Hits, 0u);
  EXPECT_NE(FactsCache(Dir.file("cache"), "build-1").entriesDirectory(),
            Other.entriesDirectory());
  // The real build id names the version and the executable's hash.
  EXPECT_EQ(currentBuildId().rfind(PARAMLINT_VERSION "-", 0), 0u)
      << currentBuildId();
  EXPECT_EQ(currentBuildId().size(),
            std::string(PARAMLINT_VERSION).size() + 17);
}

TEST(FactsCacheTest, DamagedEntriesAreRebuilt) {
  TempDir Dir;
  CountingExtract Extract;
  SourceFile File("a.py", Model, SourceKind::Python);
  std::string Want;
  std::string Entry;
  {
    FactsCache Cache(Dir.file("cache"), "b");
    Want = dumpFacts(Cache.extract(File, Extract.fn()));
    Entry = Cache.entryPath(FactsCache::keyOf(Model));
  }
  std::string Good = readFile(Entry);
  ASSERT_GT(Good.size(), 40u);
  std::string Flipped = Good;
  Flipped[Flipped.size() / 2] ^= 0x20;
  std::string WrongKey = Good;
  WrongKey[10] ^= 1;
  const std::vector<std::pair<const char *, std::string>> Damage = {
      {"empty", ""},
      {"header only", Good.substr(0, 40)},
      {"truncated", Good.substr(0, Good.size() - 1)},
      {"one byte flipped", Flipped},
      {"another key", WrongKey},
      {"trailing garbage", Good + "x"},
      {"not an entry", "hello\n"}};
  int Calls = Extract.Calls;
  for (const auto &[What, Bytes] : Damage) {
    SCOPED_TRACE(What);
    writeFile(Entry, Bytes);
    FactsCache Cache(Dir.file("cache"), "b");
    EXPECT_EQ(dumpFacts(Cache.extract(File, Extract.fn())), Want);
    EXPECT_EQ(Extract.Calls, ++Calls) << "a damaged entry was used";
    EXPECT_EQ(Cache.stats().Rejected, 1u);
    EXPECT_EQ(Cache.stats().Stored, 1u);
    EXPECT_EQ(readFile(Entry), Good) << "the entry was not rewritten";
  }
  // A directory where the entry should be is a miss too, not a crash.
  fs::remove(Entry);
  fs::create_directories(Entry);
  FactsCache Cache(Dir.file("cache"), "b");
  EXPECT_EQ(dumpFacts(Cache.extract(File, Extract.fn())), Want);
}

TEST(FactsCacheTest, UnwritableCacheWarnsOnceAndGoesOn) {
  TempDir Dir;
  // A file where the cache directory would go: nothing can be created
  // below it, even by root (the tests may run as root, which chmod does
  // not stop).
  writeFile(Dir.file("blocker"), "not a directory\n");
  CountingExtract Extract;
  FactsCache Cache(Dir.file("blocker/cache"), "b");
  for (int I = 0; I < 5; ++I) {
    std::string Text = std::string(Model) + "\nx = " + std::to_string(I) + "\n";
    FileFacts F = Cache.extract(SourceFile("a.py", Text, SourceKind::Python),
                                Extract.fn());
    EXPECT_FALSE(F.Classes.empty());
  }
  EXPECT_EQ(Extract.Calls, 5);
  EXPECT_EQ(Cache.stats().Stored, 0u);
  std::vector<std::string> W = Cache.takeWarnings();
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].find("cannot write the cache in `" +
                      Dir.file("blocker/cache") + "`"),
            std::string::npos)
      << W[0];

  // Writable root, but one shard cannot be made: the same, once.
  FactsCache Shards(Dir.file("cache"), "b");
  std::string Entry = Shards.entryPath(FactsCache::keyOf(Model));
  fs::create_directories(Shards.entriesDirectory());
  writeFile(Entry.substr(0, Entry.rfind('/')), "a file, not a shard\n");
  Shards.extract(SourceFile("a.py", Model, SourceKind::Python), Extract.fn());
  EXPECT_EQ(Shards.takeWarnings().size(), 1u);
  EXPECT_EQ(Shards.stats().Stored, 0u);
}

TEST(FactsCacheTest, ConcurrentWritersLeaveOneGoodEntry) {
  TempDir Dir;
  std::vector<std::thread> Threads;
  std::atomic<int> Bad{0};
  for (int T = 0; T < 4; ++T)
    Threads.emplace_back([&] {
      for (int I = 0; I < 20; ++I) {
        FactsCache Cache(Dir.file("cache"), "b");
        FileFacts F = Cache.extract(
            SourceFile("a.py", Model, SourceKind::Python), extractPythonFacts);
        Bad += F.Classes.size() != 1;
        Bad += !Cache.takeWarnings().empty();
        Bad += Cache.stats().Rejected != 0;
      }
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_EQ(Bad, 0);
  // One entry, no temporary files left behind.
  EXPECT_EQ(countEntries(FactsCache(Dir.file("cache"), "b").entriesDirectory()),
            1u);
}

TEST(FactsCacheTest, ContentHashSeparatesNearbyTexts) {
  std::set<std::pair<uint64_t, uint64_t>> Seen;
  size_t Count = 0;
  auto Add = [&](const std::string &S) {
    Hash128 H = contentHash(S);
    Seen.insert({H.Lo, H.Hi});
    ++Count;
  };
  // Every length up to 200 of zeros (padding must not collide), and every
  // single-bit flip of a text that spans several 32-byte blocks.
  for (size_t N = 0; N <= 200; ++N)
    Add(std::string(N, '\0'));
  std::string Text = Model;
  for (size_t I = 0; I < Text.size(); ++I)
    for (int Bit = 0; Bit < 8; ++Bit) {
      std::string T = Text;
      T[I] = static_cast<char>(T[I] ^ (1 << Bit));
      Add(T);
    }
  EXPECT_EQ(Seen.size(), Count);
  EXPECT_EQ(contentHash("abc"), contentHash("abc"));
  EXPECT_NE(contentHash("abc", 1), contentHash("abc", 2));
  EXPECT_EQ(toHex(Hash128{0x0123456789abcdefull, 0xfedcba9876543210ull}),
            "fedcba98765432100123456789abcdef");
}

TEST(FactsCacheTest, CacheDirectoryFollowsEnvConfigAndPaths) {
  TempDir Dir;
  fs::create_directories(Dir.file("proj/src"));
  writeFile(Dir.file("proj/src/a.py"), "x = 1\n");
  // The test process sets it for the programs it runs (TestSupport.cpp).
  const char *Was = std::getenv("PARAMLINT_CACHE_DIR");
  std::string Saved = Was ? Was : "";
  ::unsetenv("PARAMLINT_CACHE_DIR");
  EXPECT_EQ(cacheDirectory({Dir.file("proj/src")}, "", ""),
            Dir.file("proj/src/.paramlint_cache"));
  EXPECT_EQ(cacheDirectory({Dir.file("proj/src/a.py")}, "", ""),
            Dir.file("proj/src/.paramlint_cache"));
  EXPECT_EQ(cacheDirectory({Dir.file("proj/src")}, Dir.file("proj"), ""),
            Dir.file("proj/.paramlint_cache"));
  EXPECT_EQ(cacheDirectory({Dir.file("proj/src")}, Dir.file("proj"),
                           Dir.file("elsewhere")),
            Dir.file("elsewhere"));
  ::setenv("PARAMLINT_CACHE_DIR", Dir.file("env").c_str(), 1);
  EXPECT_EQ(cacheDirectory({Dir.file("proj/src")}, Dir.file("proj"),
                           Dir.file("elsewhere")),
            Dir.file("env"));
  if (Was)
    ::setenv("PARAMLINT_CACHE_DIR", Saved.c_str(), 1);
  else
    ::unsetenv("PARAMLINT_CACHE_DIR");
}

TEST(FactsCacheTest, ConfigCacheDirIsRelativeToTheConfig) {
  TempDir Dir;
  Dir.write("p/paramlint.toml", "cache-dir = \"lint/cache\"\n");
  auto C = readConfig(Dir.file("p/paramlint.toml"));
  ASSERT_TRUE(C && *C);
  EXPECT_EQ((*C)->CacheDir, Dir.file("p/lint/cache"));
  Dir.write("q/paramlint.toml", "select = [\"PL1\"]\ncache-dir = 3\n");
  auto Bad = readConfig(Dir.file("q/paramlint.toml"));
  ASSERT_FALSE(bool(Bad));
  std::string Message = llvm::toString(Bad.takeError());
  EXPECT_NE(Message.find("paramlint.toml:2"), std::string::npos) << Message;
  EXPECT_NE(Message.find("`cache-dir` must be a string"), std::string::npos)
      << Message;
}

/// Runs paramlint with PARAMLINT_CACHE_DIR unset (the test process sets
/// it for its children), so the default place is used.
RunResult runWithDefaultCache(const std::vector<std::string> &Args,
                              const std::string &Cwd = "") {
  std::vector<std::string> Argv = {"/usr/bin/env", "-u", "PARAMLINT_CACHE_DIR",
                                   PARAMLINT_BINARY};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  return runCommand(Argv, "", Cwd);
}

TEST(FactsCacheTest, CleanRemovesOnlyWhatParamlintWrote) {
  TempDir Dir;
  SourceFile File("a.py", Model, SourceKind::Python);
  FactsCache(Dir.file("c"), "build-1").extract(File, extractPythonFacts);
  FactsCache(Dir.file("c"), "build-2").extract(File, extractPythonFacts);
  Dir.write("c/notes.txt", "the user's own file\n");
  auto Removed = cleanCache(Dir.file("c"));
  ASSERT_TRUE(bool(Removed)) << llvm::toString(Removed.takeError());
  EXPECT_TRUE(*Removed);
  std::vector<std::string> Left;
  for (const auto &E : fs::directory_iterator(Dir.file("c")))
    Left.push_back(E.path().filename().string());
  EXPECT_EQ(Left, std::vector<std::string>{"notes.txt"});
  // Nothing of ours left: nothing removed, the user's file kept.
  Removed = cleanCache(Dir.file("c"));
  ASSERT_TRUE(Removed && !*Removed);
  EXPECT_TRUE(fs::exists(Dir.file("c/notes.txt")));
  // A .gitignore the user edited stays; the emptied directory goes when
  // nothing else is in it.
  fs::remove(Dir.file("c/notes.txt"));
  FactsCache(Dir.file("c"), "b").extract(File, extractPythonFacts);
  writeFile(Dir.file("c/.gitignore"), "*\n!keep\n");
  ASSERT_TRUE(cleanCache(Dir.file("c")).get());
  EXPECT_TRUE(fs::exists(Dir.file("c/.gitignore")));
  fs::remove(Dir.file("c/.gitignore"));
  FactsCache(Dir.file("c"), "b").extract(File, extractPythonFacts);
  ASSERT_TRUE(cleanCache(Dir.file("c")).get());
  EXPECT_FALSE(fs::exists(Dir.file("c")));
  // No directory at all: nothing to do.
  Removed = cleanCache(Dir.file("missing"));
  ASSERT_TRUE(Removed && !*Removed);
}

TEST(FactsCacheTest, CliCleanRemovesTheCacheCheckUses) {
  TempDir Dir;
  Dir.write("proj/model.py", Model);
  RunResult R = runWithDefaultCache({"check", Dir.file("proj")});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  ASSERT_TRUE(fs::exists(Dir.file("proj/.paramlint_cache")));
  R = runWithDefaultCache({"clean", Dir.file("proj")});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(R.Out, "Removed the cache at `" +
                       Dir.file("proj/.paramlint_cache") + "`\n");
  EXPECT_FALSE(fs::exists(Dir.file("proj/.paramlint_cache")));
  R = runWithDefaultCache({"clean", Dir.file("proj")});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(R.Out.rfind("No cache at `", 0), 0u) << R.Out;
  EXPECT_TRUE(fs::exists(Dir.file("proj/model.py")));
}

/// Fixture inputs as FixtureTest analyses them: each file or project
/// directory, plus the examples.
std::vector<std::string> fixtureInputs() {
  std::vector<std::string> Out;
  for (const char *Root : {"fixtures/python", "fixtures/notebooks",
                           "fixtures/rename", "examples"}) {
    std::error_code EC;
    for (fs::directory_iterator It(sourceDir() + "/" + Root, EC), End;
         !EC && It != End; It.increment(EC)) {
      std::string Name = It->path().filename().string();
      if (Name[0] != '.' && Name.find(".fixed.") == std::string::npos)
        Out.push_back(It->path().string());
    }
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string jsonOf(const Analysis &A) {
  std::ostringstream OS;
  writeJson(OS, A.Diagnostics);
  return OS.str();
}

TEST(FactsCacheTest, FixturesGiveIdenticalJsonColdWarmAndUncached) {
  TempDir Dir;
  std::vector<std::string> Inputs = fixtureInputs();
  ASSERT_GE(Inputs.size(), 20u);
  size_t Findings = 0, Notebooks = 0;
  for (const std::string &Input : Inputs) {
    SCOPED_TRACE(Input);
    Notebooks += Input.find(".ipynb") != std::string::npos;
    AnalysisOptions Plain;
    AnalysisOptions Cached;
    Cached.CacheDir = Dir.file("cache");
    auto None = analyze({Input}, Plain);
    auto Cold = analyze({Input}, Cached);
    auto Warm = analyze({Input}, Cached);
    ASSERT_TRUE(None && Cold && Warm);
    EXPECT_EQ(jsonOf(**Cold), jsonOf(**None));
    EXPECT_EQ(jsonOf(**Warm), jsonOf(**None));
    Findings += (*None)->Diagnostics.size();
    EXPECT_EQ((*None)->Cache.Hits + (*None)->Cache.Misses, 0u);
    // Warm: every file whose facts the cold run extracted or found (inputs
    // and the files they import) is a hit.
    EXPECT_EQ((*Warm)->Cache.Misses, 0u);
    EXPECT_EQ((*Warm)->Cache.Hits, (*Cold)->Cache.Hits + (*Cold)->Cache.Misses);
    EXPECT_GE((*Warm)->Cache.Hits, 1u);
    ASSERT_EQ((*Warm)->Facts.size(), (*None)->Facts.size());
    for (size_t I = 0; I < (*Warm)->Facts.size(); ++I)
      EXPECT_EQ(dumpFacts((*Warm)->Facts[I]), dumpFacts((*None)->Facts[I]));
  }
  EXPECT_GE(Findings, 20u);
  EXPECT_GE(Notebooks, 1u);
}

TEST(FactsCacheTest, CliNoCacheEnvAndConfig) {
  TempDir Dir;
  Dir.write("proj/model.py", Model);
  // --no-cache: nothing is written.
  RunResult R = runWithDefaultCache(
      {"check", "--no-cache", "--output-format", "json", Dir.file("proj")});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_FALSE(fs::exists(Dir.file("proj/.paramlint_cache")));
  std::string Uncached = R.Out;
  // Default: .paramlint_cache in the first path's directory, same output.
  R = runWithDefaultCache(
      {"check", "--output-format", "json", Dir.file("proj")});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_EQ(R.Out, Uncached);
  EXPECT_TRUE(fs::exists(Dir.file("proj/.paramlint_cache/CACHEDIR.TAG")));
  EXPECT_GE(countEntries(Dir.file("proj/.paramlint_cache")), 3u);
  R = runWithDefaultCache(
      {"check", "--output-format", "json", Dir.file("proj")});
  EXPECT_EQ(R.Out, Uncached) << "warm run differs";
  // A config's directory is the project root; `cache-dir` moves it.
  Dir.write("proj/paramlint.toml", "cache-dir = \"build/lint-cache\"\n");
  R = runWithDefaultCache({"check", "--output-format", "json", "model.py"},
                          Dir.file("proj"));
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("\"code\": \"PL002\""), std::string::npos) << R.Out;
  EXPECT_TRUE(fs::exists(Dir.file("proj/build/lint-cache/.gitignore")));
  // The environment wins over both.
  R = runCommand({"/usr/bin/env",
                  "PARAMLINT_CACHE_DIR=" + Dir.file("env-cache"),
                  PARAMLINT_BINARY, "check", "--output-format", "json",
                  Dir.file("proj/model.py")});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_TRUE(fs::exists(Dir.file("env-cache/CACHEDIR.TAG")));
  // An unwritable cache: one warning, the same findings.
  Dir.write("blocker", "x\n");
  R = runCommand({"/usr/bin/env",
                  "PARAMLINT_CACHE_DIR=" + Dir.file("blocker/c"),
                  PARAMLINT_BINARY, "check", "--output-format", "json",
                  "--isolated", Dir.file("proj/model.py")});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_EQ(R.Out, Uncached);
  EXPECT_NE(R.Err.find("paramlint: warning: cannot write the cache"),
            std::string::npos)
      << R.Err;
  EXPECT_EQ(R.Err.find("warning", R.Err.find("warning") + 1), std::string::npos)
      << "warned more than once: " << R.Err;
}

} // namespace
} // namespace paramlint::test
