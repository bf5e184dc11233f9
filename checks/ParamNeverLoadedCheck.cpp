//===- checks/ParamNeverLoadedCheck.cpp - PL103 ---------------------------===//
#include "checks/ParamNeverLoadedCheck.h"

#include "checks/CheckSupport.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace paramlint {
namespace {

std::string parentKey(const std::string &Key) {
  size_t Dot = Key.rfind('.');
  return Dot == std::string::npos ? "" : Key.substr(0, Dot);
}

std::string join(const std::string &Prefix, const std::string &Name) {
  return Prefix.empty() ? Name : Prefix + "." + Name;
}

/// The module at a key prefix (`trf_blocks.*.norm1`) of a model's tree.
const ModuleNode *nodeAt(const ModuleNode &Root, const std::string &Prefix) {
  const ModuleNode *Node = &Root;
  size_t Begin = 0;
  while (Node && Begin < Prefix.size()) {
    size_t Dot = Prefix.find('.', Begin);
    Node = Node->child(Prefix.substr(Begin, Dot - Begin));
    if (Dot == std::string::npos)
      break;
    Begin = Dot + 1;
  }
  return Node;
}

} // namespace

void ParamNeverLoadedCheck::run(const ParamGraph &Graph,
                                DiagnosticSink &Out) const {
  for (const Loader &L : Graph.Loaders) {
    // A model's own methods initialise rather than load.
    if (L.How == BindingKind::Self)
      continue;
    std::set<std::string> Loaded;
    std::set<std::string> LoadedModules; // Whole modules replaced.
    std::map<std::string, const ModuleNode *> Touched;
    const BoundAccess *First = nullptr;
    for (size_t I : L.Accesses) {
      const BoundAccess &B = Graph.Accesses[I];
      if (B.Fact->K == AccessFact::Kind::Read)
        continue;
      // `w.fill_(1.0)`, `w.normal_()`: initialising, not loading.
      if (B.Fact->K == AccessFact::Kind::Mutate && B.Fact->Sources.empty() &&
          !B.Fact->ValueIsParameter)
        continue;
      const Resolution &R = B.Resolved;
      if (R.K == Resolution::Kind::Slot) {
        Loaded.insert(R.Key);
        Touched.emplace(parentKey(R.Key), R.Owner);
      } else if (R.K == Resolution::Kind::Missing &&
                 R.MissingAt + 1 == B.Path.size() && R.Owner) {
        // A wrong name in another convention is PL101's finding; here it
        // counts as loading the parameter it meant.
        if (const SlotDef *S = roleEquivalent(*R.Owner, B.Path.back().Name)) {
          Loaded.insert(join(R.Key, S->Name));
          Touched.emplace(R.Key, R.Owner);
        }
      } else if (R.K == Resolution::Kind::Module) {
        LoadedModules.insert(R.Key);
      } else {
        continue;
      }
      if (!First)
        First = &B;
    }
    // One write is a tweak (tying, a patch), not a loader with a plan.
    if (!First || Loaded.size() < 2)
      continue;

    // The layers expected: those touched, and their same-class siblings.
    std::map<std::string, const ModuleNode *> Expected = Touched;
    for (const auto &[Prefix, Owner] : Touched) {
      std::string Parent = parentKey(Prefix);
      const ModuleNode *ParentNode =
          Prefix.empty() ? nullptr : nodeAt(*L.TheModel->Root, Parent);
      if (!ParentNode)
        continue;
      for (const auto &[Name, Child] : ParentNode->Children)
        if (Child->ClassName == Owner->ClassName && !Child->Open)
          Expected.emplace(join(Parent, Name), Child.get());
    }

    // A whole-state load of the model (or of a submodule) in the same
    // function (`model.load_state_dict(sd)`, libtorch's `torch::load(model,
    // path)`) fills every key under its prefix: the writes only patch.
    std::vector<std::string> LoadedPrefixes;
    for (const BoundLoad &Load : Graph.Loads)
      if (Load.File == L.File && Load.TheModel == L.TheModel &&
          Load.Fact->Scope == First->Fact->Scope && Load.Fact->Strict != false)
        LoadedPrefixes.push_back(Load.Prefix);
    auto LoadedWhole = [&](const std::string &Key) {
      for (const std::string &P : LoadedPrefixes)
        if (Key.compare(0, P.size(), P) == 0)
          return true;
      return false;
    };

    std::vector<std::string> Missing;
    for (const auto &[Prefix, Node] : Expected) {
      if (LoadedModules.count(Prefix) || Node->Open || Node->Conditional)
        continue;
      for (const SlotDef &S : Node->Slots) {
        std::string Key = join(Prefix, S.Name);
        if (S.Kind == SlotKind::Parameter && !S.Conditional && !Loaded.count(Key) &&
            !LoadedWhole(Key))
          Missing.push_back(Key);
      }
    }
    if (Missing.empty())
      continue;

    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{L.File, L.Where};
    std::string List;
    for (size_t I = 0; I < Missing.size() && I < 8; ++I)
      List += (I ? ", `" : "`") + Missing[I] + "`";
    if (Missing.size() > 8)
      List += fmt::format(" and {} more", Missing.size() - 8);
    D.Message = fmt::format(
        "`{}` loads `{}` of `{}` but never {}: {} its initial value",
        L.Function, *Loaded.begin(), L.TheModel->Name, List,
        Missing.size() == 1 ? "it keeps" : "they keep");
    D.Notes.push_back(modelNote(*First));
    Out.report(std::move(D));
  }
}

} // namespace paramlint
