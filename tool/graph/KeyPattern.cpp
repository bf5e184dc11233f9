//===- graph/KeyPattern.cpp - Matching key patterns against key spaces ----===//
#include "graph/KeyPattern.h"

#include "checks/Conventions.h"
#include "graph/ParamGraph.h"

#include <cctype>
#include <optional>
#include <vector>

namespace paramlint {

/// Offset of the last `.` or `/`, or npos. A plain backward loop:
/// `find_last_of` with a two-character set calls memchr once per character,
/// and this runs for every key comparison the linker makes.
static size_t lastSeparator(std::string_view Key) {
  for (size_t I = Key.size(); I > 0; --I)
    if (Key[I - 1] == '.' || Key[I - 1] == '/')
      return I - 1;
  return std::string_view::npos;
}

std::string_view keyLeaf(std::string_view Key) {
  size_t Cut = lastSeparator(Key);
  return Cut == std::string_view::npos ? Key : Key.substr(Cut + 1);
}

std::string_view keyParent(std::string_view Key) {
  size_t Cut = lastSeparator(Key);
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

/// A literal use against a model key: each `*` of the key takes a run of
/// digits, and taking the whole run is the only choice when what follows
/// the `*` is not a digit, so one left-to-right pass decides. nullopt when
/// a `*` is followed by a digit (the general matcher decides those).
std::optional<bool> matchLiteralUse(std::string_view U, std::string_view K) {
  size_t I = 0;
  for (size_t J = 0; J < K.size(); ++J) {
    if (K[J] != '*') {
      if (I == U.size() || U[I] != K[J])
        return false;
      ++I;
      continue;
    }
    if (J + 1 < K.size() && std::isdigit(static_cast<unsigned char>(K[J + 1])))
      return std::nullopt;
    size_t Begin = I;
    while (I < U.size() && std::isdigit(static_cast<unsigned char>(U[I])))
      ++I;
    if (I == Begin)
      return false;
  }
  return I == U.size();
}

} // namespace

/// Calls Fn on the keys of M with leaf Leaf that a use whose parent
/// component is ParentComp can match (all of them when that component is
/// open), until Fn returns true. Exact: a key whose literal parent
/// component differs from a literal ParentComp never matches (see
/// keyMatches), so skipping it changes no answer.
template <typename Fn>
static bool anyCandidate(const Model &M, std::string_view Leaf,
                         std::string_view ParentComp, Fn &&F) {
  auto It = M.ByLeaf.find(std::string(Leaf));
  if (It == M.ByLeaf.end())
    return false;
  const Model::LeafKeys &L = It->second;
  if (hasWildcard(ParentComp)) {
    for (const KeySlot *K : L.All)
      if (F(*K))
        return true;
    return false;
  }
  auto Same = L.ByParent.find(std::string(ParentComp));
  if (Same != L.ByParent.end())
    for (const KeySlot *K : Same->second)
      if (F(*K))
        return true;
  for (const KeySlot *K : L.OpenParent)
    if (F(*K))
      return true;
  return false;
}

bool explainsKey(const Model &M, std::string_view Key) {
  std::string_view Leaf = keyLeaf(Key);
  Role R = Conventions::current().roleOf(Leaf);
  bool Convention = R == Role::Scale || R == Role::Shift;
  std::string_view ParentView = keyParent(Key);
  // The key as it would read with K's leaf: built in one buffer, as this
  // runs for every key of a role a model lacks.
  std::string Renamed(ParentView);
  if (!Renamed.empty())
    Renamed += '.';
  const size_t RenamedStem = Renamed.size();
  auto Equivalent = [&](const KeySlot &K) {
    if (K.Slot->TheRole != R)
      return false;
    Renamed.resize(RenamedStem);
    Renamed += keyLeaf(K.Key);
    return keyMatches(Renamed, K.Key);
  };
  if (hasWildcard(Leaf) || M.ByLeaf.empty()) {
    // A use whose leaf is open can match any key: the slow, complete way.
    for (const KeySlot &K : M.Keys)
      if (keyMatches(Key, K.Key) || (Convention && Equivalent(K)))
        return true;
    return false;
  }
  std::string_view ParentComp = keyLeaf(ParentView);
  if (anyCandidate(M, Leaf, ParentComp,
                   [&](const KeySlot &K) { return keyMatches(Key, K.Key); }))
    return true;
  for (const KeySlot *K : M.WildcardLeaf)
    if (keyMatches(Key, K->Key) || (Convention && Equivalent(*K)))
      return true;
  if (!Convention)
    return false;
  // The same role under another convention's name: only leaves that are
  // names of that role can be it.
  // Under the leaf's own name the renamed key is Key itself (when its
  // separator is a `.`), tried above with every key whatever its role.
  bool RenamedIsKey = RenamedStem + Leaf.size() == Key.size() &&
                      Key.substr(0, RenamedStem) == Renamed.substr(0, RenamedStem);
  for (const std::string &Name : Conventions::current().namesOf(R))
    if (!(RenamedIsKey && Name == Leaf) &&
        anyCandidate(M, Name, ParentComp, Equivalent))
      return true;
  return false;
}

bool keyMatches(std::string_view Use, std::string_view ModelKey) {
  // After the last `*` of either pattern, and before the first, the two
  // advance one character at a time (a `*` is the only way to take more or
  // less than one), so those ends must be equal and only the middle needs
  // the general matcher. Most pairs differ in their leaf, which is at the
  // end: they are decided by the first loop.
  while (!Use.empty() && !ModelKey.empty() && Use.back() != '*' &&
         ModelKey.back() != '*') {
    if (Use.back() != ModelKey.back())
      return false;
    Use.remove_suffix(1);
    ModelKey.remove_suffix(1);
  }
  size_t Front = 0;
  while (Front < Use.size() && Front < ModelKey.size() && Use[Front] != '*' &&
         ModelKey[Front] != '*') {
    if (Use[Front] != ModelKey[Front])
      return false;
    ++Front;
  }
  Use.remove_prefix(Front);
  ModelKey.remove_prefix(Front);
  // Without a `*` left in either, both ends met: equal only when nothing
  // is left over.
  if (Use.empty() && ModelKey.empty())
    return true;
  if (!hasWildcard(Use)) {
    if (!hasWildcard(ModelKey))
      return false;
    if (std::optional<bool> Direct = matchLiteralUse(Use, ModelKey))
      return *Direct;
  }
  return Matcher(Use, ModelKey).match(0, 0);
}

} // namespace paramlint
