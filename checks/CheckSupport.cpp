//===- checks/CheckSupport.cpp - Pieces several checks share --------------===//
#include "checks/CheckSupport.h"

#include "checks/Conventions.h"

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

} // namespace paramlint
