//===- fix/NotebookSplice.cpp - Edits in a notebook's own bytes -----------===//
///
/// \file
/// A small position-keeping JSON scanner finds, in the original bytes, the
/// `source` value of every cell (nlohmann's DOM keeps no byte offsets).
/// Edits in the joined text map to a cell, a line and a column, then to a
/// byte of the decoded cell source, then to a byte of the raw JSON string.
/// The bytes were validated by readNotebook before, so the scanner only
/// needs to be exact on valid JSON; it still never reads out of bounds.
///
//===----------------------------------------------------------------------===//
#include "fix/NotebookSplice.h"

#include "python/Notebook.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

namespace paramlint {
namespace {

llvm::Error spliceError(const std::string &What) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", What.c_str());
}

/// One JSON string in the raw bytes, decoded, with the raw offset of each
/// decoded byte (Raw[Decoded.size()] is the closing quote).
struct RawString {
  size_t Begin = 0, End = 0; ///< Raw range, quotes included.
  std::string Decoded;
  std::vector<size_t> Raw;
};

/// A cell's `source` value: one string, or a list of strings.
struct RawSource {
  bool IsList = false;
  size_t Begin = 0, End = 0; ///< The whole value (`[...]` or `"..."`).
  std::vector<RawString> Parts;
};

void appendUtf8(uint32_t Cp, std::string &Out) {
  if (Cp < 0x80) {
    Out += static_cast<char>(Cp);
  } else if (Cp < 0x800) {
    Out += static_cast<char>(0xC0 | (Cp >> 6));
    Out += static_cast<char>(0x80 | (Cp & 0x3F));
  } else if (Cp < 0x10000) {
    Out += static_cast<char>(0xE0 | (Cp >> 12));
    Out += static_cast<char>(0x80 | ((Cp >> 6) & 0x3F));
    Out += static_cast<char>(0x80 | (Cp & 0x3F));
  } else {
    Out += static_cast<char>(0xF0 | (Cp >> 18));
    Out += static_cast<char>(0x80 | ((Cp >> 12) & 0x3F));
    Out += static_cast<char>(0x80 | ((Cp >> 6) & 0x3F));
    Out += static_cast<char>(0x80 | (Cp & 0x3F));
  }
}

/// Scans valid JSON, keeping positions.
class Scanner {
public:
  explicit Scanner(std::string_view Text) : Text(Text) {}

  size_t pos() const { return Pos; }
  void skipSpace() {
    while (Pos < Text.size() && (Text[Pos] == ' ' || Text[Pos] == '\n' ||
                                 Text[Pos] == '\r' || Text[Pos] == '\t'))
      ++Pos;
  }
  /// Consumes C after whitespace; false when it is not there.
  bool eat(char C) {
    skipSpace();
    if (Pos < Text.size() && Text[Pos] == C) {
      ++Pos;
      return true;
    }
    return false;
  }
  bool peek(char C) {
    skipSpace();
    return Pos < Text.size() && Text[Pos] == C;
  }

  std::optional<RawString> string() {
    skipSpace();
    if (Pos >= Text.size() || Text[Pos] != '"')
      return std::nullopt;
    RawString S;
    S.Begin = Pos++;
    while (Pos < Text.size() && Text[Pos] != '"') {
      size_t At = Pos;
      size_t Before = S.Decoded.size();
      if (Text[Pos] != '\\') {
        S.Decoded += Text[Pos++];
      } else {
        if (Pos + 1 >= Text.size())
          return std::nullopt;
        char E = Text[Pos + 1];
        Pos += 2;
        switch (E) {
        case 'n': S.Decoded += '\n'; break;
        case 't': S.Decoded += '\t'; break;
        case 'r': S.Decoded += '\r'; break;
        case 'b': S.Decoded += '\b'; break;
        case 'f': S.Decoded += '\f'; break;
        case 'u': {
          auto Hex = [&](uint32_t &Out) {
            if (Pos + 4 > Text.size())
              return false;
            Out = 0;
            for (int I = 0; I < 4; ++I) {
              char C = Text[Pos++];
              Out <<= 4;
              if (C >= '0' && C <= '9') Out |= C - '0';
              else if (C >= 'a' && C <= 'f') Out |= C - 'a' + 10;
              else if (C >= 'A' && C <= 'F') Out |= C - 'A' + 10;
              else return false;
            }
            return true;
          };
          uint32_t Cp;
          if (!Hex(Cp))
            return std::nullopt;
          if (Cp >= 0xD800 && Cp < 0xDC00 && Pos + 1 < Text.size() &&
              Text[Pos] == '\\' && Text[Pos + 1] == 'u') {
            Pos += 2;
            uint32_t Low;
            if (!Hex(Low))
              return std::nullopt;
            Cp = 0x10000 + ((Cp - 0xD800) << 10) + (Low - 0xDC00);
          }
          appendUtf8(Cp, S.Decoded);
          break;
        }
        default: S.Decoded += E; break; // `\"`, `\\`, `\/`.
        }
      }
      S.Raw.insert(S.Raw.end(), S.Decoded.size() - Before, At);
    }
    if (Pos >= Text.size())
      return std::nullopt;
    S.Raw.push_back(Pos);
    S.End = ++Pos;
    return S;
  }

