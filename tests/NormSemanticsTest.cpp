//===- NormSemanticsTest.cpp - Norm variants read from forward ------------===//
///
/// \file
/// The norm classes of real code bases (the LLMs-from-scratch book, the
/// Annotated Transformer, nanoGPT, Llama, Gemma, T5, ConvNeXt), each read
/// into a NormSemanticsFact, and the constructs that must stay unknown.
///
//===----------------------------------------------------------------------===//
#include "graph/NormLayer.h"
#include "python/PythonFrontend.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace paramlint;
using EK = NormSemanticsFact::EpsKind;
using NK = NormSemanticsFact::Kind;

namespace {

struct Read {
  std::string Code;
  FileFacts Facts;
};

/// The fact of class Name in Code (fails the test when there is none).
std::optional<NormSemanticsFact> normOf(const std::string &Code,
                                        const std::string &Name) {
  SourceFile File("test.py", Code, SourceKind::Python);
  FileFacts F = extractPythonFacts(File);
  for (const ClassFact &C : F.Classes)
    if (C.Name == Name)
      return C.Norm;
  ADD_FAILURE() << "no class " << Name;
  return std::nullopt;
}

std::string slice(const std::string &Code, Span S) {
  return Code.substr(S.Begin, S.End - S.Begin);
}

const char *const Header = "import torch\nimport torch.nn as nn\n"
                           "import torch.nn.functional as F\n\n";

TEST(NormSemanticsTest, BookLayerNorm) {
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.eps = 1e-5
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True, unbiased=False)
        norm_x = (x - mean) / torch.sqrt(var + self.eps)
        return self.scale * norm_x + self.shift
)";
  auto N = normOf(Code, "LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_FALSE(N->Unbiased);
  EXPECT_EQ(N->FlagName, "unbiased");
  EXPECT_EQ(slice(Code, N->FlagValue), "False");
  EXPECT_EQ(slice(Code, N->VarianceCall),
            "x.var(dim=-1, keepdim=True, unbiased=False)");
  EXPECT_EQ(N->Eps, EK::InsideSqrt);
  ASSERT_TRUE(N->EpsValue);
  EXPECT_DOUBLE_EQ(*N->EpsValue, 1e-5);
  EXPECT_EQ(N->Scale, "scale");
  EXPECT_EQ(N->Shift, "shift");
  EXPECT_FALSE(N->ScaleOffset);
  EXPECT_EQ(N->WidthParam, "emb_dim");
  EXPECT_EQ(N->WidthParamIndex, 0);
}

TEST(NormSemanticsTest, AnnotatedTransformerStdPlusEps) {
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    "Construct a layernorm module (See citation for details)."

    def __init__(self, features, eps=1e-6):
        super(LayerNorm, self).__init__()
        self.a_2 = nn.Parameter(torch.ones(features))
        self.b_2 = nn.Parameter(torch.zeros(features))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        std = x.std(-1, keepdim=True)
        return self.a_2 * (x - mean) / (std + self.eps) + self.b_2
)";
  auto N = normOf(Code, "LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_TRUE(N->Unbiased);
  EXPECT_TRUE(N->VarianceIsStd);
  EXPECT_EQ(N->FlagName, "");
  EXPECT_EQ(N->FlagValue.End, 0u);
  EXPECT_EQ(slice(Code, N->VarianceArgs), "(-1, keepdim=True)");
  EXPECT_EQ(N->Eps, EK::AddedToStd);
  EXPECT_EQ(slice(Code, N->EpsSum), "std + self.eps");
  EXPECT_EQ(slice(Code, N->StdOperand), "std");
  EXPECT_EQ(slice(Code, N->EpsOperand), "self.eps");
  ASSERT_TRUE(N->EpsValue);
  EXPECT_DOUBLE_EQ(*N->EpsValue, 1e-6);
  EXPECT_EQ(N->EpsParam, "eps");
  EXPECT_EQ(N->EpsParamIndex, 1);
  EXPECT_EQ(N->Scale, "a_2");
  EXPECT_EQ(N->Shift, "b_2");
  EXPECT_EQ(N->WidthParam, "features");
}

