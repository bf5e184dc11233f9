//===- cli/CheckCommand.cpp - `paramlint check` ---------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
#include "Config.h"
#include "cache/FactsCache.h"
#include "cli/Progress.h"
#include "fix/FixEngine.h"
#include "graph/CheckpointBinding.h"
#include "fix/UnifiedDiff.h"
#include "report/Reporters.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <unistd.h>
#include <vector>

namespace paramlint {
namespace {

class CheckCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand("check", "Lint files and directories");
    C->add_option("paths", Paths, "Files and directories (default: .)");
    C->add_option("--output-format", OutputFormat, "Output format")
        ->check(CLI::IsMember(
            {"text", "json", "json-lines", "sarif", "github", "junit"}));
    C->add_option("-o,--output-file", OutputFile,
                  "Write the report to this file instead of stdout");
    C->add_option("--select", Options.Select,
                  "Rule codes or prefixes to enable (comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false);
    C->add_option("--ignore", Options.Ignore,
                  "Rule codes or prefixes to disable (comma-separated)")
        ->delimiter(',')
        ->allow_extra_args(false);
    C->add_option("--jobs,-j", Options.Jobs,
                  "Worker threads (default: one per core)");
    C->add_option("-p,--build-path", Options.BuildDir,
                  "Directory holding compile_commands.json for the C++ files "
                  "(default: searched above each file; else -std=c++17 and "
                  "the project's include/)");
    C->add_option("--checkpoint", Options.Checkpoints,
                  "A checkpoint to compare with the model it holds the "
                  "weights of (PL201-PL203); repeat for more")
        ->allow_extra_args(false);
    C->add_option("--emit-rename-map", RenameMapFile,
                  "Write the rename map (checkpoint key to model key) of the "
                  "--checkpoint findings to this JSON file");
    C->add_flag("--exit-zero", ExitZero, "Exit 0 even when there are findings");
    C->add_flag("--statistics", Statistics, "Count findings per rule");
    C->add_flag("--fix", Fix, "Apply the safe fixes, then report what remains");
    C->add_flag("--unsafe-fixes", UnsafeFixes,
                "Count and apply the unsafe fixes too");
    C->add_flag("--diff", Diff,
                "Print the fixes as a unified diff; write nothing (exit 1 "
                "if there is a diff)");
    C->add_flag("--fix-only", FixOnly,
                "Apply the fixes and report only how many were applied");
    C->add_flag("--no-cache", NoCache,
                "Do not read or write the facts cache (.paramlint_cache)");
    C->add_flag("--verify", VerifyFixes,
                "With --fix/--diff: run `verify` on the norm layers before "
                "and after the fixes (report on stderr; exit 1 if one changed)");
    C->add_flag("--timings", Timings,
                "Print on stderr how long reading and extracting, linking "
                "and the checks took, and what the cache did");
    addConfigOptions(C, ConfigFile, Isolated);
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    if (Statistics && OutputFormat != "text" && OutputFormat != "json")
      return reportError(llvm::createStringError(
          std::errc::invalid_argument,
          "--statistics writes text or json, not `%s`", OutputFormat.c_str()));
    if (int Code = loadConfig())
      return Code;
    if (ProgressBar::wanted()) {
      Bar = std::make_unique<ProgressBar>();
      Options.Progress = [B = Bar.get()](size_t Done, size_t Total) {
        B->update(Done, Total);
      };
    }
    if (Diff || Fix || FixOnly)
      return runFix();
    auto Result = analyze(Paths, Options);
    if (Bar)
      Bar->finish();
    if (!Result)
      return reportError(Result.takeError());
    for (const std::string &W : (*Result)->Warnings)
      std::cerr << "paramlint: warning: " << W << "\n";
    if (Timings)
      printTimings(**Result);
    for (const std::string &Note : (*Result)->Notes)
      std::cerr << "paramlint: note: " << Note << "\n";
    if (int Code = reportCheckpoints(**Result))
      return Code;
    const std::vector<Diagnostic> &Diags = (*Result)->Diagnostics;
    auto OutputStart = std::chrono::steady_clock::now();
    if (int Code = writeReport(**Result, Diags, std::nullopt))
      return Code;
    int Exit = Diags.empty() || ExitZero ? ExitClean : ExitFindings;
    if (Timings)
      printPhaseTimings((*Result)->Times, millisecondsSince(OutputStart));
    // The process ends here: freeing the run's facts, files and graph (a
    // few million blocks) one by one would only delay the exit, by 45-60 ms
    // on the benchmark corpus, all of it on one thread.
    keepUntilExit(std::move(*Result));
    return Exit;
  }

private:
  /// Finds (or reads `--config`) the configuration and folds it into the
  /// options; returns ExitError when it is bad.
  int loadConfig() {
    std::optional<Config> C;
    if (int Code = loadCommandConfig(Paths, ConfigFile, Isolated, Options, C))
      return Code;
    if (C && C->UnsafeFixes)
      UnsafeFixes = UnsafeFixes || *C->UnsafeFixes;
    if (C)
      DocsUrl = C->DocsUrl;
    if (!NoCache) {
      Options.CacheDir = cacheDirectory(Paths, C ? C->Root : "",
                                        C ? C->CacheDir : "");
      Options.ReuseDiagnostics = true;
    }
    return 0;
  }

