//===- Annotations.cpp - What a fixture says must (not) fire --------------===//
///
/// \file
/// A small lexer finds the comments (skipping strings, so a `#` inside a
/// string is not a comment), then each comment is searched for `expect:` and
/// `ok:` clauses. Kept small and strict: it judges every fixture, so a typo
/// in an annotation is an error rather than a silently empty expectation.
///
//===----------------------------------------------------------------------===//
#include "Annotations.h"

#include <string_view>

namespace paramlint::test {
namespace {

/// Per line of the text: where it starts, whether it holds anything but
/// whitespace and comments, and where its comment starts (if any).
struct LineInfo {
  uint32_t Begin = 0;
  uint32_t End = 0; ///< Excluding the newline.
  bool HasCode = false;
  std::optional<uint32_t> CommentBegin;
};

bool isCxxPath(const std::string &Path) {
  for (const char *Ext : {".cpp", ".cc", ".cxx", ".h", ".hpp", ".cu", ".c"}) {
    std::string_view E(Ext);
    if (Path.size() >= E.size() &&
        Path.compare(Path.size() - E.size(), E.size(), E) == 0)
      return true;
  }
  return false;
}

/// Splits Text into lines and finds each line's comment, tracking strings
/// across lines (Python's triple quotes, C++'s block comments).
std::vector<LineInfo> scanLines(std::string_view Text, bool Cxx) {
  std::vector<LineInfo> Lines;
  char Quote = 0;      // Open string's quote character.
  bool Triple = false; // Python triple-quoted string.
  bool InBlockComment = false;
  LineInfo Cur;
  auto markCode = [&] { Cur.HasCode = true; };
  uint32_t I = 0;
  uint32_t N = static_cast<uint32_t>(Text.size());
  while (I <= N) {
    if (I == N || Text[I] == '\n') {
      Cur.End = I;
      Lines.push_back(Cur);
      Cur = LineInfo();
      Cur.Begin = I + 1;
      if (!Triple)
        Quote = 0; // A one-line string ends with its line.
      ++I;
      continue;
    }
    char C = Text[I];
    if (InBlockComment) {
      if (C == '*' && I + 1 < N && Text[I + 1] == '/') {
        InBlockComment = false;
        I += 2;
        continue;
      }
      ++I;
      continue;
    }
    if (Quote) {
      markCode();
      if (C == '\\') {
        I += (I + 1 < N && Text[I + 1] != '\n') ? 2 : 1;
        continue;
      }
      if (C == Quote) {
        if (!Triple) {
          Quote = 0;
        } else if (Text.substr(I, 3) == std::string(3, Quote)) {
          Quote = 0;
          Triple = false;
          I += 3;
          continue;
        }
      }
      ++I;
      continue;
    }
    bool Comment =
        Cxx ? (C == '/' && I + 1 < N && Text[I + 1] == '/') : C == '#';
    if (Comment) {
      if (!Cur.CommentBegin)
        Cur.CommentBegin = I;
      // The rest of the line is comment.
      while (I < N && Text[I] != '\n')
        ++I;
      continue;
    }
    if (Cxx && C == '/' && I + 1 < N && Text[I + 1] == '*') {
      InBlockComment = true;
      I += 2;
      continue;
    }
    if (C == '"' || C == '\'') {
      markCode();
      Quote = C;
      if (!Cxx && Text.substr(I, 3) == std::string(3, C)) {
        Triple = true;
        I += 3;
        continue;
      }
      ++I;
      continue;
    }
    if (C != ' ' && C != '\t' && C != '\r' && C != '\f')
      markCode();
    ++I;
  }
  return Lines;
}

bool isSpace(char C) { return C == ' ' || C == '\t' || C == '\r' || C == '\f'; }

void skipSpaces(std::string_view S, size_t &I) {
  while (I < S.size() && isSpace(S[I]))
    ++I;
}

/// One clause, before rows are assigned.
struct Clause {
  bool Ok = false;
  std::vector<std::pair<std::string, std::string>> Codes; ///< Code, filter.
};

/// Parses the clauses of one comment (leader included). Returns an error
/// message, or "" on success; a comment without clauses gives none.
std::string parseComment(std::string_view Comment, std::string_view Leader,
                         std::vector<Clause> &Out) {
  size_t I = 0;
  while (true) {
    size_t L = Comment.find(Leader, I);
    if (L == std::string_view::npos)
      return "";
    size_t J = L + Leader.size();
    skipSpaces(Comment, J);
    Clause C;
    std::string_view Rest = Comment.substr(J);
    if (Rest.substr(0, 7) == "expect:") {
      J += 7;
    } else if (Rest.substr(0, 3) == "ok:") {
      C.Ok = true;
      J += 3;
    } else {
      I = L + Leader.size();
      continue;
    }
    // Items: CODE ["filter"] separated by commas, up to the end of the
    // comment or the next leader (which starts a new clause or a remark).
    while (true) {
      skipSpaces(Comment, J);
      size_t CodeBegin = J;
      while (J < Comment.size() && Comment[J] >= 'A' && Comment[J] <= 'Z')
        ++J;
      size_t Letters = J - CodeBegin;
      while (J < Comment.size() && Comment[J] >= '0' && Comment[J] <= '9')
        ++J;
      if (Letters == 0 || J == CodeBegin + Letters ||
          (J < Comment.size() && !isSpace(Comment[J]) && Comment[J] != ',' &&
           Comment[J] != '"' && Comment.substr(J, Leader.size()) != Leader))
        return "expected a rule code such as PL101 after `" +
               std::string(C.Ok ? "ok:" : "expect:") + "`, found `" +
               std::string(Comment.substr(CodeBegin)) + "`";
      std::string Code(Comment.substr(CodeBegin, J - CodeBegin));
      std::string Filter;
      skipSpaces(Comment, J);
      if (J < Comment.size() && Comment[J] == '"') {
        ++J;
        bool Closed = false;
        while (J < Comment.size()) {
          char Ch = Comment[J++];
          if (Ch == '\\' && J < Comment.size()) {
            Filter.push_back(Comment[J++]);
            continue;
          }
          if (Ch == '"') {
            Closed = true;
            break;
          }
          Filter.push_back(Ch);
        }
        if (!Closed)
          return "unterminated message filter after " + Code;
        if (Filter.empty())
          return "empty message filter after " + Code;
      }
      C.Codes.emplace_back(std::move(Code), std::move(Filter));
      skipSpaces(Comment, J);
      if (J < Comment.size() && Comment[J] == ',') {
        ++J;
        continue;
      }
      if (J == Comment.size() || Comment.substr(J, Leader.size()) == Leader)
        break;
      return "unexpected `" + std::string(Comment.substr(J)) +
             "` after the codes (end the annotation, or start a remark with `" +
             std::string(Leader) + "`)";
    }
    Out.push_back(std::move(C));
    I = J;
  }
}

} // namespace

llvm::Expected<std::vector<Expectation>>
parseAnnotations(const SourceFile &File) {
  bool Cxx = isCxxPath(File.path());
  std::string_view Leader = Cxx ? "//" : "#";
  std::string_view Text = File.text();
  std::vector<LineInfo> Lines = scanLines(Text, Cxx);
  // A file ending in a newline has an empty last "line"; harmless.
  std::vector<Expectation> Result;
  auto fail = [&](uint32_t LineBegin, const std::string &Why) {
    Position P = File.position(LineBegin);
    std::string Where = File.path() + ":";
    if (P.Cell)
      Where += "cell " + std::to_string(*P.Cell) + ":";
    Where += std::to_string(P.Row);
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: bad annotation: %s", Where.c_str(),
                                   Why.c_str());
  };

