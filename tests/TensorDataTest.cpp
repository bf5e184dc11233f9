//===- TensorDataTest.cpp - Tensor values from every checkpoint format ----===//
///
/// \file
/// Differential: tests/differential/tensor_values_oracle.py writes the same
/// norm weights as safetensors, torch.save (views at an offset and strided,
/// and wrapped in `{"model": ...}`), numpy savez / savez_compressed (both
/// byte orders, Fortran order) and GGUF, in float32, float16 and bfloat16,
/// and prints the bits torch.load / numpy.load give. TensorDataReader must
/// return exactly those bits, and `paramlint verify --checkpoint` must give
/// the same report whichever file of a dtype it reads. A q8_0 GGUF tensor
/// is an error for its layer only; positions outside the file are errors.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "checkpoint/Checkpoint.h"
#include "checkpoint/TensorData.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <memory>

namespace paramlint::test {
namespace {
using Json = nlohmann::json;

class TensorDataTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Dir = std::make_unique<TempDir>();
    RunResult R = runPython(
        {sourceDir() + "/tests/differential/tensor_values_oracle.py", Dir->path()});
    ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
    Expected = Json::parse(R.Out);
  }
  static void TearDownTestSuite() { Dir.reset(); }

  static std::unique_ptr<TempDir> Dir;
  static Json Expected;
};
std::unique_ptr<TempDir> TensorDataTest::Dir;
Json TensorDataTest::Expected;

/// The elements of B as unsigned integers of their width.
std::vector<uint64_t> bitsOf(const TensorBytes &B) {
  uint64_t Size = dtypeSize(B.DType);
  std::vector<uint64_t> Out;
  for (size_t At = 0; Size && At + Size <= B.Bytes.size(); At += Size) {
    uint64_t V = 0;
    for (uint64_t I = 0; I < Size; ++I)
      V |= uint64_t(static_cast<unsigned char>(B.Bytes[At + I])) << (8 * I);
    Out.push_back(V);
  }
  return Out;
}

TEST_F(TensorDataTest, ValuesEqualTorchBitForBitInEveryFormat) {
  ASSERT_FALSE(Expected["files"].empty());
  size_t Compared = 0;
  for (const auto &[File, Want] : Expected["files"].items()) {
    auto Info = readCheckpoint(Dir->file(File));
    ASSERT_TRUE(bool(Info)) << llvm::toString(Info.takeError());
    std::string Prefix = Info->Metadata.count("paramlint.state_dict_prefix")
                             ? Info->Metadata["paramlint.state_dict_prefix"]
                             : "";
    TensorDataReader Reader(*Info);
    std::map<std::string, const TensorInfo *> ByName;
    for (const TensorInfo &T : Info->Tensors)
      ByName[T.Name] = &T;
    for (const auto &[Key, Bits] : Want["tensors"].items()) {
      const TensorInfo *T = ByName[Prefix + Key];
      ASSERT_TRUE(T) << File << ": " << Key;
      EXPECT_EQ(T->DType, Want["dtype"]) << File << ": " << Key;
      auto B = Reader.read(*T, 1 << 20);
      ASSERT_TRUE(bool(B)) << File << ": " << llvm::toString(B.takeError());
      EXPECT_EQ(bitsOf(*B), Bits.get<std::vector<uint64_t>>()) << File << ": " << Key;
      ++Compared;
    }
  }
  // 3 dtypes x (safetensors, pt, wrapped pt, gguf) + 2 npz x 2 dtypes, 10
  // tensors each, and the 3 layout tensors.
  EXPECT_EQ(Compared, (3 * 4 + 2 * 2) * 10u + 3u);
}

