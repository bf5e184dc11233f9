//===- graph/NormLayer.h - What one norm layer instance computes -*- C++ -*-===//
///
/// \file
/// A norm layer in a model's tree, read as numbers: its class's
/// NormSemanticsFact (project classes) or torch's documented semantics
/// (`torch.nn.LayerNorm`: biased variance, eps 1e-5 inside the sqrt, weight
/// and bias; `torch.nn.RMSNorm`: mean square, eps torch.finfo(dtype).eps),
/// with the instance's literal constructor arguments applied (eps, width,
/// elementwise_affine, bias). The PL4xx checks and `paramlint verify` read
/// it; neither depends on how the semantics were found.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_NORMLAYER_H
#define PARAMLINT_GRAPH_NORMLAYER_H

#include "graph/ParamGraph.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace paramlint {

/// One norm layer instance's semantics.
struct NormLayer {
  /// Kind Unknown when the semantics cannot be read: Reason says why.
  NormSemanticsFact::Kind K = NormSemanticsFact::Kind::Unknown;
  std::string Reason;
  bool Unbiased = false;
  NormSemanticsFact::EpsKind Eps = NormSemanticsFact::EpsKind::InsideSqrt;
  std::optional<double> EpsValue;
  std::string EpsOrigin;
  /// When eps is read from a configuration (`self.eps = cfg["eps"]`, or an
  /// argument `eps=cfg["eps"]` at the construction site): its key, for
  /// resolveConfigEps. Empty otherwise.
  std::string EpsConfigKey;
  /// The parameters that scale and shift (empty when absent).
  std::string Scale, Shift;
  bool ScaleOffset = false;
  /// The normalised width when a literal says it.
  std::optional<unsigned> Width;
  /// The class's fact (project classes), else null.
  const NormSemanticsFact *Fact = nullptr;
};

/// The semantics of Node when it is a row norm layer (torch.nn.LayerNorm,
/// torch.nn.RMSNorm, a project class whose forward normalises, or one named
/// like a norm that owns a scale or shift: Kind Unknown), else nullopt.
std::optional<NormLayer> normLayerOf(const ModuleNode &Node);

/// A norm a function computes on tensors a model holds, not a module of
/// its own (NormUseFact: ggml's `ggml_norm` then `ggml_mul`/`ggml_add`),
/// placed in the model through the bound reads of its tensors.
struct TensorNorm {
  const Model *TheModel = nullptr;
  /// The module the tensors belong to (`layers.*`), and the layer's name:
  /// that path and the stem the tensors' names share (`layers.*.ln_1` for
  /// `ln_1_g` and `ln_1_b`). Layer.Scale/Shift are the names under KeyBase.
  std::string KeyBase, Stem;
  NormLayer Layer;
  const SourceFile *File = nullptr;
  const NormUseFact *Fact = nullptr;
};

/// The tensor norms of Graph whose scale and shift reads resolve to
/// tensors of one module of one model (Graph.Files/Facts must be set).
std::vector<TensorNorm> tensorNorms(const ParamGraph &Graph);

/// One value a project's configuration gives a key: the dict literal or
/// config class it comes from and how it is given.
struct ConfigValue {
  double Value = 0;
  std::string Container; ///< `GPT_CONFIG_124M`, `GPTConfig`.
  ConfigValueFact::Kind K = ConfigValueFact::Kind::DictLiteral;
};

/// Numbers of a project's configuration by key: module-level dict
/// literals, config classes' defaults and the literal arguments of their
/// construction (`eps` -> {1e-5, GPT_CONFIG_124M, DictLiteral}).
using ConfigValueIndex = std::map<std::string, std::vector<ConfigValue>>;

/// The index of every ConfigValueFact of Facts.
ConfigValueIndex configValueIndex(const std::vector<const FileFacts *> &Facts);

/// The value of a config key, when the configuration agrees on one: a
/// construction site's literal argument (`GPTConfig(norm_eps=1e-6)`) wins
/// over defaults (dict literals, config class fields). Origin says where
/// from (`config key `eps` = 1e-05 (GPT_CONFIG_124M)`, `... (default of
/// GPTConfig.norm_eps)`) or why there is no value (nothing defines the
/// key, or its sources disagree); Source is the short form a message
/// quotes (`GPT_CONFIG_124M['eps']`, `GPTConfig.norm_eps`).
std::optional<double> configValueOf(const std::string &Key, const ConfigValueIndex &Config,
                                    std::string &Origin, std::string &Source);

/// Gives L the value of its config key (configValueOf) and its origin;
/// otherwise L stays unknown and its origin says why. Does nothing when
/// L's eps is known or is not a config read.
void resolveConfigEps(NormLayer &L, const ConfigValueIndex &Config);

/// The value of a Python int or float literal (`1e-5`, `768`, `1_000`),
/// or nullopt when Text is anything else.
std::optional<double> numberLiteral(std::string_view Text);

/// torch's float32 machine epsilon, RMSNorm's default eps.
constexpr double Float32Epsilon = 1.1920928955078125e-07;

} // namespace paramlint

#endif // PARAMLINT_GRAPH_NORMLAYER_H
