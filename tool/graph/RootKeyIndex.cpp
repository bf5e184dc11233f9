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

/// Whether every `*` of a model key is a whole component (`h.*.weight`),
/// the form the exact index can hold.
static bool wildcardsAreWholeComponents(std::string_view Key) {
  for (size_t I = 0; I < Key.size(); ++I) {
    if (Key[I] != '*')
      continue;
    bool StartsComponent = I == 0 || Key[I - 1] == '.' || Key[I - 1] == '/';
    bool EndsComponent =
        I + 1 == Key.size() || Key[I + 1] == '.' || Key[I + 1] == '/';
    if (!StartsComponent || !EndsComponent)
      return false;
  }
  return true;
}

RootKeyIndex::RootKeyIndex(const std::vector<std::unique_ptr<Model>> &Models,
                           const std::vector<unsigned> &FirstOfSpace)
    : Models(Models) {
  for (unsigned I = 0; I < Models.size(); ++I) {
    const Model &M = *Models[I];
    if (!M.IsRoot || (I < FirstOfSpace.size() && FirstOfSpace[I] != I))
      continue;
    Roots.push_back(I);
    bool Exactly = M.WildcardLeaf.empty() && !M.ByLeaf.empty();
    for (const KeySlot &K : M.Keys)
      Exactly = Exactly && wildcardsAreWholeComponents(K.Key);
    ExactModel.resize(Models.size());
    ExactModel[I] = Exactly;
    if (Exactly)
      for (const KeySlot &K : M.Keys)
        Exact[K.Key].push_back({I, static_cast<int>(K.Slot->TheRole)});
    else
      NotExact.push_back(I);
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
  ExactModel.resize(Models.size());
  prepare(Own);
}

void RootKeyIndex::prepare(Scratch &S) const {
  if (S.Count.size() == Models.size())
    return;
  S.Count.assign(Models.size(), 0);
  S.LastKey.assign(Models.size(), 0);
  S.ExplainedFor.assign(Models.size(), 0);
}

void RootKeyIndex::addExplainer(unsigned M, Scratch &S) const {
  if (S.ExplainedFor[M] == S.ExplainQuery)
    return;
  S.ExplainedFor[M] = S.ExplainQuery;
  S.Explainers.push_back(M);
}

void RootKeyIndex::lookupExact(const std::string &Key, int RequiredRole,
                               Scratch &S) const {
  // The components a model's `*` could stand for: runs of digits.
  std::vector<std::pair<size_t, size_t>> Digits; // (begin, length)
  for (size_t Begin = 0; Begin <= Key.size();) {
    size_t End = Key.find_first_of("./", Begin);
    if (End == std::string::npos)
      End = Key.size();
    bool AllDigits = End > Begin;
    for (size_t I = Begin; I < End && AllDigits; ++I)
      AllDigits = Key[I] >= '0' && Key[I] <= '9';
    if (AllDigits)
      Digits.emplace_back(Begin, End - Begin);
    Begin = End + 1;
  }
  for (unsigned Mask = 0; Mask < (1u << Digits.size()); ++Mask) {
    std::string Form;
    size_t From = 0;
    for (size_t D = 0; D < Digits.size(); ++D) {
      if (!(Mask & (1u << D)))
        continue;
      Form.append(Key, From, Digits[D].first - From);
      Form += '*';
      From = Digits[D].first + Digits[D].second;
    }
    Form.append(Key, From, std::string::npos);
    auto It = Exact.find(Form);
    if (It == Exact.end())
      continue;
    for (const Holder &H : It->second)
      if (RequiredRole < 0 || H.TheRole == RequiredRole)
        addExplainer(H.Model, S);
  }
}

void RootKeyIndex::add(const std::vector<unsigned> *Models, unsigned Stamp,
                       Scratch &S) const {
  if (!Models)
    return;
  for (unsigned M : *Models) {
    if (S.LastKey[M] == Stamp)
      continue; // Counted for this key already.
    S.LastKey[M] = Stamp;
    if (S.Count[M]++ == 0)
      S.Touched.push_back(M);
  }
}

void RootKeyIndex::collect(const std::vector<std::string_view> &Keys,
                           Scratch &S) const {
  prepare(S);
  for (unsigned M : S.Touched)
    S.Count[M] = 0;
  S.Touched.clear();
  auto Find = [](const auto &Map, const std::string &K) {
    auto It = Map.find(K);
    return It == Map.end() ? nullptr : &It->second;
  };
  for (std::string_view Key : Keys) {
    unsigned Stamp = ++S.Query;
    std::string_view Leaf = keyLeaf(Key);
    std::string_view Parent = keyLeaf(keyParent(Key));
    // The leaf itself, and the names of its role under other conventions.
    std::vector<std::string_view> Leaves{Leaf};
    Role R = Conventions::current().roleOf(Leaf);
    if (R == Role::Scale || R == Role::Shift)
      for (const std::string &Name : Conventions::current().namesOf(R))
        Leaves.push_back(Name);
    bool OpenUse = Parent.find('*') != std::string_view::npos;
    for (std::string_view L : Leaves) {
      std::string LeafKey(L);
      if (OpenUse) {
        add(Find(ByLeaf, LeafKey), Stamp, S);
        continue;
      }
      add(Find(ByParentLeaf, pairKey(Parent, L)), Stamp, S);
      add(Find(OpenParentByLeaf, LeafKey), Stamp, S);
    }
    add(&WildcardLeaf, Stamp, S);
  }
  std::sort(S.Touched.begin(), S.Touched.end());
}

bool RootKeyIndex::isLiteral(std::string_view Key) {
  size_t DigitComponents = 0;
  for (size_t I = 0; I < Key.size(); ++I)
    DigitComponents += (I == 0 || Key[I - 1] == '.' || Key[I - 1] == '/') &&
                       Key[I] >= '0' && Key[I] <= '9';
  return Key.find('*') == std::string_view::npos && DigitComponents <= 8;
}

std::vector<unsigned> RootKeyIndex::exactExplainers(std::string_view Key,
                                                    Scratch &S) const {
  prepare(S);
  ++S.ExplainQuery;
  S.Explainers.clear();
  lookupExact(std::string(Key), -1, S);
  // The same role under another convention's name, as explainsKey has it.
  Role R = Conventions::current().roleOf(keyLeaf(Key));
  if (R == Role::Scale || R == Role::Shift) {
    std::string Parent(keyParent(Key));
    for (const std::string &Name : Conventions::current().namesOf(R))
      lookupExact(Parent.empty() ? Name : Parent + "." + Name,
                  static_cast<int>(R), S);
  }
  std::vector<unsigned> Out = S.Explainers;
  std::sort(Out.begin(), Out.end());
  return Out;
}

const std::vector<unsigned> &RootKeyIndex::explainers(std::string_view Key,
                                                     Scratch &S) const {
  if (isLiteral(Key)) {
    std::vector<unsigned> Found = exactExplainers(Key, S);
    ++S.ExplainQuery;
    S.Explainers.clear();
    for (unsigned M : Found)
      addExplainer(M, S);
    for (unsigned M : NotExact)
      if (explainsKey(*Models[M], Key))
        addExplainer(M, S);
    return S.Explainers;
  }
  // The candidates (a superset of the explainers), each asked; a key whose
  // leaf is open may be explained by any model.
  std::vector<unsigned> Asked = Roots;
  if (keyLeaf(Key).find('*') == std::string_view::npos) {
    collect({Key}, S);
    Asked = S.Touched;
  }
  prepare(S);
  ++S.ExplainQuery;
  S.Explainers.clear();
  for (unsigned M : Asked)
    if (explainsKey(*Models[M], Key))
      addExplainer(M, S);
  return S.Explainers;
}

} // namespace paramlint
