//===- MixedNormConventionsTest.cpp - PL301 and its rename fix ------------===//
///
/// \file
/// PL301 beyond its fixtures: the unsafe fix gives the unsafe_fixed twin and
/// then nothing more to fix; under real PyTorch a checkpoint saved by the
/// fixture's classes loads with strict=True into the fixed ones with
/// identical outputs; the majority and its ties; the configured convention
/// (CheckContext) holding every project norm class to it; and a fix whose
/// loader lives in another file, finished by PL101 in the same run.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

const char *const Fixture = "/fixtures/python/PL301_mixed_norm_conventions.py";

/// The PL301 diagnostics of analysing Paths with Options.
std::vector<Diagnostic> pl301(const std::unique_ptr<Analysis> &A) {
  std::vector<Diagnostic> Out;
  for (const Diagnostic &D : A->Diagnostics)
    if (D.Code == "PL301")
      Out.push_back(D);
  return Out;
}

std::unique_ptr<Analysis> analyzeOrDie(const std::vector<std::string> &Paths,
                                       const AnalysisOptions &Options = {}) {
  auto A = analyze(Paths, Options);
  EXPECT_TRUE(bool(A)) << llvm::toString(A.takeError());
  return A ? std::move(*A) : nullptr;
}

TEST(MixedNormConventionsTest, UnsafeFixGivesTheTwinAndOldCheckpointsLoadUnderTorch) {
  TempDir T;
  std::string Source = readFile(sourceDir() + Fixture);
  std::string Old = T.write("old/model.py", Source);
  std::string New = T.write("new/model.py", Source);

  // Safe fixes alone leave it: the rename changes the class's names.
  RunResult Safe = runParamlint({"check", "--isolated", "--no-cache", "--fix", New});
  EXPECT_EQ(Safe.ExitCode, 1) << describeRun(Safe);
  EXPECT_EQ(readFile(New), Source);
  EXPECT_NE(Safe.Out.find("1 hidden fix can be enabled with `--unsafe-fixes`"),
            std::string::npos)
      << Safe.Out;

  RunResult Fix = runParamlint(
      {"check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", New});
  EXPECT_EQ(Fix.ExitCode, 0) << describeRun(Fix);
  EXPECT_EQ(readFile(New),
            readFile(sourceDir() + "/fixtures/unsafe_fixed/PL301_mixed_norm_conventions.py"));
  RunResult Again = runParamlint(
      {"check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", New});
  EXPECT_EQ(Again.ExitCode, 0) << describeRun(Again);
  EXPECT_EQ(readFile(New),
            readFile(sourceDir() + "/fixtures/unsafe_fixed/PL301_mixed_norm_conventions.py"));

  RunResult Oracle = runPython(
      {sourceDir() + "/tests/differential/rename_oracle.py", fs::path(Old).parent_path().string(),
       fs::path(New).parent_path().string(), "model", "Model", "[4, 2]", "[3, 4]",
       R"({"scale": "weight", "shift": "bias"})"});
  if (Oracle.ExitCode != 0 && Oracle.Err.find("No module named 'torch'") != std::string::npos)
    GTEST_SKIP() << "no torch for the oracle";
  EXPECT_EQ(Oracle.ExitCode, 0) << describeRun(Oracle);
  EXPECT_NE(Oracle.Out.find("ok   outputs bit-identical"), std::string::npos) << Oracle.Out;
}

/// The book's LayerNorm and torch.nn.LayerNorm, one of each: a tie, which
/// the library's convention wins because its names cannot change.
const char *const Tie = R"(import torch
import torch.nn as nn


class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d))
        self.shift = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return self.scale * x + self.shift


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm1 = LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
)";

TEST(MixedNormConventionsTest, ATieGoesToTheLibraryConvention) {
  TempDir T;
  std::string P = T.write("tie.py", Tie);
  auto A = analyzeOrDie({P});
  ASSERT_TRUE(A);
  std::vector<Diagnostic> D = pl301(A);
  ASSERT_EQ(D.size(), 1u);
  EXPECT_EQ(A->Files[0]->position(D[0].Where.Where.Begin).Row, 8u);
  EXPECT_NE(D[0].Message.find("`scale`/`shift` (hand-written (scale/shift))"),
            std::string::npos)
      << D[0].Message;
  EXPECT_NE(D[0].Message.find("`torch.nn.LayerNorm`"), std::string::npos) << D[0].Message;
  ASSERT_EQ(D[0].Notes.size(), 1u);
  EXPECT_NE(D[0].Notes[0].Message.find("(in `Block.norm2`)"), std::string::npos);
  ASSERT_TRUE(D[0].TheFix);
  EXPECT_EQ(D[0].TheFix->Applies, Applicability::Unsafe);
}

TEST(MixedNormConventionsTest, OneConventionOrOneClassIsClean) {
  TempDir T;
  // Without the library class, the one project class has nobody to differ from.
  std::string Only = Tie;
  Only.replace(Only.find("        self.norm2 = nn.LayerNorm(d)\n"),
               std::string("        self.norm2 = nn.LayerNorm(d)\n").size(), "");
  auto A = analyzeOrDie({T.write("only.py", Only)});
  ASSERT_TRUE(A);
  EXPECT_TRUE(pl301(A).empty());
  // Nor does a library class alone: no norm class of the project's own.
  auto B = analyzeOrDie({T.write("lib.py", "import torch.nn as nn\n\n\nclass Block(nn.Module):\n"
                                           "    def __init__(self, d):\n        super().__init__()\n"
                                           "        self.norm = nn.LayerNorm(d)\n")});
  ASSERT_TRUE(B);
  EXPECT_TRUE(pl301(B).empty());
}

