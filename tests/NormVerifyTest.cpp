//===- NormVerifyTest.cpp - PL401/PL402 fixes and `paramlint verify` ------===//
///
/// \file
/// PL401 and PL402 against real PyTorch: the fixed class equals
/// F.layer_norm, the unfixed one differs by exactly what the message says.
/// `paramlint verify` on the #626 swap (book LayerNorm -> nn.LayerNorm), on
/// the rename fix, on an unbiased-variance class and on the Annotated
/// Transformer's `std + eps`; checkpoints with NaN, mismatched and zero
/// widths; exit codes and the JSON shape; the `git:REV` form.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

namespace paramlint::test {
namespace {
using Json = nlohmann::json;

/// Runs the torch oracle on Before/After for the given classes; one JSON
/// object per class.
std::map<std::string, Json> oracle(const std::string &Before, const std::string &After,
                                   const std::vector<std::string> &Specs) {
  std::vector<std::string> Args{sourceDir() + "/tests/differential/norm_fix_oracle.py",
                                Before, After};
  Args.insert(Args.end(), Specs.begin(), Specs.end());
  RunResult R = runPython(Args);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  std::map<std::string, Json> Out;
  std::istringstream In(R.Out);
  for (std::string Line; std::getline(In, Line);)
    if (!Line.empty()) {
      Json J = Json::parse(Line);
      Out[J["class"].get<std::string>()] = J;
    }
  return Out;
}

/// The diagnostics of `check --output-format json` on Path.
Json checkJson(const std::string &Path) {
  RunResult R = runParamlint({"check", "--isolated", "--no-cache",
                              "--output-format", "json", Path});
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  return Json::parse(R.Out);
}

std::string messageAt(const Json &Diags, const std::string &Code, int Row) {
  for (const Json &D : Diags)
    if (D["code"] == Code && D["location"]["row"] == Row)
      return D["message"];
  return "";
}

TEST(NormChecksTest, Pl401FixMatchesTorchAndTheMessageStatesTheMeasuredFactor) {
  TempDir T;
  std::string Src = sourceDir() + "/fixtures/python/PL401_norm_unbiased_variance.py";
  std::string Before = T.write("before.py", readFile(Src));
  std::string After = T.write("after.py", readFile(Src));
  Json Diags = checkJson(After);
  RunResult F = runParamlint({"check", "--isolated", "--no-cache", "--fix",
                              "--unsafe-fixes", "--select", "PL4", After});
  EXPECT_EQ(F.ExitCode, 0) << F.Out << F.Err;
  EXPECT_EQ(readFile(After),
            readFile(sourceDir() + "/fixtures/unsafe_fixed/PL401_norm_unbiased_variance.py"));

  auto O = oracle(Before, After,
                  {"LayerNorm:768:1e-5:1:sqrt", "CorrectionNorm:32:1e-5:1:sqrt",
                   "BiasedNorm:768:1e-5:0:sqrt"});
  for (auto [Name, N, Row] : {std::tuple{"LayerNorm", 768, 18},
                              std::tuple{"CorrectionNorm", 32, 32}}) {
    const Json &J = O[Name];
    ASSERT_TRUE(J.is_object()) << Name;
    EXPECT_TRUE(J["after_close"].get<bool>()) << J.dump();
    double Measured = J["before_factor"];
    double Predicted = std::sqrt((N - 1.0) / N);
    // eps (1e-5) against unit-ish variance moves the factor by < 1e-6.
    EXPECT_NEAR(Measured, Predicted, 2e-6) << Name;
    EXPECT_LT(J["before_formula_error"].get<double>(), 1e-9) << J.dump();
    std::string Msg = messageAt(Diags, "PL401", Row);
    std::string Stated = fmt::format("{:+.3g}% at n={}", (Measured - 1) * 100, N);
    EXPECT_NE(Msg.find(Stated), std::string::npos) << Msg << "\nexpected: " << Stated;
  }
  // The clean class is and stays torch's LayerNorm.
  EXPECT_NEAR(O["BiasedNorm"]["before_factor"].get<double>(), 1.0, 1e-12);
  EXPECT_TRUE(O["BiasedNorm"]["after_close"].get<bool>());
}

TEST(NormChecksTest, Pl402FixMatchesTorchAndTheMessageStatesTheEffect) {
  TempDir T;
  std::string Src = sourceDir() + "/fixtures/python/PL402_norm_eps_placement.py";
  std::string Before = T.write("before.py", readFile(Src));
  std::string After = T.write("after.py", readFile(Src));
  Json Diags = checkJson(After);
  RunResult F = runParamlint({"check", "--isolated", "--no-cache", "--fix",
                              "--unsafe-fixes", "--select", "PL4", After});
  EXPECT_EQ(F.ExitCode, 0) << F.Out << F.Err;
  EXPECT_EQ(readFile(After),
            readFile(sourceDir() + "/fixtures/unsafe_fixed/PL402_norm_eps_placement.py"));
  auto O = oracle(Before, After,
                  {"LayerNorm:256:1e-6:1:std", "SqrtPlusEpsNorm:512:1e-5:0:std",
                   "ClampStdNorm:384:1e-5:0:clampstd", "ClampVarNorm:128:1e-5:0:clampvar"});
  for (const char *Name : {"LayerNorm", "SqrtPlusEpsNorm", "ClampStdNorm", "ClampVarNorm"}) {
    const Json &J = O[Name];
    ASSERT_TRUE(J.is_object()) << Name;
    // After both fixes the class is F.layer_norm; before, each row differs
    // by the stated formula, near-constant rows included.
    EXPECT_TRUE(J["after_close"].get<bool>()) << J.dump();
    EXPECT_LT(J["before_formula_error"].get<double>(), 1e-9) << J.dump();
    // (Near-constant rows have variance ~1e-6: a variance clamp at 1e-5
    // moves them by ~5%, the other placements by far more.)
    EXPECT_GT(J["before_max_rel"].get<double>(), 0.04) << J.dump();
  }
  // The stated numbers are the formula's: at unit variance and at v = eps.
  auto Factor = [](double V, double E) { return std::sqrt(V + E) / (std::sqrt(V) + E); };
  std::string Msg = messageAt(Diags, "PL402", 23);
  EXPECT_NE(Msg.find(fmt::format("{:+.3g}% when the variance equals eps (1e-06)",
                                 (Factor(1e-6, 1e-6) - 1) * 100)),
            std::string::npos)
      << Msg;
  Msg = messageAt(Diags, "PL402", 35);
  EXPECT_NE(Msg.find(fmt::format("{:+.3g}% at unit variance", (Factor(1, 1e-5) - 1) * 100)),
            std::string::npos)
      << Msg;
  // Clamps: the std at eps, the variance at eps.
  auto ClampStd = [](double V, double E) { return std::sqrt(V + E) / std::max(std::sqrt(V), E); };
  auto ClampVar = [](double V, double E) { return std::sqrt(V + E) / std::sqrt(std::max(V, E)); };
  for (auto [Row, F, Formula] :
       {std::tuple{60, +ClampStd, "sqrt(v + eps) / max(sqrt(v), eps)"},
        std::tuple{72, +ClampVar, "sqrt(v + eps) / sqrt(max(v, eps))"}}) {
    Msg = messageAt(Diags, "PL402", Row);
    EXPECT_NE(Msg.find(Formula), std::string::npos) << Msg;
    EXPECT_NE(Msg.find(fmt::format("{:+.3g}% at unit variance, {:+.3g}% when the variance "
                                   "equals eps (1e-05)",
                                   (F(1, 1e-5) - 1) * 100, (F(1e-5, 1e-5) - 1) * 100)),
              std::string::npos)
        << Msg;
  }
}

// --- verify -----------------------------------------------------------------

/// A safetensors file of float32 vectors (name -> values).
std::string safetensors(const std::vector<std::pair<std::string, std::vector<float>>> &Tensors) {
  Json Header = Json::object();
  std::string Data;
  for (const auto &[Name, Values] : Tensors) {
    size_t Begin = Data.size();
    Data.append(reinterpret_cast<const char *>(Values.data()), Values.size() * 4);
    Header[Name] = {{"dtype", "F32"},
                    {"shape", {Values.size()}},
                    {"data_offsets", {Begin, Data.size()}}};
  }
  std::string H = Header.dump();
  while (H.size() % 8)
    H += ' ';
  std::string Out(8, '\0');
  uint64_t N = H.size();
  for (int I = 0; I < 8; ++I)
    Out[I] = static_cast<char>((N >> (8 * I)) & 0xff);
  return Out + H + Data;
}

/// Every norm tensor of the book GPT (2 blocks), ones and zeros, under the
/// given scale/shift names.
std::vector<std::pair<std::string, std::vector<float>>>
bookTensors(const std::string &Scale, const std::string &Shift, size_t Width) {
  std::vector<std::pair<std::string, std::vector<float>>> Out;
  for (std::string P : {"trf_blocks.0.norm1", "trf_blocks.0.norm2", "trf_blocks.1.norm1",
                        "trf_blocks.1.norm2", "final_norm"}) {
    Out.push_back({P + "." + Scale, std::vector<float>(Width, 1.0f)});
    Out.push_back({P + "." + Shift, std::vector<float>(Width, 0.0f)});
  }
  return Out;
}

Json verifyJson(const std::vector<std::string> &Args, int ExpectedExit) {
  std::vector<std::string> All{"verify", "--format", "json"};
  All.insert(All.end(), Args.begin(), Args.end());
  RunResult R = runParamlint(All);
  EXPECT_EQ(R.ExitCode, ExpectedExit) << R.Out << R.Err;
  try {
    return Json::parse(R.Out);
  } catch (const std::exception &E) {
    ADD_FAILURE() << E.what() << "\n" << R.Out << R.Err;
    return Json::object();
  }
}

const Json *probe(const Json &Layer, const std::string &Name) {
  for (const Json &P : Layer["probes"])
    if (P["probe"] == Name)
      return &P;
  return nullptr;
}

TEST(VerifyTest, Issue626SwapIsIdenticalForEveryLayer) {
  Json J = verifyJson({sourceDir() + "/fixtures/verify/book_gpt/model.py",
                       sourceDir() + "/examples/gpt2-swap/model.py"},
                      0);
  EXPECT_EQ(J["old"]["model"], "GPTModel");
  EXPECT_EQ(J["new"]["model"], "GPTModel");
  ASSERT_EQ(J["layers"].size(), 3u) << J.dump(2);
  std::set<std::string> Paths;
  for (const Json &L : J["layers"]) {
    Paths.insert(L["path"]);
    EXPECT_TRUE(L["verdict"] == "bit-identical" || L["verdict"] == "within tolerance")
        << L.dump(2);
    EXPECT_EQ(L["old"]["class"], "LayerNorm");
    EXPECT_EQ(L["new"]["class"], "torch.nn.LayerNorm");
    EXPECT_EQ(L["width_source"], "assumed");
    EXPECT_EQ(L["overall"]["mismatches"], 0);
  }
  EXPECT_EQ(Paths, (std::set<std::string>{"trf_blocks.*.norm1", "trf_blocks.*.norm2",
                                          "final_norm"}));
  EXPECT_EQ(J["summary"]["passed"], true);
  EXPECT_TRUE(J["diagnostics"].empty());
}

TEST(VerifyTest, RenameFixWithACheckpointLoadsThroughEachSidesNames) {
  TempDir T;
  std::string Ckpt = T.file("book.safetensors");
  writeFile(Ckpt, safetensors(bookTensors("scale", "shift", 64)));
  Json J = verifyJson({"--checkpoint", Ckpt,
                       sourceDir() + "/fixtures/verify/book_gpt/model.py",
                       sourceDir() + "/examples/gpt2-swap/model.py"},
                      0);
  // `*` expands over the checkpoint's blocks: 2 blocks x 2 norms + final.
  ASSERT_EQ(J["layers"].size(), 5u) << J.dump(2);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["width"], 64);
    EXPECT_EQ(L["width_source"], "checkpoint");
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
    std::string Path = L["path"];
    EXPECT_EQ(L["old"]["scale"], Path + ".scale");
    EXPECT_EQ(L["new"]["scale"], Path + ".weight");
    EXPECT_NE(L["new"]["weights"].get<std::string>().find("through the rename"),
              std::string::npos);
  }
}

