//===- CheckpointChecksTest.cpp - PL201/PL202/PL203 against PyTorch -------===//
///
/// \file
/// tests/differential/checkpoint_checks_oracle.py builds the models of the
/// PL20x fixtures, writes checkpoints derived from their state dicts (norm
/// parameters in other conventions, dropped and extra tensors, wrapped
/// dicts, wrong shapes; torch.save, numpy.savez and safetensors) into a
/// temporary directory, and says what `load_state_dict(strict=False)`
/// returns for each. `paramlint check --checkpoint` must report exactly
/// those missing keys (PL201) and unexpected tensors (PL202) as key
/// patterns, and PL203 exactly for the modules torch finds a size mismatch
/// in. The load hook of the fix must make a strict load succeed.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "checkpoint/Checkpoint.h"
#include "graph/CheckpointBinding.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>

namespace paramlint::test {
namespace {
using Json = nlohmann::json;
using Set = std::set<std::string>;

class CheckpointChecksTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Dir = std::make_unique<TempDir>();
    RunResult R = runPython({oracle(), "write", Dir->path()});
    ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
    Cases = Json::parse(R.Out);
  }
  static void TearDownTestSuite() { Dir.reset(); }

  static std::string oracle() {
    return sourceDir() + "/tests/differential/checkpoint_checks_oracle.py";
  }

  /// `check --output-format json --checkpoint` on a case's fixture.
  static RunResult check(const Json &Case, std::vector<std::string> Extra = {}) {
    std::vector<std::string> Args{"check", "--output-format", "json",
                                  "--checkpoint",
                                  Case.at("checkpoint").get<std::string>()};
    Args.insert(Args.end(), Extra.begin(), Extra.end());
    Args.push_back(sourceDir() + "/" + Case.at("fixture").get<std::string>());
    return runParamlint(Args);
  }

  /// The Nth backticked word of a message.
  static std::string quoted(const std::string &Message, unsigned N) {
    size_t Pos = 0;
    for (unsigned I = 0;; ++I) {
      size_t Open = Message.find('`', Pos);
      size_t Close = Message.find('`', Open + 1);
      if (Open == std::string::npos || Close == std::string::npos)
        return "";
      if (I == N)
        return Message.substr(Open + 1, Close - Open - 1);
      Pos = Close + 1;
    }
  }

  static std::unique_ptr<TempDir> Dir;
  static Json Cases;
};

std::unique_ptr<TempDir> CheckpointChecksTest::Dir;
Json CheckpointChecksTest::Cases;

Set asSet(const Json &List) {
  Set Out;
  for (const Json &J : List)
    Out.insert(J.get<std::string>());
  return Out;
}

TEST_F(CheckpointChecksTest, FindingsEqualWhatLoadStateDictReports) {
  ASSERT_GE(Cases.size(), 10u);
  for (auto It = Cases.begin(); It != Cases.end(); ++It) {
    if (It.key() == "gpt_unrelated" || It.key() == "gpt_data_parallel")
      continue; // Bound to nothing: see their own test.
    SCOPED_TRACE(It.key());
    RunResult R = check(*It);
    ASSERT_NE(R.ExitCode, 2) << describeRun(R);
    Set Missing, Unexpected, Mismatch;
    for (const Json &D : Json::parse(R.Out)) {
      std::string Code = D.at("code"), Message = D.at("message");
      if (Code == "PL201")
        EXPECT_TRUE(Missing.insert(quoted(Message, 0)).second) << Message;
      else if (Code == "PL202")
        EXPECT_TRUE(Unexpected.insert(quoted(Message, 1)).second) << Message;
      else if (Code == "PL203")
        Mismatch.insert(indexPattern(quoted(Message, 1)));
      else
        ADD_FAILURE() << "unexpected " << Code << ": " << Message;
    }
    EXPECT_EQ(Missing, asSet(It->at("missing")));
    EXPECT_EQ(Unexpected, asSet(It->at("unexpected")));
    EXPECT_EQ(Mismatch, asSet(It->at("size_mismatch")));
    bool Clean = Missing.empty() && Unexpected.empty() && Mismatch.empty();
    EXPECT_EQ(R.ExitCode, Clean ? 0 : 1) << describeRun(R);
  }
}

