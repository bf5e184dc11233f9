//===- ConfigTablesTest.cpp - What a config adds to the tables ------------===//
///
/// \file
/// `convention`, `aliases` and `library-classes` (tool/RunTables.h): each
/// is read and validated (a bad one names file, line and key); the tables
/// change what the run finds (the fixture projects under fixtures/python/config_*,
/// checked with and without their config), reaches the checks while the
/// run lasts and only then, and is part of the run cache's key.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "Analysis.h"
#include "Config.h"
#include "cache/RunCache.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Copies the fixture project fixtures/python/Name into T (so that walking
/// up finds no other config); returns the copy's path.
std::string copyFixture(const TempDir &T, const std::string &Name) {
  std::string To = T.file(Name);
  fs::copy(sourceDir() + "/fixtures/python/" + Name, To, fs::copy_options::recursive);
  fs::remove_all(To + "/.paramlint_cache"); // Left by a `check` in the tree.
  return To;
}

/// "code message" of every finding of a JSON report, sorted.
std::multiset<std::string> findings(const RunResult &R) {
  Json J = Json::parse(R.Out, nullptr, false);
  EXPECT_TRUE(J.is_array()) << describeRun(R);
  std::multiset<std::string> Out;
  if (J.is_array())
    for (const Json &D : J)
      Out.insert(D["code"].get<std::string>() + " " + D["message"].get<std::string>());
  return Out;
}

size_t countWith(const std::multiset<std::string> &F, const std::string &Part) {
  return std::count_if(F.begin(), F.end(), [&](const std::string &S) {
    return S.find(Part) != std::string::npos;
  });
}

TEST(ConfigTablesTest, ReadsConventionAliasesAndLibraryClasses) {
  TempDir T;
  std::string File = T.write("paramlint.toml", R"(convention = "tf"

[aliases]
scale = ["gain", "weight"]
shift = ["bias_term"]
running-stat = ["ema_mean"]

[library-classes]
"apex.normalization.FusedLayerNorm" = {params = ["weight", "bias"], kind = "norm"}
"apex.normalization.FusedRMSNorm" = {like = "torch.nn.RMSNorm"}
"mylib.layers.Dense" = {params = ["kernel"], buffers = ["step"], attributes = ["units"], kind = "module"}
)");
  auto C = readConfig(File);
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  ASSERT_TRUE(C->has_value());
  EXPECT_EQ((*C)->Convention, "tf");
  const TableExtensions &X = (*C)->Tables;
  // Roles in key order (toml++ sorts a table's keys), names as listed.
  std::vector<std::pair<Role, std::string>> Aliases{{Role::RunningStat, "ema_mean"},
                                                    {Role::Scale, "gain"},
                                                    {Role::Scale, "weight"},
                                                    {Role::Shift, "bias_term"}};
  EXPECT_EQ(X.Aliases, Aliases);
  ASSERT_EQ(X.LibraryClasses.size(), 3u);
  EXPECT_EQ(X.LibraryClasses[0].Name, "apex.normalization.FusedLayerNorm");
  EXPECT_EQ(X.LibraryClasses[0].IsNorm, std::optional<bool>(true));
  EXPECT_EQ(X.LibraryClasses[0].Params,
            std::optional<std::vector<std::string>>({"weight", "bias"}));
  EXPECT_EQ(X.LibraryClasses[1].Like, "torch.nn.RMSNorm");
  EXPECT_FALSE(X.LibraryClasses[1].IsNorm.has_value());
  EXPECT_FALSE(X.LibraryClasses[1].Params.has_value());
  EXPECT_EQ(X.LibraryClasses[2].IsNorm, std::optional<bool>(false));
  EXPECT_EQ(X.LibraryClasses[2].Buffers, std::vector<std::string>{"step"});
  EXPECT_EQ(X.LibraryClasses[2].Attributes, std::vector<std::string>{"units"});

  AnalysisOptions O;
  applyConfig(**C, O);
  ASSERT_TRUE(O.Context.NormConvention.has_value());
  EXPECT_EQ(O.Context.NormConvention->Name, "tf");
  EXPECT_EQ(O.Context.NormConvention->Scale, "gamma");
  EXPECT_EQ(O.Context.NormConvention->Shift, "beta");
  EXPECT_EQ(O.Tables.Aliases, Aliases);
  EXPECT_EQ(O.Tables.LibraryClasses.size(), 3u);

  // In pyproject.toml the same keys sit under [tool.paramlint].
  std::string Py = T.write("sub/pyproject.toml", R"([tool.paramlint]
convention = "torch"
[tool.paramlint.aliases]
scale = ["gain"]
)");
  auto P = readConfig(Py);
  ASSERT_TRUE(bool(P) && P->has_value());
  EXPECT_EQ((*P)->Convention, "torch");
  EXPECT_EQ((*P)->Tables.Aliases.size(), 1u);
}