  /// Skips any value without recursion (depth is only counted).
  bool skipValue() {
    skipSpace();
    if (Pos >= Text.size())
      return false;
    if (Text[Pos] == '"')
      return string().has_value();
    if (Text[Pos] != '{' && Text[Pos] != '[') {
      // A number, `true`, `false` or `null`: up to the next delimiter.
      while (Pos < Text.size() &&
             std::string_view(",]} \n\r\t").find(Text[Pos]) == std::string_view::npos)
        ++Pos;
      return true;
    }
    size_t Depth = 0;
    while (Pos < Text.size()) {
      char C = Text[Pos];
      if (C == '"') {
        if (!string())
          return false;
        continue;
      }
      ++Pos;
      if (C == '{' || C == '[')
        ++Depth;
      else if ((C == '}' || C == ']') && --Depth == 0)
        return true;
    }
    return false;
  }

private:
  std::string_view Text;
  size_t Pos = 0;
};

/// The `source` value of each cell, by index in `cells` (absent when a cell
/// has none). Later duplicate keys win, as they do for nlohmann.
std::optional<std::map<size_t, RawSource>> findSources(std::string_view Bytes) {
  Scanner S(Bytes);
  std::map<size_t, RawSource> Out;
  if (!S.eat('{'))
    return std::nullopt;
  if (S.eat('}'))
    return Out;
  do {
    auto Key = S.string();
    if (!Key || !S.eat(':'))
      return std::nullopt;
    if (Key->Decoded != "cells" || !S.peek('[')) {
      if (!S.skipValue())
        return std::nullopt;
      continue;
    }
    Out.clear();
    S.eat('[');
    if (S.eat(']'))
      continue;
    size_t Index = 0;
    do {
      if (!S.peek('{')) {
        if (!S.skipValue())
          return std::nullopt;
        ++Index;
        continue;
      }
      S.eat('{');
      if (!S.eat('}')) {
        do {
          auto CellKey = S.string();
          if (!CellKey || !S.eat(':'))
            return std::nullopt;
          if (CellKey->Decoded != "source") {
            if (!S.skipValue())
              return std::nullopt;
            continue;
          }
          RawSource Src;
          S.skipSpace();
          Src.Begin = S.pos();
          if (S.eat('[')) {
            Src.IsList = true;
            if (!S.eat(']')) {
              do {
                auto Part = S.string();
                if (!Part)
                  return std::nullopt;
                Src.Parts.push_back(std::move(*Part));
              } while (S.eat(','));
              if (!S.eat(']'))
                return std::nullopt;
            }
          } else {
            auto Part = S.string();
            if (!Part)
              return std::nullopt;
            Src.Parts.push_back(std::move(*Part));
          }
          Src.End = S.pos();
          Out[Index] = std::move(Src);
        } while (S.eat(','));
        if (!S.eat('}'))
          return std::nullopt;
      }
      ++Index;
    } while (S.eat(','));
    if (!S.eat(']'))
      return std::nullopt;
  } while (S.eat(','));
  return Out;
}

/// A JSON string literal for S, escaped as Jupyter writes it; non-ASCII
/// as `\uXXXX` when the notebook is pure ASCII (written with ensure_ascii).
std::string encode(std::string_view S, bool AsciiOnly) {
  static const char Hex[] = "0123456789abcdef";
  auto Unit = [&](std::string &Out, uint32_t U) {
    Out += "\\u";
    for (int Shift = 12; Shift >= 0; Shift -= 4)
      Out += Hex[(U >> Shift) & 0xF];
  };
  std::string Out = "\"";
  for (size_t I = 0; I < S.size(); ++I) {
    unsigned char C = static_cast<unsigned char>(S[I]);
    switch (C) {
    case '"': Out += "\\\""; continue;
    case '\\': Out += "\\\\"; continue;
    case '\n': Out += "\\n"; continue;
    case '\r': Out += "\\r"; continue;
    case '\t': Out += "\\t"; continue;
    case '\b': Out += "\\b"; continue;
    case '\f': Out += "\\f"; continue;
    default: break;
    }
    if (C < 0x20) {
      Unit(Out, C);
    } else if (C >= 0x80 && AsciiOnly) {
      size_t Len = C >= 0xF0 ? 4 : C >= 0xE0 ? 3 : 2;
      uint32_t Cp = C & (Len == 4 ? 0x07 : Len == 3 ? 0x0F : 0x1F);
      for (size_t K = 1; K < Len && I + K < S.size(); ++K)
        Cp = (Cp << 6) | (static_cast<unsigned char>(S[I + K]) & 0x3F);
      I += Len - 1;
      if (Cp >= 0x10000) {
        Cp -= 0x10000;
        Unit(Out, 0xD800 + (Cp >> 10));
        Unit(Out, 0xDC00 + (Cp & 0x3FF));
      } else {
        Unit(Out, Cp);
      }
    } else {
      Out += static_cast<char>(C);
    }
  }
  return Out + "\"";
}

/// Byte offsets where each line of S starts.
std::vector<size_t> lineStarts(std::string_view S) {
  std::vector<size_t> Starts{0};
  for (size_t I = 0; I < S.size(); ++I)
    if (S[I] == '\n')
      Starts.push_back(I + 1);
  return Starts;
}

std::string_view lineOf(std::string_view S, const std::vector<size_t> &Starts,
                        size_t Row) {
  size_t B = Starts[Row];
  size_t E = Row + 1 < Starts.size() ? Starts[Row + 1] - 1 : S.size();
  return S.substr(B, E - B);
}

/// A replacement of raw bytes of the notebook.
struct RawEdit {
  size_t Begin, End;
  std::string Content;
};

/// The raw replacements that turn one cell's source into NewSource, given
/// the edits in the source's own coordinates.
std::vector<RawEdit> rawEditsFor(const RawSource &Src, const std::string &Bytes,
                                 const std::vector<Edit> &Edits,
                                 const std::string &NewSource, bool AsciiOnly) {
  // Where each part starts in the decoded source.
  std::vector<size_t> PartStart;
  size_t Total = 0;
  for (const RawString &P : Src.Parts) {
    PartStart.push_back(Total);
    Total += P.Decoded.size();
  }
  std::vector<RawEdit> Out;
  bool InPlace = !Src.Parts.empty();
  for (const Edit &E : Edits) {
    if (!InPlace)
      break;
    // The part holding the edit's start (an insertion at the very end goes
    // into the last part).
    size_t I = std::upper_bound(PartStart.begin(), PartStart.end(),
                                static_cast<size_t>(E.Where.Begin)) -
               PartStart.begin() - 1;
    if (E.Where.Begin == Total)
      I = Src.Parts.size() - 1;
    const RawString &P = Src.Parts[I];
    size_t B = E.Where.Begin - PartStart[I], End = E.Where.End - PartStart[I];
    // In a list of lines, each string is one line: an edit may change it in
    // place only when it neither removes nor adds a line break.
    bool Fits = End <= P.Decoded.size();
    if (Fits && Src.IsList)
      Fits = P.Decoded.substr(B, End - B).find('\n') == std::string::npos &&
             E.Content.find('\n') == std::string::npos;
    if (!Fits) {
      InPlace = false;
      break;
    }
    std::string Enc = encode(E.Content, AsciiOnly);
    Out.push_back(RawEdit{P.Raw[B], P.Raw[End], Enc.substr(1, Enc.size() - 2)});
  }
  if (InPlace)
    return Out;

  // Rewrite the whole value, keeping its layout: the bytes after `[`,
  // between items and before `]` are taken from the original.
  if (!Src.IsList)
    return {RawEdit{Src.Begin, Src.End, encode(NewSource, AsciiOnly)}};
  std::string Open = "\n", Sep = ",\n", Close = "\n";
  if (!Src.Parts.empty()) {
    Open = Bytes.substr(Src.Begin + 1, Src.Parts.front().Begin - Src.Begin - 1);
    Close = Bytes.substr(Src.Parts.back().End, Src.End - 1 - Src.Parts.back().End);
    Sep = Src.Parts.size() > 1
              ? Bytes.substr(Src.Parts[0].End, Src.Parts[1].Begin - Src.Parts[0].End)
              : "," + Open;
  }
  std::string Value = "[";
  std::vector<size_t> Starts = lineStarts(NewSource);
  bool First = true;
  for (size_t R = 0; R < Starts.size(); ++R) {
    size_t B = Starts[R];
    size_t E = R + 1 < Starts.size() ? Starts[R + 1] : NewSource.size();
    if (B == E)
      continue;
    Value += First ? Open : Sep;
    Value += encode(std::string_view(NewSource).substr(B, E - B), AsciiOnly);
    First = false;
  }
  Value += First ? "]" : Close + "]";
  return {RawEdit{Src.Begin, Src.End, Value}};
}

} // namespace

