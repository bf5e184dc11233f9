//===- checkpoint/KeyConventions.cpp - Norm naming seen in a key list -----===//
#include "checkpoint/KeyConventions.h"

#include "checks/Conventions.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>

namespace paramlint {

std::vector<ConventionUse> conventionsUsed(const CheckpointInfo &Info) {
  // Group path → leaf name → tensor, in file order of first appearance.
  struct Group {
    std::string Path;
    llvm::StringMap<const TensorInfo *> Leaves;
  };
  std::vector<Group> Groups;
  llvm::StringMap<size_t> Index;
  for (const TensorInfo &T : Info.Tensors) {
    llvm::StringRef Name(T.Name);
    size_t Cut = Name.find_last_of("./");
    if (Cut == llvm::StringRef::npos)
      continue;
    auto [It, New] = Index.try_emplace(Name.take_front(Cut), Groups.size());
    if (New)
      Groups.push_back({Name.take_front(Cut).str(), {}});
    Groups[It->second].Leaves[Name.drop_front(Cut + 1)] = &T;
  }

  std::vector<ConventionUse> Out;
  for (const NamingConvention &C : Conventions::current().libraries()) {
    auto Same = std::find_if(Out.begin(), Out.end(), [&](const ConventionUse &U) {
      return U.Scale == C.Scale && U.Shift == C.Shift;
    });
    if (Same != Out.end()) {
      Same->Library += " / " + C.Name;
      continue;
    }
    ConventionUse Use{C.Name, C.Scale, C.Shift, 0, ""};
    for (const Group &G : Groups) {
      auto S = G.Leaves.find(C.Scale), B = G.Leaves.find(C.Shift);
      if (S == G.Leaves.end() || B == G.Leaves.end())
        continue;
      const TensorInfo &Scale = *S->second, &Shift = *B->second;
      bool Known = !Scale.Shape.empty() || !Shift.Shape.empty();
      if (Known && (Scale.Shape.size() != 1 || Scale.Shape != Shift.Shape))
        continue;
      if (Use.Groups++ == 0)
        Use.Example = G.Path;
    }
    Out.push_back(std::move(Use));
  }
  Out.erase(std::remove_if(Out.begin(), Out.end(),
                           [](const ConventionUse &U) { return U.Groups == 0; }),
            Out.end());
  std::stable_sort(Out.begin(), Out.end(),
                   [](const ConventionUse &A, const ConventionUse &B) {
                     return A.Groups > B.Groups;
                   });
  return Out;
}

} // namespace paramlint