TEST(ConfigTablesTest, BadTablesNameFileLineAndKey) {
  for (const auto &[Toml, Expected] : std::vector<std::pair<std::string, std::string>>{
           {"convention = \"pytorch\"\n",
            "paramlint.toml:1: `convention` must be one of torch, book, tf, "
            "gpt2-tf, flax, haiku, annotated-transformer, transformer-lens "
            "(got `pytorch`)"},
           {"\nconvention = [\"torch\"]\n", "paramlint.toml:2: `convention` must be one of torch,"},
           {"aliases = [\"gain\"]\n", "paramlint.toml:1: `aliases` must be a table"},
           {"[aliases]\nscale = [\"bias\"]\n",
            "paramlint.toml:2: `aliases.scale`: `bias` is already a shift name"},
           {"[aliases]\nscale = [\"x\"]\nshift = [\"x\"]\n",
            "paramlint.toml:3: `aliases.shift`: `x` is already a scale name"},
           {"[aliases]\ngain = [\"x\"]\n",
            "paramlint.toml:2: unknown key `aliases.gain` (known roles: scale, shift, running-stat)"},
           {"[aliases]\nscale = \"gain\"\n",
            "paramlint.toml:2: `aliases.scale` must be a list of strings"},
           {"[aliases]\nscale = [\"ok\",\n  \"my.gain\"]\n",
            "paramlint.toml:3: `aliases.scale`: `my.gain` is not a parameter name"},
           {"[library-classes]\n\"FusedLayerNorm\" = {params = [\"weight\"]}\n",
            "paramlint.toml:2: `library-classes.\"FusedLayerNorm\"`: a class is named "
            "as an import reaches it"},
           {"[library-classes]\n\"a.B\" = [\"weight\"]\n",
            "paramlint.toml:2: `library-classes.\"a.B\"` must be a table"},
           {"[library-classes]\n\"a.B\" = {params = [\"weight\"], kind = \"layer\"}\n",
            "paramlint.toml:2: `library-classes.\"a.B\".kind` must be \"norm\" or \"module\""},
           {"[library-classes]\n\"a.B\" = {kind = \"norm\"}\n",
            "paramlint.toml:2: `library-classes.\"a.B\"` needs `params` or `like`"},
           {"[library-classes]\n\"a.B\" = {like = \"torch.nn.Foo\"}\n",
            "paramlint.toml:2: `library-classes.\"a.B\".like` must name a torch.nn class"},
           {"[library-classes]\n\"a.B\" = {params = [\"w\"], size = 3}\n",
            "paramlint.toml:2: unknown key `library-classes.\"a.B\".size` (known: kind, "
            "like, params, buffers, attributes)"},
           {"[library-classes]\n\"a.B\" = {params = [1]}\n",
            "paramlint.toml:2: `library-classes.\"a.B\".params` must be a list of strings"},
           {"library-classes = 1\n", "paramlint.toml:1: `library-classes` must be a table"}}) {
    TempDir U;
    U.write("paramlint.toml", Toml);
    std::string F = U.write("a.py", "x = 1\n");
    RunResult R = runParamlint({"check", F});
    EXPECT_EQ(R.ExitCode, 2) << Toml << describeRun(R);
    EXPECT_NE(R.Err.find(Expected), std::string::npos) << Toml << "\n" << R.Err;
    EXPECT_EQ(R.Out, "");
  }
}