TEST(MixedNormConventionsTest, TheConfiguredConventionHoldsEveryProjectClass) {
  AnalysisOptions O;
  O.Context.NormConvention = RequiredConvention{"tf", "gamma", "beta"};
  auto A = analyzeOrDie(
      {sourceDir() + "/fixtures/python/PL301_consistent_norm_conventions.py"}, O);
  ASSERT_TRUE(A);
  std::vector<Diagnostic> D = pl301(A);
  // LayerNorm, BookLayerNorm (unused, but the config asks for every class)
  // and RMSNorm; never torch.nn.LayerNorm.
  ASSERT_EQ(D.size(), 3u);
  for (const Diagnostic &X : D) {
    EXPECT_NE(X.Message.find("the configured convention `tf` is `gamma`/`beta`"),
              std::string::npos)
        << X.Message;
    EXPECT_EQ(X.Message.find("torch.nn.LayerNorm"), std::string::npos) << X.Message;
  }
  // The same file is clean with the majority, and with `torch` configured.
  EXPECT_TRUE(pl301(analyzeOrDie(
                        {sourceDir() + "/fixtures/python/PL301_consistent_norm_conventions.py"}))
                  .empty());
  O.Context.NormConvention = RequiredConvention{"torch", "weight", "bias"};
  auto C = analyzeOrDie(
      {sourceDir() + "/fixtures/python/PL301_consistent_norm_conventions.py"}, O);
  ASSERT_TRUE(C);
  std::vector<Diagnostic> E = pl301(C);
  ASSERT_EQ(E.size(), 1u); // BookLayerNorm, unused but configured against.
  EXPECT_NE(E[0].Message.find("`BookLayerNorm`"), std::string::npos) << E[0].Message;
}

// The config's `convention` reaches PL301 through the check context, and a
// changed value is a changed run (the run cache does not answer with the
// old findings).
TEST(MixedNormConventionsTest, TheConfigsConventionReachesTheCheck) {
  TempDir T;
  std::string Model = T.write(
      "proj/model.py",
      readFile(sourceDir() + "/fixtures/python/PL301_consistent_norm_conventions.py"));
  std::string Config = T.file("proj/paramlint.toml");
  RunResult Torch = runParamlint({"check", T.file("proj")});
  EXPECT_EQ(Torch.ExitCode, 0) << describeRun(Torch);
  writeFile(Config, "convention = \"tf\"\n");
  RunResult Tf = runParamlint({"check", "--output-format", "json", T.file("proj")});
  EXPECT_EQ(Tf.ExitCode, 1) << describeRun(Tf);
  size_t Count = 0;
  for (size_t At = Tf.Out.find("the configured convention `tf` is `gamma`/`beta`");
       At != std::string::npos;
       At = Tf.Out.find("the configured convention `tf` is `gamma`/`beta`", At + 1))
    ++Count;
  EXPECT_EQ(Count, 3u) << Tf.Out;
  writeFile(Config, "convention = \"torch\"\n");
  RunResult Again = runParamlint({"check", T.file("proj")});
  EXPECT_EQ(Again.ExitCode, 1) << describeRun(Again);
  EXPECT_NE(Again.Out.find("norm class `BookLayerNorm` names its parameters `scale`/`shift`"),
            std::string::npos)
      << Again.Out;
  EXPECT_EQ(Again.Out.find("norm class `LayerNorm`"), std::string::npos) << Again.Out;
}

TEST(MixedNormConventionsTest, ALoaderInAnotherFileIsFixedInTheSameRun) {
  TempDir T;
  std::string Model = T.write("proj/model.py", Tie);
  std::string Load = T.write(
      "proj/load.py",
      "import torch\nimport torch.nn as nn\n\nfrom model import Block\n\n\n"
      "def load(blk, g):\n    blk.norm1.scale = nn.Parameter(torch.tensor(g))\n\n\n"
      "block = Block(2)\nload(block, [1.0, 2.0])\n");
  RunResult Fix = runParamlint({"check", "--isolated", "--no-cache", "--fix",
                                "--unsafe-fixes", T.file("proj")});
  EXPECT_EQ(Fix.ExitCode, 0) << describeRun(Fix);
  EXPECT_NE(readFile(Model).find("self.weight = nn.Parameter(torch.ones(d))"),
            std::string::npos)
      << readFile(Model);
  EXPECT_NE(readFile(Model).find("def _load_from_state_dict("), std::string::npos);
  EXPECT_NE(readFile(Load).find("blk.norm1.weight = nn.Parameter"), std::string::npos)
      << readFile(Load);
  RunResult Again = runParamlint({"check", "--isolated", "--no-cache", T.file("proj")});
  EXPECT_EQ(Again.ExitCode, 0) << describeRun(Again);
}

} // namespace
} // namespace paramlint::test
