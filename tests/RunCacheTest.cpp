//===- RunCacheTest.cpp - Reusing the diagnostics of an unchanged run -----===//
///
/// \file
/// Diagnostics survive serialise → deserialise field by field; a second
/// run over the same files and options reuses them (and says so), and
/// anything in the run key that changes (a text, a new file, the rule
/// selection) makes the run link again; damaged results are ignored.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "Analysis.h"
#include "cache/FactsCache.h"
#include "cache/RunCache.h"
#include "report/Reporters.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <thread>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

/// Every field of every diagnostic, files by path.
std::string dumpDiagnostics(const std::vector<Diagnostic> &Diags) {
  std::ostringstream OS;
  auto Loc = [&](const Location &L) {
    const auto &[File, Where] = L;
    OS << (File ? File->path() : "<none>") << "@" << Where.Begin << "-"
       << Where.End;
  };
  for (const Diagnostic &D : Diags) {
    const auto &[Code, Message, Where, Notes, TheFix] = D;
    OS << Code << " " << Message << " ";
    Loc(Where);
    for (const Note &N : Notes) {
      const auto &[NoteMessage, NoteWhere] = N;
      OS << "\n  note " << NoteMessage << " ";
      if (NoteWhere)
        Loc(*NoteWhere);
    }
    if (TheFix) {
      const auto &[Applies, FixMessage, Edits] = *TheFix;
      OS << "\n  fix " << static_cast<int>(Applies) << " " << FixMessage;
      for (const Edit &E : Edits) {
        const auto &[EditWhere, Content] = E;
        OS << " [" << EditWhere.Begin << "-" << EditWhere.End << " " << Content
           << "]";
      }
    }
    OS << "\n";
  }
  return OS.str();
}

std::string jsonOf(const Analysis &A) {
  std::ostringstream OS;
  writeJson(OS, A.Diagnostics);
  return OS.str();
}

/// A project with findings (with notes and fixes) in two files.
const std::string Project = "/examples/gpt2-swap";

TEST(RunCacheTest, DiagnosticsRoundTripFieldByField) {
  auto A = analyze({sourceDir() + Project,
                    sourceDir() + "/fixtures/notebooks/PL101_notebook_project"},
                   AnalysisOptions());
  ASSERT_TRUE(bool(A));
  const std::vector<Diagnostic> &Diags = (*A)->Diagnostics;
  ASSERT_GE(Diags.size(), 3u);
  bool Notes = false, Fixes = false;
  for (const Diagnostic &D : Diags) {
    Notes |= !D.Notes.empty();
    Fixes |= D.TheFix.has_value();
  }
  EXPECT_TRUE(Notes && Fixes) << "the round trip would miss notes or fixes";
  std::optional<std::string> Bytes = serializeDiagnostics(Diags, (*A)->Files);
  ASSERT_TRUE(Bytes.has_value());
  auto Back = deserializeDiagnostics(*Bytes, (*A)->Files);
  ASSERT_TRUE(Back.has_value());
  EXPECT_EQ(dumpDiagnostics(*Back), dumpDiagnostics(Diags));
  // Read against fewer files, a location names a file that is not there.
  std::vector<std::unique_ptr<SourceFile>> One;
  One.push_back(std::make_unique<SourceFile>("x.py", "", SourceKind::Python));
  EXPECT_FALSE(deserializeDiagnostics(*Bytes, One).has_value());
  for (size_t Len = 0; Len < Bytes->size(); Len += 7)
    EXPECT_FALSE(deserializeDiagnostics(Bytes->substr(0, Len), (*A)->Files));
  // A location in a file the run did not read cannot be stored.
  SourceFile Stranger("ckpt.safetensors", "", SourceKind::Python);
  std::vector<Diagnostic> Odd = Diags;
  Odd[0].Where.File = &Stranger;
  EXPECT_FALSE(serializeDiagnostics(Odd, (*A)->Files).has_value());
}

/// A copy of the GPT project fixture in a temporary directory.
struct ProjectCopy {
  TempDir Dir;
  std::string Root = Dir.file("proj");
  ProjectCopy() {
    fs::copy(sourceDir() + Project, Root, fs::copy_options::recursive);
    fs::remove_all(Root + "/.paramlint_cache");
  }
  AnalysisOptions options() const {
    AnalysisOptions O;
    O.CacheDir = Dir.file("cache");
    O.ReuseDiagnostics = true;
    return O;
  }
};

