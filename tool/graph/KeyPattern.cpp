//===- graph/KeyPattern.cpp - Matching key patterns against key spaces ----===//
#include "graph/KeyPattern.h"

#include "checks/Conventions.h"
#include "graph/ParamGraph.h"

#include <cctype>
#include <vector>

namespace paramlint {

std::string_view keyLeaf(std::string_view Key) {
  size_t Cut = Key.find_last_of("./");
  return Cut == std::string_view::npos ? Key : Key.substr(Cut + 1);
}

std::string_view keyParent(std::string_view Key) {
  size_t Cut = Key.find_last_of("./");
  return Cut == std::string_view::npos ? std::string_view() : Key.substr(0, Cut);
}

namespace {

bool hasWildcard(std::string_view S) {
  return S.find('*') != std::string_view::npos;
}

/// Memoised matching over (position in Use, position in Key). Use's `*`
/// takes any run of characters; Key's `*` is an index, i.e. a run of at
/// least one digit in Use (or absorbed by a `*` of Use).
class Matcher {
public:
  Matcher(std::string_view U, std::string_view K) : U(U), K(K), Memo(buffer()) {
    Memo.assign((U.size() + 1) * (K.size() + 1), -1);
  }

  bool match(size_t I, size_t J) {
    signed char &M = Memo[I * (K.size() + 1) + J];
    if (M >= 0)
      return M;
    M = compute(I, J);
    return M;
  }

private:
  std::string_view U, K;
  /// One memo table per thread, reused: matching is the linker's inner loop.
  static std::vector<signed char> &buffer() {
    thread_local std::vector<signed char> B;
    return B;
  }
  std::vector<signed char> &Memo;

  bool compute(size_t I, size_t J) {
    if (I == U.size() && J == K.size())
      return true;
    if (I < U.size() && U[I] == '*') {
      if (match(I + 1, J))
        return true;
      return J < K.size() && match(I, J + 1);
    }
    if (J < K.size() && K[J] == '*') {
      size_t D = I;
      while (D < U.size() && std::isdigit(static_cast<unsigned char>(U[D]))) {
        ++D;
        if (match(D, J + 1))
          return true;
      }
      return false;
    }
    return I < U.size() && J < K.size() && U[I] == K[J] && match(I + 1, J + 1);
  }
};

} // namespace

bool explainsKey(const Model &M, std::string_view Key) {
  std::string_view Leaf = keyLeaf(Key);
  Role R = Conventions::builtin().roleOf(Leaf);
  bool Convention = R == Role::Scale || R == Role::Shift;
  std::string Parent(keyParent(Key));
  auto Equivalent = [&](const KeySlot &K) {
    if (K.Slot->TheRole != R)
      return false;
    std::string KeyLeaf(keyLeaf(K.Key));
    return keyMatches(Parent.empty() ? KeyLeaf : Parent + "." + KeyLeaf, K.Key);
  };
  if (hasWildcard(Leaf) || M.ByLeaf.empty()) {
    // A use whose leaf is open can match any key: the slow, complete way.
    for (const KeySlot &K : M.Keys)
      if (keyMatches(Key, K.Key) || (Convention && Equivalent(K)))
        return true;
    return false;
  }
  auto It = M.ByLeaf.find(std::string(Leaf));
  if (It != M.ByLeaf.end())
    for (const KeySlot *K : It->second)
      if (keyMatches(Key, K->Key))
        return true;
  for (const KeySlot *K : M.WildcardLeaf)
    if (keyMatches(Key, K->Key) || (Convention && Equivalent(*K)))
      return true;
  if (!Convention)
    return false;
  // The same role under another convention's name: only leaves that are
  // names of that role can be it.
  for (const std::string &Name : Conventions::builtin().namesOf(R)) {
    auto Same = M.ByLeaf.find(Name);
    if (Same != M.ByLeaf.end())
      for (const KeySlot *K : Same->second)
        if (Equivalent(*K))
          return true;
  }
  return false;
}

bool keyMatches(std::string_view Use, std::string_view ModelKey) {
  // Most pairs differ in their leaf: decide those without the full match.
  std::string_view UL = keyLeaf(Use), KL = keyLeaf(ModelKey);
  if (!hasWildcard(UL) && !hasWildcard(KL) && UL != KL)
    return false;
  if (!hasWildcard(Use) && !hasWildcard(ModelKey))
    return Use == ModelKey;
  // Then by the component before the leaf (`norm1` in `...norm1.weight`).
  std::string_view UP = keyLeaf(keyParent(Use)), KP = keyLeaf(keyParent(ModelKey));
  if (!hasWildcard(UL) && !hasWildcard(KL) && !UP.empty() && !KP.empty() &&
      !hasWildcard(UP) && !hasWildcard(KP) &&
      UP != KP && UL.size() < Use.size() && KL.size() < ModelKey.size())
    return false;
  return Matcher(Use, ModelKey).match(0, 0);
}

} // namespace paramlint