TEST(VerifyTest, RenameParamsFixIsBitIdentical) {
  // `paramlint rename-params LayerNorm scale=weight shift=bias` on the book's
  // class: the fixed twin must compute exactly the same.
  Json J = verifyJson({sourceDir() + "/fixtures/rename/book_layernorm/model.py",
                       sourceDir() + "/fixtures/rename/book_layernorm/model.fixed.py"},
                      0);
  ASSERT_FALSE(J["layers"].empty()) << J.dump(2);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
    EXPECT_NE(L["old"]["scale"].get<std::string>().find(".scale"), std::string::npos);
    EXPECT_NE(L["new"]["scale"].get<std::string>().find(".weight"), std::string::npos);
  }
}

TEST(VerifyTest, CheckFixVerifyReportsWhatTheUnsafeFixesChanged) {
  TempDir T;
  std::string P = T.write("m.py", readFile(sourceDir() +
                                           "/fixtures/python/PL401_norm_unbiased_variance.py"));
  RunResult R = runParamlint({"check", "--isolated", "--no-cache", "--select", "PL4",
                              "--fix", "--unsafe-fixes", "--verify", P});
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  EXPECT_NE(R.Err.find("norm1  (width 768, constructor)"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find("4 layers: 2 bit-identical, 0 within tolerance, 2 DIFFERENT"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("variance unbiased -> biased"), std::string::npos) << R.Err;
  // Nothing left to fix; a second run changes nothing and verifies nothing.
  R = runParamlint({"check", "--isolated", "--no-cache", "--select", "PL4", "--fix",
                    "--unsafe-fixes", "--verify", P});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_EQ(R.Err.find("DIFFERENT"), std::string::npos) << R.Err;
}

TEST(VerifyTest, UnbiasedVarianceIsDifferentBySqrtOfNMinusOneOverN) {
  TempDir T;
  std::string Ckpt = T.file("book.safetensors");
  writeFile(Ckpt, safetensors(bookTensors("scale", "shift", 768)));
  Json J = verifyJson({"--checkpoint", Ckpt,
                       sourceDir() + "/fixtures/verify/PL403_unbiased_gpt/model.py",
                       sourceDir() + "/examples/gpt2-swap/model.py"},
                      1);
  ASSERT_EQ(J["layers"].size(), 5u) << J.dump(2);
  // NEW (biased) against OLD (unbiased): sqrt(n/(n-1)) - 1.
  double Expected = std::sqrt(768.0 / 767.0) - 1;
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["verdict"], "DIFFERENT") << L.dump(2);
    // Scale 1, shift 0: every non-zero output of a random row moves by the
    // same relative amount.
    const Json *Random = probe(L, "random");
    ASSERT_TRUE(Random);
    EXPECT_NEAR((*Random)["max_rel"].get<double>(), Expected, 2e-6) << L.dump(2);
    std::string Diffs = L["differences"].dump();
    EXPECT_NE(Diffs.find("scale by 1.00065 (+0.0652% at n=768)"), std::string::npos)
        << Diffs;
  }
  EXPECT_EQ(J["summary"]["different"], 5);
  ASSERT_EQ(J["diagnostics"].size(), 5u);
  EXPECT_EQ(J["diagnostics"][0]["code"], "PL403");
}

