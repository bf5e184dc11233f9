//===- CxxNormSemanticsTest.cpp - Norm semantics read from C++ ------------===//
///
/// \file
/// libtorch modules with a hand-written forward read into the same
/// NormSemanticsFact as their Python twins (fixtures/cxx/PL4xx_libtorch_norms,
/// parsed against the real libtorch headers), and ggml graph code
/// (fixtures/verify/ggml_gpt2) read into norms of the model's tensors.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "TestSupport.h"
#include "graph/NormLayer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace paramlint::test {
namespace {
using EK = NormSemanticsFact::EpsKind;
using NK = NormSemanticsFact::Kind;

/// The classes with norm semantics of every file analysed, by name.
std::map<std::string, NormSemanticsFact> normClasses(const Analysis &A) {
  std::map<std::string, NormSemanticsFact> Out;
  for (const FileFacts &F : A.Facts)
    for (const ClassFact &C : F.Classes)
      if (C.Norm)
        Out[C.Name] = *C.Norm;
  return Out;
}

/// Every diagnostic as `code: message`, for failure messages.
std::string diagnostics(const Analysis &A) {
  std::string Out;
  for (const Diagnostic &D : A.Diagnostics)
    Out += D.Code + ": " + D.Message + "\n";
  return Out;
}

std::string sliceOf(const Analysis &A, const std::string &Class, Span S) {
  for (size_t I = 0; I < A.Facts.size(); ++I)
    for (const ClassFact &C : A.Facts[I].Classes)
      if (C.Name == Class)
        return std::string(A.Files[I]->slice(S));
  return "";
}

TEST(CxxNormSemanticsTest, LibtorchForwardsReadAsTheirPythonTwins) {
  auto A = analyze({sourceDir() + "/fixtures/cxx/PL4xx_libtorch_norms"}, AnalysisOptions{});
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  auto N = normClasses(**A);
  // The model that holds them normalises nothing itself.
  EXPECT_EQ(N.count("NetImpl"), 0u);

  ASSERT_EQ(N.count("UnbiasedLayerNormImpl"), 1u);
  const NormSemanticsFact &U = N["UnbiasedLayerNormImpl"];
  EXPECT_EQ(U.K, NK::LayerNorm) << U.Reason;
  EXPECT_TRUE(U.Unbiased);
  EXPECT_EQ(U.FlagName, "unbiased");
  EXPECT_EQ(sliceOf(**A, "UnbiasedLayerNormImpl", U.FlagValue), "true");
  EXPECT_EQ(sliceOf(**A, "UnbiasedLayerNormImpl", U.VarianceCall),
            "x.var(-1, /*unbiased=*/true, /*keepdim=*/true)");
  EXPECT_EQ(U.Eps, EK::InsideSqrt);
  ASSERT_TRUE(U.EpsValue);
  EXPECT_DOUBLE_EQ(*U.EpsValue, 1e-5);
  EXPECT_EQ(U.EpsParam, "eps");
  EXPECT_EQ(U.EpsParamIndex, 1);
  EXPECT_EQ(U.Scale, "weight");
  EXPECT_EQ(U.Shift, "bias");
  EXPECT_EQ(U.WidthParam, "dim");
  EXPECT_EQ(U.WidthParamIndex, 0);

  const NormSemanticsFact &T = N["AnnotatedLayerNormImpl"];
  EXPECT_EQ(T.K, NK::LayerNorm) << T.Reason;
  EXPECT_FALSE(T.Unbiased);
  EXPECT_TRUE(T.VarianceIsStd);
  EXPECT_EQ(T.Eps, EK::AddedToStd);
  EXPECT_EQ(sliceOf(**A, "AnnotatedLayerNormImpl", T.EpsSum), "sd + eps");
  EXPECT_EQ(sliceOf(**A, "AnnotatedLayerNormImpl", T.StdOperand), "sd");
  ASSERT_TRUE(T.EpsValue);
  EXPECT_DOUBLE_EQ(*T.EpsValue, 1e-6);
  EXPECT_EQ(T.Scale, "a_2");
  EXPECT_EQ(T.Shift, "b_2");

  const NormSemanticsFact &C = N["ClampedLayerNormImpl"];
  EXPECT_EQ(C.K, NK::LayerNorm) << C.Reason;
  EXPECT_EQ(C.Eps, EK::ClampVar);
  EXPECT_EQ(sliceOf(**A, "ClampedLayerNormImpl", C.EpsSum), "torch::clamp_min(var, eps)");
  ASSERT_TRUE(C.EpsValue);
  EXPECT_DOUBLE_EQ(*C.EpsValue, 1e-5);
  EXPECT_EQ(C.EpsOrigin, "`eps` initialiser");
  EXPECT_EQ(C.Scale, "gamma");

  const NormSemanticsFact &R = N["RMSNormImpl"];
  EXPECT_EQ(R.K, NK::RMSNorm) << R.Reason;
  EXPECT_TRUE(R.Upcast);
  ASSERT_TRUE(R.EpsValue);
  EXPECT_DOUBLE_EQ(*R.EpsValue, 1e-6);
  EXPECT_EQ(R.Scale, "weight");
  EXPECT_EQ(R.Shift, "");

  const NormSemanticsFact &F = N["FusedLayerNormImpl"];
  EXPECT_EQ(F.K, NK::LayerNorm) << F.Reason;
  EXPECT_EQ(F.Via, "torch::layer_norm");
  EXPECT_FALSE(F.Unbiased);
  ASSERT_TRUE(F.EpsValue);
  EXPECT_DOUBLE_EQ(*F.EpsValue, 1e-5);
  EXPECT_EQ(F.Scale, "weight");
  EXPECT_EQ(F.Shift, "bias");
}

TEST(CxxNormSemanticsTest, GgmlNormsAreNormsOfTheModelsTensors) {
  auto A = analyze({sourceDir() + "/fixtures/verify/ggml_gpt2/old"}, AnalysisOptions{});
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  size_t Uses = 0;
  for (const FileFacts &F : (*A)->Facts)
    Uses += F.NormUses.size();
  EXPECT_EQ(Uses, 3u);
  std::map<std::string, TensorNorm> ByPath;
  for (const TensorNorm &T : tensorNorms((*A)->Graph))
    ByPath[T.KeyBase + "|" + T.Stem] = T;
  ASSERT_EQ(ByPath.size(), 3u);
  for (const char *Key : {"layers.*|ln_1", "layers.*|ln_2", "|ln_f"}) {
    ASSERT_EQ(ByPath.count(Key), 1u) << Key;
    const TensorNorm &T = ByPath[Key];
    EXPECT_EQ(T.TheModel->Name, "gpt2_model");
    EXPECT_EQ(T.Layer.K, NK::LayerNorm);
    EXPECT_FALSE(T.Layer.Unbiased);
    EXPECT_EQ(T.Layer.Eps, EK::InsideSqrt);
    ASSERT_TRUE(T.Layer.EpsValue);
    // The field's initialiser, a float: 1e-5f.
    EXPECT_DOUBLE_EQ(*T.Layer.EpsValue, static_cast<double>(1e-5f));
    EXPECT_EQ(T.Layer.EpsOrigin, "default of `gpt2_hparams::eps`");
    EXPECT_EQ(T.Fact->Semantics.Via, "ggml_norm");
  }
  EXPECT_EQ(ByPath["layers.*|ln_1"].Layer.Scale, "ln_1_g");
  EXPECT_EQ(ByPath["layers.*|ln_1"].Layer.Shift, "ln_1_b");
  // Through `ggml_repeat(ctx, w, cur)`.
  EXPECT_EQ(ByPath["|ln_f"].Layer.Scale, "ln_f_g");
  EXPECT_EQ(ByPath["|ln_f"].Layer.Shift, "ln_f_b");
  // Reading the tensors is no finding.
  EXPECT_TRUE((*A)->Diagnostics.empty()) << diagnostics(**A);
}

} // namespace
} // namespace paramlint::test
