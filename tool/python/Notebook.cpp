//===- python/Notebook.cpp - Jupyter notebooks as one Python module -------===//
///
/// \file
/// Joins a notebook's code cells into one Python text. Every access to the
/// JSON is guarded: a notebook is user input and may be malformed or hostile,
/// so problems come back as llvm::Error, never as an exception or a crash.
///
//===----------------------------------------------------------------------===//
#include "python/Notebook.h"

#include "llvm/Support/ConvertUTF.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string_view>

namespace paramlint {
namespace {

using Json = nlohmann::json;

/// A DOM-building SAX handler that keeps the parser's error message instead
/// of throwing it, so that the user learns where the JSON breaks.
struct RecordingSax : nlohmann::detail::json_sax_dom_parser<Json> {
  explicit RecordingSax(Json &Root)
      : nlohmann::detail::json_sax_dom_parser<Json>(Root,
                                                   /*allow_exceptions=*/false) {}

  // Hides the base's parse_error: sax_parse is a template on the handler
  // type, so this one is called.
  bool parse_error(std::size_t /*Position*/, const std::string & /*LastToken*/,
                   const nlohmann::detail::exception &Ex) {
    Message = Ex.what();
    return false;
  }

  std::string Message;
};

/// "parse error at line 3, column 5: ..." without nlohmann's id prefix.
std::string describeJsonError(std::string Message) {
  if (!Message.empty() && Message[0] == '[') {
    size_t Close = Message.find("] ");
    if (Close != std::string::npos)
      Message.erase(0, Close + 2);
  }
  return Message;
}

/// The message names the problem but not the path: the caller turns it into
/// a PL001 diagnostic that already carries the file.
llvm::Error notebookError(const std::string & /*Path*/, const std::string &What) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 "cannot read notebook: %s", What.c_str());
}

bool isSpace(char C) { return C == ' ' || C == '\t' || C == '\f'; }

bool isIdentChar(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
         (C >= '0' && C <= '9') || C == '_' || C == '*' ||
         static_cast<unsigned char>(C) >= 0x80;
}

/// True for IPython's help syntax on a whole line: `obj?`, `obj.attr??`,
/// `?obj`, `%magic?`. Anchored at both ends so that `x = 1  # why?` and
/// strings ending in `?` stay code.
bool isHelpLine(std::string_view Line) {
  if (Line.empty())
    return false;
  size_t B = 0, E = Line.size();
  bool Leading = Line[0] == '?';
  if (Leading) {
    B = (E > 1 && Line[1] == '?') ? 2 : 1;
  } else {
    if (Line[E - 1] != '?')
      return false;
    --E;
    if (E > 0 && Line[E - 1] == '?')
      --E;
    while (B < E && B < 2 && Line[B] == '%')
      ++B;
  }
  if (B >= E)
    return false;
  // A dotted name: parts of identifier characters, no empty part, not
  // starting with a digit.
  bool PartStart = true;
  for (size_t I = B; I < E; ++I) {
    char C = Line[I];
    if (C == '.') {
      if (PartStart)
        return false;
      PartStart = true;
      continue;
    }
    if (!isIdentChar(C) || (PartStart && C >= '0' && C <= '9'))
      return false;
    PartStart = false;
  }
  return !PartStart;
}

/// Where a line ends inside Python's lexical structure: an escape or help
/// line is only one when it starts a logical line, so a `% x` that continues
/// a bracketed expression or a line of a triple-quoted string stays code.
struct LexState {
  int Depth = 0;          ///< Open brackets.
  char Quote = 0;         ///< The quote of an open triple-quoted string.
  bool Backslash = false; ///< The previous line ended with `\`.
  /// The last line with code ended with a `:` that opens a block.
  bool OpensBlock = false;

  bool atLogicalLineStart() const { return Depth == 0 && !Quote && !Backslash; }