  /// `--timings`: one line on stderr.
  static void printTimings(const Analysis &A) {
    const CacheStats &S = A.Cache;
    std::cerr << "paramlint: timings: " << A.Files.size() << " files ("
              << A.InputCount << " inputs); cache: " << S.Hits << " hits, "
              << S.Misses << " misses"
              << (S.ReusedRun ? ", diagnostics reused" : "") << "; read+extract "
              << static_cast<long>(A.Times.Extract) << " ms, link "
              << static_cast<long>(A.Times.Link) << " ms, checks "
              << static_cast<long>(A.Times.Checks) << " ms\n";
  }

  static double millisecondsSince(std::chrono::steady_clock::time_point T) {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - T)
        .count();
  }

  /// Keeps a finished run reachable (so that leak checkers see no leak)
  /// and never frees it: the process is about to exit.
  static void keepUntilExit(std::unique_ptr<Analysis> A) {
    static std::vector<Analysis *> *Kept = new std::vector<Analysis *>();
    Kept->push_back(A.release());
  }

  /// `--timings`, the second line (`paramlint: phases:`; the first line's
  /// format stays as scripts read it): the parts of the phases of the first
  /// line (Analysis::PhaseTimes), the link's steps and writing the report.
  static void printPhaseTimings(const Analysis::PhaseTimes &T, double Output) {
    auto Ms = [](double V) { return static_cast<long>(V + 0.5); };
    std::cerr << "paramlint: phases: discover " << Ms(T.Discover)
              << " ms, read+extract on workers " << Ms(T.ReadExtract)
              << " ms (tail " << Ms(T.ExtractTail) << " ms), after extract "
              << Ms(T.AfterExtract) << " ms, imports " << Ms(T.Imports)
              << " ms, run key " << Ms(T.RunKey) << " ms; link:";
    for (size_t I = 0; I < T.LinkSteps.size(); ++I)
      std::cerr << (I ? ", " : " ") << T.LinkSteps[I].first << " "
                << Ms(T.LinkSteps[I].second) << " ms";
    std::cerr << "; output " << Ms(Output) << " ms\n";
  }

  /// Writes Diags in the chosen format to stdout or the `-o` file; returns
  /// 0, or ExitError when the report could not be written.
  int writeReport(const Analysis &A, const std::vector<Diagnostic> &Diags,
                  std::optional<size_t> Fixed) {
    return writeOutput(OutputFile, [&](std::ostream &OS) {
      if (Statistics && OutputFormat == "json") {
        writeStatisticsJson(OS, Diags, UnsafeFixes);
      } else if (OutputFormat == "json") {
        writeJson(OS, Diags, DocsUrl);
      } else if (OutputFormat == "json-lines") {
        writeJsonLines(OS, Diags, DocsUrl);
      } else if (OutputFormat == "sarif") {
        writeSarif(OS, Diags, DocsUrl);
      } else if (OutputFormat == "github") {
        writeGithub(OS, Diags);
      } else if (OutputFormat == "junit") {
        std::vector<std::string> Files;
        for (size_t I = 0; I < A.InputCount; ++I)
          Files.push_back(A.Files[I]->path());
        writeJunit(OS, Diags, Files, DocsUrl);
      } else {
        TextOptions T = textOptions();
        T.Fixed = Fixed;
        writeText(OS, Diags, T);
      }
    });
  }

  /// Says on stderr which checkpoints were not compared with any model and
  /// why, and writes `--emit-rename-map`; returns 0 or ExitError.
  int reportCheckpoints(const Analysis &A) {
    std::map<std::string, std::string> Renames;
    for (const CheckpointBinding &B : A.Graph.Checkpoints) {
      if (!B.TheModel) {
        std::cerr << "paramlint: note: checkpoint `" << B.Path
                  << "` is not checked: " << B.Why << "\n";
        continue;
      }
      CheckpointDiff Diff = compareCheckpoint(B);
      Renames.insert(Diff.Renames.begin(), Diff.Renames.end());
    }
    if (RenameMapFile.empty())
      return 0;
    std::ofstream Map(RenameMapFile, std::ios::binary | std::ios::trunc);
    Map << renameMapJson(Renames) << "\n";
    Map.close();
    if (!Map)
      return reportError(llvm::createStringError(
          std::errc::io_error, "cannot write `%s`", RenameMapFile.c_str()));
    return 0;
  }