TEST(VerifyTest, AnnotatedTransformerStdPlusEpsReportsTheMeasuredDifference) {
  RunResult R = runParamlint({"verify", sourceDir() + "/fixtures/verify/annotated_gpt/model.py",
                              sourceDir() + "/examples/gpt2-swap/model.py"});
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("verdict: DIFFERENT"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("PL403 norm layer `final_norm` computes differently"),
            std::string::npos)
      << R.Out;
  Json J = verifyJson({sourceDir() + "/fixtures/verify/annotated_gpt/model.py",
                       sourceDir() + "/examples/gpt2-swap/model.py"},
                      1);
  ASSERT_EQ(J["layers"].size(), 3u);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["verdict"], "DIFFERENT");
    std::string Old = L["old"]["variant"];
    EXPECT_NE(Old.find("unbiased var, eps=1e-06 added to std"), std::string::npos) << Old;
    // Near-constant rows (variance ~1e-6) are where eps placement bites.
    const Json *Near = probe(L, "near-constant");
    const Json *Random = probe(L, "random");
    ASSERT_TRUE(Near && Random);
    EXPECT_GT((*Near)["max_abs"].get<double>(), 0.1) << L.dump(2);
    EXPECT_GT((*Random)["max_abs"].get<double>(), 1e-4);
    EXPECT_LT((*Random)["max_abs"].get<double>(), 1e-2);
    EXPECT_GE(L["differences"].size(), 2u) << L.dump(2);
  }
}