TEST(RunCacheTest, UnchangedRunIsReusedAndChangesAreNot) {
  ProjectCopy P;
  AnalysisOptions O = P.options();
  auto Cold = analyze({P.Root}, O);
  ASSERT_TRUE(bool(Cold));
  EXPECT_FALSE((*Cold)->Cache.ReusedRun);
  ASSERT_FALSE((*Cold)->Diagnostics.empty());
  std::string Want = jsonOf(**Cold);

  auto Warm = analyze({P.Root}, O);
  ASSERT_TRUE(bool(Warm));
  EXPECT_TRUE((*Warm)->Cache.ReusedRun);
  EXPECT_EQ(jsonOf(**Warm), Want);
  EXPECT_EQ(dumpDiagnostics((*Warm)->Diagnostics),
            dumpDiagnostics((*Cold)->Diagnostics));
  EXPECT_TRUE((*Warm)->Graph.Models.empty()) << "a reused run links nothing";

  // Without ReuseDiagnostics (e.g. `paramlint graph`), the graph is built.
  AnalysisOptions NoReuse = O;
  NoReuse.ReuseDiagnostics = false;
  auto Linked = analyze({P.Root}, NoReuse);
  EXPECT_FALSE((*Linked)->Cache.ReusedRun);
  EXPECT_FALSE((*Linked)->Graph.Models.empty());

  // Another selection is another key.
  AnalysisOptions Select = O;
  Select.Select = {"PL101"};
  auto Selected = analyze({P.Root}, Select);
  EXPECT_FALSE((*Selected)->Cache.ReusedRun);
  EXPECT_TRUE((*analyze({P.Root}, Select))->Cache.ReusedRun);

  // A changed text: linked again, and its finding moves with it.
  std::string Loader = P.Root + "/load_weights.py";
  writeFile(Loader, "# a new first line\n" + readFile(Loader));
  auto Edited = analyze({P.Root}, O);
  EXPECT_FALSE((*Edited)->Cache.ReusedRun);
  EXPECT_EQ((*Edited)->Cache.Misses, 1u) << "only the edited file is parsed";
  EXPECT_NE(jsonOf(**Edited), Want);
  auto NoCache = analyze({P.Root}, AnalysisOptions());
  EXPECT_EQ(jsonOf(**Edited), jsonOf(**NoCache));

  // A new file is another key too.
  writeFile(P.Root + "/extra.py", "x = 1\n");
  auto Added = analyze({P.Root}, O);
  EXPECT_FALSE((*Added)->Cache.ReusedRun);
  EXPECT_EQ(jsonOf(**Added), jsonOf(**NoCache));
}

TEST(RunCacheTest, RunsWithCheckpointsAreNeverReused) {
  ProjectCopy P;
  AnalysisOptions O = P.options();
  O.Checkpoints = {P.Dir.file("missing.safetensors")};
  auto First = analyze({P.Root}, O);
  auto Second = analyze({P.Root}, O);
  ASSERT_TRUE(First && Second);
  EXPECT_FALSE((*Second)->Cache.ReusedRun);
  EXPECT_EQ(jsonOf(**Second), jsonOf(**First));
}

TEST(RunCacheTest, DamagedResultsAreIgnoredAndOldOnesPruned) {
  ProjectCopy P;
  AnalysisOptions O = P.options();
  std::string Want = jsonOf(**analyze({P.Root}, O));
  std::string Runs = FactsCache(O.CacheDir).entriesDirectory() + "/runs";
  std::vector<fs::path> Files;
  for (const auto &E : fs::directory_iterator(Runs))
    Files.push_back(E.path());
  ASSERT_EQ(Files.size(), 1u);
  std::string Good = readFile(Files[0].string());
  std::string Bad = Good;
  Bad[Bad.size() - 3] ^= 0x55;
  for (const std::string &Damage :
       {std::string(), Good.substr(0, Good.size() / 2), Bad}) {
    writeFile(Files[0].string(), Damage);
    auto A = analyze({P.Root}, O);
    EXPECT_FALSE((*A)->Cache.ReusedRun);
    EXPECT_EQ(jsonOf(**A), Want);
    EXPECT_EQ(readFile(Files[0].string()), Good) << "not rewritten";
  }
  // Many different runs keep only the newest few results.
  const char *const Codes[] = {"PL002", "PL101", "PL102",
                               "PL103", "PL104", "PL105"};
  for (int I = 0; I < 12; ++I) {
    AnalysisOptions Other = O;
    Other.Ignore = {Codes[I % 6]};
    Other.Select = {I < 6 ? "PL1" : "ALL"};
    ASSERT_TRUE(bool(analyze({P.Root}, Other)));
  }
  size_t Left = 0;
  for ([[maybe_unused]] const auto &E : fs::directory_iterator(Runs))
    ++Left;
  EXPECT_EQ(Left, FactsCache::MaxRunEntries);
}