  /// Advances over one line (without its newline).
  void scan(std::string_view Line) {
    Backslash = false;
    char Last = 0; // Last character of code outside strings and comments.
    size_t I = 0;
    while (I < Line.size()) {
      char C = Line[I];
      if (Quote) {
        if (C == '\\') {
          I += 2;
          continue;
        }
        if (C == Quote && Line.substr(I, 3) == std::string(3, Quote)) {
          Quote = 0;
          I += 3;
          continue;
        }
        ++I;
        continue;
      }
      if (C == '#')
        break;
      if (C == '\\' && I + 1 == Line.size()) {
        Backslash = true;
        break;
      }
      if (C == '"' || C == '\'') {
        Last = C;
        if (Line.substr(I, 3) == std::string(3, C)) {
          Quote = C;
          I += 3;
          continue;
        }
        // A one-line string: skip to its closing quote (an unterminated one
        // ends the line, as it does for Python).
        ++I;
        while (I < Line.size() && Line[I] != C)
          I += Line[I] == '\\' ? 2 : 1;
        ++I;
        continue;
      }
      if (!isSpace(C))
        Last = C;
      if (C == '(' || C == '[' || C == '{')
        ++Depth;
      else if ((C == ')' || C == ']' || C == '}') && Depth > 0)
        --Depth;
      ++I;
    }
    // Blank and comment-only lines do not change what the last code line
    // opened.
    if (Last)
      OpensBlock = Last == ':' && Depth == 0 && !Quote && !Backslash;
  }
};

/// Appends one code cell's source to Out, blanking what is not Python:
/// a `%%` cell magic blanks the whole cell; `%`/`!` lines (with their `\`
/// continuations) and help lines that start a logical line blank that line.
/// A blanked line keeps its newline so rows still map; one that starts a
/// block's body becomes `pass` (with its indentation) so that a block whose
/// body is only a magic still parses.
void appendCell(std::string_view Source, std::string &Out) {
  size_t FirstCode = Source.find_first_not_of(" \t\f\r\n");
  bool CellMagic = FirstCode != std::string_view::npos &&
                   Source.substr(FirstCode, 2) == "%%";
  bool Continuing = false; // Inside a blanked line's `\` continuation.
  LexState Lex;
  size_t CellBegin = Out.size();
  size_t Pos = 0;
  while (Pos < Source.size()) {
    size_t Nl = Source.find('\n', Pos);
    size_t End = Nl == std::string_view::npos ? Source.size() : Nl;
    std::string_view Line = Source.substr(Pos, End - Pos);
    std::string_view Body = Line;
    if (!Body.empty() && Body.back() == '\r')
      Body.remove_suffix(1);
    size_t Indent = 0;
    while (Indent < Body.size() && isSpace(Body[Indent]))
      ++Indent;
    std::string_view Stripped = Body.substr(Indent);
    while (!Stripped.empty() && isSpace(Stripped.back()))
      Stripped.remove_suffix(1);

    bool WasContinuing = Continuing;
    bool Blank = CellMagic || Continuing;
    if (!Blank && !Stripped.empty() && Lex.atLogicalLineStart() &&
        (Stripped[0] == '%' || Stripped[0] == '!' || isHelpLine(Stripped)))
      Blank = true;
    if (Blank && !CellMagic)
      Continuing = !Stripped.empty() && Stripped.back() == '\\';

    if (!Blank) {
      Out.append(Line);
      Lex.scan(Body);
    } else if (Indent > 0 && !CellMagic && !WasContinuing &&
               Lex.OpensBlock) {
      Out.append(Body.substr(0, Indent)).append("pass");
    }
    if (Nl == std::string_view::npos)
      break;
    Out.push_back('\n');
    Pos = Nl + 1;
  }
  if (Out.size() == CellBegin || Out.back() != '\n')
    Out.push_back('\n');
}