TEST(VerifyTest, BadWeightsAreReportedPerLayer) {
  TempDir T;
  auto Tensors = bookTensors("scale", "shift", 16);
  Tensors[0].second[3] = std::nanf("");     // trf_blocks.0.norm1.scale
  Tensors[3].second.resize(8);              // trf_blocks.0.norm2.shift: width 8
  Tensors[8].second.clear();                // final_norm.scale: zero width
  Tensors[9].second.clear();
  std::string Ckpt = T.file("bad.safetensors");
  writeFile(Ckpt, safetensors(Tensors));
  Json J = verifyJson({"--checkpoint", Ckpt,
                       sourceDir() + "/fixtures/verify/book_gpt/model.py",
                       sourceDir() + "/examples/gpt2-swap/model.py"},
                      1);
  std::map<std::string, Json> ByPath;
  for (const Json &L : J["layers"])
    ByPath[L["path"]] = L;
  ASSERT_EQ(ByPath.size(), 5u) << J.dump(2);
  EXPECT_EQ(ByPath["trf_blocks.0.norm1"]["verdict"], "NaN/Inf");
  EXPECT_NE(ByPath["trf_blocks.0.norm1"]["non_finite"]["old"].get<std::string>().find("scale"),
            std::string::npos)
      << ByPath["trf_blocks.0.norm1"].dump(2);
  EXPECT_EQ(ByPath["trf_blocks.0.norm2"]["verdict"], "ERROR");
  EXPECT_NE(ByPath["trf_blocks.0.norm2"]["error"].get<std::string>().find("widths differ"),
            std::string::npos);
  EXPECT_EQ(ByPath["final_norm"]["verdict"], "ERROR");
  EXPECT_NE(ByPath["final_norm"]["error"].get<std::string>().find("zero-width"),
            std::string::npos);
  EXPECT_EQ(ByPath["trf_blocks.1.norm1"]["verdict"], "bit-identical");
}

TEST(VerifyTest, LiteralWidthsThatDisagreeAreAShapeMismatch) {
  TempDir T;
  std::string Old = T.write("old/m.py", R"(import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(768)
        self.ok = nn.LayerNorm(32, eps=1e-6)
)");
  std::string New = T.write("new/m.py", R"(import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(512)
        self.ok = nn.LayerNorm(32, eps=1e-6)
        self.extra = nn.LayerNorm(32)
)");
  Json J = verifyJson({Old, New}, 1);
  ASSERT_EQ(J["layers"].size(), 2u) << J.dump(2);
  EXPECT_EQ(J["layers"][0]["path"], "ln");
  EXPECT_NE(J["layers"][0]["error"].get<std::string>().find("shape mismatch: OLD width 768"),
            std::string::npos);
  EXPECT_EQ(J["layers"][1]["verdict"], "bit-identical");
  EXPECT_EQ(J["layers"][1]["width_source"], "constructor");
  EXPECT_EQ(J["only_new"], Json::array({"extra"}));
}

