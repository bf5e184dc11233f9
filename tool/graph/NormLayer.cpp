//===- graph/NormLayer.cpp - What one norm layer instance computes --------===//
#include "graph/NormLayer.h"

#include <cstdio>
#include <map>
#include <cstdlib>
#include <cstring>

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
  } else if (Node.ClassName == "torch::nn::LayerNorm") {
    // libtorch: LayerNormOptions(shape).eps(e).elementwise_affine(b).
    L.K = NormSemanticsFact::Kind::LayerNorm;
    L.EpsValue = 1e-5;
    L.EpsOrigin = "torch::nn::LayerNorm default";
    applyEps(L, Node.Args, -1, "eps");
    if (!isFalse(argument(Node.Args, -1, "elementwise_affine"))) {
      L.Scale = "weight";
      L.Shift = "bias";
    }
    return L;
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

ConfigValueIndex configValueIndex(const std::vector<const FileFacts *> &Facts) {
  ConfigValueIndex Out;
  for (const FileFacts *F : Facts)
    for (const ConfigValueFact &C : F->ConfigValues)
      Out[C.Key].push_back(ConfigValue{C.Value, C.Dict, C.K});
  return Out;
}

std::optional<double> configValueOf(const std::string &Key, const ConfigValueIndex &Config,
                                    std::string &Origin, std::string &Source) {
  using CK = ConfigValueFact::Kind;
  auto It = Config.find(Key);
  std::string Prefix = "config key `" + Key + "`";
  if (It == Config.end() || It->second.empty()) {
    Origin = Prefix + " (no config dict literal or config class defines it)";
    return std::nullopt;
  }
  // Arguments of a construction override every default.
  std::vector<const ConfigValue *> Values;
  for (const ConfigValue &V : It->second)
    if (V.K == CK::Argument)
      Values.push_back(&V);
  if (Values.empty())
    for (const ConfigValue &V : It->second)
      Values.push_back(&V);
  std::string Containers;
  bool Agree = true;
  for (const ConfigValue *V : Values) {
    Agree &= V->Value == Values.front()->Value;
    if (Containers.find(V->Container) == std::string::npos)
      Containers += (Containers.empty() ? "" : ", ") + V->Container;
  }
  if (!Agree) {
    Origin = Prefix + " (" + Containers + " give it different values)";
    return std::nullopt;
  }
  const ConfigValue &V = *Values.front();
  char Text[32];
  std::snprintf(Text, sizeof Text, "%g", V.Value);
  switch (V.K) {
  case CK::DictLiteral:
    Origin = Prefix + " = " + Text + " (" + Containers + ")";
    Source = V.Container + "['" + Key + "']";
    break;
  case CK::ClassDefault:
    Origin = Prefix + " = " + Text + " (default of " + V.Container + "." + Key + ")";
    Source = V.Container + "." + Key;
    break;
  case CK::Argument:
    Origin = Prefix + " = " + Text + " (" + V.Container + "(" + Key + "=...))";
    Source = V.Container + "(" + Key + "=...)";
    break;
  }
  return V.Value;
}

void resolveConfigEps(NormLayer &L, const ConfigValueIndex &Config) {
  if (L.EpsValue || L.EpsConfigKey.empty())
    return;
  std::string Source;
  L.EpsValue = configValueOf(L.EpsConfigKey, Config, L.EpsOrigin, Source);
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

/// What a norm fact says before an instance's arguments apply.
static NormLayer layerOf(const NormSemanticsFact &F) {
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
  return L;
}

/// A tensor's name without a role suffix: `ln_1_g` -> `ln_1`.
static std::string stemOf(const std::string &Name) {
  for (const char *Suffix : {"_weight", "_bias", "_gamma", "_beta", "_scale", "_shift",
                             "_g", "_b", "_w"}) {
    size_t N = std::strlen(Suffix);
    if (Name.size() > N && Name.compare(Name.size() - N, N, Suffix) == 0)
      return Name.substr(0, Name.size() - N);
  }
  return Name;
}

std::vector<TensorNorm> tensorNorms(const ParamGraph &Graph) {
  std::vector<TensorNorm> Out;
  std::map<const AccessFact *, const BoundAccess *> Bound;
  for (const BoundAccess &B : Graph.Accesses)
    Bound.emplace(B.Fact, &B);
  for (size_t I = 0; I < Graph.Facts.size() && I < Graph.Files.size(); ++I) {
    const FileFacts &FF = *Graph.Facts[I];
    for (const NormUseFact &U : FF.NormUses) {
      TensorNorm T;
      T.File = Graph.Files[I];
      T.Fact = &U;
      const ModuleNode *Owner = nullptr;
      bool Ok = true;
      std::vector<std::string> Leaves;
      std::string Names[2];
      for (int Role_ = 0; Role_ < 2; ++Role_) {
        int Index = Role_ == 0 ? U.ScaleAccess : U.ShiftAccess;
        if (Index < 0 || static_cast<size_t>(Index) >= FF.Accesses.size())
          continue;
        auto It = Bound.find(&FF.Accesses[Index]);
        if (It == Bound.end() || It->second->Resolved.K != Resolution::Kind::Slot) {
          Ok = false;
          break;
        }
        const BoundAccess &B = *It->second;
        const std::string &Key = B.Resolved.Key;
        size_t Dot = Key.rfind('.');
        std::string Base = Dot == std::string::npos ? "" : Key.substr(0, Dot);
        if ((Owner && (Owner != B.Resolved.Owner || T.KeyBase != Base)) ||
            (T.TheModel && T.TheModel != B.TheModel)) {
          Ok = false; // Scale and shift of different modules: not one layer.
          break;
        }
        Owner = B.Resolved.Owner;
        T.TheModel = B.TheModel;
        T.KeyBase = Base;
        Leaves.push_back(B.Resolved.Slot->Name);
        Names[Role_] = B.Resolved.Slot->Name;
      }
      if (!Ok || !T.TheModel || Leaves.empty())
        continue;
      // The stem: what the names share (`ln_1_g`, `ln_1_b` -> `ln_1`), or
      // the one name without its role suffix (`ln_2_g` -> `ln_2`), so that
      // a version that lost its shift still pairs with one that has it.
      std::string Stem = stemOf(Leaves[0]);
      if (Leaves.size() == 2) {
        size_t N = 0;
        while (N < Leaves[0].size() && N < Leaves[1].size() &&
               Leaves[0][N] == Leaves[1][N])
          ++N;
        Stem = Leaves[0].substr(0, N);
        while (!Stem.empty() && (Stem.back() == '_' || Stem.back() == '.'))
          Stem.pop_back();
        if (Stem.empty())
          Stem = Leaves[0] + "+" + Leaves[1];
      }
      T.Stem = Stem;
      T.Layer = layerOf(U.Semantics);
      T.Layer.Scale = Names[0];
      T.Layer.Shift = Names[1];
      Out.push_back(std::move(T));
    }
  }
  return Out;
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
  NormLayer L = layerOf(F);
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
