//===- CheckpointTest.cpp - Checkpoint readers against PyTorch and NumPy --===//
///
/// \file
/// Differential: tests/differential/checkpoint_oracle.py writes checkpoints
/// with torch.save, numpy.savez/savez_compressed/save and hand-written
/// safetensors (plain and sharded) and GGUF v3 writers, and prints the
/// names, dtypes and shapes torch.load / numpy.load report; `paramlint
/// keys --format json` must list exactly those, in the same order.
///
/// Bad input: tests/differential/hostile_checkpoints.py writes truncated
/// files, lying headers, overlapping offsets, JSON, zip and pickle bombs,
/// and pickles naming `os.system` or `eval`; each must be a clear error
/// naming the file (exit 2) within a few seconds, and nothing may run.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "checkpoint/Checkpoint.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// The checkpoints and expectations, written once for the whole suite.
class CheckpointTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Good = std::make_unique<TempDir>();
    Hostile = std::make_unique<TempDir>();
    std::string Scripts = sourceDir() + "/tests/differential/";
    RunResult R = runPython({Scripts + "checkpoint_oracle.py", Good->path()});
    ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
    Expected = Json::parse(R.Out);
    R = runPython({Scripts + "hostile_checkpoints.py", Hostile->path(),
                   Good->path()});
    ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
    HostileExpected = Json::parse(R.Out);
  }
  static void TearDownTestSuite() {
    Good.reset();
    Hostile.reset();
  }

  /// `[[name, dtype, shape], ...]` as paramlint lists them.
  static Json keysOf(const std::string &Path) {
    RunResult R = runParamlint({"keys", "--format", "json", Path});
    EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
    if (R.ExitCode != 0)
      return Json();
    Json Out = Json::array(), Listed = Json::parse(R.Out);
    for (const Json &T : Listed.at(0).at("tensors"))
      Out.push_back({T.at("name"), T.at("dtype"), T.at("shape")});
    return Out;
  }

  static std::unique_ptr<TempDir> Good, Hostile;
  static Json Expected, HostileExpected;
};

std::unique_ptr<TempDir> CheckpointTest::Good, CheckpointTest::Hostile;
Json CheckpointTest::Expected, CheckpointTest::HostileExpected;

TEST_F(CheckpointTest, KeysEqualWhatTorchAndNumpyReport) {
  ASSERT_FALSE(Expected.empty());
  // Every format the oracle writes is covered.
  for (const char *File :
       {"state_dict.pt", "nested.pt", "parameter.bin", "bare_tensor.pt",
        "arrays.npz", "compressed.npz", "single.npy", "model.safetensors",
        "sharded/model.safetensors.index.json", "tiny.gguf"})
    EXPECT_TRUE(Expected.contains(File)) << File;
  for (auto It = Expected.begin(); It != Expected.end(); ++It) {
    SCOPED_TRACE(It.key());
    EXPECT_EQ(keysOf(Good->file(It.key())), It.value());
  }
}

TEST_F(CheckpointTest, LibraryAndCliAgree) {
  auto Info = readCheckpoint(Good->file("state_dict.pt"));
  ASSERT_TRUE(static_cast<bool>(Info)) << llvm::toString(Info.takeError());
  EXPECT_EQ(Info->Format, "torch-zip");
  ASSERT_EQ(Info->Tensors.size(), Expected["state_dict.pt"].size());
  const TensorInfo &View = Info->Tensors.back();
  EXPECT_EQ(View.Name, "view");
  // A [1:4, 2:5] view of a 6x6 float32 storage starts at element 8.
  EXPECT_EQ(View.Offset, 8u * 4);
  EXPECT_EQ(View.Bytes, 9u * 4);
}

TEST_F(CheckpointTest, WrappedStateDictPrefixIsNoted) {
  auto Info = readCheckpoint(Good->file("nested.pt"));
  ASSERT_TRUE(static_cast<bool>(Info)) << llvm::toString(Info.takeError());
  EXPECT_EQ(Info->Metadata["paramlint.state_dict_prefix"], "model.");
}

TEST_F(CheckpointTest, GgufMetadataNamesTheArchitecture) {
  auto Info = readCheckpoint(Good->file("tiny.gguf"));
  ASSERT_TRUE(static_cast<bool>(Info)) << llvm::toString(Info.takeError());
  EXPECT_EQ(Info->Metadata["general.architecture"], "llama");
  EXPECT_EQ(Info->Metadata["tokenizer.ggml.tokens"], "array<string>[3]");
  EXPECT_EQ(Info->Tensors[2].Bytes, 4u * 2 * 34); // q8_0: 34 bytes a block
}

