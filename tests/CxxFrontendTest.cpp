//===- CxxFrontendTest.cpp - The C++ frontend on small sources ------------===//
///
/// \file
/// The Clang-free rules (roles from field names, name templates, NOLINT
/// comments) directly, then the frontend through analyze(): facts of a
/// header shared by two units once, the same findings with one job or
/// several, and bad input (a missing header, broken code, a database that
/// names missing files, GCC-only flags) as PL001 with the run going on.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "TestSupport.h"
#include "cxx/CxxFrontend.h"
#include "cxx/CxxUnitCache.h"
#include "cxx/TensorNames.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace paramlint::test {
namespace {

TEST(TensorNamesTest, RoleFromFieldName) {
  EXPECT_EQ(roleFromFieldName("ln_1_g"), "scale");
  EXPECT_EQ(roleFromFieldName("ln_1_b"), "shift");
  EXPECT_EQ(roleFromFieldName("attn_norm_b"), "shift");
  EXPECT_EQ(roleFromFieldName("c_attn_attn_w"), "scale");
  EXPECT_EQ(roleFromFieldName("ffn_norm_weight"), "scale");
  EXPECT_EQ(roleFromFieldName("out_bias"), "shift");
  EXPECT_EQ(roleFromFieldName("output_norm"), "scale");
  EXPECT_EQ(roleFromFieldName("wte"), "");
  EXPECT_EQ(roleFromFieldName("memory_k"), "");
  EXPECT_EQ(roleFromFieldName("tok_embeddings"), "");
}

TEST(TensorNamesTest, PrintfTemplates) {
  std::vector<TemplatePiece> Pieces;
  EXPECT_EQ(printfTemplateToPattern("blk.%d.attn_norm.weight", &Pieces),
            "blk.*.attn_norm.weight");
  ASSERT_EQ(Pieces.size(), 2u);
  EXPECT_EQ(Pieces[0].Text, "blk.");
  EXPECT_EQ(Pieces[0].Offset, 0u);
  EXPECT_EQ(Pieces[1].Text, ".attn_norm.weight");
  EXPECT_EQ(Pieces[1].Offset, 6u);
  EXPECT_EQ(printfTemplateToPattern("h%02d/%s%zu"), "h*/*");
  EXPECT_EQ(printfTemplateToPattern("100%% of %lld"), "100% of *");
  EXPECT_EQ(braceTemplateToPattern("h{}.ln_{:d}.{{x}}"), "h*.ln_*.{x}");
  EXPECT_EQ(collapseWildcards("a**b***"), "a*b*");
  EXPECT_EQ(withoutTemplateArgs("std::vector<layer<int>>"), "std::vector");
}

TEST(CxxSuppressionsTest, ReadsNolintFromCommentsOnly) {
  std::string Text = "int a; // NOLINT(PL102, PL104)\n"
                     "const char *s = \"// NOLINT\";\n"
                     "// NOLINTNEXTLINE(PL101)\n"
                     "int b; /* NOLINT */\n";
  std::vector<SuppressionFact> S = findCxxSuppressions(Text);
  ASSERT_EQ(S.size(), 3u);
  ASSERT_EQ(S[0].Codes.size(), 2u);
  EXPECT_EQ(S[0].Codes[0].Name, "PL102");
  EXPECT_EQ(S[0].Codes[1].Name, "PL104");
  EXPECT_EQ(Text.substr(S[0].Codes[1].Where.Begin, 5), "PL104");
  EXPECT_EQ(Text.substr(S[0].Where.Begin, S[0].Where.End - S[0].Where.Begin),
            "// NOLINT(PL102, PL104)");
  EXPECT_FALSE(S[0].AppliesAt);
  ASSERT_TRUE(S[1].AppliesAt);
  EXPECT_EQ(Text.substr(*S[1].AppliesAt, 6), "int b;");
  EXPECT_TRUE(S[2].Codes.empty());
}

const char *const SharedHeader = R"(#pragma once
struct ggml_tensor;
struct layer { ggml_tensor *ln_g; ggml_tensor *ln_b; };
)";

