//===- checks/CheckpointShapeMismatchCheck.cpp - PL203 --------------------===//
#include "checks/CheckpointShapeMismatchCheck.h"

#include "checks/CheckSupport.h"
#include "checks/Conventions.h"
#include "graph/CheckpointBinding.h"
#include "graph/KeyPattern.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace paramlint {
namespace {

/// The norm module of M a tensor belongs to, when its leaf has a norm role
/// (any convention's spelling) and its module path is a norm of M.
const ModuleNode *normOf(const Model &M, const TensorInfo &T) {
  std::string_view Leaf = keyLeaf(T.Name);
  Role R = Conventions::current().roleOf(Leaf);
  if ((R != Role::Scale && R != Role::Shift && R != Role::RunningStat) ||
      Leaf == "num_batches_tracked")
    return nullptr;
  std::string Parent(keyParent(T.Name));
  for (const KeySlot &K : M.Keys) {
    if (!K.Owner->IsNorm)
      continue;
    std::string Leaf(keyLeaf(K.Key));
    if (keyMatches(Parent.empty() ? Leaf : Parent + "." + Leaf, K.Key))
      return K.Owner;
  }
  return nullptr;
}

} // namespace

void CheckpointShapeMismatchCheck::run(const ParamGraph &Graph,
                                       DiagnosticSink &Out) const {
  for (const CheckpointBinding &B : Graph.Checkpoints) {
    if (!B.TheModel)
      continue;
    // Module path (`h.0.ln_1`) → its norm and tensors, in checkpoint order.
    std::map<std::string, std::pair<const ModuleNode *, std::vector<const TensorInfo *>>>
        Modules;
    std::vector<std::string> Order;
    for (const TensorInfo &T : B.Tensors)
      if (const ModuleNode *Norm = normOf(*B.TheModel, T)) {
        std::string Parent(keyParent(T.Name));
        auto [It, New] = Modules.try_emplace(Parent, Norm, std::vector<const TensorInfo *>{});
        if (New)
          Order.push_back(Parent);
        It->second.second.push_back(&T);
      }
    // One finding per module pattern, showing its first disagreeing module.
    std::set<std::string> Reported;
    for (const std::string &Path : Order) {
      const auto &[Norm, Tensors] = Modules[Path];
      bool Disagree = false;
      for (const TensorInfo *T : Tensors)
        Disagree |= T->Shape != Tensors.front()->Shape;
      if (!Disagree || !Reported.insert(indexPattern(Path)).second)
        continue;
      std::string List;
      for (const TensorInfo *T : Tensors)
        List += fmt::format("{}`{}` {}", List.empty() ? "" : ", ",
                            keyLeaf(T->Name), shapeText(T->Shape));
      Diagnostic D;
      D.Code = Info.Code;
      D.Where = B.TheModel->Where;
      std::string Pattern = indexPattern(Path);
      D.Message = fmt::format(
          "the checkpoint `{}` gives the tensors of `{}` (a `{}` of `{}`{}) "
          "different shapes: {}; a norm's scale, shift and running "
          "statistics share one shape",
          B.Path, Path, Norm->ClassName, B.TheModel->Name,
          Pattern == Path ? "" : fmt::format("; key pattern `{}`", Pattern), List);
      D.Notes.push_back(checkpointNote(B));
      Out.report(std::move(D));
    }
  }
}

} // namespace paramlint