TEST_F(CheckpointTest, TextOutputNamesTheConventions) {
  RunResult R = runParamlint({"keys", Good->file("state_dict.pt")});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("h.0.mlp.fc.weight"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("bfloat16"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("norm parameters use `gamma/beta` (TensorFlow / "
                       "Keras): 2 groups, e.g. `h.0.ln_1`"),
            std::string::npos)
      << R.Out;
  // A Linear's 2-D weight/bias is not a norm group.
  EXPECT_EQ(R.Out.find("`weight/bias`"), std::string::npos) << R.Out;
}

TEST_F(CheckpointTest, HostileFilesAreClearErrorsAndNothingRuns) {
  ASSERT_FALSE(HostileExpected.empty());
  for (auto It = HostileExpected.begin(); It != HostileExpected.end(); ++It) {
    SCOPED_TRACE(It.key());
    std::string Path = Hostile->file(It.key());
    auto Start = std::chrono::steady_clock::now();
    RunResult R = runCommand({PARAMLINT_BINARY, "keys", Path}, "", "",
                             std::chrono::seconds(20));
    double Seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - Start)
                         .count();
    EXPECT_EQ(R.Signal, 0) << describeRun(R);
    EXPECT_LT(Seconds, 5.0);
    std::string Want = It.value();
    if (Want.empty()) {
      EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
      continue;
    }
    EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
    EXPECT_NE(R.Err.find("paramlint: error: " + Path), std::string::npos)
        << R.Err;
    EXPECT_NE(R.Err.find(Want), std::string::npos) << R.Err;
  }
  EXPECT_FALSE(fs::exists(Hostile->file("pwned")))
      << "a pickle payload ran";
}

TEST_F(CheckpointTest, ZipBombListsWithoutInflating) {
  Json Keys = keysOf(Hostile->file("npz_zip_bomb.npz"));
  EXPECT_EQ(Keys, Json::parse(R"([["big", "float64", [33554432]]])"));
}

/// Every good file cut at many lengths and with flipped bytes: paramlint
/// may read it or refuse it, but must never crash or hang.
TEST_F(CheckpointTest, CutAndCorruptedCopiesNeverCrash) {
  TempDir Work;
  for (auto It = Expected.begin(); It != Expected.end(); ++It) {
    if (It.key().find('/') != std::string::npos)
      continue;
    std::string Bytes = readFile(Good->file(It.key()));
    std::vector<std::string> Args = {"keys"};
    for (size_t Step = 0; Step < 24; ++Step) {
      size_t Cut = Bytes.size() * Step / 24 + (Step % 3);
      Args.push_back(Work.write(It.key() + ".cut" + std::to_string(Step),
                                Bytes.substr(0, std::min(Cut, Bytes.size()))));
      std::string Flipped = Bytes;
      size_t At = (Bytes.size() * Step * 7 / 24 + Step) % Bytes.size();
      Flipped[At] = static_cast<char>(Flipped[At] ^ (0x5a + Step));
      Args.push_back(
          Work.write(It.key() + ".flip" + std::to_string(Step), Flipped));
    }
    RunResult R = runParamlint(Args);
    EXPECT_EQ(R.Signal, 0) << It.key() << ": " << describeRun(R);
    EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 2) << describeRun(R);
  }
}

TEST(CheckpointCli, MissingFileAndDirectory) {
  TempDir Dir;
  RunResult R = runParamlint({"keys", Dir.file("absent.safetensors")});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("absent.safetensors: No such file"), std::string::npos)
      << R.Err;
  R = runParamlint({"keys", Dir.path()});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("is a directory"), std::string::npos) << R.Err;
}

TEST(CheckpointCli, OneBadFileDoesNotHideTheOthers) {
  TempDir Dir;
  std::string Dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }";
  Dict += std::string(117 - Dict.size(), ' ') + "\n"; // 10 + 118 = 128
  std::string Good = Dir.write("x.npy", std::string("\x93NUMPY\x01\x00", 8) +
                                            std::string("\x76\x00", 2) + Dict +
                                            std::string(6, '\0'));
  std::string Bad = Dir.write("y.bin", "nope");
  RunResult R = runParamlint({"keys", Bad, Good});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Out.find("x  int16  [3]"), std::string::npos) << describeRun(R);
  EXPECT_NE(R.Err.find("y.bin"), std::string::npos) << R.Err;
}

} // namespace
} // namespace paramlint::test