/// The text of a cell's `source`: a string, or a list of strings joined
/// as they are (each usually ends with its own newline).
llvm::Expected<std::string> cellSource(const std::string &Path,
                                       const Json &Cell, size_t Index) {
  auto It = Cell.find("source");
  if (It == Cell.end())
    return notebookError(Path, "cell " + std::to_string(Index) +
                                   " has no `source`");
  if (It->is_string())
    return It->get_ref<const std::string &>();
  if (!It->is_array())
    return notebookError(Path, "the `source` of cell " +
                                   std::to_string(Index) +
                                   " is not a string or a list of strings");
  std::string Joined;
  for (const Json &Part : *It) {
    if (!Part.is_string())
      return notebookError(Path, "the `source` of cell " +
                                     std::to_string(Index) +
                                     " is not a string or a list of strings");
    Joined += Part.get_ref<const std::string &>();
  }
  return Joined;
}

} // namespace

llvm::Expected<std::unique_ptr<SourceFile>>
readNotebook(const std::string &Path, const std::string &Bytes) {
  Json Root;
  RecordingSax Sax(Root);
  bool Parsed = Json::sax_parse(Bytes, &Sax, nlohmann::detail::input_format_t::json,
                                /*strict=*/true);
  if (!Parsed || !Sax.Message.empty())
    return notebookError(Path, "not valid JSON: " +
                                   describeJsonError(Sax.Message.empty()
                                                         ? "parse error"
                                                         : Sax.Message));
  if (!Root.is_object())
    return notebookError(Path, "the top level is not a JSON object");
  auto CellsIt = Root.find("cells");
  if (CellsIt == Root.end()) {
    if (Root.contains("worksheets"))
      return notebookError(Path, "no `cells` array (nbformat 3 notebooks are "
                                 "not supported; convert with `jupyter "
                                 "nbconvert --to notebook`)");
    return notebookError(Path, "no `cells` array");
  }
  if (!CellsIt->is_array())
    return notebookError(Path, "`cells` is not an array");

  std::string Text;
  std::vector<CellSpan> Cells;
  uint32_t Row = 0;
  uint32_t Number = 0;
  for (size_t Index = 0; Index < CellsIt->size(); ++Index) {
    const Json &Cell = (*CellsIt)[Index];
    if (!Cell.is_object())
      return notebookError(Path, "cell " + std::to_string(Index) +
                                     " is not a JSON object");
    auto Type = Cell.find("cell_type");
    if (Type == Cell.end() || !Type->is_string())
      return notebookError(Path, "cell " + std::to_string(Index) +
                                     " has no `cell_type` string");
    if (Type->get_ref<const std::string &>() != "code")
      continue;
    llvm::Expected<std::string> Source = cellSource(Path, Cell, Index);
    if (!Source)
      return Source.takeError();
    if (Source->find('\0') != std::string::npos)
      return notebookError(Path, "cell " + std::to_string(Index) +
                                     " contains a NUL character");

    size_t Begin = Text.size();
    appendCell(*Source, Text);
    if (Text.size() >= std::numeric_limits<uint32_t>::max())
      return notebookError(Path, "the code cells are larger than 4 GiB");
    CellSpan Span;
    Span.Number = ++Number;
    Span.Index = static_cast<uint32_t>(Index);
    Span.BeginByte = static_cast<uint32_t>(Begin);
    Span.FirstRow = Row;
    Cells.push_back(Span);
    for (size_t I = Begin; I < Text.size(); ++I)
      Row += Text[I] == '\n';
  }

  // nlohmann validates UTF-8 inside strings; checked again because the
  // frontend relies on it and the check is cheap.
  const auto *B = reinterpret_cast<const llvm::UTF8 *>(Text.data());
  if (!llvm::isLegalUTF8String(&B, B + Text.size()))
    return notebookError(Path, "the code cells are not valid UTF-8");

  return std::make_unique<SourceFile>(Path, std::move(Text),
                                      SourceKind::Notebook, std::move(Cells));
}

} // namespace paramlint