TEST(ConfigTablesTest, AliasesGiveRolesToTheProjectsNames) {
  TempDir T;
  std::string P = copyFixture(T, "config_aliases");
  RunResult With = runParamlint({"check", "--no-cache", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(With.ExitCode, 1) << describeRun(With);
  std::multiset<std::string> F = findings(With);
  EXPECT_EQ(countWith(F, "PL104 "), 2u) << With.Out;
  EXPECT_EQ(countWith(F, "did you mean `gain`"), 1u) << With.Out;

  // Without the config `gain` and `bias_term` have no role: nothing is
  // swapped, and a write of `scale` has no role-equivalent to suggest.
  RunResult Without = runParamlint(
      {"check", "--no-cache", "--isolated", "--output-format", "json", "."}, "", P);
  std::multiset<std::string> G = findings(Without);
  EXPECT_EQ(countWith(G, "PL104 "), 0u) << Without.Out;
  EXPECT_EQ(countWith(G, "did you mean"), 0u) << Without.Out;
  EXPECT_EQ(countWith(G, "PL101 "), 1u) << Without.Out;

  // The safe fix follows the alias.
  RunResult Diff = runParamlint({"check", "--no-cache", "--diff", "."}, "", P);
  EXPECT_NE(Diff.Out.find("+    block.norm.gain = nn.Parameter(params[\"ln_1\"][\"g\"])"),
            std::string::npos)
      << describeRun(Diff);
}

/// Key pattern → role of Model in `paramlint graph --format json` output.
std::map<std::string, std::string> modelRoles(const RunResult &R,
                                              const std::string &Model) {
  Json G = Json::parse(R.Out, nullptr, false);
  EXPECT_TRUE(G.is_object()) << describeRun(R);
  std::map<std::string, std::string> Keys;
  if (G.is_object())
    for (const Json &M : G["models"])
      if (M["name"] == Model)
        for (const Json &K : M["keys"])
          Keys[K["key"].get<std::string>()] = K["role"].get<std::string>();
  return Keys;
}

/// The key patterns of Model in `paramlint graph --format json` output.
std::set<std::string> modelKeys(const RunResult &R, const std::string &Model) {
  std::set<std::string> Keys;
  for (const auto &[Key, Role] : modelRoles(R, Model))
    Keys.insert(Key);
  return Keys;
}

TEST(ConfigTablesTest, AliasesReachTheCxxFrontendModule) {
  // A ggml-style tensor struct: a field's role comes from its name, which
  // the C++ frontend (a module with its own copy of the tables) judges.
  TempDir T;
  T.write("model.cpp", R"(#include <map>
#include <string>
struct ggml_tensor;
ggml_tensor *new_tensor(int n);

struct tiny_model {
  ggml_tensor *ln_f_gain;
  ggml_tensor *ln_f_bias;
  std::map<std::string, ggml_tensor *> tensors;
};

void load(tiny_model &model) {
  model.ln_f_gain = new_tensor(8);
  model.ln_f_bias = new_tensor(8);
  model.tensors["ln_f/gain"] = model.ln_f_gain;
  model.tensors["ln_f/bias"] = model.ln_f_bias;
}
)");
  T.write("paramlint.toml", "[aliases]\nscale = [\"gain\"]\n");
  RunResult With = runParamlint({"graph", "--format", "json", "."}, "", T.path());
  ASSERT_EQ(With.ExitCode, 0) << describeRun(With);
  std::map<std::string, std::string> Roles = modelRoles(With, "tiny_model");
  EXPECT_EQ(Roles["ln_f_gain"], "scale") << With.Out;
  EXPECT_EQ(Roles["ln_f_bias"], "shift") << With.Out;
  RunResult Without =
      runParamlint({"graph", "--isolated", "--format", "json", "."}, "", T.path());
  Roles = modelRoles(Without, "tiny_model");
  EXPECT_NE(Roles["ln_f_gain"], "scale") << Without.Out;
  EXPECT_EQ(Roles["ln_f_bias"], "shift") << Without.Out;
}

TEST(ConfigTablesTest, ConventionReachesPl301) {
  TempDir T;
  std::string P = copyFixture(T, "config_convention");
  RunResult With = runParamlint({"check", "--no-cache", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(With.ExitCode, 1) << describeRun(With);
  EXPECT_EQ(countWith(findings(With), "PL301 "), 1u) << With.Out;
  // One class, consistent with itself: no finding without the config.
  RunResult Without = runParamlint(
      {"check", "--no-cache", "--isolated", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(Without.ExitCode, 0) << describeRun(Without);
  // Another convention: the message names it.
  writeFile(P + "/paramlint.toml", "convention = \"tf\"\n");
  RunResult Tf = runParamlint({"check", "--no-cache", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(countWith(findings(Tf), "`gamma`/`beta`"), 1u) << Tf.Out;
}

TEST(ConfigTablesTest, LibraryClassesGiveTheirKeySpace) {
  TempDir T;
  std::string P = copyFixture(T, "config_library_classes");
  RunResult With = runParamlint({"graph", "--format", "json", "."}, "", P);
  ASSERT_EQ(With.ExitCode, 0) << describeRun(With);
  EXPECT_EQ(modelKeys(With, "Encoder"),
            (std::set<std::string>{"blocks.*.proj.weight", "blocks.*.proj.bias",
                                   "blocks.*.ln.weight", "blocks.*.ln.bias",
                                   "ln_f.weight", "ln_f.bias"}));
  // Unknown without the config: open, no keys beneath it.
  RunResult Without = runParamlint({"graph", "--isolated", "--format", "json", "."}, "", P);
  EXPECT_EQ(modelKeys(Without, "Encoder"),
            (std::set<std::string>{"blocks.*.proj.weight", "blocks.*.proj.bias"}));
  RunResult Check = runParamlint(
      {"check", "--no-cache", "--isolated", "--output-format", "json", "."}, "", P);
  EXPECT_EQ(Check.ExitCode, 0) << describeRun(Check);
}

TEST(ConfigTablesTest, LikeCopiesABuiltinClassShape) {
  TempDir T;
  std::string F = T.write("model.py", R"(import torch.nn as nn
from vendor.layers import FastBatchNorm, Dense


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = FastBatchNorm(4, affine=False)
        self.dense = Dense(4)
)");
  AnalysisOptions O;
  O.RunChecks = false;
  ConfigLibraryClass Bn;
  Bn.Name = "vendor.layers.FastBatchNorm";
  Bn.Like = "torch.nn.BatchNorm1d";
  ConfigLibraryClass Dense;
  Dense.Name = "vendor.layers.Dense";
  Dense.IsNorm = false;
  Dense.Params = std::vector<std::string>{"kernel", "bias"};
  Dense.Buffers = {"step"};
  O.Tables.LibraryClasses = {Bn, Dense};
  auto A = analyze({F}, O);
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  const Model *Net = (*A)->Graph.findModel("Net");
  ASSERT_NE(Net, nullptr);
  std::map<std::string, Role> Keys;
  for (const KeySlot &K : Net->Keys)
    Keys[K.Key] = K.Slot->TheRole;
  // affine=False switches weight and bias off, as for BatchNorm1d itself.
  EXPECT_EQ(Keys, (std::map<std::string, Role>{
                      {"bn.running_mean", Role::RunningStat},
                      {"bn.running_var", Role::RunningStat},
                      {"bn.num_batches_tracked", Role::RunningStat},
                      {"dense.kernel", Role::Other},
                      {"dense.bias", Role::Other},
                      {"dense.step", Role::Other}}));
  // The run's tables are gone once it is over; the graph keeps its own.
  EXPECT_EQ(LibraryTable::current().find("vendor.layers.Dense"), nullptr);
  EXPECT_NE((*A)->Tables, nullptr);
}

TEST(ConfigTablesTest, TheRunsTablesHoldWhileItLasts) {
  TableExtensions X;
  X.Aliases = {{Role::Scale, "gain"}, {Role::Shift, "bias"}};
  ConfigLibraryClass C;
  C.Name = "apex.normalization.FusedLayerNorm";
  C.IsNorm = true;
  C.Params = std::vector<std::string>{"gain", "bias"};
  X.LibraryClasses = {C};
  EXPECT_EQ(&Conventions::current(), &Conventions::builtin());
  {
    ScopedTables Installed(extendTables(X));
    const Conventions &Conv = Conventions::current();
    EXPECT_NE(&Conv, &Conventions::builtin());
    EXPECT_EQ(Conv.roleOf("gain"), Role::Scale);
    EXPECT_EQ(Conv.roleOf("bias"), Role::Shift) << "a built-in role stays";
    const LibraryClass *L = LibraryTable::current().find(C.Name);
    ASSERT_NE(L, nullptr);
    ASSERT_EQ(L->Slots.size(), 2u);
    EXPECT_EQ(L->Slots[0].TheRole, Role::Scale) << "roles see the aliases";
    EXPECT_EQ(L->Slots[1].TheRole, Role::Shift);
    EXPECT_TRUE(L->IsNorm);
    EXPECT_NE(LibraryTable::current().find("torch.nn.LayerNorm"), nullptr);
  }
  EXPECT_EQ(Conventions::current().roleOf("gain"), Role::Other);
  EXPECT_EQ(LibraryTable::current().find(C.Name), nullptr);
  EXPECT_EQ(&Conventions::current(), &Conventions::builtin());
}

TEST(ConfigTablesTest, EveryTableFieldIsPartOfTheRunKey) {
  std::vector<std::unique_ptr<SourceFile>> Files;
  Files.push_back(std::make_unique<SourceFile>("a.py", "x = 1\n", SourceKind::Python));
  auto Key = [&](const AnalysisOptions &O) { return runKey(Files, 1, {""}, O); };
  AnalysisOptions Base;
  Hash128 K0 = Key(Base);
  std::vector<AnalysisOptions> Variants;
  auto Add = [&](auto Change) {
    AnalysisOptions O = Base;
    Change(O.Tables);
    Variants.push_back(O);
  };
  ConfigLibraryClass C;
  C.Name = "a.B";
  C.Params = std::vector<std::string>{"weight"};
  Add([](TableExtensions &T) { T.Aliases = {{Role::Scale, "gain"}}; });
  Add([](TableExtensions &T) { T.Aliases = {{Role::Shift, "gain"}}; });
  Add([&](TableExtensions &T) { T.LibraryClasses = {C}; });
  auto WithClass = [&](auto Change) {
    ConfigLibraryClass D = C;
    Change(D);
    Add([&](TableExtensions &T) { T.LibraryClasses = {D}; });
  };
  WithClass([](ConfigLibraryClass &D) { D.Name = "a.C"; });
  WithClass([](ConfigLibraryClass &D) { D.IsNorm = true; });
  WithClass([](ConfigLibraryClass &D) { D.IsNorm = false; });
  WithClass([](ConfigLibraryClass &D) { D.Like = "torch.nn.LayerNorm"; });
  WithClass([](ConfigLibraryClass &D) { D.Params = std::vector<std::string>{}; });
  WithClass([](ConfigLibraryClass &D) { D.Params.reset(); });
  WithClass([](ConfigLibraryClass &D) { D.Buffers = {"weight"}; });
  WithClass([](ConfigLibraryClass &D) { D.Attributes = {"weight"}; });
  std::set<std::pair<uint64_t, uint64_t>> Seen{{K0.Lo, K0.Hi}};
  for (size_t I = 0; I < Variants.size(); ++I) {
    Hash128 K = Key(Variants[I]);
    EXPECT_TRUE(Seen.insert({K.Lo, K.Hi}).second) << "variant " << I;
    Hash128 Again = Key(Variants[I]);
    EXPECT_TRUE(K.Lo == Again.Lo && K.Hi == Again.Hi) << "variant " << I;
  }
}

TEST(ConfigTablesTest, AChangedConfigIsNotAReusedRun) {
  TempDir T;
  std::string P = copyFixture(T, "config_aliases");
  std::string Toml = readFile(P + "/paramlint.toml");
  auto Run = [&] {
    return runParamlint({"check", "--timings", "--output-format", "json", "."}, "", P);
  };
  auto Reused = [](const RunResult &R) {
    return R.Err.find("diagnostics reused") != std::string::npos;
  };
  RunResult Cold = Run();
  EXPECT_FALSE(Reused(Cold)) << Cold.Err;
  RunResult Warm = Run();
  EXPECT_TRUE(Reused(Warm)) << Warm.Err;
  EXPECT_EQ(Warm.Out, Cold.Out);

  // Each table change: linked again, and the same output as no cache.
  for (const std::string &Changed :
       {std::string("[aliases]\nscale = [\"gain\"]\n"),
        Toml + "\n[library-classes]\n\"apex.normalization.FusedLayerNorm\" = "
               "{params = [\"weight\"], kind = \"norm\"}\n",
        "convention = \"torch\"\n" + Toml}) {
    writeFile(P + "/paramlint.toml", Changed);
    RunResult R = Run();
    EXPECT_FALSE(Reused(R)) << Changed << R.Err;
    RunResult Fresh = runParamlint({"check", "--no-cache", "--output-format", "json", "."},
                                   "", P);
    EXPECT_EQ(R.Out, Fresh.Out) << Changed;
    EXPECT_TRUE(Reused(Run())) << Changed;
  }
  // Dropping the shift alias changes the findings, not only the key.
  writeFile(P + "/paramlint.toml", "[aliases]\nscale = [\"gain\"]\n");
  EXPECT_NE(Run().Out, Cold.Out);
  writeFile(P + "/paramlint.toml", Toml);
  RunResult Back = Run();
  EXPECT_TRUE(Reused(Back)) << "the first run's result is still stored";
  EXPECT_EQ(Back.Out, Cold.Out);
}

} // namespace
} // namespace paramlint::test
