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

/// Numbers of a project's module-level config dict literals, by key:
/// every (value, dict name) a key has (`eps` -> {1e-5, GPT_CONFIG_124M}).
using ConfigValueIndex =
    std::map<std::string, std::vector<std::pair<double, std::string>>>;

/// Gives L the value of its config key when the project's config dicts
/// agree on one (origin `config key `eps` = 1e-05 (GPT_CONFIG_124M)`);
/// otherwise L stays unknown and its origin says why (no dict defines the
/// key, or dicts disagree). Does nothing when L's eps is known or is not a
/// config read.
void resolveConfigEps(NormLayer &L, const ConfigValueIndex &Config);

/// The value of a Python int or float literal (`1e-5`, `768`, `1_000`),
/// or nullopt when Text is anything else.
std::optional<double> numberLiteral(std::string_view Text);

/// torch's float32 machine epsilon, RMSNorm's default eps.
constexpr double Float32Epsilon = 1.1920928955078125e-07;

} // namespace paramlint

#endif // PARAMLINT_GRAPH_NORMLAYER_H
