//===- Analysis.cpp - One run of paramlint over a set of paths ------------===//
#include "Analysis.h"

#include "Config.h"
#include "DirectoryListings.h"
#include "Discover.h"
#include "fix/CheckedTree.h"
#include "Parallel.h"
#include "ReadFile.h"
#include "SourceText.h"
#include "cache/FactsCache.h"
#include "cache/RunCache.h"
#include "checkpoint/Checkpoint.h"
#include "checks/Registry.h"
#include "checks/UnusedSuppressionCheck.h"
#include "cxx/CxxFrontend.h"
#include "graph/CheckpointBinding.h"
#include "graph/Linker.h"
#include "graph/ModulePaths.h"
#include "python/Notebook.h"
#include "python/PythonFrontend.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <string_view>
#include <unordered_map>
#include <unordered_set>


namespace paramlint {
namespace {

/// Source text beyond this is skipped: model code is never this large (the
/// largest files of transformers and diffusers are under 1 MiB), and it
/// bounds a file's memory: 4 MiB of the densest Python, `x = 1` lines,
/// peaks near 700 MiB (docs/reliability.md).
constexpr size_t MaxSourceBytes = 4u << 20;

/// A notebook's JSON may be far larger than its code (images in outputs):
/// its code cells are held to MaxSourceBytes after reading.
constexpr size_t MaxNotebookBytes = 64u << 20;

bool endsWith(const std::string &S, const std::string &Suffix) {
  return S.size() >= Suffix.size() &&
         S.compare(S.size() - Suffix.size(), Suffix.size(), Suffix) == 0;
}

/// What reading one input produced: a file to analyse, or a PL001.
struct Loaded {
  std::unique_ptr<SourceFile> File;
  std::optional<std::string> Problem; ///< PL001 message.
  Span ProblemAt;
  /// The text came from AnalysisOptions::Contents, not the disk: it cannot
  /// be read again (releaseText).
  bool Given = false;
};

/// Reads a released text again as load() made it (SourceFile::releaseText):
/// the file's bytes, or a notebook's joined code cells.
std::optional<std::string> readTextAgain(const SourceFile &File) {
  const bool IsNotebook = File.kind() == SourceKind::Notebook;
  std::string Bytes;
  if (readWholeFile(File.path(), IsNotebook ? MaxNotebookBytes : MaxSourceBytes,
                    Bytes) != ReadResult::Ok)
    return std::nullopt;
  if (!IsNotebook)
    return Bytes;
  auto NB = readNotebook(File.path(), Bytes);
  if (!NB) {
    llvm::consumeError(NB.takeError());
    return std::nullopt;
  }
  return (*NB)->text();
}

/// Drops a read file's text once its facts are extracted: only the files
/// that findings quote or fixes edit need it again, and they read it back
/// (SourceFile.h). A text with a load problem (cut before the bad byte) or
/// given as contents stays.
void releaseText(const Loaded &L) {
  if (L.File && !L.Problem && !L.Given)
    L.File->releaseText(readTextAgain);
}

Loaded load(const DiscoveredPath &Input,
            const std::map<std::string, std::string> &Contents) {
  Loaded L;
  auto Fail = [&](std::string Message, uint32_t At = 0, std::string Text = "") {
    L.File = std::make_unique<SourceFile>(Input.Path, std::move(Text),
                                          SourceKind::Python);
    L.Problem = std::move(Message);
    L.ProblemAt = Span{At, At};
    return std::move(L);
  };
  if (!Input.Problem.empty())
    return Fail(fmt::format("cannot read `{}`: {}", Input.Path, Input.Problem));
  std::string Bytes;
  auto Given = Contents.empty() ? Contents.end()
                                : Contents.find(absolutePath(Input.Path).string());
  const bool IsNotebook = endsWith(Input.Path, ".ipynb");
  const size_t MaxBytes = IsNotebook ? MaxNotebookBytes : MaxSourceBytes;
  if (Given != Contents.end()) {
    if (Given->second.size() > MaxBytes)
      return Fail(fmt::format("skipped: larger than {} MiB", MaxBytes >> 20));
    Bytes = Given->second;
    L.Given = true;
  } else {
    switch (readWholeFile(Input.Path, MaxBytes, Bytes)) {
    case ReadResult::Ok:
      break;
    case ReadResult::CannotOpen:
      return Fail(fmt::format("cannot read `{}`", Input.Path));
    case ReadResult::TooLarge:
      return Fail(fmt::format("skipped: larger than {} MiB", MaxBytes >> 20));
    case ReadResult::ReadError:
      return Fail(fmt::format("cannot read `{}`: read error", Input.Path));
    }
  }

  if (IsNotebook) {
    auto NB = readNotebook(Input.Path, Bytes);
    if (!NB)
      return Fail(llvm::toString(NB.takeError()));
    if ((*NB)->text().size() > MaxSourceBytes)
      return Fail(fmt::format("skipped: its code cells hold more than {} MiB",
                              MaxSourceBytes >> 20));
    L.File = std::move(*NB);
    return L;
  }
  // Positions in these messages are computed on a text that stops just
  // before the bad byte, so they are right and the text shown is valid.
  if (std::optional<TextProblem> P = sourceTextProblem(Bytes))
    return Fail(std::move(P->Message), P->At, Bytes.substr(0, P->At));
  L.File = std::make_unique<SourceFile>(
      Input.Path, std::move(Bytes),
      isCxxPath(Input.Path) ? SourceKind::Cxx : SourceKind::Python);
  return L;
}

/// Drops the fixes of the diagnostics in files that changed on disk after
/// they were analysed (SourceFile::changed: a check read the text back and
/// found other bytes), which would be made from text that is not there;
/// each gets a note instead, each file one warning. Returns whether any
/// file changed.
bool declineFixesOfChanged(std::vector<Diagnostic> &Diags,
                           std::vector<std::string> &Warnings) {
  std::set<const SourceFile *> Warned;
  bool Any = false;
  for (Diagnostic &D : Diags) {
    if (!D.Where.File || !D.Where.File->changed())
      continue;
    Any = true;
    if (Warned.insert(D.Where.File).second)
      Warnings.push_back(fmt::format(
          "{}: changed on disk while it was checked; its findings describe the "
          "text that was read, and its fixes are not offered",
          D.Where.File->path()));
    if (!D.TheFix)
      continue;
    D.TheFix.reset();
    D.Notes.push_back(Note{fmt::format("not fixable now: `{}` changed on disk "
                                       "while it was checked (run again)",
                                       D.Where.File->path()),
                           std::nullopt});
  }
  return Any;
}

/// Validates a list of codes or prefixes against the known rules.
llvm::Error checkCodes(const std::vector<std::string> &List, const char *Flag) {
  std::vector<CheckInfo> Rules = allRules();
  for (const std::string &Item : List) {
    bool Known = Item == "ALL";
    for (const CheckInfo &R : Rules)
      Known |= std::string(R.Code).compare(0, Item.size(), Item) == 0 && !Item.empty();
    if (!Known)
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s: unknown rule code or prefix `%s` (see `paramlint rule`)", Flag,
          Item.c_str());
  }
  return llvm::Error::success();
}

/// At most this many imported files are read beyond the inputs: enough for
/// the model files a loader imports, bounded for huge environments.
constexpr size_t MaxContextFiles = 256;

/// How a context file is shown: relative to the working directory when it
/// is below it, else absolute.
std::string displayPath(const std::filesystem::path &Abs) {
  std::error_code EC;
  std::filesystem::path Cwd = std::filesystem::current_path(EC);
  if (!EC) {
    std::filesystem::path Rel = Abs.lexically_relative(Cwd);
    if (!Rel.empty() && *Rel.begin() != "..")
      return Rel.string();
  }
  return Abs.string();
}

/// The modules one file imports, as (level, dotted name), in import order.
std::vector<std::pair<unsigned, std::string>> importedModules(const FileFacts &F) {
  std::vector<std::pair<unsigned, std::string>> Modules;
  for (const ImportFact &Imp : F.Imports) {
    if (Imp.IsAssignment)
      continue;
    Modules.push_back({Imp.Level, Imp.Module.str()});
    if (!Imp.Name.empty() && Imp.Name != "*")
      Modules.push_back({Imp.Level, Imp.Module.empty()
                                        ? Imp.Name.str()
                                        : Imp.Module + "." + Imp.Name});
  }
  return Modules;
}

/// Where an import may be found: the candidate files in the order Python
/// would try them, up to the first that exists (a regular file), each with
/// whether it exists. A candidate that does not exist matters only when it
/// is a file of the run (Known: an input given as contents); the others are
/// left out, so that the answers for a large tree stay small (all of them
/// were 40 MiB on the benchmark corpus).
using CandidateFiles = std::vector<std::pair<std::string, bool>>;

CandidateFiles candidateFiles(const std::string &FromDir, unsigned Level,
                              const std::string &Module,
                              const std::unordered_set<std::string> &Known,
                              DirectoryListings &Dirs) {
  CandidateFiles Out;
  for (std::string &Path : moduleCandidatePaths(FromDir, Level, Module)) {
    bool Regular = Dirs.isRegularFile(Path);
    if (Regular || Known.count(Path))
      Out.push_back({std::move(Path), Regular});
    if (Regular)
      break;
  }
  return Out;
}

/// candidateFiles for a run whose every known file exists, walking the
/// listings' tree instead of building and splitting candidate paths:
/// nearly every import names a module that is not in the project
/// (`torch`), and was tens of path strings, each split and hashed again,
/// for one answer (candidateFiles took 60% of the import phase). Each
/// importing directory's base directories are found once. Only a
/// candidate that exists is spelled out, as candidateFiles spells it.
class ImportProbe {
public:
  explicit ImportProbe(DirectoryListings &Dirs) : Dirs(Dirs) {}

