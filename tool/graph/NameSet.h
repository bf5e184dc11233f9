//===- graph/NameSet.h - A small sorted set of names -----------*- C++ -*-===//
///
/// \file
/// The names a module node holds that are not state (its methods and plain
/// attributes, `ModuleNode::OtherNames`): a few dozen per node, tens of
/// thousands of nodes per tree, looked up by text and never changed once
/// the node is built. A std::set<std::string> paid a 32-byte tree node and
/// a 32-byte string (and a heap block beyond 15 characters) per name, ~68
/// bytes; a sorted array of interned names pays 8 (the benchmark corpus:
/// 87 thousand names, 5.9 MiB as sets).
///
/// It keeps the order and the members of the set it replaces (sorted by
/// text, each text once), so iterating it reads what iterating the set did.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_NAMESET_H
#define PARAMLINT_GRAPH_NAMESET_H

#include "graph/Symbol.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace paramlint {

/// A set of names sorted by text (see the file comment).
class NameSet {
public:
  using const_iterator = std::vector<Symbol>::const_iterator;

  /// Adds Name unless it is there already.
  void insert(Symbol Name) {
    auto It = lowerBound(Name.view());
    if (It == Names.end() || *It != Name)
      Names.insert(It, Name);
  }
  /// Adds every name of [First, Last) (anything a Symbol is made from).
  template <class Iterator> void insert(Iterator First, Iterator Last) {
    size_t Old = Names.size();
    for (; First != Last; ++First)
      Names.push_back(Symbol(*First));
    if (Names.size() == Old)
      return;
    std::sort(Names.begin() + Old, Names.end());
    std::inplace_merge(Names.begin(), Names.begin() + Old, Names.end());
    Names.erase(std::unique(Names.begin(), Names.end()), Names.end());
  }
  /// 1 when Name is in the set, else 0 (as std::set::count).
  size_t count(std::string_view Name) const {
    auto It = lowerBound(Name);
    return It != Names.end() && It->view() == Name ? 1 : 0;
  }
  /// Gives back the growth slack once the node is built.
  void shrinkToFit() { Names.shrink_to_fit(); }

  size_t size() const { return Names.size(); }
  bool empty() const { return Names.empty(); }
  const_iterator begin() const { return Names.begin(); }
  const_iterator end() const { return Names.end(); }
  friend bool operator==(const NameSet &A, const NameSet &B) {
    return A.Names == B.Names;
  }
  friend bool operator!=(const NameSet &A, const NameSet &B) { return !(A == B); }

private:
  std::vector<Symbol>::iterator lowerBound(std::string_view Name) {
    return std::lower_bound(Names.begin(), Names.end(), Name,
                            [](Symbol S, std::string_view N) { return S.view() < N; });
  }
  const_iterator lowerBound(std::string_view Name) const {
    return std::lower_bound(Names.begin(), Names.end(), Name,
                            [](Symbol S, std::string_view N) { return S.view() < N; });
  }

  std::vector<Symbol> Names;
};

} // namespace paramlint

#endif // PARAMLINT_GRAPH_NAMESET_H
