//===- Result.h - A value or an error message --------------------*- C++
//-*-===//
///
/// \file
/// The harness reports bad input (shape mismatches, zero-width rows) as a
/// value, never by throwing: a Result<T> holds either a T or an Error with a
/// message fit for a user. The harness does not link LLVM, so this is its
/// small stand-in for llvm::Expected; callers in the engine wrap the message
/// into an llvm::Error.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_RESULT_H
#define PARAMLINT_HARNESS_RESULT_H

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace paramlint::harness {

/// Why an operation refused its input.
struct Error {
  std::string Message;
};

/// Either a T or an Error. Test it with `if (R)` before dereferencing.
template <typename T> class Result {
public:
  /// A success holding Value.
  Result(T Value) : Storage(std::in_place_index<0>, std::move(Value)) {}
  /// A failure holding E.
  Result(Error E) : Storage(std::in_place_index<1>, std::move(E)) {}

  /// True on success.
  explicit operator bool() const { return Storage.index() == 0; }

  /// The value; only on success.
  T &operator*() {
    assert(*this && "dereferencing a failed Result");
    return std::get<0>(Storage);
  }
  /// The value; only on success.
  const T &operator*() const {
    assert(*this && "dereferencing a failed Result");
    return std::get<0>(Storage);
  }
  /// Member access to the value; only on success.
  T *operator->() { return &**this; }
  /// Member access to the value; only on success.
  const T *operator->() const { return &**this; }

  /// The message; only on failure.
  const std::string &error() const {
    assert(!*this && "asking a successful Result for its error");
    return std::get<1>(Storage).Message;
  }

private:
  std::variant<T, Error> Storage;
};

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_RESULT_H
