//===- CliTest.cpp - The program, run as a user runs it -------------------===//
///
/// \file
/// Black-box tests of `paramlint`: exit codes, `--version`, the JSON output
/// shape and rule selection. The bad-input matrix is BadInputTest.cpp.
///
//===----------------------------------------------------------------------===//
#include "OutputChecks.h"
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
