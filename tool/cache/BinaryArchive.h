//===- cache/BinaryArchive.h - Compact binary writer and reader -*- C++ -*-===//
///
/// \file
/// The encoding the cache's serializers share: unsigned numbers as LEB128
/// varints, strings and lists as a length and their elements, optionals as
/// a flag, enums as their number, pairs as their two halves. What a struct
/// holds is said once, by a Schema: `S.fields(Ar, X)` passes X's fields to
/// the archive in order, the same function serving both directions (X is
/// const when writing). A Schema also names the last enumerator of each
/// enum (`S.lastOf(E{})`) so a reader rejects numbers beyond it.
///
/// The reader never reads past its bytes and never allocates more list
/// elements than the remaining bytes could hold; after the first problem
/// Ok is false and every further read does nothing.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CACHE_BINARYARCHIVE_H
#define PARAMLINT_CACHE_BINARYARCHIVE_H

#include "graph/BoxedVector.h"
#include "graph/Symbol.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace paramlint {

/// Appends values to a string.
template <class Schema> class BinaryWriter {
public:
  BinaryWriter(std::string &Out, Schema &S) : Out(Out), S(S) {}

  template <class... Ts> void operator()(const Ts &...Xs) { (io(Xs), ...); }

  /// False once a Schema refused a value (e.g. one nested too deeply).
  bool Ok = true;
  /// For a Schema that bounds recursion.
  unsigned Depth = 0;

private:
  void number(uint64_t V) {
    while (V >= 0x80) {
      Out.push_back(static_cast<char>((V & 0x7F) | 0x80));
      V >>= 7;
    }
    Out.push_back(static_cast<char>(V));
  }
  void io(const std::string &X) {
    number(X.size());
    Out.append(X);
  }
  void io(const Symbol &X) { io(X.str()); }
  void io(bool B) { number(B ? 1 : 0); }
  void io(unsigned V) { number(V); }
  void io(int V) { number(static_cast<uint32_t>(V)); }
  void io(double D) {
    uint64_t Bits;
    std::memcpy(&Bits, &D, sizeof Bits);
    number(Bits);
  }
  template <class E> std::enable_if_t<std::is_enum_v<E>> io(E V) {
    number(static_cast<uint64_t>(V));
  }
  template <class T> void io(const std::optional<T> &O) {
    io(O.has_value());
    if (O)
      io(*O);
  }
  template <class T> void io(const std::vector<T> &V) {
    number(V.size());
    for (const T &X : V)
      io(X);
  }
  /// As a std::vector: the box is not part of the format.
  template <class T> void io(const BoxedVector<T> &V) {
    number(V.size());
    for (const T &X : V)
      io(X);
  }
  template <class A, class B> void io(const std::pair<A, B> &P) {
    io(P.first);
    io(P.second);
  }
  template <class T> std::enable_if_t<std::is_class_v<T>> io(const T &X) {
    S.fields(*this, X);
  }

  std::string &Out;
  Schema &S;
};

/// Reads what a BinaryWriter with the same Schema wrote.
template <class Schema> class BinaryReader {
public:
  BinaryReader(std::string_view Bytes, Schema &S)
      : P(reinterpret_cast<const unsigned char *>(Bytes.data())),
        End(P + Bytes.size()), S(S) {}

  template <class... Ts> void operator()(Ts &...Xs) { (io(Xs), ...); }

  bool atEnd() const { return P == End; }
  /// Marks the bytes as damaged (a Schema that finds a bad value).
  void fail() {
    Ok = false;
    P = End;
  }

  bool Ok = true;
  unsigned Depth = 0;

private:
  size_t remaining() const { return static_cast<size_t>(End - P); }
  uint64_t number() {
    uint64_t V = 0;
    for (unsigned Shift = 0; Shift < 64; Shift += 7) {
      if (P == End)
        break;
      unsigned char B = *P++;
      V |= static_cast<uint64_t>(B & 0x7F) << Shift;
      if (!(B & 0x80))
        return V;
    }
    fail();
    return 0;
  }
  void io(std::string &X) {
    uint64_t N = number();
    if (N > remaining()) {
      fail();
      return;
    }
    X.assign(reinterpret_cast<const char *>(P), N);
    P += N;
  }
  void io(Symbol &X) {
    uint64_t N = number();
    if (N > remaining()) {
      fail();
      return;
    }
    X = Symbol(std::string_view(reinterpret_cast<const char *>(P), N));
    P += N;
  }
  void io(bool &B) {
    uint64_t V = number();
    if (V > 1)
      fail();
    B = V == 1;
  }
  void io(unsigned &V) {
    uint64_t X = number();
    if (X > std::numeric_limits<unsigned>::max())
      fail();
    V = static_cast<unsigned>(X);
  }
  void io(int &V) {
    uint64_t X = number();
    if (X > std::numeric_limits<uint32_t>::max())
      fail();
    V = static_cast<int>(static_cast<uint32_t>(X));
  }
  void io(double &D) {
    uint64_t Bits = number();
    std::memcpy(&D, &Bits, sizeof D);
  }
  template <class E> std::enable_if_t<std::is_enum_v<E>> io(E &V) {
    uint64_t X = number();
    if (X > static_cast<uint64_t>(S.lastOf(E{})))
      fail();
    V = Ok ? static_cast<E>(X) : E{};
  }
  template <class T> void io(std::optional<T> &O) {
    bool Has = false;
    io(Has);
    O.reset();
    if (Has && Ok) {
      T X{};
      io(X);
      O = std::move(X);
    }
  }
  template <class T> void io(std::vector<T> &V) {
    // Every element takes at least one byte: a count beyond what is left
    // is damage, and must not become a huge allocation.
    uint64_t N = number();
    if (N > remaining()) {
      fail();
      return;
    }
    V.resize(N);
    for (T &X : V) {
      io(X);
      if (!Ok)
        return;
    }
  }
  template <class T> void io(BoxedVector<T> &V) {
    std::vector<T> Items;
    io(Items);
    V = std::move(Items);
  }
  template <class A, class B> void io(std::pair<A, B> &Pair) {
    io(Pair.first);
    io(Pair.second);
  }
  template <class T> std::enable_if_t<std::is_class_v<T>> io(T &X) {
    S.fields(*this, X);
  }

  const unsigned char *P;
  const unsigned char *End;
  Schema &S;
};

/// Whether T is U, const or not (for Schema overloads that serve both
/// directions).
template <class T, class U>
constexpr bool IsField = std::is_same_v<std::remove_const_t<T>, U>;

} // namespace paramlint

#endif // PARAMLINT_CACHE_BINARYARCHIVE_H
