//===- CliTest.cpp - The program, run as a user runs it -------------------===//
///
/// \file
/// Black-box tests of `paramlint`: exit codes, `--version`, the JSON output
/// shape, rule selection, and a matrix of bad inputs that must each give a
/// PL001 (or nothing) with a location, never a crash or a hang, and never
/// change a byte of the input.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// A loader that writes `scale` into a torch.nn.LayerNorm: one PL101.
const char *const Pl101Source = R"(import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g):
    block.norm1.scale = nn.Parameter(torch.tensor(g))


block = Block()
load(block, [1.0, 1.0, 1.0, 1.0])
)";

const char *const CleanSource = R"(import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)
)";

std::string repeat(const std::string &S, size_t N) {
  std::string Out;
  Out.reserve(S.size() * N);
  for (size_t I = 0; I < N; ++I)
    Out += S;
  return Out;
}

/// The JSON array the program printed; fails the test when it is not one.
Json parseJsonOutput(const RunResult &R) {
  Json J = Json::parse(R.Out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(J.is_discarded()) << "not JSON: " << describeRun(R);
  EXPECT_TRUE(J.is_array()) << describeRun(R);
  return J.is_array() ? J : Json::array();
}

/// The program ended by itself with a documented exit code.
void expectNoCrash(const RunResult &R) {
  EXPECT_FALSE(R.TimedOut) << describeRun(R);
  EXPECT_EQ(R.Signal, 0) << describeRun(R);
  EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 1 || R.ExitCode == 2)
      << describeRun(R);
}

std::vector<std::string> codes(const Json &Array) {
  std::vector<std::string> Out;
  for (const Json &D : Array)
    if (D.is_object() && D.contains("code") && D["code"].is_string())
      Out.push_back(D["code"].get<std::string>());
  return Out;
}

bool isPosition(const Json &P) {
  return P.is_object() && P.size() == 2 && P.contains("row") &&
         P.contains("column") && P["row"].is_number_integer() &&
         P["column"].is_number_integer() && P["row"].get<int64_t>() >= 1 &&
         P["column"].get<int64_t>() >= 1;
}

/// Checks the Ruff-shaped keys of one diagnostic object.
void expectDiagnosticShape(const Json &D) {
  ASSERT_TRUE(D.is_object()) << D.dump();
  std::set<std::string> Keys;
  for (auto It = D.begin(); It != D.end(); ++It)
    Keys.insert(It.key());
  EXPECT_EQ(Keys,
            (std::set<std::string>{"cell", "code", "end_location", "filename",
                                   "fix", "location", "message", "url"}))
      << D.dump();
  EXPECT_TRUE(D.value("code", Json()).is_string()) << D.dump();
  EXPECT_TRUE(D.value("message", Json()).is_string()) << D.dump();
  EXPECT_TRUE(D.value("filename", Json()).is_string()) << D.dump();
  EXPECT_TRUE(isPosition(D.value("location", Json()))) << D.dump();
  EXPECT_TRUE(isPosition(D.value("end_location", Json()))) << D.dump();
  Json Cell = D.value("cell", Json(0));
  EXPECT_TRUE(Cell.is_null() || Cell.is_number_integer()) << D.dump();
  Json Fix = D.value("fix", Json(0));
  EXPECT_TRUE(Fix.is_null() || Fix.is_object()) << D.dump();
  Json Url = D.value("url", Json(0));
  EXPECT_TRUE(Url.is_null() || Url.is_string()) << D.dump();
}

// The harness itself: large pipes must not deadlock, a hung child must be
// killed and reported.
TEST(TestSupportTest, PipesLargeInputAndOutput) {
  std::string Big = repeat("0123456789abcdef", 1 << 16); // 1 MiB
  RunResult R = runCommand({"/bin/cat"}, Big);
  EXPECT_EQ(R.ExitCode, 0);
  EXPECT_TRUE(R.Out == Big) << R.Out.size();
  R = runCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(R.ExitCode, 3);
  EXPECT_EQ(R.Out, "out\n");
  EXPECT_EQ(R.Err, "err\n");
}

