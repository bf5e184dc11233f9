//===- SourceFile.cpp - A file's text and its coordinate systems ----------===//
#include "SourceFile.h"

#include <algorithm>

namespace paramlint {

SourceFile::SourceFile(std::string Path, std::string Text, SourceKind Kind,
                       std::vector<CellSpan> Cells)
    : Path(std::move(Path)), Text(std::move(Text)), Kind(Kind),
      Cells(std::move(Cells)) {
  LineStarts.push_back(0);
  for (uint32_t I = 0; I < this->Text.size(); ++I)
    if (this->Text[I] == '\n')
      LineStarts.push_back(I + 1);
}

Position SourceFile::position(uint32_t Byte) const {
  Byte = std::min<uint32_t>(Byte, Text.size());
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Byte);
  uint32_t Line = static_cast<uint32_t>(It - LineStarts.begin()) - 1;
  // Columns count code points: skip UTF-8 continuation bytes.
  uint32_t Column = 1;
  for (uint32_t I = LineStarts[Line]; I < Byte; ++I)
    if ((static_cast<unsigned char>(Text[I]) & 0xC0) != 0x80)
      ++Column;
  Position P;
  P.Row = Line + 1;
  P.Column = Column;
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
  Byte = std::min<uint32_t>(Byte, Text.size());
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Byte);
  uint32_t Begin = *(It - 1);
  uint32_t End = It == LineStarts.end() ? Text.size() : *It - 1;
  if (End > Begin && Text[End - 1] == '\r')
    --End;
  return std::string_view(Text).substr(Begin, End - Begin);
}

std::string_view SourceFile::slice(Span S) const {
  uint32_t B = std::min<uint32_t>(S.Begin, Text.size());
  uint32_t E = std::min<uint32_t>(std::max(S.End, B), Text.size());
  return std::string_view(Text).substr(B, E - B);
}

} // namespace paramlint