std::string loaderUnit(const std::string &Fn, const std::string &Gain,
                       const std::string &Bias) {
  return "#include \"model.h\"\n"
         "ggml_tensor *get_tensor(const char *name);\n"
         "void " + Fn + "(layer &l) {\n"
         "  l.ln_g = get_tensor(\"" + Gain + "\");\n"
         "  l.ln_b = get_tensor(\"" + Bias + "\");\n"
         "}\n";
}

std::vector<std::string> summary(const Analysis &A) {
  std::vector<std::string> Out;
  for (const Diagnostic &D : A.Diagnostics) {
    Position P = D.Where.File->position(D.Where.Where.Begin);
    std::string Name = D.Where.File->path();
    Name = Name.substr(Name.rfind('/') + 1);
    Out.push_back(Name + ":" + std::to_string(P.Row) + ": " + D.Code);
  }
  return Out;
}

TEST(CxxFrontendTest, HeaderFactsOnceAndSameFindingsWithAnyJobs) {
  TempDir T;
  T.write("model.h", SharedHeader);
  T.write("a.cpp", loaderUnit("load_a", "ln/g", "ln/b"));
  T.write("b.cpp", loaderUnit("load_b", "ln/b", "ln/g")); // swapped
  T.write("c.cpp", loaderUnit("load_c", "ln/g", "ln/b"));
  std::vector<std::string> First;
  for (unsigned Jobs : {1u, 3u}) {
    AnalysisOptions O;
    O.Jobs = Jobs;
    auto A = analyze({T.path()}, O);
    ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
    size_t Classes = 0;
    for (const FileFacts &F : (*A)->Facts)
      for (const ClassFact &C : F.Classes)
        Classes += C.Name == "layer";
    EXPECT_EQ(Classes, 1u) << "the header's struct is described once";
    std::vector<std::string> S = summary(**A);
    EXPECT_EQ(S, (std::vector<std::string>{"b.cpp:4: PL104", "b.cpp:5: PL104"}))
        << "jobs " << Jobs;
    EXPECT_FALSE((*A)->Notes.empty()) << "fallback flags are announced";
  }
}

TEST(CxxFrontendTest, NolintSuppressesAndUnusedOnesAreReported) {
  TempDir T;
  T.write("model.h", SharedHeader);
  T.write("a.cpp", "#include \"model.h\"\n"
                   "ggml_tensor *get_tensor(const char *name);\n"
                   "void load(layer &l) {\n"
                   "  l.ln_g = get_tensor(\"ln/b\"); // NOLINT(PL104)\n"
                   "  // NOLINTNEXTLINE(PL104)\n"
                   "  l.ln_b = get_tensor(\"ln/g\");\n"
                   "  get_tensor(\"x\"); // NOLINT(PL101)\n"
                   "}\n");
  auto A = analyze({T.path()}, AnalysisOptions());
  ASSERT_TRUE(bool(A));
  EXPECT_EQ(summary(**A), (std::vector<std::string>{"a.cpp:7: PL002"}));
}

TEST(CxxFrontendTest, BadInputIsPL001AndTheRunGoesOn) {
  TempDir T;
  T.write("good/model.h", SharedHeader);
  T.write("good/a.cpp", loaderUnit("load_a", "ln/b", "ln/g"));
  T.write("bad/missing.cpp", "#include \"nowhere.h\"\nint x;\n");
  T.write("bad/broken.cpp", "struct { int\n");
  auto A = analyze({T.path()}, AnalysisOptions());
  ASSERT_TRUE(bool(A));
  std::vector<std::string> S = summary(**A);
  EXPECT_EQ(S, (std::vector<std::string>{"broken.cpp:1: PL001",
                                         "missing.cpp:1: PL001",
                                         "a.cpp:4: PL104", "a.cpp:5: PL104"}));
  for (const Diagnostic &D : (*A)->Diagnostics)
    if (D.Code == "PL001" && D.Where.File->path().find("missing") != std::string::npos)
      EXPECT_NE(D.Message.find("nowhere.h"), std::string::npos) << D.Message;
}