/// `verify --format json` on the book GPT against the unbiased-variance
/// class with Ckpt, without the fields that name where weights came from.
Json verifyWith(const std::string &Ckpt, int ExpectedExit) {
  RunResult R = runParamlint(
      {"verify", "--format", "json", "--checkpoint", Ckpt,
       sourceDir() + "/fixtures/verify/book_gpt/model.py",
       sourceDir() + "/fixtures/verify/PL403_unbiased_gpt/model.py"});
  EXPECT_EQ(R.ExitCode, ExpectedExit) << describeRun(R);
  Json J = Json::parse(R.Out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(J.is_discarded()) << R.Out;
  if (J.is_discarded())
    return J;
  J.erase("weights");
  for (Json &L : J["layers"])
    for (const char *Side : {"old", "new"})
      L[Side].erase("weights");
  return J;
}

TEST_F(TensorDataTest, VerifyGivesTheSameReportFromEveryFormat) {
  for (const auto &[DType, Files] : Expected["groups"].items()) {
    std::vector<std::string> Names = Files.get<std::vector<std::string>>();
    ASSERT_GE(Names.size(), 3u) << DType;
    Json Reference = verifyWith(Dir->file(Names[0]), 1);
    ASSERT_EQ(Reference["layers"].size(), 5u) << Reference.dump(2);
    for (const Json &L : Reference["layers"]) {
      EXPECT_EQ(L["verdict"], "DIFFERENT") << L.dump(2);
      EXPECT_EQ(L["width_source"], "checkpoint");
    }
    for (size_t I = 1; I < Names.size(); ++I)
      EXPECT_EQ(verifyWith(Dir->file(Names[I]), 1), Reference) << Names[I];
  }
}

TEST_F(TensorDataTest, QuantisedGgufTensorIsAnErrorForItsLayerOnly) {
  RunResult R = runParamlint(
      {"verify", "--format", "json", "--checkpoint", Dir->file("quant.gguf"),
       sourceDir() + "/fixtures/verify/book_gpt/model.py",
       sourceDir() + "/examples/gpt2-swap/model.py"});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = Json::parse(R.Out);
  ASSERT_EQ(J["layers"].size(), 5u) << J.dump(2);
  for (const Json &L : J["layers"]) {
    if (L["path"] == "trf_blocks.0.norm2") {
      EXPECT_EQ(L["verdict"], "ERROR");
      EXPECT_NE(L["error"].get<std::string>().find("q8_0: unsupported dtype"),
                std::string::npos)
          << L.dump(2);
    } else {
      EXPECT_EQ(L["verdict"], "bit-identical") << L.dump(2);
    }
  }
  // The reader itself says why, per tensor.
  auto Info = readCheckpoint(Dir->file("quant.gguf"));
  ASSERT_TRUE(bool(Info));
  TensorDataReader Reader(*Info);
  for (const TensorInfo &T : Info->Tensors)
    if (T.DType == "q8_0") {
      auto B = Reader.read(T, 1 << 20);
      ASSERT_FALSE(bool(B));
      EXPECT_NE(llvm::toString(B.takeError()).find("unsupported dtype q8_0"),
                std::string::npos);
    }
}

TEST_F(TensorDataTest, PositionsOutsideTheFileOrStorageAreErrors) {
  for (const char *File : {"f32.safetensors", "f32.pt", "f32.compressed.npz", "f32.gguf"}) {
    auto Info = readCheckpoint(Dir->file(File));
    ASSERT_TRUE(bool(Info)) << File;
    TensorDataReader Reader(*Info);
    TensorInfo T = Info->Tensors.back();
    T.Offset += 1 << 20; // past the end of the file or member
    auto B = Reader.read(T, 1 << 20);
    ASSERT_FALSE(bool(B)) << File;
    std::string Msg = llvm::toString(B.takeError());
    EXPECT_NE(Msg.find(T.Name), std::string::npos) << Msg;
    // A view whose strides reach far beyond its storage.
    T = Info->Tensors.back();
    T.Stride = {1 << 20};
    B = Reader.read(T, 1 << 20);
    ASSERT_FALSE(bool(B)) << File;
    llvm::consumeError(B.takeError());
    // More elements than the caller allows.
    T = Info->Tensors.back();
    B = Reader.read(T, 8);
    ASSERT_FALSE(bool(B)) << File;
    EXPECT_NE(llvm::toString(B.takeError()).find("more than the 8"), std::string::npos);
  }
}

} // namespace
} // namespace paramlint::test