TEST(NormSemanticsTest, NanoGptFunctionalLayerNormWithOptionalBias) {
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    """ LayerNorm but with an optional bias. PyTorch doesn't support simply bias=False """

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, input):
        return F.layer_norm(input, self.weight.shape, self.weight, self.bias, 1e-5)
)";
  auto N = normOf(Code, "LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_EQ(N->Via, "F.layer_norm");
  EXPECT_FALSE(N->Unbiased);
  EXPECT_EQ(N->Eps, EK::InsideSqrt);
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-5);
  EXPECT_EQ(N->Scale, "weight");
  EXPECT_EQ(N->Shift, "bias");
  EXPECT_EQ(N->WidthParam, "ndim");
}

TEST(NormSemanticsTest, LlamaRmsNormWithUpcast) {
  std::string Code = std::string(Header) + R"(
class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)
)";
  auto N = normOf(Code, "LlamaRMSNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::RMSNorm) << N->Reason;
  EXPECT_TRUE(N->Upcast);
  EXPECT_FALSE(N->Unbiased);
  EXPECT_EQ(N->Eps, EK::InsideSqrt);
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-6);
  EXPECT_EQ(N->Scale, "weight");
  EXPECT_EQ(N->Shift, "");
}

TEST(NormSemanticsTest, MetaLlamaHelperMethodIsInlined) {
  std::string Code = std::string(Header) + R"(
class RMSNorm(torch.nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float()).type_as(x)
        return output * self.weight
)";
  auto N = normOf(Code, "RMSNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::RMSNorm) << N->Reason;
  EXPECT_TRUE(N->Upcast);
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-6);
  EXPECT_EQ(N->EpsParam, "eps");
  EXPECT_EQ(N->Scale, "weight");
}

TEST(NormSemanticsTest, GemmaOnePlusWeight) {
  std::string Code = std::string(Header) + R"(
class GemmaRMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float())
        output = output * (1.0 + self.weight.float())
        return output.type_as(x)
)";
  auto N = normOf(Code, "GemmaRMSNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::RMSNorm) << N->Reason;
  EXPECT_TRUE(N->ScaleOffset);
  EXPECT_EQ(N->Scale, "weight");
}

TEST(NormSemanticsTest, T5LayerNormRmsWithoutBiasAndConditionalCast) {
  std::string Code = std::string(Header) + R"(
class T5LayerNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        variance = hidden_states.to(torch.float32).pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)

        # convert into half-precision if necessary
        if self.weight.dtype in [torch.float16, torch.bfloat16]:
            hidden_states = hidden_states.to(self.weight.dtype)

        return self.weight * hidden_states
)";
  auto N = normOf(Code, "T5LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::RMSNorm) << N->Reason;
  EXPECT_EQ(N->Shift, "");
  EXPECT_EQ(N->Scale, "weight");
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-6);
}

TEST(NormSemanticsTest, ConvNextBothPathsAgree) {
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, eps=1e-6, data_format="channels_last"):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps
        self.data_format = data_format
        self.normalized_shape = (normalized_shape, )

    def forward(self, x):
        if self.data_format == "channels_last":
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        elif self.data_format == "channels_first":
            u = x.mean(1, keepdim=True)
            s = (x - u).pow(2).mean(1, keepdim=True)
            x = (x - u) / torch.sqrt(s + self.eps)
            x = self.weight[:, None, None] * x + self.bias[:, None, None]
            return x
)";
  auto N = normOf(Code, "LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_FALSE(N->Unbiased);
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-6);
}

TEST(NormSemanticsTest, CorrectionAndPositionalFlags) {
  std::string Code = std::string(Header) + R"(
class A(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.g * (x - x.mean(-1, keepdim=True)) * torch.rsqrt(x.var(-1, keepdim=True, correction=0) + 1e-5)


class B(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.g * (x - torch.mean(x, -1, keepdim=True)) / torch.sqrt(torch.var(x, -1, True, keepdim=True) + 1e-5)


class CNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))

    def forward(self, x, unbiased):
        return self.g * (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, unbiased=unbiased) + 1e-5)
)";
  auto A = normOf(Code, "A");
  ASSERT_TRUE(A);
  EXPECT_EQ(A->K, NK::LayerNorm) << A->Reason;
  EXPECT_FALSE(A->Unbiased);
  EXPECT_EQ(A->FlagName, "correction");
  EXPECT_EQ(A->Shift, "");
  auto B = normOf(Code, "B");
  ASSERT_TRUE(B);
  EXPECT_EQ(B->K, NK::LayerNorm) << B->Reason;
  EXPECT_TRUE(B->Unbiased);
  EXPECT_EQ(slice(Code, B->FlagValue), "True");
  auto C = normOf(Code, "CNorm");
  ASSERT_TRUE(C);
  EXPECT_EQ(C->K, NK::Unknown);
  EXPECT_NE(C->Reason.find("unbiased=unbiased"), std::string::npos) << C->Reason;
}