TEST(CxxFrontendTest, DatabaseWithMissingFilesAndGccFlags) {
  TempDir T;
  T.write("src/model.h", SharedHeader);
  std::string Unit = T.write("src/a.cpp", loaderUnit("load_a", "ln/b", "ln/g"));
  T.write("build/compile_commands.json",
          "[{\"directory\": \"" + T.path() + "/src\", \"file\": \"" + Unit +
              "\", \"command\": \"g++ -std=c++17 -fno-tree-vrp "
              "-mno-gcc-only-flag -c " + Unit + "\"},\n"
              " {\"directory\": \"" + T.path() + "/src\", \"file\": \"" +
              T.path() + "/src/gone.cpp\", \"command\": \"g++ -c gone.cpp\"}]");
  AnalysisOptions O;
  O.BuildDir = T.path() + "/build";
  auto A = analyze({T.path() + "/src"}, O);
  ASSERT_TRUE(bool(A));
  std::vector<std::string> S = summary(**A);
  // The unknown flag is reported, then dropped: the findings still come.
  EXPECT_NE(std::find(S.begin(), S.end(), "a.cpp:4: PL104"), S.end())
      << ::testing::PrintToString(S);
  EXPECT_NE(std::find(S.begin(), S.end(), "a.cpp:1: PL001"), S.end())
      << ::testing::PrintToString(S);
  bool SaysMissing = false;
  for (const std::string &N : (*A)->Notes)
    SaysMissing |= N.find("do not exist") != std::string::npos;
  EXPECT_TRUE(SaysMissing);
}

/// A safetensors file holding zero-filled float32 vectors of length 2.
std::string safetensors(const std::vector<std::string> &Names) {
  std::string Header = "{";
  for (size_t I = 0; I < Names.size(); ++I)
    Header += (I ? "," : "") + std::string("\"") + Names[I] +
              "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" +
              std::to_string(8 * I) + "," + std::to_string(8 * I + 8) + "]}";
  Header += "}";
  std::string Out(8, '\0');
  for (int B = 0; B < 8; ++B)
    Out[B] = static_cast<char>((Header.size() >> (8 * B)) & 0xff);
  return Out + Header + std::string(8 * Names.size(), '\0');
}

TEST(CxxFrontendTest, LoaderKeysAreJudgedAgainstTheCheckpoint) {
  TempDir T;
  std::string Ckpt =
      T.write("model.safetensors",
              safetensors({"blk.0.attn_norm.weight", "blk.1.attn_norm.weight",
                           "blk.0.ffn_norm.weight", "blk.1.ffn_norm.weight",
                           "output_norm.weight"}));
  T.write("src/load.cpp",
          "struct ggml_tensor;\n"
          "ggml_tensor *get_tensor(const char *name);\n"
          "int snprintf(char *, unsigned long, const char *, ...);\n"
          "struct layer { ggml_tensor *attn_norm; ggml_tensor *ffn_norm; };\n"
          "void load(layer &l, int i) {\n"
          "  char name[64];\n"
          "  snprintf(name, sizeof(name), \"blk.%d.attn_norm.weight\", i);\n"
          "  l.attn_norm = get_tensor(name);\n"
          "  snprintf(name, sizeof(name), \"blk.%d.ffn_norm.scale\", i);\n"
          "  l.ffn_norm = get_tensor(name);\n"
          "  get_tensor(\"output_norm.weight\");\n"
          "}\n");
  AnalysisOptions O;
  auto Without = analyze({T.path() + "/src"}, O);
  ASSERT_TRUE(bool(Without));
  EXPECT_EQ(summary(**Without), std::vector<std::string>{});
  O.Checkpoints = {Ckpt};
  auto With = analyze({T.path() + "/src"}, O);
  ASSERT_TRUE(bool(With));
  std::vector<std::string> S;
  for (const Diagnostic &D : (*With)->Diagnostics)
    if (D.Code == "PL102") {
      S.push_back(D.Message);
      ASSERT_TRUE(D.TheFix);
      EXPECT_EQ(D.Where.File->slice(D.TheFix->Edits.at(0).Where), "scale");
    }
  ASSERT_EQ(S.size(), 1u) << summary(**With).size();
  EXPECT_NE(S[0].find("did you mean `blk.*.ffn_norm.weight`"), std::string::npos)
      << S[0];
}

