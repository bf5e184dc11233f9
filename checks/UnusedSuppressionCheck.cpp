//===- checks/UnusedSuppressionCheck.cpp - PL002 --------------------------===//
///
/// \file
/// Suppression is applied after every check ran: a diagnostic is dropped
/// when a `# noqa` comment on the line it starts on names its code (or
/// names none). PL002 then reads which codes were used. Like PL001, PL002
/// is no graph check: it needs the diagnostics of the other rules.
///
//===----------------------------------------------------------------------===//
#include "checks/UnusedSuppressionCheck.h"

#include "Config.h"
#include "checks/Registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace paramlint {
namespace {

/// `PL` and three digits: paramlint's code shape (Ruff's pylint codes are
/// `PLR0913`, four digits after a letter, and never match).
bool isOurCode(const std::string &Code) {
  return Code.size() == 5 && Code.compare(0, 2, "PL") == 0 &&
         std::isdigit(static_cast<unsigned char>(Code[2])) &&
         std::isdigit(static_cast<unsigned char>(Code[3])) &&
         std::isdigit(static_cast<unsigned char>(Code[4]));
}

bool isBlank(char C) { return C == ' ' || C == '\t'; }

/// The fix for a directive whose codes Unused suppressed nothing: drop those
/// codes, or the directive when nothing would be left.
Fix removalFix(const SourceFile &File, const SuppressionFact &S,
               const std::set<size_t> &Unused) {
  const std::string &Text = File.text();
  Fix F;
  F.Applies = Applicability::Safe;
  std::vector<std::string> Kept;
  for (size_t I = 0; I < S.Codes.size(); ++I)
    if (!Unused.count(I))
      Kept.push_back(S.Codes[I].Name);
  if (!Kept.empty()) {
    std::string List = Kept.front();
    for (size_t I = 1; I < Kept.size(); ++I)
      List += ", " + Kept[I];
    F.Message = Unused.size() == 1 ? "Remove the unused code" : "Remove the unused codes";
    F.Edits.push_back(
        Edit{Span{S.Codes.front().Where.Begin, S.Codes.back().Where.End}, List});
    return F;
  }
  F.Message = std::string("Remove the unused `") +
              (File.kind() == SourceKind::Cxx ? "NOLINT" : "noqa") + "` directive";
  uint32_t Begin = S.Where.Begin, End = S.Where.End;
  uint32_t After = End;
  while (After < S.Comment.End && isBlank(Text[After]))
    ++After;
  if (After < S.Comment.End) {
    // More comment follows (`# noqa: PL101  # why`): it keeps the place.
    End = After;
  } else {
    // The directive ends the line: take the blanks before it too.
    End = After;
    while (Begin > 0 && isBlank(Text[Begin - 1]))
      --Begin;
    if ((Begin == 0 || Text[Begin - 1] == '\n') && S.Where.Begin == S.Comment.Begin)
      Begin = S.Where.Begin; // A comment alone on its line keeps the indent.
  }
  F.Edits.push_back(Edit{Span{Begin, End}, ""});
  return F;
}

} // namespace

void applySuppressions(Analysis &A, const AnalysisOptions &Options) {
  auto Enabled = [&](const std::string &Code, const SourceFile *File) {
    return (Options.Select.empty() || matchesAny(Code, Options.Select)) &&
           !matchesAny(Code, Options.Ignore) &&
           !(File && ignoredInFile(Code, File->path(), Options));
  };
  // The config's per-file ignores first: what they drop no `noqa` needed.
  if (!Options.PerFileIgnores.empty())
    A.Diagnostics.erase(
        std::remove_if(A.Diagnostics.begin(), A.Diagnostics.end(),
                       [&](const Diagnostic &D) {
                         return D.Where.File &&
                                ignoredInFile(D.Code, D.Where.File->path(), Options);
                       }),
        A.Diagnostics.end());
  std::set<std::string> Known;
  for (const CheckInfo &R : allRules())
    Known.insert(R.Code);

  // (file, line start) → the suppressions on that line.
  struct Entry {
    const SourceFile *File;
    const SuppressionFact *Fact;
    bool Input;
    bool BareUsed = false;
    std::vector<bool> Used;
  };
  std::map<std::pair<const SourceFile *, uint32_t>, std::vector<Entry>> ByLine;
  for (size_t I = 0; I < A.Files.size() && I < A.Facts.size(); ++I)
    for (const SuppressionFact &S : A.Facts[I].Suppressions)
      ByLine[{A.Files[I].get(),
              A.Files[I]->lineStart(S.AppliesAt.value_or(S.Where.Begin))}].push_back(
          Entry{A.Files[I].get(), &S, I < A.InputCount,
                false, std::vector<bool>(S.Codes.size(), false)});
  if (ByLine.empty())
    return;

  DiagnosticSink Kept;
  for (Diagnostic &D : A.Diagnostics) {
    bool Suppressed = false;
    if (D.Where.File) {
      auto It = ByLine.find({D.Where.File, D.Where.File->lineStart(D.Where.Where.Begin)});
      if (It != ByLine.end())
        for (Entry &E : It->second) {
          if (E.Fact->Codes.empty()) {
            Suppressed = E.BareUsed = true;
            continue;
          }
          for (size_t C = 0; C < E.Fact->Codes.size(); ++C)
            if (E.Fact->Codes[C].Name == D.Code)
              Suppressed = E.Used[C] = true;
        }
    }
    if (!Suppressed)
      Kept.report(std::move(D));
  }

  { // PL002: the codes that suppressed nothing.
    std::set<const SourceFile *> Unparsed;
    for (size_t I = 0; I < A.InputCount && I < A.Facts.size(); ++I)
      if (!A.Facts[I].Problems.empty())
        Unparsed.insert(A.Files[I].get());
    for (const auto &[Line, Entries] : ByLine)
      for (const Entry &E : Entries) {
        if (!E.Input || Unparsed.count(E.File) ||
            !Enabled(UnusedSuppressionCheck::Info.Code, E.File))
          continue;
        std::set<size_t> Unused;
        std::vector<std::string> UnusedNames, UnknownNames;
        for (size_t C = 0; C < E.Fact->Codes.size(); ++C) {
          const std::string &Name = E.Fact->Codes[C].Name;
          if (E.Used[C] || !isOurCode(Name) ||
              Name == UnusedSuppressionCheck::Info.Code)
            continue;
          if (!Known.count(Name))
            UnknownNames.push_back("`" + Name + "`");
          else if (Enabled(Name, E.File))
            UnusedNames.push_back("`" + Name + "`");
          else
            continue;
          Unused.insert(C);
        }
        if (Unused.empty())
          continue;
        std::string Why;
        if (!UnusedNames.empty())
          Why += "unused: " + fmt::format("{}", fmt::join(UnusedNames, ", "));
        if (!UnknownNames.empty())
          Why += std::string(Why.empty() ? "" : "; ") + "unknown: " +
                 fmt::format("{}", fmt::join(UnknownNames, ", "));
        Diagnostic D;
        D.Code = UnusedSuppressionCheck::Info.Code;
        D.Message = std::string("unused `") +
                    (E.File->kind() == SourceKind::Cxx ? "NOLINT" : "noqa") +
                    "` directive (" + Why + ")";
        D.Where = Location{E.File, E.Fact->Where};
        D.TheFix = removalFix(*E.File, *E.Fact, Unused);
        Kept.report(std::move(D));
      }
  }
  A.Diagnostics = Kept.take();
}

} // namespace paramlint