TEST(TestSupportTest, TimeoutKillsAndFails) {
  RunResult R;
  EXPECT_NONFATAL_FAILURE(R = runCommand({"/bin/sleep", "30"}, "", "",
                                         std::chrono::milliseconds(300)),
                          "did not finish");
  EXPECT_TRUE(R.TimedOut);
  EXPECT_EQ(R.Signal, SIGKILL);
  EXPECT_EQ(R.ExitCode, -1);
}

TEST(TestSupportTest, SignalIsReported) {
  RunResult R = runCommand({"/bin/sh", "-c", "kill -SEGV $$"});
  EXPECT_EQ(R.Signal, SIGSEGV);
  EXPECT_EQ(R.ExitCode, -1);
}

TEST(CliTest, Version) {
  RunResult R = runParamlint({"--version"});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  std::string Out = R.Out;
  while (!Out.empty() && (Out.back() == '\n' || Out.back() == '\r'))
    Out.pop_back();
  EXPECT_EQ(Out, "paramlint 0.1.0");
}

TEST(CliTest, CleanFileExitsZero) {
  TempDir T;
  std::string F = T.write("clean.py", CleanSource);
  RunResult R = runParamlint({"check", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  R = runParamlint({"check", "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_TRUE(parseJsonOutput(R).empty()) << R.Out;
}

TEST(CliTest, FindingExitsOne) {
  TempDir T;
  std::string F = T.write("loader.py", Pl101Source);
  RunResult R = runParamlint({"check", F});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("PL101"), std::string::npos) << describeRun(R);
  EXPECT_NE(R.Out.find("loader.py:12:"), std::string::npos) << describeRun(R);
}

TEST(CliTest, StatisticsAsTextAndJson) {
  TempDir T;
  std::string F = T.write("loader.py", Pl101Source);
  RunResult R = runParamlint({"check", "--statistics", F});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("PL101\t[*] loader-writes-unknown-param"),
            std::string::npos)
      << R.Out;
  R = runParamlint({"check", "--statistics", "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  nlohmann::json Stats = nlohmann::json::parse(R.Out);
  ASSERT_TRUE(Stats.is_array()) << R.Out;
  ASSERT_EQ(Stats.size(), 1u) << R.Out;
  EXPECT_EQ(Stats[0]["code"], "PL101");
  EXPECT_EQ(Stats[0]["name"], "loader-writes-unknown-param");
  EXPECT_GE(Stats[0]["count"].get<int>(), 1);
  EXPECT_EQ(Stats[0]["fixable"], true);
  // The other formats have no place for counts: a usage error, not a
  // report that silently drops them.
  R = runParamlint({"check", "--statistics", "--output-format", "sarif", F});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("--statistics"), std::string::npos) << describeRun(R);
}

TEST(CliTest, UnknownFlagIsAUsageError) {
  TempDir T;
  std::string F = T.write("clean.py", CleanSource);
  RunResult R = runParamlint({"check", "--no-such-flag", F});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_FALSE(R.Err.empty()) << describeRun(R);
}

TEST(CliTest, UnknownRuleCodeIsAUsageError) {
  TempDir T;
  std::string F = T.write("clean.py", CleanSource);
  RunResult R = runParamlint({"check", "--select", "PL999", F});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("PL999"), std::string::npos) << describeRun(R);
  R = runParamlint({"check", "--ignore", "NOPE1", F});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
}

TEST(CliTest, JsonShape) {
  TempDir T;
  std::string F = T.write("loader.py", Pl101Source);
  RunResult R = runParamlint({"check", "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = parseJsonOutput(R);
  ASSERT_FALSE(J.empty()) << describeRun(R);
  for (const Json &D : J)
    expectDiagnosticShape(D);
  const Json &D = J[0];
  EXPECT_EQ(D.value("code", ""), "PL101");
  EXPECT_EQ(D.value("filename", ""), F);
  EXPECT_TRUE(D.value("cell", Json(0)).is_null());
  EXPECT_EQ(D["location"].value("row", 0), 12);
}

TEST(CliTest, JsonCellOfANotebookFinding) {
  TempDir T;
  Json NB = {{"cells", Json::array()},
             {"metadata", Json::object()},
             {"nbformat", 4},
             {"nbformat_minor", 5}};
  std::string Src = Pl101Source;
  size_t Split = Src.find("def load");
  NB["cells"].push_back({{"cell_type", "code"},
                         {"metadata", Json::object()},
                         {"outputs", Json::array()},
                         {"execution_count", nullptr},
                         {"source", Src.substr(0, Split)}});
  NB["cells"].push_back({{"cell_type", "markdown"},
                         {"metadata", Json::object()},
                         {"source", "Now load."}});
  NB["cells"].push_back(
      {{"cell_type", "code"},
       {"metadata", Json::object()},
       {"outputs", Json::array()},
       {"execution_count", nullptr},
       {"source", "%matplotlib inline\n" + Src.substr(Split)}});
  std::string F = T.write("nb.ipynb", NB.dump(1));
  RunResult R = runParamlint({"check", "--output-format", "json", F});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = parseJsonOutput(R);
  ASSERT_EQ(J.size(), 1u) << describeRun(R);
  expectDiagnosticShape(J[0]);
  EXPECT_EQ(J[0].value("code", ""), "PL101");
  EXPECT_EQ(J[0].value("cell", Json()), Json(2)) << J[0].dump();
  EXPECT_EQ(J[0]["location"].value("row", 0), 3) << J[0].dump();
}

TEST(CliTest, SelectAndIgnoreFilter) {
  TempDir T;
  T.write("proj/loader.py", Pl101Source);
  T.write("proj/broken.py", "def f(:\n");
  std::string Dir = T.file("proj");

  RunResult All = runParamlint({"check", "--output-format", "json", Dir});
  EXPECT_EQ(All.ExitCode, 1) << describeRun(All);
  EXPECT_EQ(codes(parseJsonOutput(All)),
            (std::vector<std::string>{"PL001", "PL101"}));

  RunResult Sel = runParamlint(
      {"check", "--output-format", "json", "--select", "PL101", Dir});
  EXPECT_EQ(Sel.ExitCode, 1) << describeRun(Sel);
  EXPECT_EQ(codes(parseJsonOutput(Sel)), (std::vector<std::string>{"PL101"}));

  RunResult Ign = runParamlint(
      {"check", "--output-format", "json", "--ignore", "PL001", Dir});
  EXPECT_EQ(Ign.ExitCode, 1) << describeRun(Ign);
  EXPECT_EQ(codes(parseJsonOutput(Ign)), (std::vector<std::string>{"PL101"}));

  RunResult None = runParamlint(
      {"check", "--output-format", "json", "--select", "PL104", Dir});
  EXPECT_EQ(None.ExitCode, 0) << describeRun(None);
  EXPECT_TRUE(parseJsonOutput(None).empty());
}

//===----------------------------------------------------------------------===//
// Bad input
//===----------------------------------------------------------------------===//

/// One bad input: how to make it, and whether it must give a PL001.
struct BadInput {
  std::string Name;
  /// Creates the input in the directory Dir; returns the path to lint.
  std::function<std::string(const std::string &Dir)> Make;
  enum { MustFail, MustPass, EitherWay } Expect;
};

std::vector<BadInput> badInputs() {
  std::vector<BadInput> Cases;
  auto file = [](std::string Name, std::string Bytes) {
    return [Name, Bytes](const std::string &Dir) {
      writeFile(Dir + "/" + Name, Bytes);
      return Dir + "/" + Name;
    };
  };
  Cases.push_back({"syntax_error", file("s.py", "def f(:\n    pass\n"),
                   BadInput::MustFail});
  Cases.push_back({"non_utf8", file("u.py", "x = 1\ns = '\xff\xfe caf\xe9'\n"),
                   BadInput::MustFail});
  Cases.push_back({"nul_bytes",
                   file("n.py", std::string("x = 1\n\0\0y = 2\n", 14)),
                   BadInput::MustFail});
  Cases.push_back({"notebook_not_json", file("j.ipynb", "{\"cells\": [oops"),
                   BadInput::MustFail});
  Cases.push_back({"notebook_cells_not_list",
                   file("c.ipynb", "{\"cells\": {\"a\": 1}, \"nbformat\": 4}"),
                   BadInput::MustFail});
  Cases.push_back({"empty_file", file("e.py", ""), BadInput::MustPass});
  Cases.push_back({"missing_directory",
                   [](const std::string &Dir) { return Dir + "/no/such/dir"; },
                   BadInput::MustFail});
  if (::geteuid() != 0) {
    Cases.push_back({"unreadable_file",
                     [](const std::string &Dir) {
                       std::string P = Dir + "/r.py";
                       writeFile(P, "x = 1\n");
                       ::chmod(P.c_str(), 0);
                       return P;
                     },
                     BadInput::MustFail});
  } else {
    // Root reads a chmod 000 file; a dangling symlink is unreadable for all.
    Cases.push_back({"dangling_symlink",
                     [](const std::string &Dir) {
                       std::string P = Dir + "/dangling.py";
                       std::error_code Ec;
                       fs::create_symlink(Dir + "/gone.py", P, Ec);
                       return P;
                     },
                     BadInput::MustFail});
  }
  // Deep nesting: CPython rejects both (it caps nesting), so a PL001 is
  // fine, and so is silence; a crash (stack overflow) is not.
  Cases.push_back({"nested_parentheses_100000",
                   file("p.py", "x = " + std::string(100000, '(') + "1" +
                                    std::string(100000, ')') + "\n"),
                   BadInput::EitherWay});
  Cases.push_back({"nested_ifs_5000",
                   [](const std::string &Dir) {
                     std::string S;
                     for (int I = 0; I < 5000; ++I)
                       S += std::string(I, ' ') + "if x:\n";
                     S += std::string(5000, ' ') + "pass\n";
                     writeFile(Dir + "/i.py", S);
                     return Dir + "/i.py";
                   },
                   BadInput::EitherWay});
  Cases.push_back({"five_megabytes",
                   file("big.py", repeat("x = 1\n", 5 * 1024 * 1024 / 6)),
                   BadInput::MustPass});
  return Cases;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OnePl001WithALocationNeverACrash) {
  const BadInput &Case = GetParam();
  TempDir T;
  std::string Path = Case.Make(T.path());
  std::error_code Ec;
  bool Readable =
      fs::is_regular_file(Path, Ec) && ::access(Path.c_str(), R_OK) == 0;
  std::string Before = Readable ? readFile(Path) : "";

  RunResult R = runParamlint({"check", "--output-format", "json", Path});
  expectNoCrash(R);
  Json J = parseJsonOutput(R);
  std::vector<std::string> Codes = codes(J);
  size_t Pl001 = std::count(Codes.begin(), Codes.end(), "PL001");
  EXPECT_EQ(Pl001, Codes.size()) << "only PL001 expected: " << R.Out;
  switch (Case.Expect) {
  case BadInput::MustFail:
    EXPECT_EQ(Pl001, 1u) << describeRun(R);
    EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
    break;
  case BadInput::MustPass:
    EXPECT_EQ(Pl001, 0u) << describeRun(R);
    EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
    break;
  case BadInput::EitherWay:
    EXPECT_LE(Pl001, 1u) << describeRun(R);
    EXPECT_EQ(R.ExitCode, Pl001 ? 1 : 0) << describeRun(R);
    break;
  }
  for (const Json &D : J) {
    expectDiagnosticShape(D);
    EXPECT_EQ(D.value("filename", ""), Path) << D.dump();
    EXPECT_FALSE(D.value("message", "").empty()) << D.dump();
  }
  if (Readable) {
    EXPECT_TRUE(readFile(Path) == Before) << Path << " was modified";
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, BadInputTest, ::testing::ValuesIn(badInputs()),
                         [](const ::testing::TestParamInfo<BadInput> &Info) {
                           return Info.param.Name;
                         });

TEST(CliTest, TheRunGoesOnPastBadFiles) {
  TempDir T;
  long Bad = 0;
  for (const BadInput &Case : badInputs()) {
    if (Case.Expect != BadInput::MustFail || Case.Name == "missing_directory")
      continue;
    Case.Make(T.path());
    ++Bad;
  }
  writeFile(T.file("zz_loader.py"), Pl101Source);
  RunResult R = runParamlint({"check", "--output-format", "json", T.path()});
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  std::vector<std::string> Codes = codes(parseJsonOutput(R));
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL101"), 1) << R.Out;
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL001"), Bad) << R.Out;
}

TEST(CliTest, TextOutputForBadInputNamesTheFile) {
  TempDir T;
  std::string F = T.write("s.py", "x = 1\ndef f(:\n");
  RunResult R = runParamlint({"check", F});
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("s.py:2:"), std::string::npos) << describeRun(R);
  EXPECT_NE(R.Out.find("PL001"), std::string::npos) << describeRun(R);
}

/// `-p BUILD_DIR` means the same on check, graph and report: the unit's
/// header (src/inc/, so the fallback flags miss it) is found only through
/// the database's `-I`, and the database is not above the source, so only
/// `-p` finds it.
TEST(CliTest, BuildPathOnCheckGraphAndReport) {
  TempDir T;
  T.write("src/inc/model.h", "#pragma once\nstruct ggml_tensor;\n"
                         "struct layer { ggml_tensor *ln_g; ggml_tensor *ln_b; };\n");
  std::string Unit = T.write("src/load.cpp",
                             "#include \"model.h\"\n"
                             "ggml_tensor *get_tensor(const char *name);\n"
                             "void load(layer &l) {\n"
                             "  l.ln_g = get_tensor(\"ln/b\");\n"
                             "  l.ln_b = get_tensor(\"ln/g\");\n"
                             "}\n");
  std::string Build = T.path() + "/build";
  T.write("build/compile_commands.json",
          "[{\"directory\": \"" + T.path() + "/src\", \"file\": \"" + Unit +
              "\", \"command\": \"c++ -std=c++17 -I" + T.path() + "/src/inc -c " + Unit +
              "\"}]");
  std::string Src = T.path() + "/src";
  for (bool WithP : {false, true}) {
    std::vector<std::string> Extra;
    if (WithP)
      Extra = {"-p", Build};
    auto Run = [&](std::vector<std::string> Args) {
      Args.insert(Args.end(), Extra.begin(), Extra.end());
      Args.push_back(Src);
      RunResult R = runParamlint(Args);
      expectNoCrash(R);
      return R;
    };
    RunResult Check = Run({"check", "--isolated", "--no-cache", "--output-format", "json"});
    EXPECT_EQ(Check.ExitCode, 1) << describeRun(Check);
    std::vector<std::string> Codes = codes(parseJsonOutput(Check));
    EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL104"), WithP ? 2 : 0) << Check.Out;
    EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL001"), WithP ? 0 : 1) << Check.Out;

    RunResult Graph = Run({"graph", "--format", "json"});
    EXPECT_EQ(Graph.ExitCode, 0) << describeRun(Graph);
    Json G = Json::parse(Graph.Out, nullptr, false);
    ASSERT_TRUE(G.is_object()) << Graph.Out;
    EXPECT_EQ(G["loaders"].size(), WithP ? 1u : 0u) << Graph.Out;

    RunResult Report = Run({"report", "--isolated", "--format", "json"});
    EXPECT_EQ(Report.ExitCode, 0) << describeRun(Report);
    Json J = Json::parse(Report.Out, nullptr, false);
    ASSERT_TRUE(J.is_object()) << Report.Out;
    std::string Findings = J["findings"].dump();
    EXPECT_EQ(Findings.find("PL104") != std::string::npos, WithP) << Findings;
    EXPECT_EQ(Findings.find("PL001") != std::string::npos, !WithP) << Findings;
  }
}

} // namespace
} // namespace paramlint::test
