//===- graph/RootKeyIndex.h - Which root models can explain a key -*- C++ -*-===//
///
/// \file
/// Best-match binding asks, for a group of keys a loader uses, which root
/// model explains most of them. Asking every model about every key costs
/// (groups x models x keys): a corpus like diffusers has thousands of root
/// models, nearly all with a `weight`. This index turns the question
/// around: for one key, which models explain it. A literal key is looked
/// up whole (every model key, as written, maps to its models); a key with
/// a `*` is asked only of the candidate models, those with a key of the same
/// leaf and parent component (`conv1.weight`), an open one
/// (`blocks.*.weight`), or the role-equivalent leaf (`ln_1.gamma` for
/// `ln_1.weight`): a model that is no candidate cannot explain it.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_ROOTKEYINDEX_H
#define PARAMLINT_GRAPH_ROOTKEYINDEX_H

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace paramlint {

struct Model;

class RootKeyIndex {
public:
  /// What one query marks and counts per model. Queries only read the
  /// index itself, so threads that each bring a Scratch may ask at once;
  /// the overloads without one use the index's own.
  class Scratch {
    friend class RootKeyIndex;
    std::vector<unsigned> Explainers;
    std::vector<unsigned> ExplainedFor; ///< Per model: the last key stamp.
    unsigned ExplainQuery = 0;
    std::vector<size_t> Count;     ///< Per model, for the current query.
    std::vector<unsigned> LastKey; ///< Per model: the key it was last counted for.
    std::vector<unsigned> Touched; ///< Models with Count > 0, sorted at the end.
    unsigned Query = 0;
  };

  /// Indexes the root models among Models (positions in Models), which
  /// must outlive the index and not change while it is used. With
  /// FirstOfSpace (per model, the first model with the same key space),
  /// only the first root model of each key space is indexed: the others
  /// explain the same keys.
  explicit RootKeyIndex(const std::vector<std::unique_ptr<Model>> &Models,
                        const std::vector<unsigned> &FirstOfSpace = {});

  /// The root models that explain Key (explainsKey(M, Key) holds), each
  /// once, in no particular order; valid until the next call. A literal key
  /// is looked up in the exact index: its all-digit components tried both
  /// as written and as a `*` index, and its role-equivalent names the same
  /// way. Other keys, and models whose keys the exact index cannot hold,
  /// are asked explainsKey().
  const std::vector<unsigned> &explainers(std::string_view Key) {
    return explainers(Key, Own);
  }
  /// The same with S's marks; valid until S's next query.
  const std::vector<unsigned> &explainers(std::string_view Key, Scratch &S) const;

  /// Whether the exact index can answer for Key: no `*`, and few enough
  /// all-digit components to try each both ways.
  static bool isLiteral(std::string_view Key);
  /// Whether model M's keys are all in the exact index.
  bool isExactModel(unsigned M) const { return ExactModel[M]; }
  /// The exactly indexed models that explain a literal Key, sorted.
  std::vector<unsigned> exactExplainers(std::string_view Key) {
    return exactExplainers(Key, Own);
  }
  std::vector<unsigned> exactExplainers(std::string_view Key, Scratch &S) const;

  /// For each key pattern (its leaf literal), how many of the patterns
  /// each root model is a candidate for (a candidate may explain the key;
  /// others cannot); calls F(ModelIndex, Count) for every model with
  /// Count >= MinCount, in the order of Models.
  template <typename Fn>
  void countCandidates(const std::vector<std::string_view> &Keys,
                       size_t MinCount, Fn &&F) {
    countCandidates(Keys, MinCount, F, Own);
  }
  template <typename Fn>
  void countCandidates(const std::vector<std::string_view> &Keys,
                       size_t MinCount, Fn &&F, Scratch &S) const {
    collect(Keys, S);
    for (unsigned M : S.Touched)
      if (S.Count[M] >= MinCount)
        F(M, S.Count[M]);
  }

private:
  /// Joins a parent component and a leaf into one lookup key.
  static std::string pairKey(std::string_view Parent, std::string_view Leaf);
  void collect(const std::vector<std::string_view> &Keys, Scratch &S) const;
  void add(const std::vector<unsigned> *Models, unsigned Stamp, Scratch &S) const;
  /// Sizes S's per-model vectors for this index.
  void prepare(Scratch &S) const;

  std::unordered_map<std::string, std::vector<unsigned>> ByParentLeaf;
  std::unordered_map<std::string, std::vector<unsigned>> OpenParentByLeaf;
  std::unordered_map<std::string, std::vector<unsigned>> ByLeaf;
  std::vector<unsigned> WildcardLeaf; ///< Models with a key like `a.*`.

  const std::vector<std::unique_ptr<Model>> &Models;
  /// Every key of the exactly indexed root models, as written (a `*` is a
  /// whole component there), with the model and the slot's role. Views
  /// into the models' keys, which outlive the index.
  struct Holder {
    unsigned Model;
    int TheRole;
  };
  std::unordered_map<std::string_view, std::vector<Holder>> Exact;
  std::vector<unsigned> Roots; ///< Every root model.
  /// Root models with a `*` inside a component or in a leaf.
  std::vector<unsigned> NotExact;
  std::vector<bool> ExactModel; ///< Per position in Models.

  void addExplainer(unsigned M, Scratch &S) const;
  void lookupExact(const std::string &Key, int RequiredRole, Scratch &S) const;
  Scratch Own;
};

} // namespace paramlint

#endif // PARAMLINT_GRAPH_ROOTKEYINDEX_H
