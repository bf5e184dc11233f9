//===- graph/RootKeyIndex.cpp - Which root models can explain a key -------===//
#include "graph/RootKeyIndex.h"

#include "checks/Conventions.h"
#include "graph/KeyPattern.h"
#include "graph/ParamGraph.h"

#include <algorithm>

namespace paramlint {

std::string RootKeyIndex::pairKey(std::string_view Parent,
                                  std::string_view Leaf) {
  std::string K(Parent);
  K += '\n'; // Never part of a key component.
  K += Leaf;
  return K;
}

RootKeyIndex::RootKeyIndex(const std::vector<std::unique_ptr<Model>> &Models) {
  for (unsigned I = 0; I < Models.size(); ++I) {
    const Model &M = *Models[I];
    if (!M.IsRoot)
      continue;
    if (!M.WildcardLeaf.empty())
      WildcardLeaf.push_back(I);
    for (const auto &[Leaf, Keys] : M.ByLeaf) {
      ByLeaf[Leaf].push_back(I);
      if (!Keys.OpenParent.empty())
        OpenParentByLeaf[Leaf].push_back(I);
      for (const auto &Entry : Keys.ByParent)
        ByParentLeaf[pairKey(Entry.first, Leaf)].push_back(I);
    }
  }
  Count.assign(Models.size(), 0);
  LastKey.assign(Models.size(), 0);
}

void RootKeyIndex::add(const std::vector<unsigned> *Models, unsigned Stamp) {
  if (!Models)
    return;
  for (unsigned M : *Models) {
    if (LastKey[M] == Stamp)
      continue; // Counted for this key already.
    LastKey[M] = Stamp;
    if (Count[M]++ == 0)
      Touched.push_back(M);
  }
}

void RootKeyIndex::collect(const std::vector<std::string_view> &Keys) {
  for (unsigned M : Touched)
    Count[M] = 0;
  Touched.clear();
  auto Find = [](const auto &Map, const std::string &K) {
    auto It = Map.find(K);
    return It == Map.end() ? nullptr : &It->second;
  };
  for (std::string_view Key : Keys) {
    unsigned Stamp = ++Query;
    std::string_view Leaf = keyLeaf(Key);
    std::string_view Parent = keyLeaf(keyParent(Key));
    // The leaf itself, and the names of its role under other conventions.
    std::vector<std::string_view> Leaves{Leaf};
    Role R = Conventions::builtin().roleOf(Leaf);
    if (R == Role::Scale || R == Role::Shift)
      for (const std::string &Name : Conventions::builtin().namesOf(R))
        Leaves.push_back(Name);
    bool OpenUse = Parent.find('*') != std::string_view::npos;
    for (std::string_view L : Leaves) {
      std::string LeafKey(L);
      if (OpenUse) {
        add(Find(ByLeaf, LeafKey), Stamp);
        continue;
      }
      add(Find(ByParentLeaf, pairKey(Parent, L)), Stamp);
      add(Find(OpenParentByLeaf, LeafKey), Stamp);
    }
    add(&WildcardLeaf, Stamp);
  }
  std::sort(Touched.begin(), Touched.end());
}

} // namespace paramlint