TEST(VerifyTest, ExitCodesAndUsageErrors) {
  std::string Book = sourceDir() + "/fixtures/verify/book_gpt/model.py";
  EXPECT_EQ(runParamlint({"verify", Book}).ExitCode, 2);
  EXPECT_EQ(runParamlint({"verify", Book, "/nonexistent/x.py"}).ExitCode, 2);
  EXPECT_EQ(runParamlint({"verify", "--format", "xml", Book, Book}).ExitCode, 2);
  EXPECT_EQ(runParamlint({"verify", "--width", "0", Book, Book}).ExitCode, 2);
  RunResult R = runParamlint({"verify", "--checkpoint", "/nonexistent.safetensors", Book, Book});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("nonexistent.safetensors"), std::string::npos) << R.Err;
  TempDir T;
  std::string Plain = T.write("plain.py", "x = 1\n");
  R = runParamlint({"verify", Plain, Plain});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("no model with norm layers"), std::string::npos) << R.Err;
  // Same code on both sides: identical, exit 0, text report.
  R = runParamlint({"verify", Book, Book});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_NE(R.Out.find("3 layers: 3 bit-identical"), std::string::npos) << R.Out;
}

TEST(VerifyTest, GitRevisionAsOld) {
  TempDir T;
  std::string Repo = T.path() + "/repo";
  std::string Model = T.write("repo/model.py",
                              readFile(sourceDir() + "/fixtures/verify/book_gpt/model.py"));
  auto Git = [&](std::vector<std::string> Args) {
    std::vector<std::string> All{"/usr/bin/git", "-C", Repo, "-c", "user.name=t",
                                 "-c", "user.email=t@t"};
    All.insert(All.end(), Args.begin(), Args.end());
    RunResult R = runCommand(All);
    ASSERT_EQ(R.ExitCode, 0) << R.Err;
  };
  Git({"init", "-q"});
  Git({"add", "model.py"});
  Git({"commit", "-q", "-m", "book"});
  writeFile(Model, readFile(sourceDir() + "/fixtures/verify/PL403_unbiased_gpt/model.py"));
  Json J = verifyJson({"git:HEAD", Model}, 1);
  EXPECT_EQ(J["summary"]["different"], 3) << J.dump(2);
  writeFile(Model, readFile(sourceDir() + "/examples/gpt2-swap/model.py"));
  verifyJson({"git:HEAD", Model}, 0);
  EXPECT_EQ(runParamlint({"verify", "git:nosuchrev", Model}).ExitCode, 2);
}

// --- eps from config keys ---------------------------------------------------

/// The eps torch gives each norm module of the model Build makes (an
/// expression over the module `m` that File defines), by module path.
std::map<std::string, double> torchEps(const std::string &File,
                                       const std::string &Build = "m.GPTModel(m.GPT_CONFIG_124M)") {
  RunResult R = runPython({"-c", R"(
import importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
for name, mod in eval(sys.argv[2]).named_modules():
    if hasattr(mod, "eps"):
        print(name, repr(float(mod.eps)))
)", File, Build});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  std::map<std::string, double> Out;
  std::istringstream In(R.Out);
  std::string Path;
  double Eps;
  while (In >> Path >> Eps)
    Out[Path] = Eps;
  return Out;
}

TEST(VerifyTest, EpsFromAConfigKeyIsTheConfigDictsValueAsInTorch) {
  std::string Dir = sourceDir() + "/fixtures/verify/config_eps/";
  TempDir T;
  std::string Old = T.write("old/model.py", readFile(Dir + "old/model.py"));
  std::string NewText = readFile(Dir + "new/model.py");
  std::string New = T.write("new/model.py", NewText);
  for (const std::string &Eps : {"1e-5", "1e-6"}) {
    std::string Text = NewText;
    Text.replace(Text.find("\"eps\": 1e-5"), 12, "\"eps\": " + Eps);
    writeFile(New, Text);
    std::map<std::string, double> OldTorch = torchEps(Old), NewTorch = torchEps(New);
    ASSERT_EQ(OldTorch.size(), 3u);
    bool Same = Eps == "1e-5";
    Json J = verifyJson({Old, New}, Same ? 0 : 1);
    ASSERT_EQ(J["layers"].size(), 2u) << J.dump(2);
    for (const Json &L : J["layers"]) {
      // `trf_blocks.*.norm1` stands for every block: torch's first.
      std::string Path = L["path"];
      if (Path.find('*') != std::string::npos)
        Path.replace(Path.find('*'), 1, "0");
      for (auto [Side, Torch] : {std::pair{"old", &OldTorch}, std::pair{"new", &NewTorch}})
        EXPECT_EQ(L[Side]["eps_origin"],
                  fmt::format("config key `eps` = {:g} (GPT_CONFIG_124M)", Torch->at(Path)))
            << L.dump(2);
      EXPECT_EQ(L["verdict"], Same ? "bit-identical" : "DIFFERENT") << L.dump(2);
    }
  }
  // The text report says where eps came from.
  RunResult R = runParamlint({"verify", Old, New});
  EXPECT_NE(R.Out.find("eps: config key `eps` = 1e-06 (GPT_CONFIG_124M)"), std::string::npos)
      << R.Out;
}

/// Config classes: a dataclass field's default (overridden by the literal
/// the construction passes) and a Hugging Face style `__init__` default.
/// The eps verify reads is the one torch's modules hold after `build()`.
TEST(VerifyTest, EpsFromConfigClassesIsTheDefaultUnlessTheConstructionPassesALiteral) {
  std::string Dir = sourceDir() + "/fixtures/verify/config_class/";
  std::map<std::string, double> Eps = torchEps(Dir + "model.py", "m.build()");
  ASSERT_EQ(Eps.size(), 2u);
  Json J = verifyJson({Dir + "model.py", Dir + "torch_twin.py"}, 0);
  ASSERT_EQ(J["layers"].size(), 2u) << J.dump(2);
  std::map<std::string, std::string> Origins{
      {"norm", fmt::format("config key `norm_eps` = {:g} (ModelArgs(norm_eps=...))",
                           Eps.at("norm"))},
      {"ln", fmt::format("config key `layer_norm_eps` = {:g} (default of "
                         "FooConfig.layer_norm_eps)",
                         Eps.at("ln"))}};
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["old"]["eps_origin"], Origins.at(L["path"])) << L.dump(2);
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
  }
}

