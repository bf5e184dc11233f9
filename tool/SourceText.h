//===- SourceText.h - Whether bytes can be analysed as source text -*- C++ -*-===//
///
/// \file
/// A Python file is analysed only when its bytes are text: no NUL byte and
/// valid UTF-8. The loader asks before it parses a file (a refusal is a
/// PL001), and the fix engine asks before it keeps an edited text, so that
/// a fix can never leave a file that the next run refuses to read.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_SOURCETEXT_H
#define PARAMLINT_SOURCETEXT_H

#include <cstdint>
#include <optional>
#include <string>

namespace paramlint {

/// Why some bytes are not source text.
struct TextProblem {
  std::string Message; ///< "file contains a NUL byte: ..." (PL001's text).
  uint32_t At = 0;     ///< Offset of the first bad byte.
};

/// The first reason Bytes are not source text (the earlier of a NUL byte
/// and a byte that breaks UTF-8: overlong forms and surrogates included),
/// or nullopt when they are.
std::optional<TextProblem> sourceTextProblem(const std::string &Bytes);

} // namespace paramlint

#endif // PARAMLINT_SOURCETEXT_H