std::string applyEdits(const std::string &Text, const std::vector<Edit> &Edits) {
  std::string Out;
  size_t At = 0;
  for (const Edit &E : Edits) {
    Out.append(Text, At, E.Where.Begin - std::min<size_t>(At, E.Where.Begin));
    Out += E.Content;
    At = std::max<size_t>(At, E.Where.End);
  }
  if (At < Text.size())
    Out.append(Text, At, std::string::npos);
  return Out;
}

llvm::Expected<std::string> spliceNotebook(const std::string &Bytes,
                                           const SourceFile &Joined,
                                           const std::vector<Edit> &Edits) {
  auto Sources = findSources(Bytes);
  if (!Sources)
    return spliceError("cannot locate the cell sources in the notebook's bytes");
  const std::vector<CellSpan> &Cells = Joined.cells();
  const std::string &Text = Joined.text();
  bool AsciiOnly = std::all_of(Bytes.begin(), Bytes.end(), [](char C) {
    return static_cast<unsigned char>(C) < 0x80;
  });

  // Edits per cell (index in Cells), in the cell source's coordinates.
  std::map<size_t, std::vector<Edit>> PerCell;
  for (const Edit &E : Edits) {
    auto It = std::upper_bound(Cells.begin(), Cells.end(), E.Where.Begin,
                               [](uint32_t B, const CellSpan &S) {
                                 return B < S.BeginByte;
                               });
    if (It == Cells.begin())
      return spliceError("an edit lies before the first code cell");
    size_t C = static_cast<size_t>(It - Cells.begin()) - 1;
    size_t CellEnd = C + 1 < Cells.size() ? Cells[C + 1].BeginByte : Text.size();
    if (E.Where.End > CellEnd || E.Where.End < E.Where.Begin)
      return spliceError("an edit crosses a cell boundary");
    auto SrcIt = Sources->find(Cells[C].Index);
    if (SrcIt == Sources->end())
      return spliceError("a code cell has no `source` in the notebook's bytes");
    std::string Source;
    for (const RawString &P : SrcIt->second.Parts)
      Source += P.Decoded;
    std::string_view CellText =
        std::string_view(Text).substr(Cells[C].BeginByte, CellEnd - Cells[C].BeginByte);
    std::vector<size_t> JoinedStarts = lineStarts(CellText);
    std::vector<size_t> SourceStarts = lineStarts(Source);
    // Joined offset → (row, column) → source offset; the row must be code
    // that the joined text copied verbatim.
    auto Map = [&](uint32_t Byte) -> std::optional<size_t> {
      size_t Local = Byte - Cells[C].BeginByte;
      size_t Row = std::upper_bound(JoinedStarts.begin(), JoinedStarts.end(), Local) -
                   JoinedStarts.begin() - 1;
      if (Row >= SourceStarts.size() ||
          lineOf(CellText, JoinedStarts, Row) != lineOf(Source, SourceStarts, Row))
        return std::nullopt;
      size_t Col = Local - JoinedStarts[Row];
      return std::min(SourceStarts[Row] + Col, Source.size());
    };
    auto B = Map(E.Where.Begin), End = Map(E.Where.End);
    if (!B || !End)
      return spliceError("an edit falls on a notebook line that is not Python "
                         "code (a magic or shell line)");
    PerCell[C].push_back(Edit{Span{static_cast<uint32_t>(*B), static_cast<uint32_t>(*End)},
                              E.Content});
  }

  std::vector<RawEdit> Raw;
  for (auto &[C, CellEdits] : PerCell) {
    const RawSource &Src = Sources->at(Cells[C].Index);
    std::string Source;
    for (const RawString &P : Src.Parts)
      Source += P.Decoded;
    std::string NewSource = applyEdits(Source, CellEdits);
    for (RawEdit &R : rawEditsFor(Src, Bytes, CellEdits, NewSource, AsciiOnly))
      Raw.push_back(std::move(R));
  }
  std::sort(Raw.begin(), Raw.end(),
            [](const RawEdit &A, const RawEdit &B) { return A.Begin < B.Begin; });
  std::string Out;
  size_t At = 0;
  for (const RawEdit &R : Raw) {
    Out.append(Bytes, At, R.Begin - At);
    Out += R.Content;
    At = R.End;
  }
  Out.append(Bytes, At, std::string::npos);

  // The result must read back as exactly the edited joined text.
  auto Back = readNotebook(Joined.path(), Out);
  if (!Back)
    return spliceError("the edited notebook does not read back: " +
                       llvm::toString(Back.takeError()));
  if ((*Back)->text() != applyEdits(Text, Edits))
    return spliceError("the edited notebook does not read back as the edited "
                       "code");
  return Out;
}

} // namespace paramlint