  /// candidateFiles(FromDir, Level, Module, Known, Dirs) for a Known set
  /// whose files all exist; Dir numbers FromDir.
  CandidateFiles find(unsigned Dir, const std::string &FromDir, unsigned Level,
                      const std::string &Module) {
    if (Module.find('/') != std::string::npos) // Not a dotted name: as it reads.
      return candidateFiles(FromDir, Level, Module, {}, Dirs);
    std::vector<std::string_view> Parts;
    for (size_t Begin = 0; Begin <= Module.size();) {
      size_t Dot = std::min(Module.find('.', Begin), Module.size());
      if (Dot > Begin)
        Parts.push_back(std::string_view(Module).substr(Begin, Dot - Begin));
      Begin = Dot + 1;
    }
    // K counts the candidates as moduleCandidatePaths lists them.
    size_t K = 0;
    auto Found = [&] {
      return CandidateFiles{
          {std::move(moduleCandidatePaths(FromDir, Level, Module)[K]), true}};
    };
    for (const DirectoryListings::Directory *Base : bases(Dir, FromDir, Level)) {
      if (Parts.empty()) {
        if (Dirs.isRegularFile(*Base, "__init__.py"))
          return Found();
        ++K;
        continue;
      }
      const DirectoryListings::Directory *D = Base;
      for (size_t I = 0; I + 1 < Parts.size(); ++I)
        D = &Dirs.subdirectory(*D, Parts[I]);
      Name.assign(Parts.back());
      Name += ".py";
      if (Dirs.isRegularFile(*D, Name))
        return Found();
      ++K;
      if (Dirs.isRegularFile(Dirs.subdirectory(*D, Parts.back()), "__init__.py"))
        return Found();
      ++K;
    }
    return {};
  }

private:
  DirectoryListings &Dirs;
  /// (directory number, level) → moduleBaseDirectories as listings.
  std::map<std::pair<unsigned, unsigned>,
           std::vector<const DirectoryListings::Directory *>>
      Bases;
  std::string Name; ///< `<leaf>.py`, one buffer for every probe.