TEST_F(CheckpointChecksTest, MessagesNameTheRoleEquivalentAndItsConvention) {
  RunResult R = check(Cases.at("gpt_gamma_beta"));
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  Set Messages;
  for (const Json &D : Json::parse(R.Out)) {
    Messages.insert(D.at("message").get<std::string>());
    // Findings point at the model class, one per key pattern.
    EXPECT_EQ(D.at("location").at("row"), 21);
    ASSERT_TRUE(D.at("fix").is_object());
    EXPECT_EQ(D.at("fix").at("applicability"), "unsafe");
    EXPECT_TRUE(D.at("fix").at("edits").empty());
    EXPECT_NE(D.at("fix").at("message").get<std::string>().find(
                  "_register_load_state_dict_pre_hook"),
              std::string::npos);
  }
  std::string Checkpoint = Cases.at("gpt_gamma_beta").at("checkpoint");
  EXPECT_TRUE(Messages.count("`h.*.ln_1.weight` of `GPT` is not in the checkpoint `" +
                             Checkpoint +
                             "`; it has `h.*.ln_1.gamma` (TensorFlow / Keras convention)"))
      << Json(Messages).dump(1);
  EXPECT_TRUE(Messages.count(
      "the checkpoint `" + Checkpoint +
      "` has `h.*.ln_1.gamma` (2 tensors), which no key of `GPT` takes; `GPT` "
      "has `h.*.ln_1.weight` (`torch.nn.LayerNorm`, torch.nn convention), which "
      "the checkpoint lacks"))
      << Json(Messages).dump(1);
}

TEST_F(CheckpointChecksTest, TheRenameMapAndTheLoadHookMakeAStrictLoadSucceed) {
  for (const char *Name :
       {"gpt_gamma_beta", "gpt_wrapped_gamma", "conditional_g_b", "bert_keras"}) {
    SCOPED_TRACE(Name);
    const Json &Case = Cases.at(Name);
    std::string MapFile = Dir->file(std::string(Name) + ".map.json");
    RunResult R = check(Case, {"--emit-rename-map", MapFile});
    ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
    Json Map = Json::parse(readFile(MapFile));
    // Every renamed tensor goes to a key torch reported missing.
    for (auto E = Map.begin(); E != Map.end(); ++E)
      EXPECT_TRUE(asSet(Case.at("missing")).count(indexPattern(E.value().get<std::string>())))
          << E.key();
    // The hook of one finding's fix renames that finding's keys; together
    // the findings' hooks rename everything renameable.
    std::string Hooks;
    for (const Json &D : Json::parse(R.Out)) {
      if (!D.at("fix").is_object())
        continue;
      std::string Message = D.at("fix").at("message");
      Hooks += Message.substr(Message.find("import re\n")) + "\n";
    }
    if (std::string(Name) == "bert_keras") {
      // `position_ids` has no model key at all: a strict load still fails.
      EXPECT_FALSE(Map.contains("position_ids"));
      continue;
    }
    std::string Snippet = Dir->write(std::string(Name) + ".hook.py", Hooks);
    RunResult Load = runPython({oracle(), "hook", sourceDir() + "/" +
                                                      Case.at("fixture").get<std::string>(),
                                Case.at("checkpoint").get<std::string>(), Snippet});
    EXPECT_EQ(Load.ExitCode, 0) << describeRun(Load);
    EXPECT_EQ(Load.Out, "loaded\n");
  }
}

TEST_F(CheckpointChecksTest, TheFixStaysShortForManyLayers) {
  // 100 layers of gamma/beta, written as a safetensors file by hand.
  Json Header = Json::object();
  uint64_t Offset = 0;
  auto Add = [&](const std::string &Name) {
    Header[Name] = {{"dtype", "F32"}, {"shape", {4}}, {"data_offsets", {Offset, Offset + 16}}};
    Offset += 16;
  };
  Add("wte.weight");
  for (int I = 0; I < 100; ++I)
    for (const char *Leaf : {"ln_1.gamma", "ln_1.beta", "attn.weight", "attn.bias"})
      Add("h." + std::to_string(I) + "." + Leaf);
  std::string Text = Header.dump();
  Text.append((8 - Text.size() % 8) % 8, ' ');
  std::string Bytes(8, '\0');
  for (int I = 0; I < 8; ++I)
    Bytes[I] = static_cast<char>((Text.size() >> (8 * I)) & 0xff);
  std::string Path = Dir->write("deep.safetensors", Bytes + Text + std::string(Offset, '\0'));
  RunResult R = runParamlint({"check", "--output-format", "json", "--checkpoint", Path,
                              sourceDir() + "/fixtures/python/PL201_checkpoint_key_missing.py"});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  bool Seen = false;
  for (const Json &D : Json::parse(R.Out)) {
    if (D.at("code") != "PL201" || D.at("message").get<std::string>().find("ln_1.weight") ==
                                        std::string::npos)
      continue;
    Seen = true;
    std::string Fix = D.at("fix").at("message");
    EXPECT_NE(Fix.find("the first 32 of 100 entries"), std::string::npos) << Fix;
    EXPECT_NE(Fix.find("(r\"h\\.\\d+\\.ln_1\", \"gamma\", \"weight\"),"), std::string::npos)
        << Fix;
    EXPECT_LT(Fix.size(), 4000u);
  }
  EXPECT_TRUE(Seen) << R.Out;
}

