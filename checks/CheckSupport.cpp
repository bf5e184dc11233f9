//===- checks/CheckSupport.cpp - Pieces several checks share --------------===//
#include "checks/CheckSupport.h"

#include "checks/Conventions.h"
#include "graph/CheckpointBinding.h"

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
  Role R = Conventions::builtin().roleOf(Name);
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

} // namespace paramlint
