//===- ConfigTest.cpp - Config files and `# noqa` suppressions, end to end ===//
///
/// \file
/// Each fixture project under fixtures/config/ is copied to a temporary
/// directory (so that walking up finds no other config) and checked as a
/// user would: pyproject.toml's [tool.paramlint] (select, per-file-ignores,
/// extend-exclude), paramlint.toml beside it (wins; ignore, unsafe-fixes),
/// `--config`, `--isolated`, `checkpoints`, and bad keys and values named
/// with file and line. Then `# noqa` in notebooks, with rules not enabled,
/// and in files that do not parse.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "Config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Copies fixtures/config/Name into T; returns the copy's path.
std::string copyProject(const TempDir &T, const std::string &Name) {
  fs::path From = sourceDir() + "/fixtures/config/" + Name;
  fs::path To = fs::path(T.path()) / Name;
  for (const auto &E : fs::recursive_directory_iterator(From))
    if (E.is_regular_file())
      writeFile((To / E.path().lexically_relative(From)).string(),
                readFile(E.path().string()));
  return To.string();
}

/// (file, code) of every finding of a JSON report.
std::multiset<std::pair<std::string, std::string>> findings(const RunResult &R) {
  Json J = Json::parse(R.Out, nullptr, false);
  EXPECT_TRUE(J.is_array()) << describeRun(R);
  std::multiset<std::pair<std::string, std::string>> Out;
  if (J.is_array())
    for (const Json &D : J)
      Out.insert({D["filename"].get<std::string>(), D["code"].get<std::string>()});
  return Out;
}

using Findings = std::multiset<std::pair<std::string, std::string>>;

