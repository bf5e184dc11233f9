//===- KeyIndexTest.cpp - The fast key paths agree with the plain ones ----===//
///
/// keyMatches compares the literal ends of two patterns before its general
/// matcher and has a one-pass path for literal uses, explainsKey looks only
/// at keys with the use's leaf and parent component, and RootKeyIndex
/// counts candidate models. Each is checked here against the definition it
/// shortcuts, on many seeded random keys built from a small alphabet so that
/// near misses are common.
//===----------------------------------------------------------------------===//
#include "checks/Conventions.h"
#include "graph/KeyPattern.h"
#include "graph/ParamGraph.h"
#include "graph/RootKeyIndex.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <set>
#include <regex>

using namespace paramlint;

namespace {

const std::vector<std::string> Components = {
    "h", "0", "12", "ln_1", "norm", "norm1", "weight", "bias", "scale",
    "gamma", "b", "g", "conv1", "blocks", "1"};

std::string randomKey(std::mt19937 &Rng, bool ModelSide, bool AllowUseStar) {
  std::uniform_int_distribution<int> Len(1, 4), Pick(0, Components.size() - 1),
      Coin(0, 5);
  std::string K;
  int N = Len(Rng);
  for (int I = 0; I < N; ++I) {
    if (I)
      K += Coin(Rng) == 0 ? "/" : ".";
    if (ModelSide && Coin(Rng) == 0)
      K += Coin(Rng) == 0 ? "norm*" : "*"; // A partial `*` is rare but legal.
    else if (AllowUseStar && Coin(Rng) == 0)
      K += Coin(Rng) < 3 ? "*" : "norm*";
    else
      K += Components[Pick(Rng)];
  }
  return K;
}

/// The definition: a model `*` is one or more digits; the use is literal.
bool referenceMatch(const std::string &Use, const std::string &ModelKey) {
  std::string Re;
  for (char C : ModelKey)
    Re += C == '*' ? std::string("[0-9]+")
                   : (std::isalnum(static_cast<unsigned char>(C)) || C == '_')
                         ? std::string(1, C)
                         : std::string("\\") + C;
  return std::regex_match(Use, std::regex(Re));
}

/// A model whose keys are given, each slot with the role its leaf names.
std::unique_ptr<Model> makeModel(const std::vector<std::string> &Keys,
                                 std::deque<SlotDef> &Slots) {
  auto M = std::make_unique<Model>();
  for (const std::string &K : Keys) {
    SlotDef &S = Slots.emplace_back();
    S.Name = std::string(keyLeaf(K));
    S.TheRole = Conventions::builtin().roleOf(S.Name);
    KeySlot KS;
    KS.Key = K;
    KS.Slot = &S;
    M->Keys.push_back(KS);
  }
  M->indexKeys();
  return M;
}

/// explainsKey as its documentation defines it, over every key.
bool referenceExplains(const Model &M, const std::string &Use) {
  std::string_view Leaf = keyLeaf(Use);
  Role R = Conventions::builtin().roleOf(Leaf);
  bool Convention = R == Role::Scale || R == Role::Shift;
  std::string Parent(keyParent(Use));
  for (const KeySlot &K : M.Keys) {
    if (keyMatches(Use, K.Key))
      return true;
    std::string Renamed = Parent.empty() ? std::string(keyLeaf(K.Key))
                                         : Parent + "." + std::string(keyLeaf(K.Key));
    if (Convention && K.Slot->TheRole == R && keyMatches(Renamed, K.Key))
      return true;
  }
  return false;
}

/// keyMatches as KeyPattern.h defines it, by plain recursion: a use's `*`
/// takes any run of the model key (its `*`s too), a model key's `*` one or
/// more digits of the use.
bool referencePatternMatch(std::string_view U, std::string_view K) {
  if (U.empty() && K.empty())
    return true;
  if (!U.empty() && U[0] == '*')
    for (size_t Take = 0; Take <= K.size(); ++Take)
      if (referencePatternMatch(U.substr(1), K.substr(Take)))
        return true;
  if (!K.empty() && K[0] == '*') {
    for (size_t D = 0; D < U.size() && std::isdigit(static_cast<unsigned char>(U[D])); ++D)
      if (referencePatternMatch(U.substr(D + 1), K.substr(1)))
        return true;
    return false;
  }
  return !U.empty() && !K.empty() && U[0] != '*' && U[0] == K[0] &&
         referencePatternMatch(U.substr(1), K.substr(1));
}

} // namespace

