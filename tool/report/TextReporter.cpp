//===- report/TextReporter.cpp - Diagnostics as text ----------------------===//
#include "report/Reporters.h"

#include "checks/Registry.h"
#include "fix/FixEngine.h"

#include <fmt/format.h>

#include <map>

namespace paramlint {
namespace {

/// The longest source line shown whole under a finding.
constexpr uint32_t MaxSnippetBytes = 160;

/// Code points of Text[0, Bytes): the display width paramlint assumes.
size_t width(std::string_view Text) {
  size_t N = 0;
  for (unsigned char C : Text)
    if ((C & 0xC0) != 0x80)
      ++N;
  return N;
}

struct Style {
  bool On;
  std::string bold(const std::string &S) const {
    return On ? "\x1b[1m" + S + "\x1b[0m" : S;
  }
  std::string red(const std::string &S) const {
    return On ? "\x1b[1;31m" + S + "\x1b[0m" : S;
  }
  std::string blue(const std::string &S) const {
    return On ? "\x1b[1;34m" + S + "\x1b[0m" : S;
  }
};

void writeOne(std::ostream &OS, const Diagnostic &D, const Style &S,
              bool UnsafeFixes) {
  const SourceFile *File = D.Where.File;
  Position P = File ? File->position(D.Where.Where.Begin) : Position{};
  std::string Where = File ? File->path() : "<unknown>";
  if (P.Cell)
    Where += fmt::format(":cell {}", *P.Cell);
  Where += fmt::format(":{}:{}", P.Row, P.Column);
  OS << S.bold(Where) << ": " << S.red(D.Code)
     << (isFixApplicable(D, UnsafeFixes) ? " [*] " : " ")
     << D.Message << "\n";
  if (!File || File->text().empty())
    return;
  if (File->changed()) {
    // Its text was released after extraction and is not what was analysed
    // now: no excerpt rather than a wrong one.
    OS << S.blue("  =") << " source not shown: `" << File->path()
       << "` changed on disk after it was checked\n";
    for (const Note &N : D.Notes)
      OS << S.blue("  =") << " " << N.Message << "\n";
    OS << "\n";
    return;
  }
  std::string_view Line = File->lineAt(D.Where.Where.Begin);
  uint32_t LineBegin = File->lineStart(D.Where.Where.Begin);
  uint32_t Begin = D.Where.Where.Begin - LineBegin;
  uint32_t End = std::min<uint32_t>(
      std::max(D.Where.Where.End, D.Where.Where.Begin + 1) - LineBegin,
      static_cast<uint32_t>(Line.size()));
  // A minified or generated line is cut to a window around the caret, so a
  // finding never prints a whole megabyte of source.
  std::string Before, After;
  if (Line.size() > MaxSnippetBytes) {
    uint32_t From = Begin > MaxSnippetBytes / 4 ? Begin - MaxSnippetBytes / 4 : 0;
    while (From > 0 && (static_cast<unsigned char>(Line[From]) & 0xC0) == 0x80)
      --From;
    uint32_t To = std::min<uint32_t>(From + MaxSnippetBytes, Line.size());
    while (To < Line.size() && (static_cast<unsigned char>(Line[To]) & 0xC0) == 0x80)
      ++To;
    if (From > 0)
      Before = "…";
    if (To < Line.size())
      After = "…";
    Line = Line.substr(From, To - From);
    Begin -= From;
    End = std::min<uint32_t>(End - std::min(End, From), Line.size());
  }
  std::string Row = std::to_string(P.Row);
  std::string Gutter(Row.size() + 1, ' ');
  OS << S.blue(Gutter + "|") << "\n";
  OS << S.blue(Row + " |") << " " << Before << Line << After << "\n";
  size_t Pad = width(Before) +
               width(Line.substr(0, std::min<size_t>(Begin, Line.size())));
  size_t Len = End > Begin ? width(Line.substr(Begin, End - Begin)) : 1;
  OS << S.blue(Gutter + "|") << " " << std::string(Pad, ' ')
     << S.red(std::string(std::max<size_t>(Len, 1), '^')) << "\n";
  for (const Note &N : D.Notes)
    OS << S.blue(Gutter + "=") << " " << N.Message << "\n";
  OS << "\n";
}

} // namespace

void writeText(std::ostream &OS, const std::vector<Diagnostic> &Diags,
               const TextOptions &Options) {
  Style S{Options.Color};
  if (Options.Statistics) {
    for (const RuleCount &C : countByRule(Diags, Options.UnsafeFixes))
      OS << fmt::format("{:>5}\t{}\t{}{}\n", C.Count, C.Code,
                        C.Fixable ? "[*] " : "", C.Name);
    return;
  }
  size_t Fixable = 0, Hidden = 0;
  for (const Diagnostic &D : Diags) {
    writeOne(OS, D, S, Options.UnsafeFixes);
    Fixable += isFixApplicable(D, Options.UnsafeFixes);
    Hidden += !isFixApplicable(D, Options.UnsafeFixes) && isFixApplicable(D, true);
  }
  if (Diags.empty() && !Options.Fixed.value_or(0)) {
    OS << "All checks passed!\n";
    return;
  }
  size_t Fixed = Options.Fixed.value_or(0);
  size_t Total = Diags.size() + Fixed;
  OS << fmt::format("Found {} error{}", Total, Total == 1 ? "" : "s");
  if (Options.Fixed)
    OS << fmt::format(" ({} fixed, {} remaining)", Fixed, Diags.size());
  OS << ".\n";
  std::string HiddenNote =
      Hidden ? fmt::format("{} hidden fix{} can be enabled with `--unsafe-fixes`",
                           Hidden, Hidden == 1 ? "" : "es")
             : "";
  if (Fixable)
    OS << fmt::format("[*] {} fixable with `--fix{}`{}.\n", Fixable,
                      Options.UnsafeFixes ? " --unsafe-fixes" : "",
                      Hidden ? " (" + HiddenNote + ")" : "");
  else if (Hidden)
    OS << "No fixes available (" << HiddenNote << ").\n";
}

} // namespace paramlint