TEST(CxxUnitCacheTest, RecordRoundTripsAndKeysDependOnTheCommand) {
  CxxUnitRecord R;
  R.Dependencies = {{"/a/model.h", dependencyHash("struct a;")}};
  FileFacts FF;
  FF.Scopes.push_back(ScopeFact{"<module>", "", 0, {}, {}});
  ClassFact C;
  C.Name = "layer";
  C.IsTensorStruct = true;
  FF.Classes.push_back(C);
  R.Facts = {{"/a/model.h", FF}};
  R.BoundFields = {"layer::ln_g"};
  std::optional<std::string> Bytes = serializeUnitRecord(R);
  ASSERT_TRUE(Bytes);
  std::optional<CxxUnitRecord> Back = deserializeUnitRecord(*Bytes);
  ASSERT_TRUE(Back);
  EXPECT_EQ(Back->Dependencies, R.Dependencies);
  ASSERT_EQ(Back->Facts.size(), 1u);
  EXPECT_EQ(Back->Facts[0].second.Classes.at(0).Name, "layer");
  EXPECT_TRUE(Back->Facts[0].second.Classes.at(0).IsTensorStruct);
  EXPECT_EQ(Back->BoundFields, R.BoundFields);
  EXPECT_FALSE(deserializeUnitRecord(Bytes->substr(0, Bytes->size() - 1)));
  EXPECT_NE(cxxUnitKey("/a/a.cpp", "/a", {"c++", "-std=c++17"}),
            cxxUnitKey("/a/a.cpp", "/a", {"c++", "-std=c++17", "-DX"}));
  EXPECT_EQ(cxxUnitKey("/a/a.cpp", "/a", {"c++"}), cxxUnitKey("/a/a.cpp", "/a", {"c++"}));
  // The config's aliases give fields roles: another config, another entry.
  EXPECT_NE(cxxUnitKey("/a/a.cpp", "/a", {"c++"}),
            cxxUnitKey("/a/a.cpp", "/a", {"c++"}, "alias 0 my_gain\n"));
}

TEST(CxxFrontendTest, UnitFactsAreCachedUntilAnIncludedHeaderChanges) {
  TempDir T;
  std::string Header = T.write("src/model.h", "#pragma once\n"
                                              "struct ggml_tensor;\n"
                                              "struct layer { ggml_tensor *ln_g; ggml_tensor *ln_b; };\n"
                                              "#define GAIN_NAME \"ln/b\"\n");
  T.write("src/a.cpp", "#include \"model.h\"\n"
                       "ggml_tensor *get_tensor(const char *name);\n"
                       "void load(layer &l) {\n"
                       "  l.ln_g = get_tensor(GAIN_NAME);\n"
                       "  l.ln_b = get_tensor(\"ln/b\");\n"
                       "}\n");
  AnalysisOptions O;
  O.CacheDir = T.path() + "/cache";
  auto Run = [&]() -> std::unique_ptr<Analysis> {
    auto A = analyze({T.path() + "/src"}, O);
    if (!A) {
      ADD_FAILURE() << llvm::toString(A.takeError());
      return nullptr;
    }
    return std::move(*A);
  };
  auto First = Run();
  ASSERT_TRUE(First);
  EXPECT_EQ(summary(*First), std::vector<std::string>{"a.cpp:4: PL104"});
  EXPECT_EQ(First->Cache.Hits, 0u);
  EXPECT_EQ(First->Cache.Misses, 1u);
  EXPECT_GE(First->Cache.Stored, 1u);

  // Nothing changed: the unit is not parsed, its facts (the header's
  // struct too) come from the cache, and so do the same findings.
  auto Second = Run();
  ASSERT_TRUE(Second);
  EXPECT_EQ(Second->Cache.Hits, 1u);
  EXPECT_EQ(Second->Cache.Misses, 0u);
  EXPECT_EQ(summary(*Second), summary(*First));
  size_t Classes = 0;
  for (const FileFacts &F : Second->Facts)
    for (const ClassFact &C : F.Classes)
      Classes += C.Name == "layer";
  EXPECT_EQ(Classes, 1u);

  // The included header changes what the loader asks for: parsed again.
  writeFile(Header, "#pragma once\n"
                    "struct ggml_tensor;\n"
                    "struct layer { ggml_tensor *ln_g; ggml_tensor *ln_b; };\n"
                    "#define GAIN_NAME \"ln/g\"\n");
  auto Third = Run();
  ASSERT_TRUE(Third);
  EXPECT_EQ(Third->Cache.Hits, 0u);
  EXPECT_EQ(Third->Cache.Misses, 1u);
  EXPECT_EQ(summary(*Third), std::vector<std::string>{});

  // A different compile command is another entry.
  T.write("src/compile_flags.txt", "-std=c++17\n-DUNUSED=1\n");
  auto Fourth = Run();
  ASSERT_TRUE(Fourth);
  EXPECT_EQ(Fourth->Cache.Hits, 0u);
  EXPECT_EQ(Fourth->Cache.Misses, 1u);
  auto Fifth = Run();
  ASSERT_TRUE(Fifth);
  EXPECT_EQ(Fifth->Cache.Hits, 1u);
}