TEST(NormSemanticsTest, EpsFromConfigAndClampedStd) {
  std::string Code = std::string(Header) + R"(
class CfgNorm(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.eps = cfg["norm_eps"]
        self.weight = nn.Parameter(torch.ones(cfg["emb_dim"]))

    def forward(self, x):
        x = x - x.mean(-1, keepdim=True)
        return self.weight * x / x.pow(2).mean(-1, keepdim=True).add(0).sqrt().clamp(min=self.eps)
)";
  auto N = normOf(Code, "CfgNorm");
  ASSERT_TRUE(N);
  // `.add(0)` hides the mean square from the pattern: the reason says so.
  EXPECT_EQ(N->K, NK::Unknown);
  std::string Fixed = std::string(Header) + R"(
class CfgNorm(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.eps = cfg["norm_eps"]
        self.weight = nn.Parameter(torch.ones(cfg["emb_dim"]))

    def forward(self, x):
        c = x - x.mean(-1, keepdim=True)
        return self.weight * c / c.pow(2).mean(-1, keepdim=True).sqrt().clamp(min=self.eps)
)";
  auto M = normOf(Fixed, "CfgNorm");
  ASSERT_TRUE(M);
  EXPECT_EQ(M->K, NK::LayerNorm) << M->Reason;
  EXPECT_EQ(M->Eps, EK::ClampStd);
  EXPECT_FALSE(M->EpsValue);
  EXPECT_EQ(M->EpsOrigin, "config key `norm_eps`");
}

TEST(NormSemanticsTest, NotNormsAndUnknownNorms) {
  std::string Code = std::string(Header) + R"(
class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, q, k):
        return (q @ k.transpose(-2, -1)) / math.sqrt(self.d)


class PreNorm(nn.Module):
    def __init__(self, d, fn):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fn = fn

    def forward(self, x):
        return self.fn(self.norm(x))


class WeirdNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.g * x / torch.sqrt(torch.logsumexp(x, -1) + 1e-5)


class MixedNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.g * x / torch.sqrt(x.var(-1, keepdim=True) + 1e-5)
)";
  EXPECT_FALSE(normOf(Code, "Attention"));
  EXPECT_FALSE(normOf(Code, "PreNorm"));
  auto W = normOf(Code, "WeirdNorm");
  ASSERT_TRUE(W);
  EXPECT_EQ(W->K, NK::Unknown);
  EXPECT_NE(W->Reason.find("logsumexp"), std::string::npos) << W->Reason;
  auto M = normOf(Code, "MixedNorm");
  ASSERT_TRUE(M);
  EXPECT_EQ(M->K, NK::Unknown);
  EXPECT_NE(M->Reason.find("not x - mean(x)"), std::string::npos) << M->Reason;
}

TEST(NormSemanticsTest, SubclassCallingSuperForwardInheritsTheSemantics) {
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    def __init__(self, emb_dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(emb_dim))
        self.shift = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, keepdim=True)
        return self.scale * (x - mean) / torch.sqrt(var + self.eps) + self.shift


class NoisyLayerNorm(LayerNorm):
    def forward(self, x):
        return super().forward(x) + 0.0 * self.shift


class HalfNorm(LayerNorm):
    def forward(self, x):
        return super(HalfNorm, self).forward(x) * 0.5
)";
  auto N = normOf(Code, "NoisyLayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_TRUE(N->Unbiased);
  EXPECT_EQ(N->Scale, "scale");
  EXPECT_EQ(N->Shift, "shift");
  EXPECT_DOUBLE_EQ(N->EpsValue.value_or(0), 1e-5);
  EXPECT_EQ(N->EpsParam, "eps"); // the inherited __init__
  // An extra factor is not a LayerNorm: unknown, with the reason.
  auto H = normOf(Code, "HalfNorm");
  ASSERT_TRUE(H);
  EXPECT_EQ(H->K, NK::Unknown);
}

