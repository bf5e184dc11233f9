//===- DifferentialTest.cpp - paramlint against real PyTorch ---------------===//
///
/// \file
/// Differential tests: what paramlint predicts statically is checked against
/// what the real PyTorch does when the fixture runs. The oracles live in
/// tests/differential/ and run under the python that has torch:
///
/// - keyspace_oracle.py: for every `keyspace_*.py` fixture and every project
///   directory, the predicted key patterns must match the real
///   `state_dict()` keys of each module-level instance.
/// - bug_oracle.py: for every PL101/PL103/PL104 fixture (Python files and
///   notebooks) and the bundled example, each reported bug must be
///   observable at run time.
/// - fix_oracle.py: for every PL101/PL104 fixture and the example, the
///   copy with all safe fixes applied must run, hold no stray norm names
///   and load each tensor into the parameter of its role; paramlint must
///   then have no safe fix left to offer on it, and the real `check --fix`
///   must write exactly that copy.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Fixture paths under fixtures/<Kind>/, relative to the source tree, as the
/// tests pass them.
std::vector<std::string> listFixtures(const std::string &Kind,
                                      bool (*Wanted)(const fs::path &)) {
  std::vector<std::string> Out;
  fs::path Root = fs::path(PARAMLINT_SOURCE_DIR) / "fixtures" / Kind;
  std::error_code EC;
  for (const fs::directory_entry &E : fs::directory_iterator(Root, EC))
    // `X.fixed.py` is the expected output of --fix, not a fixture; hidden
    // entries (`.paramlint_cache` after a `check` there) are not either.
    if (E.path().filename().string().find(".fixed.") == std::string::npos &&
        E.path().filename().string()[0] != '.' && Wanted(E.path()))
      Out.push_back("fixtures/" + Kind + "/" + E.path().filename().string());
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// Python fixtures followed by notebook fixtures.
std::vector<std::string> listAllFixtures(bool (*Wanted)(const fs::path &)) {
  std::vector<std::string> Out = listFixtures("python", Wanted);
  for (std::string &P : listFixtures("notebooks", Wanted))
    Out.push_back(std::move(P));
  return Out;
}

bool isKeySpaceFixture(const fs::path &P) {
  if (fs::is_directory(P))
    return true; // a multi-file project fixture
  std::string Name = P.filename().string();
  return Name.rfind("keyspace_", 0) == 0 && P.extension() == ".py";
}

bool isBugFixture(const fs::path &P) {
  std::string Name = P.filename().string();
  if (fs::is_directory(P) ||
      (P.extension() != ".py" && P.extension() != ".ipynb"))
    return false;
  return Name.rfind("PL101_", 0) == 0 || Name.rfind("PL103_", 0) == 0 ||
         Name.rfind("PL104_", 0) == 0;
}

bool isFixFixture(const fs::path &P) {
  std::string Name = P.filename().string();
  return P.extension() == ".py" &&
         (Name.rfind("PL101_", 0) == 0 || Name.rfind("PL104_", 0) == 0);
}

/// A gtest-safe name for a fixture path (notebooks keep their extension).
std::string testName(const testing::TestParamInfo<std::string> &Info) {
  fs::path P(Info.param);
  std::string Name = P.extension() == ".ipynb" ? P.filename().string()
                                                : P.stem().string();
  for (char &C : Name)
    if (!std::isalnum(static_cast<unsigned char>(C)))
      C = '_';
  return Name;
}

/// Whether the oracle python can import torch; computed once.
bool torchAvailable(std::string &Why) {
  static const RunResult Probe =
      runPython({"-c", "import torch, numpy; print(torch.__version__)"});
  if (Probe.ExitCode == 0)
    return true;
  Why = describeRun(Probe);
  return false;
}

#define SKIP_WITHOUT_TORCH()                                                   \
  do {                                                                         \
    std::string Why;                                                           \
    if (!torchAvailable(Why))                                                  \
      GTEST_SKIP() << "\n*** DIFFERENTIAL TESTS SKIPPED: " PARAMLINT_PYTHON    \
                      " cannot import torch and numpy (install python3-torch " \
                      "python3-numpy; scripts/bootstrap.sh --test does). ***\n" \
                   << Why;                                                     \
  } while (false)

std::string oracle(const char *Name) {
  return sourceDir() + "/tests/differential/" + Name;
}

/// `paramlint graph --format json Path`, saved in Dir; "" on failure.
std::string writeGraph(const TempDir &Dir, const std::string &Path) {
  RunResult Graph =
      runParamlint({"graph", "--format", "json", Path}, "", sourceDir());
  EXPECT_EQ(Graph.ExitCode, 0) << describeRun(Graph);
  if (Graph.ExitCode != 0)
    return "";
  EXPECT_TRUE(Json::accept(Graph.Out)) << "graph output is not JSON:\n" << Graph.Out;
  return Dir.write("graph.json", Graph.Out);
}

/// `paramlint check --output-format json Path`, saved in Dir; "" on failure.
/// Bug fixtures have findings, so the check must exit 1.
std::string writeDiagnostics(const TempDir &Dir, const std::string &Path,
                             Json &Parsed) {
  RunResult Check = runParamlint({"check", "--output-format", "json", Path},
                                 "", sourceDir());
  EXPECT_EQ(Check.ExitCode, 1) << describeRun(Check);
  try {
    Parsed = Json::parse(Check.Out);
  } catch (const Json::exception &E) {
    ADD_FAILURE() << "check output is not JSON: " << E.what() << "\n"
                  << Check.Out;
    return "";
  }
  return Dir.write("diagnostics.json", Check.Out);
}

/// The N of the oracle's `checked N ...` line, or -1.
int checkedCount(const std::string &Out) {
  std::smatch M;
  static const std::regex Line(R"(checked (\d+) (diagnostic|instance|fix|rename))");
  std::string::const_iterator Begin = Out.begin();
  int Last = -1;
  while (std::regex_search(Begin, Out.end(), M, Line)) {
    Last = std::stoi(M[1]);
    Begin = M.suffix().first;
  }
  return Last;
}

/// What an oracle reads about one fixture: paramlint's findings and graph,
/// saved to files, and the findings parsed.
struct OracleInputs {
  Json Diagnostics;
  std::string DiagFile, GraphFile;
  bool ok() const { return !DiagFile.empty() && !GraphFile.empty(); }
};

OracleInputs prepareInputs(const TempDir &Dir, const std::string &Path) {
  OracleInputs In;
  In.DiagFile = writeDiagnostics(Dir, Path, In.Diagnostics);
  In.GraphFile = writeGraph(Dir, Path);
  return In;
}

/// Runs bug_oracle.py on Path and expects every diagnostic confirmed.
void expectBugsConfirmed(const std::string &Path) {
  TempDir Dir;
  OracleInputs In = prepareInputs(Dir, Path);
  ASSERT_TRUE(In.ok());
  const Json &Diagnostics = In.Diagnostics;
  RunResult Oracle =
      runPython({oracle("bug_oracle.py"), Path, In.DiagFile, In.GraphFile}, "",
                sourceDir());
  EXPECT_EQ(Oracle.ExitCode, 0)
      << "bug_oracle.py could not confirm the findings for " << Path << "\n"
      << describeRun(Oracle) << "\ndiagnostics:\n"
      << Diagnostics.dump(1);
  EXPECT_GE(checkedCount(Oracle.Out), 1)
      << "the oracle checked nothing for " << Path << "\n"
      << Oracle.Out;
}

bool isSafeFix(const Json &Diagnostic) {
  const Json *Fix = Diagnostic.contains("fix") ? &Diagnostic["fix"] : nullptr;
  return Fix && Fix->is_object() && Fix->value("applicability", "") == "safe";
}

/// Runs `paramlint check --fix` on a copy of Path (a file or a project
/// directory) and expects every Python file of the copy to equal its
/// counterpart under OracleCopy, which fix_oracle.py wrote and ran.
void expectRealFixMatches(const std::string &Path, const std::string &OracleCopy) {
  TempDir Real;
  fs::path From = fs::path(sourceDir()) / Path;
  fs::path To = fs::path(Real.path()) / From.filename();
  std::error_code EC;
  fs::copy(From, To, fs::copy_options::recursive, EC);
  ASSERT_FALSE(EC) << "cannot copy " << From << ": " << EC.message();
  RunResult Fix = runParamlint({"check", "--fix", To.string()}, "", sourceDir());
  ASSERT_TRUE(Fix.ExitCode == 0 || Fix.ExitCode == 1) << describeRun(Fix);
  EXPECT_EQ(Fix.Err, "") << describeRun(Fix);
  std::vector<fs::path> Files;
  if (fs::is_directory(To)) {
    for (const auto &E : fs::recursive_directory_iterator(To))
      if (E.path().extension() == ".py" &&
          E.path().string().find(".fixed.") == std::string::npos)
        Files.push_back(E.path().lexically_relative(To));
  } else {
    Files.push_back("");
  }
  for (const fs::path &Rel : Files) {
    fs::path Mine = Rel.empty() ? To : To / Rel;
    fs::path Theirs = Rel.empty() ? fs::path(OracleCopy) : fs::path(OracleCopy) / Rel;
    EXPECT_TRUE(readFile(Mine.string()) == readFile(Theirs.string()))
        << Path << ": `check --fix` wrote " << Mine
        << " differently from the text the fix oracle checked under torch";
  }
}

/// Runs fix_oracle.py on Path, then checks the fixed copy again.
void expectSafeFixesRepair(const std::string &Path) {
  TempDir Dir;
  OracleInputs In = prepareInputs(Dir, Path);
  ASSERT_TRUE(In.ok());
  const Json &Diagnostics = In.Diagnostics;
  ASSERT_GE(std::count_if(Diagnostics.begin(), Diagnostics.end(), isSafeFix), 1)
      << Path << " has no safe fix to check\n"
      << Diagnostics.dump(1);

  std::string OutDir = Dir.file("fixed");
  RunResult Oracle = runPython(
      {oracle("fix_oracle.py"), Path, In.DiagFile, In.GraphFile, OutDir}, "",
      sourceDir());
  EXPECT_EQ(Oracle.ExitCode, 0)
      << "the safe fixes do not repair " << Path << " under torch\n"
      << describeRun(Oracle);
  EXPECT_GE(checkedCount(Oracle.Out), 1) << Oracle.Out;

  // Fixing is idempotent: the fixed copy offers no safe fix any more.
  std::string Fixed = OutDir + "/" + fs::path(Path).filename().string();
  RunResult Again =
      runParamlint({"check", "--output-format", "json", Fixed}, "", sourceDir());
  ASSERT_TRUE(Json::accept(Again.Out)) << describeRun(Again);
  for (const Json &D : Json::parse(Again.Out))
    EXPECT_FALSE(isSafeFix(D)) << "still fixable after the fixes: " << D.dump(1);

  // The real `check --fix` writes exactly the text the oracle ran under
  // torch, file by file.
  expectRealFixMatches(Path, Fixed);
}

class KeySpaceDifferential : public testing::TestWithParam<std::string> {};

TEST_P(KeySpaceDifferential, PredictedKeysMatchRealStateDict) {
  SKIP_WITHOUT_TORCH();
  const std::string &Path = GetParam();
  TempDir Dir;
  std::string GraphFile = writeGraph(Dir, Path);
  ASSERT_FALSE(GraphFile.empty());
  RunResult Oracle = runPython({oracle("keyspace_oracle.py"), Path, GraphFile},
                               "", sourceDir());
  EXPECT_EQ(Oracle.ExitCode, 0)
      << "paramlint's key space disagrees with torch for " << Path << "\n"
      << describeRun(Oracle);
  EXPECT_GE(checkedCount(Oracle.Out), 1) << Oracle.Out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KeySpaceDifferential,
                         testing::ValuesIn(listFixtures("python", isKeySpaceFixture)),
                         testName);

class BugDifferential : public testing::TestWithParam<std::string> {};

TEST_P(BugDifferential, EveryReportedBugHappensUnderTorch) {
  SKIP_WITHOUT_TORCH();
  expectBugsConfirmed(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BugDifferential,
                         testing::ValuesIn(listAllFixtures(isBugFixture)),
                         testName);

class FixDifferential : public testing::TestWithParam<std::string> {};

TEST_P(FixDifferential, SafeFixesRepairTheBugUnderTorch) {
  SKIP_WITHOUT_TORCH();
  expectSafeFixesRepair(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixDifferential,
                         testing::ValuesIn(listFixtures("python", isFixFixture)),
                         testName);

TEST(ExampleDifferential, GptSwapSafeFixesLoadTheWeights) {
  SKIP_WITHOUT_TORCH();
  expectSafeFixesRepair("examples/gpt2-swap");
}

// The README's first command: six PL101s, each a real AttributeError.
TEST(ExampleDifferential, GptSwapReportsSixRealPl101) {
  SKIP_WITHOUT_TORCH();
  const std::string Path = "examples/gpt2-swap";
  TempDir Dir;
  Json Diagnostics;
  ASSERT_FALSE(writeDiagnostics(Dir, Path, Diagnostics).empty());
  ASSERT_TRUE(Diagnostics.is_array()) << Diagnostics.dump(1);
  size_t Pl101 = std::count_if(
      Diagnostics.begin(), Diagnostics.end(),
      [](const Json &D) { return D.value("code", "") == "PL101"; });
  EXPECT_EQ(Pl101, 6u) << Diagnostics.dump(1);
  EXPECT_EQ(Diagnostics.size(), 6u) << Diagnostics.dump(1);
  expectBugsConfirmed(Path);
}

/// The project directories under fixtures/rename/.
std::vector<std::string> listRenameFixtures() {
  std::vector<std::string> Out;
  for (const auto &E : fs::directory_iterator(fs::path(PARAMLINT_SOURCE_DIR) /
                                              "fixtures/rename"))
    if (E.is_directory() && E.path().filename().string()[0] != '.')
      Out.push_back(E.path().filename().string());
  std::sort(Out.begin(), Out.end());
  return Out;
}

class RenameParamsDifferential : public testing::TestWithParam<std::string> {};

// `paramlint rename-params LayerNorm scale=weight shift=bias` on each
// fixtures/rename/ project (the book's LayerNorm with attribute loaders, and
// with state-dict key strings): the result equals the `.fixed` twins, a
// checkpoint saved by the old class loads with strict=True into the renamed
// one with bit-identical outputs, and the rewritten loaders still run.
TEST_P(RenameParamsDifferential, OldCheckpointLoadsStrictIntoTheRenamedClass) {
  SKIP_WITHOUT_TORCH();
  const fs::path Fixture = fs::path(sourceDir()) / "fixtures/rename" / GetParam();
  TempDir Dir;
  const fs::path Old = fs::path(Dir.path()) / "old", New = fs::path(Dir.path()) / "new";
  std::vector<std::string> Names;
  for (const auto &E : fs::directory_iterator(Fixture)) {
    std::string Name = E.path().filename().string();
    if (E.path().extension() != ".py" || Name.find(".fixed.") != std::string::npos)
      continue;
    Names.push_back(E.path().stem().string());
    writeFile((Old / Name).string(), readFile(E.path().string()));
    writeFile((New / Name).string(), readFile(E.path().string()));
  }
  ASSERT_FALSE(Names.empty());
  // The loaders run as written before the rename too: what the oracle
  // checks afterwards is the rename's doing.
  for (const std::string &Name : Names)
    if (Name != "model") {
      RunResult Before =
          runPython({"-B", (Old / (Name + ".py")).string()}, "", Old.string());
      ASSERT_EQ(Before.ExitCode, 0) << describeRun(Before);
    }
  RunResult Rename = runParamlint({"rename-params", "LayerNorm", "scale=weight",
                                   "shift=bias", "--path", New.string()});
  ASSERT_EQ(Rename.ExitCode, 0) << describeRun(Rename);
  for (const std::string &Name : Names)
    EXPECT_TRUE(readFile((New / (Name + ".py")).string()) ==
                readFile((Fixture / (Name + ".fixed.py")).string()))
        << Name << ".py differs from its `.fixed` twin after rename-params:\n"
        << readFile((New / (Name + ".py")).string());
  RunResult Oracle = runPython(
      {oracle("rename_oracle.py"), Old.string(), New.string(), "model", "Model",
       "[4, 2]", "[3, 4]", R"({"scale": "weight", "shift": "bias"})"},
      "", sourceDir());
  EXPECT_EQ(Oracle.ExitCode, 0) << describeRun(Oracle);
  EXPECT_GE(checkedCount(Oracle.Out), 1) << Oracle.Out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RenameParamsDifferential,
                         testing::ValuesIn(listRenameFixtures()));

} // namespace
} // namespace paramlint::test