TEST(VerifyTest, EpsFromAConfigKeyNoDictDefinesIsASharedUnknownOrTheEpsOption) {
  // The config comes from a JSON file: no literal says what eps is.
  std::string Dir = sourceDir() + "/fixtures/verify/config_eps/";
  TempDir T;
  auto Unresolved = [&](const std::string &Side) {
    std::string Text = readFile(Dir + Side + "/model.py");
    size_t Begin = Text.find("GPT_CONFIG_124M = {"), End = Text.find("}\n", Begin);
    Text.replace(Begin, End + 1 - Begin,
                 "GPT_CONFIG_124M = json.load(open(\"config.json\"))");
    return T.write(Side + "/model.py", "import json\n" + Text);
  };
  std::string Old = Unresolved("old"), New = Unresolved("new");
  // Both read `eps`: compared with one stand-in value, and it says so.
  Json J = verifyJson({Old, New}, 0);
  ASSERT_EQ(J["layers"].size(), 2u) << J.dump(2);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
    EXPECT_NE(L["new"]["eps_origin"].get<std::string>().find(
                  "config key `eps` on both sides, value unknown: both run with the same "
                  "stand-in 1e-05"),
              std::string::npos)
        << L.dump(2);
  }
  // --eps gives the value.
  J = verifyJson({"--eps", "1e-6", Old, New}, 0);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["old"]["eps_origin"], "--eps 1e-06 (for config key `eps` (no config dict "
                                      "literal or config class defines it))");
    EXPECT_NE(L["new"]["variant"].get<std::string>().find("eps=1e-06"), std::string::npos)
        << L.dump(2);
  }
  // One side literal, the other an unresolved key: not comparable without
  // --eps; with it, compared (and the book's 1e-5 is what torch would use).
  std::string Book = sourceDir() + "/fixtures/verify/book_gpt/model.py";
  J = verifyJson({Book, New}, 1);
  bool Unknown = false;
  for (const Json &L : J["layers"])
    Unknown |= L["verdict"] == "ERROR" &&
               L["error"].get<std::string>().find("NEW: eps unknown: config key `eps`") !=
                   std::string::npos;
  EXPECT_TRUE(Unknown) << J.dump(2);
  // (The book has a norm2 the NEW side lacks: that alone makes exit 1.)
  J = verifyJson({"--eps", "1e-5", Book, New}, 1);
  ASSERT_EQ(J["layers"].size(), 2u) << J.dump(2);
  for (const Json &L : J["layers"])
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
  EXPECT_EQ(J["only_old"], Json::array({"trf_blocks.*.norm2"}));
  EXPECT_EQ(runParamlint({"verify", "--eps", "-1", Book, New}).ExitCode, 2);
}

// --- precision ----------------------------------------------------------------

TEST(VerifyTest, AnUpcastInForwardIsStatedWithWhatItMeansAtTheStorageDtype) {
  const char *Model = R"(import torch
import torch.nn as nn


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        return self._norm(INPUT) * self.weight


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = RMSNorm(64)
)";
  TempDir T;
  std::string Text = Model;
  size_t At = Text.find("INPUT");
  std::string Old = T.write("old/m.py", std::string(Text).replace(At, 5, "x.float()).type_as(x"));
  std::string New = T.write("new/m.py", std::string(Text).replace(At, 5, "x"));
  // Seeded fp32 weights: the upcast changes nothing, and it says so.
  Json J = verifyJson({Old, New}, 0);
  ASSERT_EQ(J["layers"].size(), 1u) << J.dump(2);
  EXPECT_EQ(J["layers"][0]["old"]["precision"],
            "upcast in forward (`.float()`): no effect on fp32 inputs");
  EXPECT_EQ(J["layers"][0]["new"]["precision"], "");
  // bf16 weights (ones): what the harness's fp32 run stands for per side.
  std::string Header = R"({"norm.weight":{"dtype":"BF16","shape":[64],"data_offsets":[0,128]}})";
  std::string File(8, '\0');
  File[0] = static_cast<char>(Header.size());
  File += Header;
  for (int I = 0; I < 64; ++I)
    File += std::string("\x80\x3f", 2); // bf16 1.0, little-endian
  std::string Ckpt = T.write("w.safetensors", File);
  J = verifyJson({"--checkpoint", Ckpt, Old, New}, 0);
  ASSERT_EQ(J["layers"].size(), 1u) << J.dump(2);
  EXPECT_EQ(J["layers"][0]["compared_in"], "bf16") << J.dump(2);
  EXPECT_EQ(J["layers"][0]["old"]["precision"],
            "upcast in forward (`.float()`): statistics in fp32 on bf16 inputs, cast back, "
            "as the harness runs it");
  EXPECT_NE(J["layers"][0]["new"]["precision"].get<std::string>().find(
                "no upcast in forward: under torch each op rounds to bf16"),
            std::string::npos)
      << J.dump(2);
  RunResult R = runParamlint({"verify", "--checkpoint", Ckpt, Old, New});
  EXPECT_NE(R.Out.find("precision: upcast in forward"), std::string::npos) << R.Out;
}


