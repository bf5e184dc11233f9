//===- fix/FixEngine.cpp - Apply the checks' fixes, safely ----------------===//
#include "fix/FixEngine.h"

#include "Discover.h"
#include "SourceText.h"
#include "fix/CheckedTree.h"
#include "fix/NotebookSplice.h"
#include "graph/ModulePaths.h"
#include "python/Notebook.h"
#include "python/PythonFrontend.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace paramlint {
namespace {

bool sameEdit(const Edit &A, const Edit &B) {
  return A.Where.Begin == B.Where.Begin && A.Where.End == B.Where.End &&
         A.Content == B.Content;
}

/// Whether two edits touch the same bytes; two insertions at one place, or
/// an insertion at the start of a replacement, conflict too (their order
/// would be a guess).
bool overlaps(const Edit &A, const Edit &B) {
  if (A.Where.Begin < B.Where.End && B.Where.Begin < A.Where.End)
    return true;
  return A.Where.Begin == B.Where.Begin &&
         (A.Where.Begin == A.Where.End || B.Where.Begin == B.Where.End);
}

/// One fix chosen in a round, with what identifies it across rounds.
struct Taken {
  const Diagnostic *D;
  Fix F;
  std::string Key;
};

/// Identifies a fix independently of byte offsets (which move between
/// rounds): rule, title, and the text each edit replaces and inserts.
std::string fixKey(const SourceFile &File, const Diagnostic &D, const Fix &F) {
  std::string Key = D.Code + '\0' + F.Message;
  for (const Edit &E : F.Edits)
    Key += '\0' + std::string(File.slice(E.Where)) + '\0' + E.Content;
  return Key;
}

/// The union of the fixes' edits, sorted, identical edits once.
std::vector<Edit> mergedEdits(const std::vector<const Taken *> &Fixes) {
  std::vector<Edit> Out;
  for (const Taken *T : Fixes)
    for (const Edit &E : T->F.Edits)
      if (std::none_of(Out.begin(), Out.end(),
                       [&](const Edit &O) { return sameEdit(O, E); }))
        Out.push_back(E);
  std::stable_sort(Out.begin(), Out.end(), [](const Edit &A, const Edit &B) {
    return A.Where.Begin < B.Where.Begin;
  });
  return Out;
}

/// The file's new bytes with Edits applied (text coordinates of File), if
/// they still parse; else why not.
llvm::Expected<std::string> rebuild(const SourceFile &File,
                                    const std::string &Bytes,
                                    const std::vector<Edit> &Edits) {
  std::unique_ptr<SourceFile> Reread;
  std::string Out;
  if (File.kind() == SourceKind::Notebook) {
    auto Spliced = spliceNotebook(Bytes, File, Edits);
    if (!Spliced)
      return Spliced.takeError();
    Out = std::move(*Spliced);
    auto NB = readNotebook(File.path(), Out);
    if (!NB)
      return NB.takeError();
    Reread = std::move(*NB);
  } else {
    Out = applyEdits(File.text(), Edits);
    // C++ is checked by the next round's analysis, which parses it with
    // Clang (a fix that broke it would show as a PL001 there).
    if (File.kind() == SourceKind::Cxx)
      return Out;
    Reread = std::make_unique<SourceFile>(File.path(), Out, SourceKind::Python);
    // tree-sitter parses a NUL or a broken UTF-8 sequence in a string or a
    // comment, but the next run would refuse the whole file (PL001).
    if (std::optional<TextProblem> P = sourceTextProblem(Out)) {
      Position At = Reread->position(P->At);
      return llvm::createStringError(std::errc::invalid_argument,
                                     "it would make the file unreadable (%s at %u:%u)",
                                     P->Message.c_str(), At.Row, At.Column);
    }
  }
  FileFacts Facts = extractPythonFacts(*Reread);
  if (!Facts.Problems.empty()) {
    const ParseProblem &P = Facts.Problems.front();
    Position At = Reread->position(P.Where.Begin);
    std::string Where = At.Cell ? fmt::format("cell {}:", *At.Cell) : "";
    Where += fmt::format("{}:{}", At.Row, At.Column);
    return llvm::createStringError(std::errc::invalid_argument,
                                   "it would break the syntax (%s at %s)",
                                   P.Message.c_str(), Where.c_str());
  }
  return Out;
}

/// Splits an error into its message and code.
std::pair<std::string, std::error_code> describe(llvm::Error E) {
  std::pair<std::string, std::error_code> Out;
  llvm::handleAllErrors(std::move(E), [&](const llvm::ErrorInfoBase &Info) {
    Out.first = Info.message();
    Out.second = Info.convertToErrorCode();
  });
  return Out;
}

/// The state of the run over the rounds.
class Engine {
public:
  Engine(const std::vector<std::string> &Paths, const FixOptions &Options)
      : Paths(Paths), Options(Options) {}