  const std::vector<const DirectoryListings::Directory *> &
  bases(unsigned Dir, const std::string &FromDir, unsigned Level) {
    auto [It, New] = Bases.try_emplace({Dir, Level});
    if (New)
      for (const std::string &B : moduleBaseDirectories(FromDir, Level))
        It->second.push_back(&Dirs.directory(B));
    return It->second;
  }
};

/// Where one file's imports are looked for: its absolute path, its
/// directory and the modules it imports. Computed on the worker that
/// extracted the file (ImportSite::of), so that the serial import walk
/// starts from them.
struct ImportSite {
  std::string Path; ///< Absolute and normal.
  std::string Dir;  ///< Path's directory.
  std::vector<std::pair<unsigned, std::string>> Modules;

  static ImportSite of(const SourceFile &File, const FileFacts &Facts) {
    std::filesystem::path P = absolutePath(File.path());
    return ImportSite{P.string(), P.parent_path().string(), importedModules(Facts)};
  }
};

/// Reads the project files the analysed files import but the user did not
/// name (a pre-commit run passes only the changed loader, not the model it
/// imports), transitively, so that names resolve as Python would. Sites
/// holds each input's ImportSite.
///
/// Looking the inputs' imports up is a file-system probe per candidate
/// path, on a tree the size of diffusers thousands: each distinct
/// (directory, level, module) is probed once, each directory listed once,
/// and each probe is a walk of the listings' tree (DirectoryListings.h,
/// ImportProbe). The walk runs on one thread, in input order, which
/// decides what is read; on the benchmark corpus it takes about 10 ms (70-90
/// ms when each candidate was a path string to split and hash and every
/// lookup was hashed twice).
void addImportedFiles(Analysis &A, std::vector<ImportSite> Sites,
                      const std::map<std::string, std::string> &Contents,
                      const std::function<FileFacts(const SourceFile &)> &Extract) {
  // (importing directory, level, module), the directory by its number in
  // DirIds, the module a view of the string in Sites (each site's Modules
  // is not changed after it is made, and moving a vector keeps its
  // elements where they are).
  using Lookup = std::tuple<unsigned, unsigned, std::string_view>;
  struct LookupHash {
    size_t operator()(const Lookup &L) const {
      return std::hash<std::string_view>()(std::get<2>(L)) ^
             (size_t(std::get<0>(L)) << 8 | std::get<1>(L)) * 0x9E3779B97F4A7C15ull;
    }
  };
  std::unordered_map<std::string, unsigned> DirIds;
  std::vector<unsigned> DirOf;
  DirectoryListings Dirs;
  std::vector<const DirectoryListings::Directory *> DirNodes;
  auto NumberDir = [&](size_t I) {
    auto [It, New] = DirIds.emplace(Sites[I].Dir, DirIds.size());
    if (New)
      DirNodes.push_back(&Dirs.directory(Sites[I].Dir));
    DirOf.push_back(It->second);
  };
  for (size_t I = 0; I < A.InputCount; ++I)
    NumberDir(I);
  std::unordered_set<std::string> Known;
  // An input that is not on disk (given as contents) is a candidate even
  // so: then every candidate path is spelled out and looked for in Known.
  bool AllKnownExist = true;
  for (size_t I = 0; I < A.InputCount; ++I) {
    const ImportSite &S = Sites[I];
    Known.insert(S.Path);
    size_t NameAt = S.Dir.size() + (S.Dir.empty() || S.Dir.back() != '/');
    AllKnownExist = AllKnownExist && S.Path.size() > NameAt &&
                    Dirs.isRegularFile(*DirNodes[DirOf[I]],
                                       std::string_view(S.Path).substr(NameAt));
  }
  ImportProbe Probe(Dirs);
  // Each distinct lookup is answered and acted on where the walk meets it
  // first. (The answers do not depend on the files read meanwhile: they
  // are regular files, which every answer lists anyway.)
  std::unordered_set<Lookup, LookupHash> Tried;
  Tried.reserve(4 * A.InputCount);
  for (size_t I = 0; I < A.Files.size(); ++I) {
    if (A.Files.size() >= A.InputCount + MaxContextFiles)
      break;
    if (I >= A.InputCount) { // A file read here: its imports are new.
      Sites.push_back(ImportSite::of(*A.Files[I], A.Facts[I]));
      NumberDir(I);
    }
    for (const auto &[Level, Module] : Sites[I].Modules) {
      if (Module.empty() || !Tried.emplace(DirOf[I], Level, Module).second)
        continue;
      CandidateFiles Candidates =
          AllKnownExist ? Probe.find(DirOf[I], Sites[I].Dir, Level, Module)
                        : candidateFiles(Sites[I].Dir, Level, Module, Known, Dirs);
      for (const auto &[C, Regular] : Candidates) {
        if (Known.count(C))
          break;
        if (!Regular)
          continue;
        Known.insert(C);
        Loaded L = load(DiscoveredPath{displayPath(C), ""}, Contents);
        if (L.Problem)
          break; // Not ours to report: the user did not ask for this file.
        A.Facts.push_back(Extract(*L.File));
        releaseText(L);
        A.Files.push_back(std::move(L.File));
        break;
      }
    }
  }
}

/// The time from the moment the first worker ran out of files to the last
/// file's end, in milliseconds: how long the extraction ran on fewer workers
/// than it had. Finished holds each file's end and its worker.
template <typename TimePoint>
double extractionTail(const std::vector<std::pair<TimePoint, std::thread::id>> &Finished) {
  std::map<std::thread::id, TimePoint> LastOf;
  for (const auto &[At, Worker] : Finished) {
    TimePoint &Last = LastOf[Worker];
    Last = std::max(Last, At);
  }
  if (LastOf.size() < 2)
    return 0;
  TimePoint First = LastOf.begin()->second, End = First;
  for (const auto &[Worker, At] : LastOf) {
    First = std::min(First, At);
    End = std::max(End, At);
  }
  return std::chrono::duration<double, std::milli>(End - First).count();
}

/// Parses the C++ inputs that were read (one run over all units) and puts
/// their facts, NOLINT directives and parse problems in place.
void extractCxx(const std::vector<Loaded> &Read, std::vector<FileFacts> &Facts,
                const AnalysisOptions &Options, unsigned Jobs, FactsCache *Cache,
                DiagnosticSink &Sink, std::vector<std::string> &Notes) {
  std::vector<std::string> Paths;
  std::map<std::string, size_t> IndexOf;
  for (size_t I = 0; I < Read.size(); ++I)
    if (!Read[I].Problem && Read[I].File->kind() == SourceKind::Cxx) {
      std::string Abs = absolutePath(Read[I].File->path()).string();
      if (IndexOf.emplace(Abs, I).second)
        Paths.push_back(Abs);
    }
  if (Paths.empty())
    return;
  CxxOptions CO;
  CO.BuildDir = Options.BuildDir;
  CO.Jobs = Jobs;
  CO.Contents = Options.Contents;
  CO.Tables = Options.Tables;
  CO.Cache = Cache;
  CxxResult R = extractCxxFacts(Paths, CO);
  for (auto &[Path, FF] : R.Facts) {
    auto It = IndexOf.find(Path);
    if (It == IndexOf.end())
      continue;
    FF.Suppressions = findCxxSuppressions(Read[It->second].File->text());
    Facts[It->second] = std::move(FF);
  }
  for (const CxxProblem &P : R.Problems) {
    auto It = IndexOf.find(P.Path);
    if (It == IndexOf.end())
      continue;
    const SourceFile *File = Read[It->second].File.get();
    uint32_t At = std::min<uint32_t>(P.Offset, File->size());
    Sink.report(Diagnostic{"PL001", P.Message, Location{File, Span{At, At}}, {},
                           std::nullopt});
  }
  Notes = std::move(R.Notes);
}

} // namespace