TEST(NormSemanticsTest, StdSquaredPlusEpsIsInsideTheSqrt) {
  // What PL402's fix writes must read as eps inside the sqrt.
  std::string Code = std::string(Header) + R"(
class LayerNorm(nn.Module):
    def __init__(self, features, eps=1e-6):
        super().__init__()
        self.a_2 = nn.Parameter(torch.ones(features))
        self.b_2 = nn.Parameter(torch.zeros(features))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        std = x.std(-1, keepdim=True, unbiased=False)
        return self.a_2 * (x - mean) / (std ** 2 + self.eps).sqrt() + self.b_2
)";
  auto N = normOf(Code, "LayerNorm");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->K, NK::LayerNorm) << N->Reason;
  EXPECT_EQ(N->Eps, EK::InsideSqrt);
  EXPECT_FALSE(N->Unbiased);
}


/// Config classes give their defaults as config values; a construction's
/// literal keyword overrides them; sources that disagree leave the value
/// unknown and say so.
TEST(ConfigValuesTest, ConfigClassDefaultsAndConstructionArguments) {
  std::string Code = R"(
from dataclasses import dataclass

@dataclass
class ModelArgs:
    dim: int = 4096
    norm_eps: float = 1e-5
    name: str = "llama"

class BertConfig(PretrainedConfig):
    def __init__(self, hidden_size=768, layer_norm_eps=1e-12, **kwargs):
        super().__init__(**kwargs)
        self.hidden_size = hidden_size
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = 0.02

class Block:
    eps = 1e-6  # not a config class: no value

GPT = {"eps": 1e-5}
args = ModelArgs(norm_eps=1e-6, dim=-1)
)";
  SourceFile File("test.py", Code, SourceKind::Python);
  FileFacts F = extractPythonFacts(File);
  std::map<std::string, std::pair<double, ConfigValueFact::Kind>> Got;
  for (const ConfigValueFact &C : F.ConfigValues)
    Got[C.Dict + "." + C.Key] = {C.Value, C.K};
  using CK = ConfigValueFact::Kind;
  std::map<std::string, std::pair<double, ConfigValueFact::Kind>> Want{
      {"ModelArgs.dim", {4096, CK::ClassDefault}},
      {"ModelArgs.norm_eps", {1e-5, CK::ClassDefault}},
      {"BertConfig.hidden_size", {768, CK::ClassDefault}},
      {"BertConfig.layer_norm_eps", {1e-12, CK::ClassDefault}},
      {"BertConfig.initializer_range", {0.02, CK::ClassDefault}},
      {"GPT.eps", {1e-5, CK::DictLiteral}}};
  // The construction's keywords (both of them: they are all literals).
  EXPECT_EQ(Got.count("ModelArgs.norm_eps"), 1u);
  for (const auto &[Key, Value] : Want) {
    ASSERT_EQ(Got.count(Key), 1u) << Key;
    EXPECT_DOUBLE_EQ(Got[Key].first, Value.first) << Key;
    EXPECT_EQ(Got[Key].second, Value.second) << Key;
  }
  EXPECT_EQ(Got.count("Block.eps"), 0u);
  size_t Arguments = 0;
  for (const ConfigValueFact &C : F.ConfigValues)
    Arguments += C.K == CK::Argument;
  EXPECT_EQ(Arguments, 2u);

  ConfigValueIndex Index = configValueIndex({&F});
  std::string Origin, Source;
  // The argument wins over the dataclass default.
  ASSERT_EQ(configValueOf("norm_eps", Index, Origin, Source), 1e-6);
  EXPECT_EQ(Origin, "config key `norm_eps` = 1e-06 (ModelArgs(norm_eps=...))");
  EXPECT_EQ(Source, "ModelArgs(norm_eps=...)");
  ASSERT_EQ(configValueOf("layer_norm_eps", Index, Origin, Source), 1e-12);
  EXPECT_EQ(Origin, "config key `layer_norm_eps` = 1e-12 (default of BertConfig.layer_norm_eps)");
  EXPECT_EQ(Source, "BertConfig.layer_norm_eps");
  ASSERT_EQ(configValueOf("eps", Index, Origin, Source), 1e-5);
  EXPECT_EQ(Source, "GPT['eps']");
  EXPECT_FALSE(configValueOf("rms_eps", Index, Origin, Source));
  EXPECT_EQ(Origin, "config key `rms_eps` (no config dict literal or config class defines it)");
  // Two defaults that disagree: no value, and both are named.
  Index["eps"].push_back(ConfigValue{1e-6, "OtherConfig", CK::ClassDefault});
  EXPECT_FALSE(configValueOf("eps", Index, Origin, Source));
  EXPECT_EQ(Origin, "config key `eps` (GPT, OtherConfig give it different values)");
}

} // namespace
