//===- graph/ParamGraph.cpp - The parameter-name graph --------------------===//
#include "graph/ParamGraph.h"

#include "graph/KeyPattern.h"

#include "graph/LibraryClasses.h"
#include "graph/ModulePaths.h"

namespace paramlint {

const char *roleName(Role R) {
  switch (R) {
  case Role::Scale:
    return "scale";
  case Role::Shift:
    return "shift";
  case Role::RunningStat:
    return "running-stat";
  case Role::Other:
    break;
  }
  return "other";
}

std::optional<Role> roleFromName(const std::string &Name) {
  for (Role R : {Role::Scale, Role::Shift, Role::RunningStat})
    if (Name == roleName(R))
      return R;
  return std::nullopt;
}

const char *slotKindName(SlotKind K) {
  return K == SlotKind::Buffer ? "buffer" : "parameter";
}

const char *bindingKindName(BindingKind K) {
  switch (K) {
  case BindingKind::Constructor:
    return "constructor";
  case BindingKind::CallSite:
    return "call-site";
  case BindingKind::Annotation:
    return "annotation";
  case BindingKind::Self:
    return "self";
  case BindingKind::BestMatch:
    break;
  }
  return "best-match";
}

const SlotDef *ModuleNode::slot(const std::string &Name) const {
  for (const SlotDef &S : Slots)
    if (S.Name == Name)
      return &S;
  return nullptr;
}

const ModuleNode *ModuleNode::child(const std::string &Name) const {
  for (const auto &[ChildName, Child] : Children)
    if (ChildName == Name)
      return Child.get();
  return nullptr;
}

std::vector<const SlotDef *> ModuleNode::slotsWithRole(Role R) const {
  std::vector<const SlotDef *> Out;
  for (const SlotDef &S : Slots)
    if (S.TheRole == R)
      Out.push_back(&S);
  return Out;
}

void Model::indexKeys() {
  ByLeaf.clear();
  WildcardLeaf.clear();
  for (const KeySlot &K : Keys) {
    std::string_view Leaf = keyLeaf(K.Key);
    if (Leaf.find('*') != std::string_view::npos) {
      WildcardLeaf.push_back(&K);
      continue;
    }
    LeafKeys &L = ByLeaf[std::string(Leaf)];
    L.All.push_back(&K);
    std::string_view Parent = keyLeaf(keyParent(K.Key));
    if (Parent.find('*') != std::string_view::npos)
      L.OpenParent.push_back(&K);
    else
      L.ByParent[std::string(Parent)].push_back(&K);
  }
}

const Model *ParamGraph::findModel(const std::string &Name) const {
  for (const auto &M : Models)
    if (M->Name == Name)
      return M.get();
  return nullptr;
}

const SourceFile *ParamGraph::fileByPath(const std::string &Path) const {
  for (const SourceFile *F : Files)
    if (F->path() == Path || absolutePath(F->path()).string() == Path)
      return F;
  return nullptr;
}

bool ModuleNode::hasOtherName(const std::string &Name) const {
  return OtherNames.count(Name) || (Library && Library->Attributes.count(Name));
}

namespace {
void appendKey(std::string &Key, const std::string &Part) {
  if (!Key.empty())
    Key += '.';
  Key += Part;
}
} // namespace

Resolution resolvePath(const ModuleNode &Root,
                       const std::vector<PathSegment> &Path) {
  Resolution R;
  const ModuleNode *Node = &Root;
  for (size_t I = 0; I < Path.size(); ++I) {
    const PathSegment &Seg = Path[I];
    R.Owner = Node;
    if (Node->Open) {
      R.K = Resolution::Kind::Unknown;
      return R;
    }
    if (Seg.K == PathSegment::Kind::Index) {
      // A literal index picks its own child or the repeated "*" one; an
      // unknown index can only follow a repeated container.
      const ModuleNode *Child =
          Seg.Name == "*" ? nullptr : Node->child(Seg.Name);
      std::string Name = Seg.Name;
      if (!Child) {
        Child = Node->child("*");
        Name = "*";
      }
      if (!Child) {
        R.K = Resolution::Kind::Unknown;
        return R;
      }
      appendKey(R.Key, Name);
      Node = Child;
      continue;
    }
    if (const SlotDef *S = Node->slot(Seg.Name)) {
      // Whatever follows a parameter is a tensor attribute (`.T`, `.data`).
      appendKey(R.Key, S->Name);
      R.K = Resolution::Kind::Slot;
      R.Slot = S;
      return R;
    }
    if (const ModuleNode *Child = Node->child(Seg.Name)) {
      appendKey(R.Key, Seg.Name);
      Node = Child;
      continue;
    }
    if (Node->hasOtherName(Seg.Name) || LibraryTable::isModuleApi(Seg.Name)) {
      R.K = Resolution::Kind::Other;
      return R;
    }
    R.K = Resolution::Kind::Missing;
    R.MissingAt = I;
    return R;
  }
  R.K = Resolution::Kind::Module;
  R.Owner = Node;
  return R;
}

std::string describeModule(const ModuleNode &Node) {
  std::string Out = "`" + Node.ClassName + "`";
  std::string Params, Subs;
  for (const SlotDef &S : Node.Slots)
    if (S.Kind == SlotKind::Parameter)
      Params += (Params.empty() ? "`" : ", `") + S.Name + "`";
  for (const auto &[Name, Child] : Node.Children)
    Subs += (Subs.empty() ? "`" : ", `") + Name + "`";
  if (!Params.empty())
    Out += " (parameters " + Params + ")";
  else if (!Subs.empty())
    Out += " (submodules " + Subs + ")";
  else
    Out += " (no parameters)";
  return Out;
}

} // namespace paramlint
