//===- graph/NormLayer.cpp - What one norm layer instance computes --------===//
#include "graph/NormLayer.h"

#include <cstdio>
#include <cstdlib>

namespace paramlint {
namespace {

/// The argument at Position or named Name: nullopt when not given, a
/// nullopt inside when given but not a literal.
std::optional<std::optional<std::string>> argument(const CallArgs *Args,
                                                   int Position,
                                                   const std::string &Name) {
  if (!Args)
    return std::nullopt;
  for (const auto &[K, V] : Args->Keyword)
    if (K == Name)
      return V;
  if (Position >= 0 && static_cast<size_t>(Position) < Args->Positional.size())
    return Args->Positional[Position];
  return std::nullopt;
}

/// Applies a literal width argument to L.
void applyWidth(NormLayer &L, const std::optional<std::optional<std::string>> &A) {
  if (!A || !*A)
    return;
  // `768`, `(768,)`, `[768]`: one dimension only.
  if ((*A)->find(',') != std::string::npos &&
      (*A)->find(',') + 1 < (*A)->find_last_not_of(" )]") + 1)
    return;
  // Brackets and a trailing comma of a one-element shape go.
  std::string Text;
  for (char C : **A)
    if (C != ' ' && C != '(' && C != ')' && C != '[' && C != ']' && C != ',')
      Text += C;
  if (auto N = numberLiteral(Text); N && *N >= 0 && *N == static_cast<unsigned>(*N))
    L.Width = static_cast<unsigned>(*N);
}

/// The config key the argument at Position or named Name reads, or "".
std::string configKeyOf(const CallArgs *Args, int Position, const std::string &Name) {
  if (!Args)
    return "";
  std::string Slot = "#" + std::to_string(Position);
  for (const auto &[K, Key] : Args->ConfigKeys)
    if (K == Name || (Position >= 0 && K == Slot))
      return Key;
  return "";
}

/// Applies an eps argument: a literal replaces the value, a config read
/// leaves its key for resolveConfigEps, anything else makes it unknown.
void applyEps(NormLayer &L, const CallArgs *Args, int Position,
              const std::string &Name) {
  std::optional<std::optional<std::string>> A = argument(Args, Position, Name);
  if (!A)
    return;
  if (*A && **A == "None")
    return;
  std::optional<double> V = *A ? numberLiteral(**A) : std::nullopt;
  L.EpsValue = V;
  L.EpsConfigKey.clear();
  if (V) {
    L.EpsOrigin = "constructor argument `" + Name + "`";
  } else if (std::string Key = configKeyOf(Args, Position, Name); !Key.empty()) {
    L.EpsConfigKey = Key;
    L.EpsOrigin = "config key `" + Key + "` (constructor argument `" + Name + "`)";
  } else {
    L.EpsOrigin = "constructor argument `" + Name + "` (not a literal)";
  }
}

bool isFalse(const std::optional<std::optional<std::string>> &A) {
  return A && *A && **A == "False";
}

std::optional<NormLayer> libraryLayer(const ModuleNode &Node) {
  NormLayer L;
  L.Eps = NormSemanticsFact::EpsKind::InsideSqrt;
  if (Node.ClassName == "torch.nn.LayerNorm") {
    L.K = NormSemanticsFact::Kind::LayerNorm;
    L.EpsValue = 1e-5;
    L.EpsOrigin = "torch.nn.LayerNorm default";
    applyEps(L, Node.Args, 1, "eps");
    bool Affine = !isFalse(argument(Node.Args, 2, "elementwise_affine"));
    if (Affine) {
      L.Scale = "weight";
      if (!isFalse(argument(Node.Args, 3, "bias")))
        L.Shift = "bias";
    }
  } else if (Node.ClassName == "torch.nn.RMSNorm") {
    L.K = NormSemanticsFact::Kind::RMSNorm;
    L.EpsValue = Float32Epsilon;
    L.EpsOrigin = "torch.finfo(float32).eps (torch.nn.RMSNorm default)";
    applyEps(L, Node.Args, 1, "eps");
    if (!isFalse(argument(Node.Args, 2, "elementwise_affine")))
      L.Scale = "weight";
  } else {
    return std::nullopt; // Batch, group and instance norms: not row norms.
  }
  applyWidth(L, argument(Node.Args, 0, "normalized_shape"));
  return L;
}

} // namespace

void resolveConfigEps(NormLayer &L, const ConfigValueIndex &Config) {
  if (L.EpsValue || L.EpsConfigKey.empty())
    return;
  const std::string &Key = L.EpsConfigKey;
  auto It = Config.find(Key);
  if (It == Config.end() || It->second.empty()) {
    L.EpsOrigin = "config key `" + Key + "` (no config dict literal defines it)";
    return;
  }
  std::string Dicts;
  double First = It->second.front().first;
  bool Agree = true;
  for (const auto &[Value, Dict] : It->second) {
    Agree &= Value == First;
    if (Dicts.find(Dict) == std::string::npos)
      Dicts += (Dicts.empty() ? "" : ", ") + Dict;
  }
  char Text[32];
  std::snprintf(Text, sizeof Text, "%g", First);
  if (!Agree) {
    L.EpsOrigin = "config key `" + Key + "` (the config dicts " + Dicts +
                  " give it different values)";
    return;
  }
  L.EpsValue = First;
  L.EpsOrigin = "config key `" + Key + "` = " + Text + " (" + Dicts + ")";
}

std::optional<double> numberLiteral(std::string_view Text) {
  std::string Clean;
  for (char C : Text)
    if (C != '_')
      Clean += C;
  if (Clean.empty())
    return std::nullopt;
  char *End = nullptr;
  double V = std::strtod(Clean.c_str(), &End);
  if (End != Clean.c_str() + Clean.size())
    return std::nullopt;
  return V;
}

std::optional<NormLayer> normLayerOf(const ModuleNode &Node) {
  if (Node.Library)
    return Node.IsNorm ? libraryLayer(Node) : std::nullopt;
  if (!Node.Class || !Node.Class->Norm) {
    // A class named like a norm that holds a scale or shift itself (not a
    // wrapper such as PreNorm, whose norm is a child) but whose forward is
    // inherited or unreadable.
    if (!Node.IsNorm || !Node.Class || !Node.Children.empty() ||
        (Node.slotsWithRole(Role::Scale).empty() &&
         Node.slotsWithRole(Role::Shift).empty()))
      return std::nullopt;
    NormLayer L;
    L.Reason = "`" + Node.ClassName + "` defines no forward paramlint can read";
    return L;
  }
  const NormSemanticsFact &F = *Node.Class->Norm;
  NormLayer L;
  L.Fact = &F;
  L.K = F.K;
  L.Reason = F.Reason;
  L.Unbiased = F.Unbiased;
  L.Eps = F.Eps;
  L.EpsValue = F.EpsValue;
  L.EpsOrigin = F.EpsOrigin;
  L.EpsConfigKey = F.EpsConfigKey;
  L.Scale = F.Scale;
  L.Shift = F.Shift;
  L.ScaleOffset = F.ScaleOffset;
  L.Width = F.WidthValue;
  if (!F.EpsParam.empty())
    applyEps(L, Node.Args, F.EpsParamIndex, F.EpsParam);
  if (!F.WidthParam.empty())
    applyWidth(L, argument(Node.Args, F.WidthParamIndex, F.WidthParam));
  // A conditional shift (`nn.Parameter(...) if bias else None`) exists only
  // when the instance has the slot.
  if (!L.Shift.empty() && !Node.slot(L.Shift))
    L.Shift.clear();
  if (!L.Scale.empty() && !Node.slot(L.Scale))
    L.Scale.clear();
  return L;
}

} // namespace paramlint
