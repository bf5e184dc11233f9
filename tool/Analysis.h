//===- Analysis.h - One run of paramlint over a set of paths ---*- C++ -*-===//
///
/// \file
/// The engine's entry point: discover the inputs, extract facts from each
/// file in parallel, link them into the ParamGraph, run the selected checks.
/// main.cpp, the tests and the benchmarks all go through analyze().
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_ANALYSIS_H
#define PARAMLINT_ANALYSIS_H

#include "Diagnostic.h"
#include "RunTables.h"
#include "SourceFile.h"
#include "cache/FactsCache.h"
#include "graph/Facts.h"
#include "graph/Linker.h"
#include "graph/ParamGraph.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace paramlint {

/// A `per-file-ignores` entry of the config: Codes (codes or prefixes) do
/// not apply to the files Glob matches (see matchesGlob in Config.h).
struct PerFileIgnore {
  std::string Root; ///< The config's directory.
  std::string Glob;
  std::vector<std::string> Codes;
};

struct AnalysisOptions {
  /// Rule codes or prefixes (`PL1`, `PL101`, `ALL`); empty selects all.
  std::vector<std::string> Select;
  std::vector<std::string> Ignore;
  unsigned Jobs = 0; ///< 0: one per core.
  /// The per-file budget for parsing a Python file, in seconds (the
  /// config's `file-timeout`; 0: none): a file that takes longer is a PL001
  /// "skipped: took too long" and the run goes on.
  double FileTimeoutSeconds = 10;
  bool RunChecks = true;
  /// Bytes to analyse instead of what is on disk, keyed by the file's
  /// absolute, lexically normal path (`absolutePath` of graph/ModulePaths.h).
  /// The fix engine analyses its edited text before it writes anything, and
  /// pins the bytes it snapshotted so that what it checks is what it read.
  std::map<std::string, std::string> Contents;
  /// Checkpoint files (`check --checkpoint`) to compare with the models:
  /// each is bound to the root model that explains most of its names
  /// (ParamGraph::Checkpoints) for PL201–PL203. One that cannot be read is
  /// a PL001 on it.
  std::vector<std::string> Checkpoints;
  /// The config's `per-file-ignores`.
  std::vector<PerFileIgnore> PerFileIgnores;
  /// The config's `exclude` and `extend-exclude`: globs, relative to
  /// ExcludeRoot, of files and directories that directory discovery skips
  /// (a file named on the command line is always read).
  std::vector<std::string> Exclude;
  std::string ExcludeRoot;
  /// Directory holding compile_commands.json for the C++ inputs (`check
  /// -p`); empty: searched upwards from each source, else fallback flags.
  std::string BuildDir;
  /// Called (from any worker thread) after each input file is read and its
  /// facts extracted, with the count done and the total: a progress bar.
  std::function<void(size_t Done, size_t Total)> Progress;
  /// The facts cache's directory (`.paramlint_cache`; `cacheDirectory` in
  /// cache/FactsCache.h finds it); empty: no cache is read or written.
  std::string CacheDir;
  /// With a cache and no checkpoints: when the files, their texts and the
  /// options are those of an earlier run, take its diagnostics and skip
  /// linking and the checks (cache/RunCache.h). Graph then stays empty, so
  /// only a caller that reads Diagnostics and Files alone (`check`, the fix
  /// engine) may set it.
  bool ReuseDiagnostics = false;
  /// The config's `aliases` and `library-classes`: what this run adds to the compiled-in tables (RunTables.h). They are part of the
  /// run key, so a change to them never reuses an earlier run.
  TableExtensions Tables;
  /// Settings the checks read (ParamGraph::Context): the config's
  /// `convention` for PL301.
  CheckContext Context;
};

/// Everything a run produced. Files own the text that every Location and
/// graph node points into, so an Analysis must outlive their uses.
struct Analysis {
  std::vector<std::unique_ptr<SourceFile>> Files;
  std::vector<FileFacts> Facts; ///< Parallel to Files.
  /// Files[0, InputCount) are the inputs; the rest are files they import
  /// that the user did not list, read for their facts and never reported on.
  size_t InputCount = 0;
  ParamGraph Graph;
  /// Stand-ins (no text) for the checkpoint files, which diagnostics about
  /// a checkpoint itself (a read error) point at.
  std::vector<std::unique_ptr<SourceFile>> CheckpointFiles;
  std::vector<Diagnostic> Diagnostics; ///< Sorted; PL001 included.
  /// What the facts cache did (all zero without one).
  CacheStats Cache;
  /// Wall time of each phase in milliseconds (`check --timings`): reading
  /// and extracting (imported files included), linking, and the checks
  /// with suppressions; the last two are 0 when the run was reused.
  struct PhaseTimes {
    double Extract = 0, Link = 0, Checks = 0;
    /// Parts of Extract: discovering the inputs; reading and extracting
    /// them on the workers (ExtractTail: of that, the time from the first
    /// worker running out of files to the last one finishing); the serial
    /// loop over them after it (C++ units, PL001s); reading the files they
    /// import. RunKey: hashing the run for the run cache, between Extract
    /// and Link.
    double Discover = 0, ReadExtract = 0, ExtractTail = 0, AfterExtract = 0,
           Imports = 0, RunKey = 0;
    /// The steps of Link.
    LinkStepTimes LinkSteps;
  } Times;
  /// Problems that did not stop the run (a cache that cannot be written),
  /// for the command to print.
  std::vector<std::string> Warnings;
  /// Things the user should know about the run that are no finding (the
  /// C++ frontend parsed with fallback flags): printed once on stderr.
  std::vector<std::string> Notes;
  /// Files whose fixes were declined because they are links to files
  /// outside the checked paths (fix/CheckedTree.h): (path, link target).
  std::vector<std::pair<std::string, std::string>> DeclinedFixes;
  /// The tables the run judged names by when its config extended them
  /// (null: the built-in ones). Graph nodes point into them.
  std::shared_ptr<const ExtendedTables> Tables;
};

/// Analyses the given files and directories. Unreadable or unparsable files
/// become PL001 diagnostics, not errors; an error is returned only for a
/// problem with the request itself (e.g. an unknown rule code in Select).
llvm::Expected<std::unique_ptr<Analysis>>
analyze(const std::vector<std::string> &Paths, const AnalysisOptions &Options);

} // namespace paramlint

#endif // PARAMLINT_ANALYSIS_H
