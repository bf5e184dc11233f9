//===- checks/CheckSupport.cpp - Pieces several checks share --------------===//
#include "checks/CheckSupport.h"

#include "checks/Conventions.h"
#include "graph/CheckpointBinding.h"
#include "graph/NormLayer.h"

#include <fmt/format.h>

namespace paramlint {

Note modelNote(const BoundAccess &B) {
  const Model &M = *B.TheModel;
  std::string Text =
      fmt::format("model: `{}` ({})", M.Name, formatLocation(M.Where));
  switch (B.How) {
  case BindingKind::Constructor:
    if (B.InstanceWhere)
      Text += ", built at " + formatLocation(*B.InstanceWhere);
    break;
  case BindingKind::CallSite:
    Text += ", passed in at a call site";
    if (B.InstanceWhere)
      Text += " from the model built at " + formatLocation(*B.InstanceWhere);
    break;
  case BindingKind::Annotation:
    Text += fmt::format(", from the annotation of `{}`", B.Fact->Root);
    break;
  case BindingKind::Self:
    Text += ", through `self`";
    break;
  case BindingKind::BestMatch:
    Text += fmt::format(", best match for `{}` (confidence {:.2f})",
                        B.Fact->Root, B.Confidence);
    break;
  }
  return Note{Text, M.Where};
}

std::string pathText(const std::vector<PathSegment> &Path, size_t N) {
  std::string Out;
  for (size_t I = 0; I < N && I < Path.size(); ++I) {
    if (Path[I].K == PathSegment::Kind::Index)
      Out += "[" + Path[I].Name + "]";
    else
      Out += (Out.empty() ? "" : ".") + Path[I].Name;
  }
  return Out;
}

const SlotDef *roleEquivalent(const ModuleNode &Owner, const std::string &Name) {
  if (!Owner.IsNorm)
    return nullptr;
  Role R = Conventions::current().roleOf(Name);
  if (R != Role::Scale && R != Role::Shift)
    return nullptr;
  std::vector<const SlotDef *> Same = Owner.slotsWithRole(R);
  return Same.size() == 1 ? Same.front() : nullptr;
}

Note checkpointNote(const CheckpointBinding &B) {
  std::string Text = fmt::format("checkpoint: `{}` ({}, {} tensors", B.Path,
                                 B.Format, B.Tensors.size());
  if (!B.Prefix.empty())
    Text += fmt::format(" under `{}`", B.Prefix);
  Text += fmt::format("), bound to `{}` (explains {:.0f}% of its names)",
                      B.TheModel ? B.TheModel->Name : "?", B.Confidence * 100);
  return Note{Text, std::nullopt};
}

std::optional<Fix> renameMapFix(const std::map<std::string, std::string> &Renames) {
  if (Renames.empty())
    return std::nullopt;
  Fix F;
  F.Applies = Applicability::Unsafe;
  // The map itself grows with the layers: past a screenful, the message
  // shows its start and `--emit-rename-map` writes it whole.
  constexpr size_t Shown = 32;
  std::map<std::string, std::string> Head;
  for (const auto &Entry : Renames)
    if (Head.size() < Shown)
      Head.insert(Entry);
  F.Message = fmt::format(
      "Rename the checkpoint's keys when loading with this map{}:\n{}\n"
      "or with a load hook on the model:\n{}",
      Renames.size() > Shown
          ? fmt::format(" (the first {} of {} entries; `check --emit-rename-map "
                        "FILE` writes them all)",
                        Shown, Renames.size())
          : "",
      renameMapJson(Head), renameHookSnippet(Renames));
  return F;
}

std::string renameMapPreview(const std::map<std::string, std::string> &Renames) {
  constexpr size_t Shown = 3;
  std::string Out;
  size_t I = 0;
  for (const auto &[From, To] : Renames) {
    if (I++ == Shown)
      break;
    Out += fmt::format("{}\"{}\": \"{}\"", Out.empty() ? "" : ", ", From, To);
  }
  if (Renames.size() <= Shown)
    return "rename map: {" + Out + "}";
  return fmt::format("rename map: {{{}, …}} ({} entries; `check "
                     "--emit-rename-map FILE` writes them all)",
                     Out, Renames.size());
}

namespace {

void collectWidths(const ModuleNode &Node, std::map<const ClassFact *, NormClassUse *> &Uses,
                   unsigned Depth) {
  if (Depth > 64)
    return;
  if (Node.Class) {
    auto It = Uses.find(Node.Class);
    if (It != Uses.end() && Node.Args) {
      std::optional<NormLayer> L = normLayerOf(Node);
      if (L && L->Width)
        It->second->Widths.insert(*L->Width);
      else
        It->second->SomeWidthUnknown = true;
    }
  }
  for (const auto &[Name, Child] : Node.Children)
    collectWidths(*Child, Uses, Depth + 1);
}

} // namespace

std::vector<NormClassUse> normClasses(const ParamGraph &Graph) {
  std::vector<NormClassUse> Out;
  for (const auto &M : Graph.Models) {
    const ClassFact *C = M->Root->Class;
    if (!C || !C->Norm || C->Norm->K == NormSemanticsFact::Kind::Unknown ||
        M->Root->File == nullptr)
      continue;
    NormClassUse U;
    U.Root = M->Root.get();
    U.Fact = &*C->Norm;
    if (C->Norm->WidthValue)
      U.Widths.insert(*C->Norm->WidthValue);
    Out.push_back(std::move(U));
  }
  std::map<const ClassFact *, NormClassUse *> ByClass;
  for (NormClassUse &U : Out)
    ByClass[U.Root->Class] = &U;
  for (const auto &M : Graph.Models)
    collectWidths(*M->Root, ByClass, 0);
  return Out;
}

std::string effectAtWidths(const NormClassUse &Use, double (*Effect)(unsigned),
                           const std::string &Fallback) {
  std::string Out;
  unsigned Shown = 0;
  for (unsigned N : Use.Widths) {
    if (Shown++ == 3) {
      Out += ", ...";
      break;
    }
    if (!Out.empty())
      Out += ", ";
    Out += fmt::format("{:+.3g}% at n={}", Effect(N) * 100, N);
  }
  return Out.empty() ? Fallback : Out;
}

} // namespace paramlint