// --- C++ ----------------------------------------------------------------------

/// The verdict of each layer of a verify report, by path.
std::map<std::string, std::string> verdicts(const Json &J) {
  std::map<std::string, std::string> Out;
  for (const Json &L : J["layers"])
    Out[L["path"].get<std::string>()] = L["verdict"].get<std::string>();
  return Out;
}

/// PL401/PL402 on libtorch code: the unsafe fixes write C++, and what they
/// write computes what the clean twin computes (verify, bit for bit).
TEST(NormChecksTest, CxxFixesWriteCxxThatComputesTheCleanTwinsNorms) {
  TempDir T;
  std::string Dir = sourceDir() + "/fixtures/cxx/PL4xx_libtorch_norms";
  T.write("compile_flags.txt", readFile(Dir + "/compile_flags.txt"));
  std::string Original = readFile(Dir + "/norms.cpp");
  std::string Fixed = T.write("norms.cpp", Original);
  RunResult C = runParamlint({"check", "--isolated", "--no-cache", "--output-format", "json",
                              "--select", "PL4", Fixed});
  EXPECT_EQ(C.ExitCode, 1) << C.Out << C.Err;
  Json Diags = Json::parse(C.Out);
  ASSERT_EQ(Diags.size(), 3u) << Diags.dump(2);
  EXPECT_NE(messageAt(Diags, "PL401", 15)
                .find(fmt::format("{:+.3g}% at n=1024", (std::sqrt(1023.0 / 1024) - 1) * 100)),
            std::string::npos)
      << Diags.dump(2);
  RunResult F = runParamlint({"check", "--isolated", "--no-cache", "--fix",
                              "--unsafe-fixes", "--select", "PL4", Fixed});
  EXPECT_EQ(F.ExitCode, 0) << F.Out << F.Err;
  std::string Expected = Original;
  for (auto [From, To] :
       {std::pair{"/*unbiased=*/true, /*keepdim=*/true);", "/*unbiased=*/false, /*keepdim=*/true);"},
        std::pair{"(x - mean) / (sd + eps) + b_2;", "(x - mean) / (sd.pow(2) + eps).sqrt() + b_2;"},
        std::pair{"torch::sqrt(torch::clamp_min(var, eps))", "torch::sqrt(var + eps)"}}) {
    size_t At = Expected.find(From);
    ASSERT_NE(At, std::string::npos) << From;
    Expected.replace(At, std::strlen(From), To);
  }
  EXPECT_EQ(readFile(Fixed), Expected);
  Json V = verifyJson({Fixed, sourceDir() + "/fixtures/cxx/clean_libtorch_norms/norms.cpp"}, 0);
  ASSERT_EQ(V["layers"].size(), 7u) << V.dump(2);
  for (const Json &L : V["layers"])
    EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
}

TEST(VerifyTest, CxxHandWrittenNormsAgainstTheirFixes) {
  Json J = verifyJson({sourceDir() + "/fixtures/cxx/PL4xx_libtorch_norms/norms.cpp",
                       sourceDir() + "/fixtures/cxx/clean_libtorch_norms/norms.cpp"},
                      1);
  EXPECT_EQ(J["old"]["model"], "NetImpl");
  auto V = verdicts(J);
  EXPECT_EQ(V, (std::map<std::string, std::string>{{"ln1", "DIFFERENT"},
                                                   {"ln2", "DIFFERENT"},
                                                   {"ln3", "DIFFERENT"},
                                                   {"ln4", "bit-identical"},
                                                   {"ln5", "bit-identical"},
                                                   {"ln6", "bit-identical"},
                                                   {"ln7", "DIFFERENT"}}))
      << J.dump(2);
  for (const Json &L : J["layers"]) {
    if (L["path"] != "ln1")
      continue;
    // Unbiased against biased at the assumed width: sqrt(n/(n-1)).
    std::string Diffs = L["differences"].dump();
    EXPECT_NE(Diffs.find("scale by 1.00065 (+0.0652% at n=768)"), std::string::npos) << Diffs;
    EXPECT_EQ(L["old"]["class"], "UnbiasedLayerNormImpl");
    EXPECT_EQ(L["old"]["eps_origin"], "default of `eps`");
  }
}