TEST_F(CheckpointChecksTest, AnUnrelatedCheckpointIsANoteNotFindings) {
  RunResult R = check(Cases.at("gpt_unrelated"));
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(Json::parse(R.Out), Json::array());
  EXPECT_NE(R.Err.find("is not checked: no model of the analysed files has keys "
                       "like its names"),
            std::string::npos)
      << R.Err;
}

TEST_F(CheckpointChecksTest, ANamePrefixOfAWrapperIsNamedInTheNote) {
  // `module.h.0.ln_1.weight`: saved through DataParallel. torch reports
  // every key missing; paramlint says what to strip instead.
  RunResult R = check(Cases.at("gpt_data_parallel"));
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(Json::parse(R.Out), Json::array());
  EXPECT_NE(R.Err.find("its names start with `module.`; without it `GPT` explains "
                       "11 of its 11 names"),
            std::string::npos)
      << R.Err;
}

TEST_F(CheckpointChecksTest, TwoModelsThatExplainItEquallyBindNothing) {
  TempDir Project;
  std::string Model = Project.write(
      "models.py",
      readFile(sourceDir() + "/fixtures/python/PL201_checkpoint_key_missing.py") +
          "\n\nclass GPTCopy(GPT):\n    pass\n");
  RunResult R = runParamlint({"check", "--output-format", "json", "--checkpoint",
                              Cases.at("gpt_gamma_beta").at("checkpoint"), Model});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(Json::parse(R.Out), Json::array());
  EXPECT_NE(R.Err.find("explain its names equally well"), std::string::npos) << R.Err;
}

TEST_F(CheckpointChecksTest, AnUnreadableCheckpointIsAPL001OnIt) {
  std::string Bad = Dir->write("broken.pt", "PK\x03\x04 not really a zip");
  RunResult R = runParamlint({"check", "--output-format", "json", "--checkpoint",
                              Bad, sourceDir() + "/fixtures/python/PL201_checkpoint_key_missing.py"});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json Out = Json::parse(R.Out);
  ASSERT_EQ(Out.size(), 1u) << R.Out;
  EXPECT_EQ(Out[0].at("code"), "PL001");
  EXPECT_EQ(Out[0].at("filename"), Bad);
  EXPECT_EQ(Out[0].at("location").at("row"), 1);
}

TEST_F(CheckpointChecksTest, APlainStateDictWithDottedNamesHasNoWrapperPrefix) {
  auto Info = readCheckpoint(Cases.at("gpt_gamma_beta").at("checkpoint"));
  ASSERT_TRUE(static_cast<bool>(Info)) << llvm::toString(Info.takeError());
  EXPECT_FALSE(Info->Metadata.count("paramlint.state_dict_prefix"));
  auto Wrapped = readCheckpoint(Cases.at("gpt_wrapped_gamma").at("checkpoint"));
  ASSERT_TRUE(static_cast<bool>(Wrapped)) << llvm::toString(Wrapped.takeError());
  EXPECT_EQ(Wrapped->Metadata["paramlint.state_dict_prefix"], "state_dict.");
}

TEST(CheckpointBindingTest, IndexPatternCollapsesOnlyWholeIndexComponents) {
  EXPECT_EQ(indexPattern("h.0.ln_1.gamma"), "h.*.ln_1.gamma");
  EXPECT_EQ(indexPattern("layers.10.mlp.0.weight"), "layers.*.mlp.*.weight");
  EXPECT_EQ(indexPattern("h0.ln_1.g"), "h0.ln_1.g");
  EXPECT_EQ(indexPattern("7"), "*");
}

} // namespace
} // namespace paramlint::test