  llvm::Expected<FixResult> run();

private:
  /// Fixes one file in the current round; true when its bytes changed.
  bool fixFile(const SourceFile &File, const std::string &Key,
               const std::vector<const Diagnostic *> &Diags);

  const std::vector<std::string> &Paths;
  const FixOptions &Options;
  std::set<std::string> Warned; ///< Declined files already warned about.
  std::vector<std::string> Order; ///< Keys of the snapshotted inputs.
  std::map<std::string, FileSnapshot> Snapshots;
  std::map<std::string, std::string> Current; ///< Bytes after the fixes so far.
  std::map<std::string, size_t> FixedIn;
  std::set<std::string> Rejected; ///< fixKey of fixes that failed.
  FixResult Result;
};

bool Engine::fixFile(const SourceFile &File, const std::string &Key,
                     const std::vector<const Diagnostic *> &Diags) {
  // Applicable fixes in the order of their first edit, then rule.
  std::vector<Taken> Candidates;
  for (const Diagnostic *D : Diags) {
    Fix F = *D->TheFix;
    if (Options.MutateFix)
      Options.MutateFix(*D, F);
    if (F.Edits.empty())
      continue;
    std::string K = fixKey(File, *D, F);
    if (!Rejected.count(K))
      Candidates.push_back(Taken{D, std::move(F), std::move(K)});
  }
  std::stable_sort(Candidates.begin(), Candidates.end(),
                   [](const Taken &A, const Taken &B) {
                     uint32_t PA = A.F.Edits.front().Where.Begin;
                     uint32_t PB = B.F.Edits.front().Where.Begin;
                     return PA != PB ? PA < PB : A.D->Code < B.D->Code;
                   });

  const uint32_t Size = static_cast<uint32_t>(File.text().size());
  std::vector<Edit> Accepted;
  std::vector<const Taken *> Chosen;
  for (const Taken &T : Candidates) {
    bool Conflict = false, Changes = false, Shared = false;
    std::vector<Edit> Mine;
    for (const Edit &E : T.F.Edits) {
      if (E.Where.End < E.Where.Begin || E.Where.End > Size) {
        Conflict = true;
        break;
      }
      if (std::any_of(Accepted.begin(), Accepted.end(),
                      [&](const Edit &A) { return sameEdit(A, E); })) {
        Shared = true;
        continue;
      }
      auto Clash = [&](const Edit &A) { return overlaps(A, E); };
      if (std::any_of(Accepted.begin(), Accepted.end(), Clash) ||
          std::any_of(Mine.begin(), Mine.end(), Clash)) {
        Conflict = true;
        break;
      }
      Changes |= File.slice(E.Where) != E.Content;
      Mine.push_back(E);
    }
    // A fix that overlaps an earlier one waits for the next round, where
    // the analysis of the new text says whether it is still needed.
    if (Conflict || (!Changes && !Shared))
      continue;
    Accepted.insert(Accepted.end(), Mine.begin(), Mine.end());
    Chosen.push_back(&T);
  }
  if (Chosen.empty())
    return false;

  const std::string &Bytes = Current[Key];
  auto Built = rebuild(File, Bytes, mergedEdits(Chosen));
  if (!Built) {
    // Find the culprits: add the fixes one by one, keeping those that
    // leave the file valid.
    llvm::consumeError(Built.takeError());
    std::vector<const Taken *> Kept;
    for (const Taken *T : Chosen) {
      Kept.push_back(T);
      auto Try = rebuild(File, Bytes, mergedEdits(Kept));
      if (Try) {
        continue;
      }
      Kept.pop_back();
      Rejected.insert(T->Key);
      Result.Warnings.push_back(fmt::format(
          "{}: fix not applied for {} at {} (`{}`): {}", File.path(), T->D->Code,
          formatLocation(T->D->Where), T->F.Message,
          describe(Try.takeError()).first));
    }
    Chosen = Kept;
    if (Chosen.empty())
      return false;
    Built = rebuild(File, Bytes, mergedEdits(Chosen));
    if (!Built) {
      // Cannot happen (the last Kept built); be safe anyway.
      llvm::consumeError(Built.takeError());
      return false;
    }
  }
  if (*Built == Bytes)
    return false;
  Current[Key] = std::move(*Built);
  FixedIn[Key] += Chosen.size();
  return true;
}

llvm::Expected<FixResult> Engine::run() {
  const CheckedTree Tree(Paths);
  for (const DiscoveredPath &In : discoverInputs(Paths)) {
    if (!In.Problem.empty())
      continue;
    std::string Key = absolutePath(In.Path).string();
    if (Snapshots.count(Key))
      continue;
    // Never snapshotted, so never edited: its findings stay as remaining
    // ones, with a warning if it has fixes.
    if (Tree.outside(In.Path))
      continue;
    auto Snap = snapshotFile(In.Path);
    if (!Snap) {
      llvm::consumeError(Snap.takeError()); // analyze() reports it as PL001.
      continue;
    }
    Order.push_back(Key);
    Current[Key] = Snap->Bytes;
    Snapshots.emplace(Key, std::move(*Snap));
  }

  AnalysisOptions AO = Options.Analysis;
  std::unique_ptr<Analysis> Last;
  bool Settled = false;
  for (unsigned Round = 0; Round < std::max(1u, Options.MaxRounds); ++Round) {
    AO.Contents = Current;
    auto A = analyze(Paths, AO);
    if (!A)
      return A.takeError();
    Last = std::move(*A);
    // The applicable diagnostics of each input file.
    std::map<const SourceFile *, std::vector<const Diagnostic *>> PerFile;
    std::set<const SourceFile *> Broken;
    std::vector<Diagnostic> Produced;
    if (Options.Producer) {
      auto P = Options.Producer(*Last, Round);
      if (!P)
        return P.takeError();
      Produced = std::move(*P);
    }
    // analyze() declined the fixes of links out of the tree (and they are
    // never snapshotted either): say so once.
    for (const auto &[Path, Target] : Last->DeclinedFixes)
      if (Warned.insert(Path).second)
        Result.Warnings.push_back(
            fmt::format("{}: not fixed: {}", Path, outsideTreeReason(Path, Target)));
    for (const Diagnostic &D : Last->Diagnostics)
      if (D.Code == "PL001")
        Broken.insert(D.Where.File);
    for (const Diagnostic &D : Options.Producer ? Produced : Last->Diagnostics)
      if (D.Code != "PL001" && D.Where.File && isFixApplicable(D, Options.Unsafe))
        PerFile[D.Where.File].push_back(&D);
    bool Changed = false;
    for (size_t I = 0; I < Last->InputCount; ++I) {
      const SourceFile &File = *Last->Files[I];
      std::string Key = absolutePath(File.path()).string();
      auto It = PerFile.find(&File);
      // A file that does not parse, or whose text is not its bytes, is
      // never edited: the edit could not be checked or would lose bytes.
      if (It == PerFile.end() || Broken.count(&File) || !Current.count(Key) ||
          !Last->Facts[I].Problems.empty() ||
          (File.kind() != SourceKind::Notebook && File.text() != Current[Key]))
        continue;
      Changed |= fixFile(File, Key, It->second);
    }
    if (!Changed) {
      Settled = true;
      break;
    }
  }
  if (!Settled) {
    Result.Warnings.push_back(fmt::format(
        "the fixes did not settle after {} rounds; the last changes are kept "
        "but may offer more fixes",
        Options.MaxRounds));
    AO.Contents = Current;
    auto A = analyze(Paths, AO);
    if (!A)
      return A.takeError();
    Last = std::move(*A);
  }

  if (Options.Write && Options.BeforeWrite)
    Options.BeforeWrite();
  bool AnyUnwritten = false;
  for (const std::string &Key : Order) {
    const FileSnapshot &Snap = Snapshots.at(Key);
    if (Current[Key] == Snap.Bytes)
      continue;
    FileChange C{Snap.Path, Snap.Bytes, Current[Key], FixedIn[Key], false};
    if (Options.Write) {
      if (llvm::Error E = writeAtomically(Snap, C.After, Options.Hooks)) {
        auto [Message, Code] = describe(std::move(E));
        (Code == std::errc::resource_unavailable_try_again ? Result.Warnings
                                                           : Result.Errors)
            .push_back(Message);
        AnyUnwritten = true;
        Current.erase(Key); // The next analysis reads what is on disk.
      } else {
        C.Written = true;
      }
    }
    if (C.Written || !Options.Write)
      Result.Fixed += C.Fixed;
    Result.Changes.push_back(std::move(C));
  }
  if (AnyUnwritten) {
    // What is on disk now: the written files and the untouched ones.
    AO.Contents.clear();
    auto A = analyze(Paths, AO);
    if (!A)
      return A.takeError();
    Last = std::move(*A);
  }
  Result.Remaining = std::move(Last);
  return std::move(Result);
}

} // namespace

bool isFixApplicable(const Diagnostic &D, bool Unsafe) {
  return D.TheFix && !D.TheFix->Edits.empty() &&
         (Unsafe || D.TheFix->Applies == Applicability::Safe);
}

llvm::Expected<FixResult> runFixes(const std::vector<std::string> &Paths,
                                   const FixOptions &Options) {
  Engine E(Paths, Options);
  return E.run();
}

} // namespace paramlint