TEST(ConfigTest, PyprojectSelectsIgnoresPerFileAndExcludes) {
  TempDir T;
  std::string P = copyProject(T, "pyproject");
  RunResult R = runParamlint({"check", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  // select = ["PL101"]: no PL002; tests/* ignores PL1; legacy/ excluded.
  EXPECT_EQ(findings(R), (Findings{{"loader.py", "PL101"}}));

  // Found walking up from a path below the config's directory.
  R = runParamlint({"check", "--output-format", "json", "tests"}, "", P);
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  R = runParamlint({"check", "--output-format", "json", P + "/tests/test_loader.py"});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);

  // A file named on the command line is read even when excluded.
  R = runParamlint({"check", "--output-format", "json", "legacy/old.py"}, "", P);
  EXPECT_EQ(findings(R), (Findings{{"legacy/old.py", "PL101"}}));

  // --isolated reads no config: every file, every rule.
  R = runParamlint({"check", "--isolated", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(findings(R), (Findings{{"legacy/old.py", "PL002"},
                                   {"legacy/old.py", "PL101"},
                                   {"loader.py", "PL002"},
                                   {"loader.py", "PL101"},
                                   {"tests/test_loader.py", "PL002"},
                                   {"tests/test_loader.py", "PL101"}}));

  // The command line's --select wins over the config's; in tests/ PL101 is
  // ignored, so its `# noqa: PL101` is not judged there.
  R = runParamlint(
      {"check", "--select", "PL101,PL002", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(findings(R), (Findings{{"loader.py", "PL002"}, {"loader.py", "PL101"}}));
}

TEST(ConfigTest, ExplicitConfigFileReplacesTheOneFound) {
  TempDir T;
  std::string P = copyProject(T, "pyproject");
  std::string Other = T.write("other.toml", "ignore = []\n");
  RunResult R = runParamlint(
      {"check", "--config", Other, "--output-format", "json", "loader.py"}, "", P);
  EXPECT_EQ(findings(R), (Findings{{"loader.py", "PL002"}, {"loader.py", "PL101"}}));
  R = runParamlint({"check", "--config", T.file("none.toml"), "loader.py"}, "", P);
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("none.toml"), std::string::npos) << R.Err;
  R = runParamlint({"check", "--config", Other, "--isolated", "loader.py"}, "", P);
  EXPECT_EQ(R.ExitCode, 2) << "--config and --isolated exclude each other";
}

TEST(ConfigTest, ParamlintTomlWinsAndTurnsOnUnsafeFixes) {
  TempDir T;
  std::string P = copyProject(T, "paramlint_toml");
  // paramlint.toml (ignore PL002) wins over pyproject.toml (select PL002).
  RunResult R = runParamlint({"check", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(findings(R), (Findings{{"loader.py", "PL101"}}));
  // unsafe-fixes = true: the plain-tensor write's unsafe fix applies.
  R = runParamlint({"check", "--diff", "."}, "", P);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("+    block.norm1.weight = torch.tensor(g)"),
            std::string::npos)
      << R.Out;
  R = runParamlint({"check", "--isolated", "--diff", "."}, "", P);
  EXPECT_EQ(R.Out.find("norm1.weight"), std::string::npos) << R.Out;
}

TEST(ConfigTest, BadKeyOrValueNamesFileLineAndKey) {
  TempDir T;
  std::string P = copyProject(T, "bad_key");
  RunResult R = runParamlint({"check", "."}, "", P);
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("pyproject.toml:3: unknown key `per-file-ignore`"),
            std::string::npos)
      << R.Err;
  EXPECT_EQ(R.Out, "");

  P = copyProject(T, "bad_value");
  R = runParamlint({"check", "."}, "", P);
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("paramlint.toml:2: `unsafe-fixes` must be true or false"),
            std::string::npos)
      << R.Err;

  for (const auto &[Toml, Expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"select = \"PL1\"\n", "paramlint.toml:1: `select` must be a list"},
           {"\nignore = [\"PL9\"]\n", "paramlint.toml:2: `ignore`: unknown rule code"},
           {"[per-file-ignores]\n\"a/*\" = [1]\n",
            "paramlint.toml:2: `per-file-ignores.a/*` must be a list of strings"},
           {"select = [\n", "invalid TOML"},
           {"exclude = [\"x\"]\nexclude = [\"y\"]\n", "paramlint.toml:2: invalid TOML"}}) {
    TempDir U;
    U.write("paramlint.toml", Toml);
    std::string F = U.write("a.py", "x = 1\n");
    R = runParamlint({"check", F});
    EXPECT_EQ(R.ExitCode, 2) << Toml << describeRun(R);
    EXPECT_NE(R.Err.find(Expected), std::string::npos) << Toml << "\n" << R.Err;
  }
}

TEST(ConfigTest, PyprojectWithoutOurTableIsSkipped) {
  TempDir T;
  T.write("paramlint.toml", "ignore = [\"PL002\"]\n");
  T.write("sub/pyproject.toml", "[tool.black]\nline-length = 100\n");
  std::string P = copyProject(T, "pyproject");
  std::string F = T.write("sub/loader.py", readFile(P + "/loader.py"));
  RunResult R = runParamlint({"check", "--output-format", "json", F});
  Findings Got = findings(R);
  EXPECT_EQ(Got.size(), 1u) << R.Out;
  EXPECT_EQ(Got.begin()->second, "PL101") << R.Out;
}

TEST(ConfigTest, CheckpointsAreRelativeToTheConfig) {
  TempDir T;
  T.write("paramlint.toml", "checkpoints = [\"weights/missing.safetensors\"]\n");
  std::string F = T.write("a.py", "x = 1\n");
  RunResult R = runParamlint({"check", "--output-format", "json", F}, "", "/");
  Json J = Json::parse(R.Out, nullptr, false);
  ASSERT_TRUE(J.is_array() && J.size() == 1) << describeRun(R);
  EXPECT_EQ(J[0]["code"], "PL001");
  EXPECT_EQ(J[0]["filename"], T.path() + "/weights/missing.safetensors");
}

TEST(ConfigTest, GlobMatching) {
  EXPECT_TRUE(matchesGlob("/p", "tests/*", "/p/tests/a.py"));
  EXPECT_TRUE(matchesGlob("/p", "tests/*", "/p/tests/deep/a.py"));
  EXPECT_FALSE(matchesGlob("/p", "tests/*", "/p/src/tests.py"));
  EXPECT_TRUE(matchesGlob("/p", "legacy", "/p/src/legacy/a.py"));
  EXPECT_TRUE(matchesGlob("/p", "*_test.py", "/p/src/x_test.py"));
  EXPECT_TRUE(matchesGlob("/p", "**/gen/*.py", "/p/gen/a.py"));
  EXPECT_TRUE(matchesGlob("/p", "./src/", "/p/src/a.py"));
  EXPECT_FALSE(matchesGlob("/p", "src/b.py", "/p/src/a.py"));
}

// --- Suppressions, beyond the PL002 fixture ------------------------------

const char *const Loader = R"(import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g):
    block.norm1.scale = nn.Parameter(torch.tensor(g))  # noqa: PL101


block = Block()
load(block, [1.0] * 4)
)";

TEST(SuppressionTest, CodesOfRulesNotEnabledAreNotJudged) {
  TempDir T;
  std::string F = T.write("loader.py", std::string(Loader) + "y = 2  # noqa: PL101\n");
  RunResult R = runParamlint({"check", "--isolated", "--output-format", "json", F});
  EXPECT_EQ(findings(R), (Findings{{F, "PL002"}}));
  R = runParamlint({"check", "--isolated", "--select", "PL104,PL002",
                    "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  R = runParamlint({"check", "--isolated", "--ignore", "PL002", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
}

TEST(SuppressionTest, FilesThatDoNotParseGetNoPl002) {
  TempDir T;
  std::string F = T.write("broken.py", "x = 1  # noqa: PL101\ndef f(:\n");
  RunResult R = runParamlint({"check", "--isolated", "--output-format", "json", F});
  EXPECT_EQ(findings(R), (Findings{{F, "PL001"}}));
}

TEST(SuppressionTest, NoqaInANotebookCell) {
  TempDir T;
  Json Nb = {{"nbformat", 4},
             {"nbformat_minor", 5},
             {"metadata", Json::object()},
             {"cells", Json::array()}};
  std::string Src = Loader;
  Json Cell = {{"cell_type", "code"},
               {"metadata", Json::object()},
               {"execution_count", nullptr},
               {"outputs", Json::array()},
               {"source", Src}};
  Nb["cells"].push_back(Cell);
  std::string F = T.write("nb.ipynb", Nb.dump(1));
  RunResult R = runParamlint({"check", "--isolated", "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  // Without the comment the finding is there.
  Src.replace(Src.find("  # noqa: PL101"), 15, "");
  Nb["cells"][0]["source"] = Src;
  F = T.write("nb2.ipynb", Nb.dump(1));
  R = runParamlint({"check", "--isolated", "--output-format", "json", F});
  EXPECT_EQ(findings(R), (Findings{{F, "PL101"}}));
}

} // namespace
} // namespace paramlint::test
