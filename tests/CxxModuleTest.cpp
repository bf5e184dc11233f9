//===- CxxModuleTest.cpp - The program loads Clang only for C++ inputs ----===//
///
/// \file
/// The program links LLVM Support statically and reaches the Clang-based
/// frontend through paramlint-cxx.so (tool/cxx/CxxModule.h). These tests run
/// the built program: it names no LLVM or Clang library, it finds C++
/// mismatches through the module, and without the module each C++ input
/// gets a PL001 saying why while Python inputs are still checked.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace paramlint::test {
namespace {

TEST(CxxModuleTest, TheProgramNeedsNoLlvmOrClangLibrary) {
  RunResult R = runCommand({"/usr/bin/readelf", "-d", PARAMLINT_BINARY});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  ASSERT_NE(R.Out.find("(NEEDED)"), std::string::npos) << R.Out;
  EXPECT_EQ(R.Out.find("libLLVM"), std::string::npos) << R.Out;
  EXPECT_EQ(R.Out.find("libclang"), std::string::npos) << R.Out;
}

/// The codes of a JSON report, in order.
std::vector<std::string> codesOf(const std::string &Json) {
  std::vector<std::string> Codes;
  for (const auto &D : nlohmann::json::parse(Json))
    Codes.push_back(D.at("code").get<std::string>());
  return Codes;
}

TEST(CxxModuleTest, CxxFindingsComeThroughTheModule) {
  RunResult R = runParamlint({"check", "--no-cache", "--output-format", "json",
                              sourceDir() + "/fixtures/cxx/PL104_ggml_swapped_names.cpp"});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  std::vector<std::string> Codes = codesOf(R.Out);
  ASSERT_FALSE(Codes.empty());
  for (const std::string &C : Codes)
    EXPECT_EQ(C, "PL104");
}

TEST(CxxModuleTest, WithoutTheModuleCxxInputsGetPl001AndPythonIsStillChecked) {
  TempDir T;
  T.write("engine.cpp", "struct ggml_tensor;\nstruct layer { ggml_tensor *ln_1_g; };\n");
  T.write("loader.py", "import torch.nn as nn\n"
                       "class Block(nn.Module):\n"
                       "    def __init__(self):\n"
                       "        super().__init__()\n"
                       "        self.norm1 = nn.LayerNorm(4)\n"
                       "b = Block()\n"
                       "b.norm1.scale = nn.Parameter(b.norm1.weight)\n");
  RunResult R = runCommand({"/usr/bin/env", "PARAMLINT_CXX_MODULE=" + T.file("missing.so"),
                            PARAMLINT_BINARY, "check", "--no-cache", "--output-format",
                            "json", T.path()});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  nlohmann::json Report = nlohmann::json::parse(R.Out);
  bool SawCxxProblem = false, SawPython = false;
  for (const auto &D : Report) {
    std::string File = D.at("filename");
    std::string Code = D.at("code");
    if (File.size() >= 10 && File.compare(File.size() - 10, 10, "engine.cpp") == 0) {
      EXPECT_EQ(Code, "PL001");
      EXPECT_NE(D.at("message").get<std::string>().find("missing.so"), std::string::npos)
          << D.dump();
      SawCxxProblem = true;
    } else {
      EXPECT_EQ(Code, "PL101") << D.dump();
      SawPython = true;
    }
  }
  EXPECT_TRUE(SawCxxProblem) << R.Out;
  EXPECT_TRUE(SawPython) << R.Out;
}

/// A module from another build (its interface stamp differs), or a shared
/// object that is no paramlint module, is refused before its entry is
/// called: the entry here would trap. Each C++ input gets a PL001 saying
/// which and why.
TEST(CxxModuleTest, AModuleOfAnotherBuildIsRefusedBeforeTheCall) {
  TempDir T;
  T.write("engine.cpp", "struct ggml_tensor;\nstruct layer { ggml_tensor *ln_1_g; };\n");
  std::string Foreign = T.write(
      "foreign.cpp",
      "extern \"C\" const char *paramlint_cxx_module_abi() { return \"paramlint 0.0; old\"; }\n"
      "extern \"C\" void paramlint_extract_cxx_facts() { __builtin_trap(); }\n");
  std::string Stranger =
      T.write("stranger.cpp", "extern \"C\" void paramlint_extract_cxx_facts() { "
                              "__builtin_trap(); }\n");
  for (const auto &[Source, Expected] :
       {std::pair<std::string, std::string>{Foreign, "was built for another paramlint "
                                                     "(module: paramlint 0.0; old; program: "},
        {Stranger, "is not a paramlint C++ module"}}) {
    std::string So = Source.substr(0, Source.size() - 4) + ".so";
    RunResult Cc = runCommand({"/usr/bin/c++", "-shared", "-fPIC", "-o", So, Source});
    ASSERT_EQ(Cc.ExitCode, 0) << describeRun(Cc);
    RunResult R = runCommand({"/usr/bin/env", "PARAMLINT_CXX_MODULE=" + So, PARAMLINT_BINARY,
                              "check", "--no-cache", "--output-format", "json",
                              T.file("engine.cpp")});
    ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
    nlohmann::json Report = nlohmann::json::parse(R.Out);
    ASSERT_EQ(Report.size(), 1u) << R.Out;
    EXPECT_EQ(Report[0].at("code"), "PL001");
    EXPECT_NE(Report[0].at("message").get<std::string>().find(Expected), std::string::npos)
        << Report[0].dump();
  }
}

} // namespace
} // namespace paramlint::test