TEST(KeyIndexTest, PatternUsesAgreeWithDefinition) {
  // Uses with `*`s against model keys: the literal ends are compared
  // before the general matcher runs, which must change no answer.
  std::mt19937 Rng(5);
  size_t Matches = 0;
  for (int I = 0; I < 20000; ++I) {
    std::string Model = randomKey(Rng, /*ModelSide=*/true, false);
    std::string Use = randomKey(Rng, false, /*AllowUseStar=*/true);
    if (I % 2) { // Derived from the model key: indices and stars in its place.
      Use.clear();
      for (char C : Model)
        Use += C != '*' ? std::string(1, C)
               : Rng() % 3 ? std::to_string(Rng() % 20)
                           : std::string("*");
      if (Rng() % 3 == 0) // A use whose front is unknown: `f"{p}.{rest}"`.
        Use = "*" + Use.substr(std::min<size_t>(Use.size(), Rng() % 6));
    }
    bool Expected = referencePatternMatch(Use, Model);
    Matches += Expected;
    ASSERT_EQ(keyMatches(Use, Model), Expected) << Use << " vs " << Model;
  }
  EXPECT_GT(Matches, 5000u);
  // The ends around the stars, by hand.
  EXPECT_TRUE(keyMatches("*.7", "h.*"));
  EXPECT_FALSE(keyMatches("*.x", "h.*"));
  EXPECT_TRUE(keyMatches("h.*5", "h.*5"));
  EXPECT_FALSE(keyMatches("h.5", "h.*5"));
  EXPECT_TRUE(keyMatches("h.55", "h.*5"));
  EXPECT_FALSE(keyMatches("a.*.b", "b.*.b"));
}

TEST(KeyIndexTest, LiteralUseFastPathAgreesWithDefinition) {
  std::mt19937 Rng(7);
  size_t Matches = 0;
  for (int I = 0; I < 20000; ++I) {
    std::string Model = randomKey(Rng, /*ModelSide=*/true, false);
    // Half the uses are instances of the model key, so matches are common.
    std::string Use = randomKey(Rng, false, false);
    if (I % 2) {
      Use.clear();
      for (char C : Model)
        Use += C == '*' ? std::to_string(Rng() % 20) : std::string(1, C);
    }
    bool Expected = referenceMatch(Use, Model);
    Matches += Expected;
    ASSERT_EQ(keyMatches(Use, Model), Expected) << Use << " vs " << Model;
  }
  EXPECT_GT(Matches, 5000u); // The test exercises both answers.
}

TEST(KeyIndexTest, DigitAfterIndexWildcardFallsBackToFullMatcher) {
  EXPECT_TRUE(keyMatches("h.123", "h.*3"));
  EXPECT_FALSE(keyMatches("h.3", "h.*3"));
}

TEST(KeyIndexTest, ExplainsKeyAndIndexAgreeWithDefinition) {
  std::mt19937 Rng(11);
  std::deque<SlotDef> Slots;
  std::vector<std::unique_ptr<Model>> Models;
  for (int I = 0; I < 40; ++I) {
    std::vector<std::string> Keys;
    for (int J = 0, N = 1 + Rng() % 12; J < N; ++J)
      Keys.push_back(randomKey(Rng, true, false));
    Models.push_back(makeModel(Keys, Slots));
  }
  RootKeyIndex Index(Models);
  size_t Explained = 0;
  for (int I = 0; I < 3000; ++I) {
    std::string Use = randomKey(Rng, false, /*AllowUseStar=*/true);
    if (I % 3 == 0) { // An instance of some model key: matches are common.
      Use.clear();
      for (char C : Models[Rng() % Models.size()]->Keys.front().Key)
        Use += C == '*' ? std::to_string(Rng() % 13) : std::string(1, C);
    }
    std::set<unsigned> Expected;
    for (unsigned M = 0; M < Models.size(); ++M) {
      bool Explains = referenceExplains(*Models[M], Use);
      ASSERT_EQ(explainsKey(*Models[M], Use), Explains) << Use;
      if (Explains)
        Expected.insert(M);
    }
    Explained += Expected.size();
    const std::vector<unsigned> &Got = Index.explainers(Use);
    ASSERT_EQ(std::set<unsigned>(Got.begin(), Got.end()), Expected) << Use;
    ASSERT_EQ(Got.size(), Expected.size()) << "each model once: " << Use;
  }
  EXPECT_GT(Explained, 1000u);
}