TEST(RunCacheTest, CliTimingsSayWhenDiagnosticsAreReused) {
  ProjectCopy P;
  // A cache of its own, so no other test has filled it.
  std::vector<std::string> Args = {
      "/usr/bin/env",   "PARAMLINT_CACHE_DIR=" + P.Dir.file("cli-cache"),
      PARAMLINT_BINARY, "check",
      "--timings",      "--output-format",
      "json",           P.Root};
  RunResult Cold = runCommand(Args);
  ASSERT_EQ(Cold.ExitCode, 1) << describeRun(Cold);
  EXPECT_NE(Cold.Err.find("paramlint: timings: "), std::string::npos)
      << Cold.Err;
  EXPECT_EQ(Cold.Err.find("diagnostics reused"), std::string::npos) << Cold.Err;
  EXPECT_NE(Cold.Err.find(" 0 hits"), std::string::npos) << Cold.Err;
  RunResult Warm = runCommand(Args);
  EXPECT_EQ(Warm.Out, Cold.Out);
  EXPECT_NE(Warm.Err.find("0 misses, diagnostics reused"), std::string::npos)
      << Warm.Err;
  Args.insert(Args.begin() + 4, "--no-cache");
  RunResult Uncached = runCommand(Args);
  EXPECT_EQ(Uncached.Out, Cold.Out);
  EXPECT_NE(Uncached.Err.find("cache: 0 hits, 0 misses;"), std::string::npos)
      << Uncached.Err;
}

TEST(RunCacheTest, ConcurrentProcessesShareOneCache) {
  // Several `check` processes start at once on an empty cache: each writes
  // the same entries and run result. None may see a torn entry, all print
  // what an uncached run prints, and the cache they leave is whole.
  ProjectCopy P;
  fs::copy(sourceDir() + "/fixtures/python", P.Root + "/more",
           fs::copy_options::recursive);
  fs::remove_all(P.Root + "/more/.paramlint_cache");
  std::string Cache = P.Dir.file("shared-cache");
  auto Check = [&](bool UseCache) {
    std::vector<std::string> Argv = {
        "/usr/bin/env",   "PARAMLINT_CACHE_DIR=" + Cache,
        PARAMLINT_BINARY, "check",
        "--timings",      "--output-format",
        "json",           P.Root};
    if (!UseCache)
      Argv.insert(Argv.begin() + 4, "--no-cache");
    return runCommand(Argv);
  };
  RunResult Want = Check(false);
  ASSERT_EQ(Want.ExitCode, 1) << describeRun(Want);
  std::vector<RunResult> Runs(4);
  std::vector<std::thread> Threads;
  for (RunResult &R : Runs)
    Threads.emplace_back([&R, &Check] { R = Check(true); });
  for (std::thread &T : Threads)
    T.join();
  for (const RunResult &R : Runs) {
    EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
    EXPECT_EQ(R.Out, Want.Out);
    EXPECT_EQ(R.Err.find("warning"), std::string::npos) << R.Err;
  }
  // Whole entries: the next run finds every file and the run result.
  RunResult Warm = Check(true);
  EXPECT_EQ(Warm.Out, Want.Out);
  EXPECT_NE(Warm.Err.find(" 0 misses, diagnostics reused"), std::string::npos)
      << Warm.Err;
  for (const auto &E : fs::recursive_directory_iterator(Cache))
    EXPECT_EQ(E.path().filename().string().find(".tmp."), std::string::npos)
        << "a temporary file was left: " << E.path();
}

} // namespace
} // namespace paramlint::test
