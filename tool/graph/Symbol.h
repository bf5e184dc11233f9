//===- graph/Symbol.h - A name stored once per process ---------*- C++ -*-===//
///
/// \file
/// Facts name the same few thousand identifiers over and over: `self`,
/// `weight`, `nn.Linear`, `cfg` (the benchmark corpus: 1.5 million name
/// strings, 39 thousand distinct). A Symbol is one pointer to the one copy of
/// its text in a process-wide table, so a name costs 8 bytes in a fact
/// instead of a 32-byte std::string (and a heap block when it is longer than
/// 15 bytes), and equal names mostly compare by address.
///
/// It reads like a `const std::string &` (it converts to one, and has the
/// std::string members the code reads names with), so code that reads facts
/// does not change; it is assigned from any string. Interned text is never
/// freed: names are few, and a Symbol may outlive every fact.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_SYMBOL_H
#define PARAMLINT_GRAPH_SYMBOL_H

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace paramlint {

/// An interned string (see the file comment).
class Symbol {
public:
  /// The empty name.
  Symbol() : S(&emptyText()) {}
  /// Interns Text (thread-safe).
  Symbol(std::string_view Text);
  Symbol(const std::string &Text) : Symbol(std::string_view(Text)) {}
  Symbol(const char *Text) : Symbol(std::string_view(Text)) {}

  const std::string &str() const { return *S; }
  operator const std::string &() const { return *S; }
  operator std::string_view() const { return *S; }
  std::string_view view() const { return *S; }

  bool empty() const { return S->empty(); }
  size_t size() const { return S->size(); }
  size_t length() const { return S->size(); }
  const char *c_str() const { return S->c_str(); }
  const char *data() const { return S->data(); }
  char operator[](size_t I) const { return (*S)[I]; }
  char front() const { return S->front(); }
  char back() const { return S->back(); }
  std::string::const_iterator begin() const { return S->begin(); }
  std::string::const_iterator end() const { return S->end(); }
  template <class... Args> int compare(const Args &...A) const {
    return S->compare(A...);
  }
  template <class... Args> size_t find(const Args &...A) const {
    return S->find(A...);
  }
  template <class... Args> size_t rfind(const Args &...A) const {
    return S->rfind(A...);
  }
  template <class... Args> size_t find_first_of(const Args &...A) const {
    return S->find_first_of(A...);
  }
  template <class... Args> size_t find_last_of(const Args &...A) const {
    return S->find_last_of(A...);
  }
  template <class... Args> size_t find_first_not_of(const Args &...A) const {
    return S->find_first_not_of(A...);
  }
  std::string substr(size_t Pos = 0, size_t N = std::string::npos) const {
    return S->substr(Pos, N);
  }

  /// Same text. Within one table the same address; the C++ frontend's
  /// module has a table of its own (its own copy of the engine), so a name
  /// from it is compared by text.
  friend bool operator==(Symbol A, Symbol B) { return A.S == B.S || *A.S == *B.S; }
  friend bool operator!=(Symbol A, Symbol B) { return !(A == B); }
  /// By text, so that sorting by name is what it was with strings.
  friend bool operator<(Symbol A, Symbol B) { return A.S != B.S && *A.S < *B.S; }
  friend bool operator>(Symbol A, Symbol B) { return B < A; }

  // Comparisons with other strings read the text (no interning). Friends,
  // so that only an expression with a Symbol in it finds them.
  friend bool operator==(Symbol A, const std::string &B) { return *A.S == B; }
  friend bool operator==(const std::string &A, Symbol B) { return A == *B.S; }
  friend bool operator==(Symbol A, std::string_view B) { return A.view() == B; }
  friend bool operator==(std::string_view A, Symbol B) { return A == B.view(); }
  friend bool operator==(Symbol A, const char *B) { return *A.S == B; }
  friend bool operator==(const char *A, Symbol B) { return A == *B.S; }
  friend bool operator!=(Symbol A, const std::string &B) { return !(A == B); }
  friend bool operator!=(const std::string &A, Symbol B) { return !(A == B); }
  friend bool operator!=(Symbol A, std::string_view B) { return !(A == B); }
  friend bool operator!=(std::string_view A, Symbol B) { return !(A == B); }
  friend bool operator!=(Symbol A, const char *B) { return !(A == B); }
  friend bool operator!=(const char *A, Symbol B) { return !(A == B); }
  friend bool operator<(Symbol A, const std::string &B) { return *A.S < B; }
  friend bool operator<(const std::string &A, Symbol B) { return A < *B.S; }

  friend std::string operator+(Symbol A, Symbol B) { return *A.S + *B.S; }
  friend std::string operator+(Symbol A, const std::string &B) { return *A.S + B; }
  friend std::string operator+(const std::string &A, Symbol B) { return A + *B.S; }
  friend std::string operator+(std::string &&A, Symbol B) { return std::move(A) + *B.S; }
  friend std::string operator+(Symbol A, const char *B) { return *A.S + B; }
  friend std::string operator+(const char *A, Symbol B) { return A + *B.S; }
  friend std::string operator+(Symbol A, char B) { return *A.S + B; }
  friend std::string operator+(char A, Symbol B) { return A + *B.S; }

  friend std::ostream &operator<<(std::ostream &OS, Symbol S) { return OS << *S.S; }

  void clear() { S = &emptyText(); }
  /// Interns Text, without a std::string in between.
  Symbol &assign(std::string_view Text) { return *this = Symbol(Text); }
  /// Interns Text.substr(Pos, N).
  Symbol &assign(std::string_view Text, size_t Pos, size_t N) {
    return *this = Symbol(Text.substr(Pos, N));
  }
  /// Interns the string std::string(A...) would make.
  template <class... Args> Symbol &assign(const Args &...A) {
    return *this = Symbol(std::string(A...));
  }

private:
  static const std::string &emptyText();
  const std::string *S;
};

} // namespace paramlint

template <> struct std::hash<paramlint::Symbol> {
  size_t operator()(paramlint::Symbol S) const {
    return std::hash<std::string_view>()(S.view()); // By text: see ==.
  }
};

#endif // PARAMLINT_GRAPH_SYMBOL_H