llvm::Expected<std::unique_ptr<Analysis>>
analyze(const std::vector<std::string> &Paths, const AnalysisOptions &Options) {
  if (auto E = checkCodes(Options.Select, "--select"))
    return std::move(E);
  if (auto E = checkCodes(Options.Ignore, "--ignore"))
    return std::move(E);

  auto Result = std::make_unique<Analysis>();
  // The config's aliases, library classes and convention hold for the
  // whole run: linking, key matching and the checks (RunTables.h).
  if (!Options.Tables.empty())
    Result->Tables = extendTables(Options.Tables);
  ScopedTables Installed(Result->Tables);
  using Clock = std::chrono::steady_clock;
  auto Since = [](Clock::time_point T) {
    return std::chrono::duration<double, std::milli>(Clock::now() - T).count();
  };
  Clock::time_point Start = Clock::now();
  std::vector<DiscoveredPath> Inputs = discoverInputs(Paths);
  dropExcluded(Inputs, Paths, Options);
  Result->Times.Discover = Since(Start);
  Clock::time_point Step = Clock::now();
  size_t N = Inputs.size();
  std::vector<Loaded> Read(N);
  Result->Facts.resize(N);

  // Facts depend on a file's text alone: with a cache, a text seen before
  // is not parsed again (cache/FactsCache.h).
  std::unique_ptr<FactsCache> Cache;
  if (!Options.CacheDir.empty())
    Cache = std::make_unique<FactsCache>(Options.CacheDir);
  const double Budget = Options.FileTimeoutSeconds;
  std::function<FileFacts(const SourceFile &)> ExtractOne =
      [Budget](const SourceFile &File) { return extractPythonFactsWithin(File, Budget); };
  std::function<FileFacts(const SourceFile &)> Extract =
      [&Cache, &ExtractOne](const SourceFile &File) {
        return Cache ? Cache->extract(File, ExtractOne) : ExtractOne(File);
      };

  // Reading and extraction are per file and independent: spread them over
  // the workers, each taking the next index.
  std::atomic<size_t> Done{0};
  unsigned Jobs = workerCount(Options.Jobs, N);
  // When each file was done and by which worker: the tail of the phase
  // (one worker still busy, the others out of files) for `--timings`.
  std::vector<std::pair<Clock::time_point, std::thread::id>> Finished(N);
  std::vector<ImportSite> Sites(N);
  parallelFor(N, Jobs, [&](size_t I) {
    Read[I] = load(Inputs[I], Options.Contents);
    // C++ is parsed below, all units in one run.
    if (!Read[I].Problem && Read[I].File->kind() != SourceKind::Cxx) {
      Result->Facts[I] = Extract(*Read[I].File);
      releaseText(Read[I]);
    }
    Sites[I] = ImportSite::of(*Read[I].File, Result->Facts[I]);
    Finished[I] = {Clock::now(), std::this_thread::get_id()};
    if (Options.Progress)
      Options.Progress(++Done, N);
  });
  Result->Times.ReadExtract = Since(Step);
  Result->Times.ExtractTail = extractionTail(Finished);
  Step = Clock::now();

  DiagnosticSink Sink;
  std::vector<std::string> LoadProblems; // For the run key.
  extractCxx(Read, Result->Facts, Options, Jobs, Cache.get(), Sink, Result->Notes);
  for (size_t I = 0; I < N; ++I) {
    if (Read[I].File && Read[I].File->kind() == SourceKind::Cxx) {
      releaseText(Read[I]);
      Sites[I].Modules = importedModules(Result->Facts[I]);
    }
    LoadProblems.push_back(Read[I].Problem.value_or(""));
    Result->Files.push_back(std::move(Read[I].File));
    const SourceFile *File = Result->Files.back().get();
    if (Read[I].Problem) {
      Sink.report(Diagnostic{"PL001", *Read[I].Problem,
                             Location{File, Read[I].ProblemAt}, {}, std::nullopt});
      continue;
    }
    if (!Result->Facts[I].Problems.empty()) {
      const ParseProblem &P = Result->Facts[I].Problems.front();
      Sink.report(Diagnostic{"PL001", P.Message, Location{File, P.Where}, {},
                             std::nullopt});
    }
  }

  Result->Times.AfterExtract = Since(Step);
  Step = Clock::now();
  Result->InputCount = N;
  addImportedFiles(*Result, std::move(Sites), Options.Contents, Extract);
  Result->Times.Imports = Since(Step);
  Result->Times.Extract = Since(Start);
  Step = Clock::now();
  auto FinishCache = [&] {
    if (!Cache)
      return;
    bool Reused = Result->Cache.ReusedRun;
    Result->Cache = Cache->stats();
    Result->Cache.ReusedRun = Reused;
    for (std::string &W : Cache->takeWarnings())
      Result->Warnings.push_back(std::move(W));
  };

  // Nothing the diagnostics depend on changed since an earlier run: take
  // its diagnostics and link nothing (cache/RunCache.h).
  std::optional<Hash128> RunKey;
  // A C++ unit's diagnostics depend on headers and compile commands the
  // run key does not hash: never reused.
  bool AnyCxx = std::any_of(Result->Files.begin(), Result->Files.end(),
                            [](const auto &F) { return F->kind() == SourceKind::Cxx; });
  // A file that ran out of its time budget may parse next time.
  bool AnyTimedOut = std::any_of(
      Result->Facts.begin(), Result->Facts.end(), [](const FileFacts &F) {
        return std::any_of(F.Problems.begin(), F.Problems.end(),
                           [](const ParseProblem &P) { return P.TimedOut; });
      });
  if (Cache && Options.ReuseDiagnostics && Options.Checkpoints.empty() && !AnyCxx &&
      !AnyTimedOut) {
    RunKey = runKey(Result->Files, N, LoadProblems, Options);
    if (std::optional<std::string> Bytes = Cache->lookupRun(*RunKey))
      if (auto Diags = deserializeDiagnostics(*Bytes, Result->Files)) {
        Result->Diagnostics = std::move(*Diags);
        Result->Cache.ReusedRun = true;
        FinishCache();
        Result->DeclinedFixes =
            declineFixesOutside(Result->Diagnostics, CheckedTree(Paths));
        return Result;
      }
  }
  Result->Times.RunKey = Since(Step);
  Start = Clock::now();

  std::vector<const SourceFile *> FilePtrs;
  std::vector<const FileFacts *> FactPtrs;
  for (size_t I = 0; I < Result->Files.size(); ++I) {
    FilePtrs.push_back(Result->Files[I].get());
    FactPtrs.push_back(&Result->Facts[I]);
  }
  Result->Graph = link(FilePtrs, FactPtrs, Jobs, &Result->Times.LinkSteps);
  Result->Graph.Context = Options.Context;
  Result->Graph.Files = FilePtrs;
  Result->Graph.Facts = FactPtrs;
  Result->Graph.InputCount = N;
  Result->Times.Link = Since(Start);
  Start = Clock::now();

  // Checkpoints after linking: binding one compares it with every model.
  std::set<const SourceFile *> Reported;
  for (const std::string &Path : Options.Checkpoints) {
    Result->CheckpointFiles.push_back(
        std::make_unique<SourceFile>(Path, "", SourceKind::Python));
    const SourceFile *StandIn = Result->CheckpointFiles.back().get();
    Reported.insert(StandIn);
    auto Info = readCheckpoint(Path);
    if (!Info) {
      Sink.report(Diagnostic{"PL001", llvm::toString(Info.takeError()),
                             Location{StandIn, Span{0, 0}}, {}, std::nullopt});
      continue;
    }
    Result->Graph.Checkpoints.push_back(
        bindCheckpoint(Result->Graph, std::move(*Info), StandIn));
  }

  if (Options.RunChecks)
    for (const auto &C : makeAllChecks()) {
      std::string Code = C->info().Code;
      if ((Options.Select.empty() || matchesAny(Code, Options.Select)) &&
          !matchesAny(Code, Options.Ignore))
        C->run(Result->Graph, Sink);
    }
  for (size_t I = 0; I < N; ++I)
    Reported.insert(Result->Files[I].get());
  for (Diagnostic &D : Sink.take())
    // A checkpoint finding points at its model's class, which may live in
    // an imported file: the user asked about the checkpoint, so it shows.
    if (!Reported.count(D.Where.File) && D.Code.compare(0, 3, "PL2") != 0)
      continue;
    else if (D.Code != "PL001" ||
        ((Options.Select.empty() || matchesAny(D.Code, Options.Select)) &&
         !matchesAny(D.Code, Options.Ignore)))
      Result->Diagnostics.push_back(std::move(D));
  applySuppressions(*Result, Options);
  // A run that saw a file change is not one to repeat.
  bool Changed = declineFixesOfChanged(Result->Diagnostics, Result->Warnings);
  Result->Times.Checks = Since(Start);
  if (RunKey && !Changed)
    if (std::optional<std::string> Bytes =
            serializeDiagnostics(Result->Diagnostics, Result->Files))
      Cache->storeRun(*RunKey, std::move(*Bytes));
  FinishCache();
  // After the run cache is written, so a reused run declines the same way.
  Result->DeclinedFixes = declineFixesOutside(Result->Diagnostics, CheckedTree(Paths));
  return Result;
}

} // namespace paramlint