TEST(VerifyTest, CxxAgainstPythonWhereTheModulePathsPair) {
  Json J = verifyJson({sourceDir() + "/fixtures/cxx/clean_libtorch_norms/norms.cpp",
                       sourceDir() + "/fixtures/verify/cxx_vs_python/model.py"},
                      0);
  ASSERT_EQ(J["layers"].size(), 7u) << J.dump(2);
  for (const Json &L : J["layers"])
    EXPECT_TRUE(L["passed"].get<bool>()) << L.dump(2);
  // The libtorch holder is torch's LayerNorm with the options' eps.
  for (const Json &L : J["layers"])
    if (L["path"] == "ln6") {
      EXPECT_EQ(L["old"]["class"], "torch::nn::LayerNorm");
      EXPECT_EQ(L["old"]["eps_origin"], "constructor argument `eps`");
      EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
    }
  // A project module's literal constructor argument overrides its default.
  for (const Json &L : J["layers"])
    if (L["path"] == "ln7") {
      EXPECT_EQ(L["old"]["eps_origin"], "constructor argument `eps`");
      EXPECT_NE(L["old"]["variant"].get<std::string>().find("eps=0.001"), std::string::npos)
          << L.dump(2);
    }
  EXPECT_TRUE(J["only_old"].empty() && J["only_new"].empty()) << J.dump(2);
}

TEST(VerifyTest, GgmlGraphCodeVersionsArePairedByTheirTensors) {
  std::string Dir = sourceDir() + "/fixtures/verify/ggml_gpt2";
  Json J = verifyJson({Dir + "/old", Dir + "/new"}, 1);
  EXPECT_EQ(J["old"]["model"], "gpt2_model");
  EXPECT_EQ(verdicts(J), (std::map<std::string, std::string>{{"layers.*.ln_1", "bit-identical"},
                                                            {"layers.*.ln_2", "DIFFERENT"},
                                                            {"ln_f", "DIFFERENT"}}))
      << J.dump(2);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["old"]["class"], "ggml_norm");
    if (L["path"] == "layers.*.ln_1") {
      EXPECT_EQ(L["old"]["eps_origin"], "default of `gpt2_hparams::eps`");
      EXPECT_EQ(L["new"]["eps_origin"], "literal");
      EXPECT_EQ(L["old"]["scale"], "layers.*.ln_1_g");
    }
    if (L["path"] == "layers.*.ln_2") {
      EXPECT_EQ(L["new"]["shift"], nullptr);
      EXPECT_EQ(L["old"]["shift"], "layers.*.ln_2_b");
    }
    if (L["path"] == "ln_f") {
      EXPECT_EQ(L["new"]["class"], "ggml_rms_norm");
      // Tensors of the root: their keys are their names.
      EXPECT_EQ(L["old"]["scale"], "ln_f_g");
    }
  }
}

/// With a checkpoint, a ggml norm's tensors are read under the names its
/// loader gives them (`model/h0/ln_1/g`), and its layers are expanded over
/// the indices the checkpoint holds.
TEST(VerifyTest, GgmlNormsReadTheirWeightsUnderTheLoadersNames) {
  std::string Dir = sourceDir() + "/fixtures/verify/ggml_gpt2";
  std::vector<std::pair<std::string, std::vector<float>>> Tensors;
  for (std::string H : {"model/h0", "model/h1"})
    for (const char *N : {"/ln_1/g", "/ln_1/b", "/ln_2/g", "/ln_2/b"})
      Tensors.push_back({H + N, std::vector<float>(16, N[6] == 'g' ? 1.5f : 0.25f)});
  Tensors.push_back({"model/ln_f/g", std::vector<float>(16, 1.0f)});
  Tensors.push_back({"model/ln_f/b", std::vector<float>(16, 0.0f)});
  TempDir T;
  std::string Ckpt = T.write("gpt2.safetensors", safetensors(Tensors));
  Json J = verifyJson({"--checkpoint", Ckpt, Dir + "/old", Dir + "/new"}, 1);
  EXPECT_EQ(verdicts(J), (std::map<std::string, std::string>{{"layers.0.ln_1", "bit-identical"},
                                                            {"layers.1.ln_1", "bit-identical"},
                                                            {"layers.0.ln_2", "DIFFERENT"},
                                                            {"layers.1.ln_2", "DIFFERENT"},
                                                            {"ln_f", "DIFFERENT"}}))
      << J.dump(2);
  for (const Json &L : J["layers"]) {
    EXPECT_EQ(L["width"], 16) << L.dump(2);
    EXPECT_EQ(L["width_source"], "checkpoint");
    if (L["path"] == "layers.1.ln_2") {
      EXPECT_EQ(L["old"]["weights"], "model/h1/ln_2/g (the loader's name), model/h1/ln_2/b "
                                     "(the loader's name)");
      EXPECT_EQ(L["new"]["weights"], "model/h1/ln_2/g (the loader's name)");
    }
  }
}

} // namespace
} // namespace paramlint::test