TEST(CxxFrontendTest, AWrongTableEntryIsFlaggedAtTheTable) {
  auto A = analyze({sourceDir() + "/fixtures/cxx/PL104_table_entry"}, AnalysisOptions{});
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  ASSERT_EQ((*A)->Diagnostics.size(), 1u) << ::testing::PrintToString(summary(**A));
  const Diagnostic &D = (*A)->Diagnostics[0];
  EXPECT_EQ(D.Code, "PL104");
  EXPECT_EQ(D.Where.File->slice(D.Where.Where), "\"encoder.ln_post.bias\"");
  EXPECT_EQ(summary(**A), std::vector<std::string>{"arch.h:19: PL104"});
  // The call that selects the entry is a note with its place.
  bool CallNote = false;
  for (const Note &N : D.Notes)
    if (N.Where && N.Message.find("selects the entry") != std::string::npos) {
      CallNote = true;
      EXPECT_EQ(N.Where->File->slice(N.Where->Where), "ASR_TENSOR_LN_WEIGHT, ASR_SYSTEM_ENCODER");
    }
  EXPECT_TRUE(CallNote);
  EXPECT_NE(D.Message.find("`ASR_TENSOR_LN_WEIGHT`"), std::string::npos) << D.Message;
}

/// torch::load is a whole-state load of the module: bound like Python's
/// load_state_dict, so a checkpoint is compared with the model's keys and
/// the weights map loaded key by key binds its stores to the model.
TEST(CxxFrontendTest, TorchLoadAndWeightMapsBindToTheModel) {
  TempDir T;
  std::string Ckpt = T.write(
      "net.safetensors",
      safetensors({"h.0.ln_1.weight", "h.0.ln_1.bias", "h.0.fc.weight", "h.0.fc.bias",
                   "ln_f.gamma", "ln_f.beta"}));
  AnalysisOptions O;
  O.Checkpoints = {Ckpt};
  auto A = analyze({sourceDir() + "/fixtures/cxx/libtorch_loaders/loaders_clean.cpp",
                    sourceDir() + "/fixtures/cxx/libtorch_loaders/model.h"},
                   O);
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  const ParamGraph &G = (*A)->Graph;
  std::vector<std::string> Loads;
  for (const BoundLoad &L : G.Loads)
    Loads.push_back(L.TheModel->Name + "<-" +
                    (L.Fact->Argument.empty() ? std::string(L.File->slice(L.Fact->Where))
                                              : L.Fact->Argument.str()));
  std::sort(Loads.begin(), Loads.end());
  EXPECT_EQ(Loads, (std::vector<std::string>{"NetImpl<-load", "NetImpl<-weights"}));
  size_t Bound = 0;
  for (const BoundKeyUse &U : G.KeyUses)
    Bound += U.Fact->Dict == "weights" && !U.Matches.empty();
  EXPECT_EQ(Bound, 3u);
  ASSERT_EQ(G.Checkpoints.size(), 1u);
  ASSERT_TRUE(G.Checkpoints[0].TheModel);
  EXPECT_EQ(G.Checkpoints[0].TheModel->Name, "NetImpl");
  std::vector<std::string> Codes;
  for (const Diagnostic &D : (*A)->Diagnostics)
    Codes.push_back(D.Code);
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL201"), 2) << ::testing::PrintToString(Codes);
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL103"), 0) << ::testing::PrintToString(Codes);
}

} // namespace
} // namespace paramlint::test
