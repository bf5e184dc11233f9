//===- SourceText.cpp - Whether bytes can be analysed as source text -----===//
#include "SourceText.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace paramlint {
namespace {

/// Offset of the first byte that breaks UTF-8, or npos.
size_t firstInvalidUtf8(const std::string &S) {
  size_t I = 0, N = S.size();
  while (I < N) {
    // ASCII eight bytes at a time: every input is checked, and nearly all
    // of a source file is ASCII.
    if (N - I >= 8) {
      uint64_t Word;
      std::memcpy(&Word, S.data() + I, sizeof Word);
      if (!(Word & 0x8080808080808080ull)) {
        I += 8;
        continue;
      }
    }
    unsigned char C = S[I];
    size_t Len = C < 0x80 ? 1 : (C >> 5) == 0x6 ? 2 : (C >> 4) == 0xE ? 3
                                : (C >> 3) == 0x1E ? 4 : 0;
    if (Len == 0 || I + Len > N)
      return I;
    for (size_t K = 1; K < Len; ++K)
      if ((static_cast<unsigned char>(S[I + K]) & 0xC0) != 0x80)
        return I;
    // Overlong encodings and surrogates are invalid too.
    if (Len == 2 && C < 0xC2)
      return I;
    if (Len == 3) {
      unsigned char C1 = S[I + 1];
      if ((C == 0xE0 && C1 < 0xA0) || (C == 0xED && C1 >= 0xA0))
        return I;
    }
    if (Len == 4) {
      unsigned char C1 = S[I + 1];
      if ((C == 0xF0 && C1 < 0x90) || C > 0xF4 || (C == 0xF4 && C1 >= 0x90))
        return I;
    }
    I += Len;
  }
  return std::string::npos;
}

} // namespace

std::optional<TextProblem> sourceTextProblem(const std::string &Bytes) {
  size_t Nul = Bytes.find('\0');
  size_t Bad = firstInvalidUtf8(Bytes);
  if (Nul != std::string::npos && (Bad == std::string::npos || Nul < Bad))
    return TextProblem{"file contains a NUL byte: not source text (binary?)",
                       static_cast<uint32_t>(Nul)};
  if (Bad != std::string::npos)
    return TextProblem{fmt::format("file is not valid UTF-8 (byte 0x{:02x})",
                                   static_cast<unsigned char>(Bytes[Bad])),
                       static_cast<uint32_t>(Bad)};
  return std::nullopt;
}

} // namespace paramlint
