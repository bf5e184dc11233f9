//===- graph/BoxedVector.h - A vector that is one pointer -------*- C++ -*-===//
///
/// \file
/// A fact list that is empty in nearly every fact costs a std::vector's 24
/// bytes in each of them all the same: `AccessFact::Sources` is set only for
/// writes and mutations, so 212 thousand reads of the benchmark corpus paid
/// 5 MiB for nothing. A BoxedVector is one pointer, null while the list is
/// empty, to a std::vector that holds the elements.
///
/// It reads like a std::vector (begin/end, size, empty, operator[], front,
/// back, push_back) and is assigned from one, so code that fills or reads
/// the list did not change. Copies are deep.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_BOXEDVECTOR_H
#define PARAMLINT_GRAPH_BOXEDVECTOR_H

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace paramlint {

/// A list held through one pointer (see the file comment).
template <class T> class BoxedVector {
public:
  using value_type = T;
  using iterator = T *;
  using const_iterator = const T *;

  BoxedVector() = default;
  BoxedVector(std::vector<T> Items) { *this = std::move(Items); }
  BoxedVector(const BoxedVector &Other) {
    if (!Other.empty())
      Items = std::make_unique<std::vector<T>>(*Other.Items);
  }
  BoxedVector(BoxedVector &&) noexcept = default;
  BoxedVector &operator=(const BoxedVector &Other) {
    if (this != &Other)
      *this = BoxedVector(Other);
    return *this;
  }
  BoxedVector &operator=(BoxedVector &&) noexcept = default;
  /// Takes the elements of V (none: no box).
  BoxedVector &operator=(std::vector<T> V) {
    if (V.empty())
      Items.reset();
    else
      Items = std::make_unique<std::vector<T>>(std::move(V));
    return *this;
  }

  bool empty() const { return !Items || Items->empty(); }
  size_t size() const { return Items ? Items->size() : 0; }
  /// The elements' buffer (for a census of the heap); 0 without a box.
  size_t capacity() const { return Items ? Items->capacity() : 0; }
  T *begin() { return Items ? Items->data() : nullptr; }
  T *end() { return Items ? Items->data() + Items->size() : nullptr; }
  const T *begin() const { return Items ? Items->data() : nullptr; }
  const T *end() const { return Items ? Items->data() + Items->size() : nullptr; }
  T &operator[](size_t I) { return (*Items)[I]; }
  const T &operator[](size_t I) const { return (*Items)[I]; }
  T &front() { return Items->front(); }
  const T &front() const { return Items->front(); }
  T &back() { return Items->back(); }
  const T &back() const { return Items->back(); }

  void push_back(T X) {
    if (!Items)
      Items = std::make_unique<std::vector<T>>();
    Items->push_back(std::move(X));
  }
  void clear() { Items.reset(); }
  /// Drops the box when empty, else the vector's spare capacity.
  void shrink_to_fit() {
    if (empty())
      Items.reset();
    else if (Items->capacity() != Items->size())
      *Items = std::vector<T>(std::make_move_iterator(Items->begin()),
                              std::make_move_iterator(Items->end()));
  }

  friend bool operator==(const BoxedVector &A, const BoxedVector &B) {
    return std::equal(A.begin(), A.end(), B.begin(), B.end());
  }
  friend bool operator!=(const BoxedVector &A, const BoxedVector &B) {
    return !(A == B);
  }

private:
  std::unique_ptr<std::vector<T>> Items;
};

} // namespace paramlint

#endif // PARAMLINT_GRAPH_BOXEDVECTOR_H