  TextOptions textOptions() const {
    TextOptions T;
    T.Color = OutputFile.empty() && isatty(STDOUT_FILENO) != 0 &&
              !std::getenv("NO_COLOR");
    T.Statistics = Statistics;
    T.UnsafeFixes = UnsafeFixes;
    return T;
  }

  /// `--fix`, `--fix-only` and `--diff`.
  int runFix() {
    FixOptions FO;
    FO.Analysis = Options;
    FO.Unsafe = UnsafeFixes;
    FO.Write = !Diff;
    auto Result = runFixes(Paths, FO);
    if (Bar)
      Bar->finish();
    if (!Result)
      return reportError(Result.takeError());
    printFixOutcome(*Result, Diff);
    int Verified = VerifyFixes ? verifyFixes(Paths, *Result) : ExitClean;
    if (Result->Remaining)
      for (const std::string &W : Result->Remaining->Warnings)
        std::cerr << "paramlint: warning: " << W << "\n";
    if (Diff) {
      std::cout.flush();
      if (!std::cout)
        return ExitError;
      std::cerr << (Result->Fixed
                        ? "Would fix " + std::to_string(Result->Fixed) +
                              (Result->Fixed == 1 ? " error.\n" : " errors.\n")
                        : std::string("No errors would be fixed.\n"));
      return Result->Changes.empty() && !Verified ? ExitClean : ExitFindings;
    }
    const std::vector<Diagnostic> &Remaining = Result->Remaining->Diagnostics;
    if (FixOnly) {
      std::cout << "Fixed " << Result->Fixed
                << (Result->Fixed == 1 ? " error.\n" : " errors.\n");
      std::cout.flush();
      if (!std::cout)
        return ExitError;
    } else if (int Code = writeReport(*Result->Remaining, Remaining,
                                      Result->Fixed)) {
      return Code;
    }
    if (!Result->Errors.empty())
      return ExitError;
    if (Verified)
      return Verified;
    if (FixOnly || ExitZero)
      return ExitClean;
    return Remaining.empty() ? ExitClean : ExitFindings;
  }

  AnalysisOptions Options;
  std::string RenameMapFile;
  std::vector<std::string> Paths;
  std::string OutputFormat = "text";
  std::string OutputFile;
  bool ExitZero = false, Statistics = false, NoCache = false, Timings = false;
  std::string ConfigFile;
  bool Isolated = false;
  /// The config's `docs-url` (empty: the compiled-in base).
  std::string DocsUrl;
  std::unique_ptr<ProgressBar> Bar;
  bool Fix = false, UnsafeFixes = false, Diff = false, FixOnly = false;
  bool VerifyFixes = false;
};

} // namespace

std::unique_ptr<Command> makeCheckCommand() {
  return std::make_unique<CheckCommand>();
}

void printFixOutcome(const FixResult &R, bool Diff) {
  for (const std::string &W : R.Warnings)
    std::cerr << "paramlint: warning: " << W << "\n";
  for (const std::string &E : R.Errors)
    std::cerr << "paramlint: error: " << E << "\n";
  if (Diff)
    for (const FileChange &C : R.Changes)
      std::cout << unifiedDiff(C.Path, C.Before, C.After);
}

int writeOutput(const std::string &Path,
                const std::function<void(std::ostream &)> &Write) {
  std::ofstream File;
  if (!Path.empty()) {
    File.open(Path, std::ios::binary | std::ios::trunc);
    if (!File)
      return reportError(llvm::createStringError(
          std::errc::io_error, "cannot write `%s`", Path.c_str()));
  }
  std::ostream &OS = Path.empty() ? std::cout : File;
  Write(OS);
  OS.flush();
  if (!OS)
    return reportError(llvm::createStringError(
        std::errc::io_error, "cannot write the report to `%s`",
        Path.empty() ? "stdout" : Path.c_str()));
  return 0;
}

void addConfigOptions(CLI::App *C, std::string &ConfigFile, bool &Isolated) {
  auto *ConfigOpt = C->add_option(
      "--config", ConfigFile,
      "Read this config file (paramlint.toml, or pyproject.toml's "
      "[tool.paramlint]) instead of the one found above the paths");
  C->add_flag("--isolated", Isolated, "Read no config file")
      ->excludes(ConfigOpt);
}

int loadCommandConfig(const std::vector<std::string> &Paths,
                      const std::string &ConfigFile, bool Isolated,
                      AnalysisOptions &Options, std::optional<Config> &Out) {
  if (Isolated)
    return 0;
  auto C = ConfigFile.empty() ? findConfig(Paths) : readConfig(ConfigFile);
  if (!C)
    return reportError(C.takeError());
  if (*C) {
    applyConfig(**C, Options);
    Out = std::move(**C);
  }
  return 0;
}

int reportError(llvm::Error E) {
  std::cerr << "paramlint: error: " << llvm::toString(std::move(E)) << "\n";
  return ExitError;
}

} // namespace paramlint
