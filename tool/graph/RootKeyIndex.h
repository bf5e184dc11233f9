//===- graph/RootKeyIndex.h - Which root models can explain a key -*- C++ -*-===//
///
/// \file
/// Best-match binding asks, for a group of keys a loader uses, which root
/// model explains most of them. Asking every model about every key costs
/// (groups x models x keys): a corpus like diffusers has thousands of root
/// models, nearly all with a `weight`. This index answers the cheaper
/// question first: which models have a key with the same last two
/// components (`conv1.weight`), or an open one (`blocks.*.weight`), or the
/// role-equivalent leaf (`ln_1.gamma` for `ln_1.weight`). A model that is
/// not a candidate for a key cannot explain it (explainsKey() would say
/// no), so counting candidates bounds a model's score from above.
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
  /// Indexes the root models among Models (positions in Models).
  explicit RootKeyIndex(const std::vector<std::unique_ptr<Model>> &Models);

  /// For each key pattern (its leaf literal), how many of the patterns
  /// each root model is a candidate for; calls F(ModelIndex, Count) for
  /// every model with Count >= MinCount, in the order of Models.
  template <typename Fn>
  void countCandidates(const std::vector<std::string_view> &Keys,
                       size_t MinCount, Fn &&F) {
    collect(Keys);
    for (unsigned M : Touched)
      if (Count[M] >= MinCount)
        F(M, Count[M]);
  }

private:
  /// Joins a parent component and a leaf into one lookup key.
  static std::string pairKey(std::string_view Parent, std::string_view Leaf);
  void collect(const std::vector<std::string_view> &Keys);
  void add(const std::vector<unsigned> *Models, unsigned Stamp);

  std::unordered_map<std::string, std::vector<unsigned>> ByParentLeaf;
  std::unordered_map<std::string, std::vector<unsigned>> OpenParentByLeaf;
  std::unordered_map<std::string, std::vector<unsigned>> ByLeaf;
  std::vector<unsigned> WildcardLeaf; ///< Models with a key like `a.*`.

  std::vector<size_t> Count;    ///< Per model, for the current query.
  std::vector<unsigned> LastKey; ///< Per model: the key it was last counted for.
  std::vector<unsigned> Touched; ///< Models with Count > 0, sorted at the end.
  unsigned Query = 0;
};

} // namespace paramlint

#endif // PARAMLINT_GRAPH_ROOTKEYINDEX_H
