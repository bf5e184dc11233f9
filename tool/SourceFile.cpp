//===- SourceFile.cpp - A file's text and its coordinate systems ----------===//
#include "SourceFile.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace paramlint {

SourceFile::SourceFile(std::string Path, std::string Text, SourceKind Kind,
                       std::vector<CellSpan> Cells)
    : Path(std::move(Path)), Text(std::move(Text)), Kind(Kind),
      Cells(std::move(Cells)) {
  Size = static_cast<uint32_t>(this->Text.size());
  Hash = contentHash(this->Text);
  // Every input's bytes pass here once: line breaks are found with memchr
  // and multi-byte characters eight bytes at a time (a word with no high
  // bit set has none), not byte by byte.
  const char *P = this->Text.data();
  LineStarts.push_back(0);
  for (const char *At = P, *End = P + Size;
       (At = static_cast<const char *>(std::memchr(At, '\n', End - At)));
       ++At)
    LineStarts.push_back(static_cast<uint32_t>(At - P) + 1);
  auto Scan = [&](uint32_t From, uint32_t To) {
    for (uint32_t I = From; I < To; ++I)
      if ((static_cast<unsigned char>(P[I]) & 0xC0) == 0x80)
        Continuations.push_back(I);
  };
  uint32_t I = 0;
  for (; Size - I >= 8; I += 8) {
    uint64_t Word;
    std::memcpy(&Word, P + I, sizeof Word);
    if (Word & 0x8080808080808080ull)
      Scan(I, I + 8);
  }
  Scan(I, Size);
  Continuations.shrink_to_fit();
  LineStarts.shrink_to_fit();
}

const std::string &SourceFile::text() const {
  std::lock_guard<std::mutex> Lock(ReadMutex);
  if (!Released)
    return Text;
  Released = false;
  std::optional<std::string> Again = Reader(*this);
  if (Again && Again->size() == Size && contentHash(*Again) == Hash) {
    Text = std::move(*Again);
    return Text;
  }
  // What the callers index with spans of the analysed text must stay in
  // bounds: blanks with the same line breaks, never other bytes.
  Changed = true;
  Text.assign(Size, ' ');
  for (size_t I = 1; I < LineStarts.size(); ++I)
    Text[LineStarts[I] - 1] = '\n';
  return Text;
}

void SourceFile::releaseText(TextReader TheReader) {
  std::lock_guard<std::mutex> Lock(ReadMutex);
  // Four bytes per continuation byte: keep a text that is mostly multi-byte
  // characters (their table would outweigh it).
  if (Released || Changed || !TheReader || Size == 0 ||
      Continuations.size() * sizeof(uint32_t) > Size / 2)
    return;
  Reader = TheReader;
  Released = true;
  std::string().swap(Text);
}

bool SourceFile::released() const {
  std::lock_guard<std::mutex> Lock(ReadMutex);
  return Released;
}

bool SourceFile::changed() const {
  std::lock_guard<std::mutex> Lock(ReadMutex);
  return Changed;
}

uint32_t SourceFile::lineStart(uint32_t Byte) const {
  Byte = std::min(Byte, Size);
  return *(std::upper_bound(LineStarts.begin(), LineStarts.end(), Byte) - 1);
}

Position SourceFile::position(uint32_t Byte) const {
  Byte = std::min(Byte, Size);
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Byte);
  uint32_t Line = static_cast<uint32_t>(It - LineStarts.begin()) - 1;
  // Columns count code points: UTF-8 continuation bytes do not count.
  auto From = std::lower_bound(Continuations.begin(), Continuations.end(),
                               LineStarts[Line]);
  auto To = std::lower_bound(From, Continuations.end(), Byte);
  Position P;
  P.Row = Line + 1;
  P.Column = Byte - LineStarts[Line] - static_cast<uint32_t>(To - From) + 1;
  if (!Cells.empty()) {
    auto C = std::upper_bound(
        Cells.begin(), Cells.end(), Byte,
        [](uint32_t B, const CellSpan &S) { return B < S.BeginByte; });
    if (C != Cells.begin()) {
      --C;
      P.Cell = C->Number;
      P.Row = Line - C->FirstRow + 1;
    }
  }
  return P;
}

std::string_view SourceFile::lineAt(uint32_t Byte) const {
  const std::string &T = text();
  Byte = std::min(Byte, Size);
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Byte);
  uint32_t Begin = *(It - 1);
  uint32_t End = It == LineStarts.end() ? Size : *It - 1;
  if (End > Begin && T[End - 1] == '\r')
    --End;
  return std::string_view(T).substr(Begin, End - Begin);
}

std::string_view SourceFile::slice(Span S) const {
  const std::string &T = text();
  uint32_t B = std::min<uint32_t>(S.Begin, T.size());
  uint32_t E = std::min<uint32_t>(std::max(S.End, B), T.size());
  return std::string_view(T).substr(B, E - B);
}

} // namespace paramlint
