//===- graph/CheckpointBinding.cpp - Checkpoints against key spaces -------===//
#include "graph/CheckpointBinding.h"

#include "checks/Conventions.h"
#include "graph/KeyPattern.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

namespace paramlint {
namespace {

bool allDigits(std::string_view S) {
  return !S.empty() && std::all_of(S.begin(), S.end(), [](char C) {
    return std::isdigit(static_cast<unsigned char>(C));
  });
}

/// How many of M's keys some tensor name matches: the tie-breaker between
/// models that explain the same names (the one the checkpoint fills more).
size_t keysCovered(const Model &M, const std::vector<TensorInfo> &Tensors) {
  size_t N = 0;
  for (const KeySlot &K : M.Keys)
    N += std::any_of(Tensors.begin(), Tensors.end(), [&](const TensorInfo &T) {
      return keyMatches(T.Name, K.Key);
    });
  return N;
}

/// Whether Name leads into a module paramlint cannot enumerate (an open
/// module, or an index of a container it cannot see into): whatever is
/// below may exist, so the name is never reported as unexpected.
bool underOpenModule(const ModuleNode &Root, std::string_view Name) {
  const ModuleNode *Node = &Root;
  size_t Begin = 0;
  while (Node) {
    if (Node->Open)
      return true;
    size_t Dot = Name.find('.', Begin);
    if (Dot == std::string_view::npos)
      return false; // The leaf: a slot or nothing, both decided by the keys.
    std::string Seg(Name.substr(Begin, Dot - Begin));
    const ModuleNode *Child = Node->child(Seg);
    if (!Child && allDigits(Seg))
      Child = Node->child("*");
    Node = Child;
    Begin = Dot + 1;
  }
  return false;
}

/// A model key that a loaded state dict may have to hold: persistent, and
/// not `num_batches_tracked` (torch's batch norms fill it in when a dict
/// without version metadata, as any converted checkpoint is, lacks it).
bool mayBeMissing(const KeySlot &K) {
  return K.Slot->Persistent && K.Slot->Name != "num_batches_tracked";
}

/// Whether a tensor name is the role-equivalent spelling of model key K:
/// the same module, a leaf with K's scale/shift role.
bool roleEquivalent(const TensorInfo &T, const KeySlot &K) {
  Role R = K.Slot->TheRole;
  if ((R != Role::Scale && R != Role::Shift) || !K.Owner->IsNorm ||
      Conventions::current().roleOf(keyLeaf(T.Name)) != R)
    return false;
  std::string Parent(keyParent(T.Name));
  std::string Leaf(keyLeaf(K.Key));
  return keyMatches(Parent.empty() ? Leaf : Parent + "." + Leaf, K.Key);
}

/// The root model whose keys explain most of a list of names.
struct Choice {
  const Model *M = nullptr;
  size_t Explained = 0;
  std::string Tie; ///< Set when two models do equally well.
};

Choice bestModel(const ParamGraph &Graph, const std::vector<TensorInfo> &Tensors) {
  std::vector<Choice> Best;
  for (const auto &M : Graph.Models) {
    if (!M->IsRoot || M->Keys.empty())
      continue;
    size_t Explained = 0;
    for (const TensorInfo &T : Tensors)
      Explained += explainsKey(*M, T.Name);
    if (!Explained || (!Best.empty() && Explained < Best.front().Explained))
      continue;
    if (!Best.empty() && Explained > Best.front().Explained)
      Best.clear();
    Best.push_back(Choice{M.get(), Explained, ""});
  }
  if (Best.size() <= 1)
    return Best.empty() ? Choice{} : Best.front();
  // Equal: the model the checkpoint fills more wins.
  std::vector<size_t> Covered;
  for (const Choice &C : Best)
    Covered.push_back(keysCovered(*C.M, Tensors));
  size_t Top = std::max_element(Covered.begin(), Covered.end()) - Covered.begin();
  for (size_t I = 0; I < Best.size(); ++I)
    if (I != Top && Covered[I] == Covered[Top] && Best[I].M->Name != Best[Top].M->Name)
      return Choice{nullptr, 0,
                    fmt::format("`{}` and `{}` explain its names equally well",
                                Best[Top].M->Name, Best[I].M->Name)};
  return Best[Top];
}

/// The first dotted component (with its dot) that at least half of the
/// names start with, or "".
std::string commonHead(const std::vector<TensorInfo> &Tensors) {
  std::map<std::string, size_t> Count;
  for (const TensorInfo &T : Tensors) {
    size_t Dot = T.Name.find('.');
    if (Dot != std::string::npos)
      ++Count[T.Name.substr(0, Dot + 1)];
  }
  for (const auto &[Head, N] : Count)
    if (2 * N >= Tensors.size() && !allDigits(Head.substr(0, Head.size() - 1)))
      return Head;
  return "";
}

} // namespace

std::string indexPattern(std::string_view Key) {
  std::string Out;
  size_t Begin = 0;
  while (true) {
    size_t End = Key.find('.', Begin);
    std::string_view Seg = Key.substr(Begin, End == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : End - Begin);
    Out += allDigits(Seg) ? std::string_view("*") : Seg;
    if (End == std::string_view::npos)
      return Out;
    Out += '.';
    Begin = End + 1;
  }
}

CheckpointBinding bindCheckpoint(const ParamGraph &Graph, CheckpointInfo Info,
                                 const SourceFile *File) {
  CheckpointBinding B;
  B.File = File;
  B.Path = Info.Path;
  B.Format = Info.Format;
  auto Prefix = Info.Metadata.find("paramlint.state_dict_prefix");
  if (Prefix != Info.Metadata.end())
    B.Prefix = Prefix->second;
  for (TensorInfo &T : Info.Tensors) {
    if (T.Name.compare(0, B.Prefix.size(), B.Prefix) != 0)
      continue; // Optimizer state and the like, beside the state dict.
    T.Name.erase(0, B.Prefix.size());
    B.Tensors.push_back(std::move(T));
  }
  if (B.Tensors.empty()) {
    B.Why = "it holds no tensors";
    return B;
  }

  Choice C = bestModel(Graph, B.Tensors);
  if (!C.Tie.empty()) {
    B.Why = C.Tie;
    return B;
  }
  double Confidence = double(C.Explained) / B.Tensors.size();
  if (C.M && Confidence >= MinCheckpointConfidence) {
    B.TheModel = C.M;
    B.Confidence = Confidence;
    return B;
  }
  B.Why = C.M ? fmt::format("the best model, `{}`, explains only {} of its {} names",
                            C.M->Name, C.Explained, B.Tensors.size())
              : "no model of the analysed files has keys like its names";
  // `module.h.0...` (saved through DataParallel) or `transformer.h.0...`
  // (a wrapping model): say so rather than only that nothing matched.
  std::string Head = commonHead(B.Tensors);
  if (Head.empty())
    return B;
  std::vector<TensorInfo> Stripped;
  for (const TensorInfo &T : B.Tensors)
    if (T.Name.compare(0, Head.size(), Head) == 0)
      Stripped.push_back(TensorInfo{T.Name.substr(Head.size()), T.DType, T.Shape, 0, 0});
  Choice Without = bestModel(Graph, Stripped);
  if (Without.M && Without.Tie.empty() &&
      double(Without.Explained) / B.Tensors.size() >= MinCheckpointConfidence)
    B.Why = fmt::format("its names start with `{}`; without it `{}` explains {} of "
                        "its {} names (strip the prefix when loading, or load "
                        "into the module it names)",
                        Head, Without.M->Name, Without.Explained, B.Tensors.size());
  return B;
}

CheckpointDiff compareCheckpoint(const CheckpointBinding &B) {
  CheckpointDiff D;
  if (!B.TheModel)
    return D;
  const Model &M = *B.TheModel;
  // A tensor is taken by any state-dict key that matches it; a key that is
  // not persistent is no state-dict key, so torch reports it unexpected.
  std::vector<bool> Taken(B.Tensors.size(), false);
  std::vector<bool> Present(M.Keys.size(), false);
  for (size_t K = 0; K < M.Keys.size(); ++K)
    for (size_t T = 0; T < B.Tensors.size(); ++T)
      if (keyMatches(B.Tensors[T].Name, M.Keys[K].Key) &&
          M.Keys[K].Slot->Persistent) {
        Taken[T] = true;
        Present[K] = true;
      }

  std::vector<const TensorInfo *> Loose;
  for (size_t T = 0; T < B.Tensors.size(); ++T)
    if (!Taken[T] && !underOpenModule(*M.Root, B.Tensors[T].Name))
      Loose.push_back(&B.Tensors[T]);

  for (size_t K = 0; K < M.Keys.size(); ++K) {
    if (Present[K] || !mayBeMissing(M.Keys[K]))
      continue;
    MissingKey Miss{&M.Keys[K], {}};
    for (const TensorInfo *T : Loose)
      if (roleEquivalent(*T, M.Keys[K]))
        Miss.Partners.push_back(T);
    // A key under a condition paramlint cannot decide (`bias=config.bias`)
    // is missing only when the checkpoint spells it another way: then the
    // condition held for the model it was saved from.
    if (M.Keys[K].Conditional && Miss.Partners.empty())
      continue;
    D.Missing.push_back(std::move(Miss));
  }

  // Each loose tensor's partner: the one missing key of its module and role.
  std::map<std::string, size_t> GroupOf;
  std::vector<std::pair<std::string, std::string>> Proposed;
  for (const TensorInfo *T : Loose) {
    const KeySlot *Partner = nullptr;
    bool Ambiguous = false;
    for (const MissingKey &Miss : D.Missing)
      if (std::find(Miss.Partners.begin(), Miss.Partners.end(), T) !=
          Miss.Partners.end()) {
        Ambiguous |= Partner != nullptr;
        Partner = Miss.Key;
      }
    if (Ambiguous)
      Partner = nullptr;
    std::string Pattern = indexPattern(T->Name);
    auto [It, New] = GroupOf.emplace(Pattern, D.Unexpected.size());
    if (New)
      D.Unexpected.push_back(UnexpectedGroup{Pattern, {}, Partner});
    UnexpectedGroup &G = D.Unexpected[It->second];
    G.Tensors.push_back(T);
    if (G.Partner != Partner)
      G.Partner = nullptr; // Layers that disagree: no single partner.
    if (Partner)
      Proposed.push_back({T->Name, std::string(keyParent(T->Name)) + "." +
                                       std::string(keyLeaf(Partner->Key))});
  }
  // Two tensors of one module with the role of one key (`g` and `gamma`):
  // the map could only guess which one is the weight, so neither is renamed.
  std::map<std::string, size_t> Targets;
  for (const auto &P : Proposed)
    ++Targets[P.second];
  for (const auto &P : Proposed)
    if (Targets[P.second] == 1)
      D.Renames.insert(P);
  return D;
}

std::string conventionsUsing(std::string_view Name) {
  std::string Out;
  for (const NamingConvention &C : Conventions::current().libraries())
    if (C.Scale == Name || C.Shift == Name)
      Out += (Out.empty() ? "" : " or ") + C.Name;
  return Out;
}

std::string renameMapJson(const std::map<std::string, std::string> &Renames) {
  nlohmann::ordered_json J = nlohmann::ordered_json::object();
  for (const auto &[From, To] : Renames)
    J[From] = To;
  return J.dump(2);
}

std::string renameHookSnippet(const std::map<std::string, std::string> &Renames) {
  // Every rename changes a leaf only, so the hook needs one rule per module
  // pattern and leaf pair, however many layers there are: `h\.\d+\.ln_1`
  // with `gamma` → `weight`.
  std::set<std::tuple<std::string, std::string, std::string>> Rules;
  for (const auto &[From, To] : Renames) {
    std::string Regex;
    for (char C : indexPattern(keyParent(From))) {
      if (C == '*')
        Regex += "\\d+";
      else if (std::isalnum(static_cast<unsigned char>(C)) || C == '_')
        Regex += C;
      else
        Regex += std::string("\\") + C;
    }
    Rules.insert({Regex, std::string(keyLeaf(From)), std::string(keyLeaf(To))});
  }
  std::string List;
  for (const auto &[Module, Old, New] : Rules)
    List += fmt::format("    (r\"{}\", {}, {}),\n", Module, nlohmann::json(Old).dump(),
                        nlohmann::json(New).dump());
  return "import re\n"
         "\n"
         "RENAMES = [  # (module regex, checkpoint leaf, model leaf)\n" +
         List +
         "]\n"
         "\n"
         "def _rename_checkpoint_keys(state_dict, prefix, *args, renames=RENAMES):\n"
         "    for key in [k for k in state_dict if k.startswith(prefix)]:\n"
         "        module, _, leaf = key[len(prefix):].rpartition(\".\")\n"
         "        for pattern, old, new in renames:\n"
         "            if leaf == old and re.fullmatch(pattern, module):\n"
         "                state_dict[prefix + module + \".\" + new] = state_dict.pop(key)\n"
         "                break\n"
         "\n"
         "model._register_load_state_dict_pre_hook(_rename_checkpoint_keys)\n";
}

} // namespace paramlint
