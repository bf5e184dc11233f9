//===- cxx/CxxSuppressions.cpp - NOLINT comments of C++ text ---------------===//
///
/// \file
/// A small scanner that knows where comments are (it steps over string and
/// character literals, raw strings included), so that `"// NOLINT"` inside
/// a string suppresses nothing. clang-tidy's spelling: `NOLINT` alone,
/// `NOLINT(code, ...)`, `NOLINTNEXTLINE(...)`.
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxFrontend.h"

#include <cctype>

namespace paramlint {
namespace {

/// Reads one directive in the comment [Begin, End) that starts at Begin
/// (the comment's `//` or `/*`), if the comment holds one.
void directiveIn(const std::string &Text, uint32_t Begin, uint32_t End,
                 std::vector<SuppressionFact> &Out) {
  std::string_view Comment(Text.data() + Begin, End - Begin);
  size_t At = Comment.find("NOLINT");
  if (At == std::string_view::npos)
    return;
  SuppressionFact S;
  S.Comment = Span{Begin, End};
  // The directive starts at the comment's opening when only blanks
  // separate them, so that removing it removes the comment.
  size_t Lead = 2;
  while (Lead < At && (Comment[Lead] == ' ' || Comment[Lead] == '\t'))
    ++Lead;
  uint32_t DirBegin = Begin + static_cast<uint32_t>(Lead == At ? 0 : At);
  size_t P = At + 6;
  bool NextLine = Comment.compare(P, 8, "NEXTLINE") == 0;
  if (NextLine)
    P += 8;
  else if (Comment.compare(P, 5, "BEGIN") == 0 || Comment.compare(P, 3, "END") == 0)
    return; // Ranges are not supported: never silently half-applied.
  uint32_t DirEnd = Begin + static_cast<uint32_t>(P);
  if (P < Comment.size() && Comment[P] == '(') {
    size_t Close = Comment.find(')', P);
    if (Close == std::string_view::npos)
      return;
    size_t I = P + 1;
    while (I < Close) {
      while (I < Close && (Comment[I] == ' ' || Comment[I] == ','))
        ++I;
      size_t J = I;
      while (J < Close && Comment[J] != ',' && Comment[J] != ' ')
        ++J;
      if (J > I)
        S.Codes.push_back({std::string(Comment.substr(I, J - I)),
                           Span{Begin + static_cast<uint32_t>(I),
                                Begin + static_cast<uint32_t>(J)}});
      I = J;
    }
    DirEnd = Begin + static_cast<uint32_t>(Close + 1);
    if (S.Codes.empty())
      return;
  }
  S.Where = Span{DirBegin, DirEnd};
  if (NextLine) {
    size_t Eol = Text.find('\n', End);
    if (Eol == std::string::npos)
      return;
    S.AppliesAt = static_cast<uint32_t>(Eol + 1);
  }
  Out.push_back(std::move(S));
}

} // namespace

std::vector<SuppressionFact> findCxxSuppressions(const std::string &Text) {
  std::vector<SuppressionFact> Out;
  if (Text.find("NOLINT") == std::string::npos)
    return Out;
  size_t N = Text.size();
  for (size_t I = 0; I < N;) {
    char C = Text[I];
    if (C == '/' && I + 1 < N && Text[I + 1] == '/') {
      size_t Eol = Text.find('\n', I);
      if (Eol == std::string::npos)
        Eol = N;
      directiveIn(Text, static_cast<uint32_t>(I), static_cast<uint32_t>(Eol), Out);
      I = Eol;
      continue;
    }
    if (C == '/' && I + 1 < N && Text[I + 1] == '*') {
      size_t Close = Text.find("*/", I + 2);
      size_t End = Close == std::string::npos ? N : Close + 2;
      directiveIn(Text, static_cast<uint32_t>(I), static_cast<uint32_t>(End), Out);
      I = End;
      continue;
    }
    if (C == 'R' && I + 1 < N && Text[I + 1] == '"' &&
        (I == 0 || !(std::isalnum(static_cast<unsigned char>(Text[I - 1])) ||
                     Text[I - 1] == '_'))) {
      // R"delim( ... )delim"
      size_t Open = Text.find('(', I + 2);
      if (Open == std::string::npos)
        break;
      std::string Close = ")" + Text.substr(I + 2, Open - I - 2) + "\"";
      size_t E = Text.find(Close, Open);
      I = E == std::string::npos ? N : E + Close.size();
      continue;
    }
    if (C == '"' || C == '\'') {
      // A digit separator (1'000) is no character literal.
      if (C == '\'' && I > 0 && std::isxdigit(static_cast<unsigned char>(Text[I - 1]))) {
        ++I;
        continue;
      }
      size_t J = I + 1;
      while (J < N && Text[J] != C && Text[J] != '\n')
        J += Text[J] == '\\' ? 2 : 1;
      I = J + 1;
      continue;
    }
    ++I;
  }
  return Out;
}

} // namespace paramlint