  for (size_t LineNo = 0; LineNo < Lines.size(); ++LineNo) {
    const LineInfo &Line = Lines[LineNo];
    if (!Line.CommentBegin)
      continue;
    std::vector<Clause> Clauses;
    std::string Problem = parseComment(
        Text.substr(*Line.CommentBegin, Line.End - *Line.CommentBegin), Leader,
        Clauses);
    if (!Problem.empty())
      return fail(Line.Begin, Problem);
    if (Clauses.empty())
      continue;

    Position Here = File.position(Line.Begin);
    const LineInfo *Target = &Line;
    if (!Line.HasCode) {
      Target = nullptr;
      for (size_t Next = LineNo + 1; Next < Lines.size(); ++Next) {
        if (!Lines[Next].HasCode)
          continue;
        if (File.position(Lines[Next].Begin).Cell != Here.Cell)
          break;
        Target = &Lines[Next];
        break;
      }
      if (!Target)
        return fail(Line.Begin, Here.Cell
                                    ? "no code line follows it in its cell"
                                    : "no code line follows it");
    }
    Position At = File.position(Target->Begin);
    for (Clause &C : Clauses)
      for (auto &[Code, Filter] : C.Codes) {
        Expectation E;
        E.Code = Code;
        E.Row = At.Row;
        E.Cell = At.Cell;
        E.MessageContains = Filter;
        E.Ok = C.Ok;
        E.AnnotationRow = Here.Row;
        Result.push_back(std::move(E));
      }
  }
  return Result;
}

} // namespace paramlint::test
