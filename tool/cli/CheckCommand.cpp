//===- cli/CheckCommand.cpp - `paramlint check` ---------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
#include "fix/FixEngine.h"
#include "fix/UnifiedDiff.h"
#include "report/Reporters.h"

#include <iostream>
#include <unistd.h>

namespace paramlint {
namespace {

class CheckCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand("check", "Lint files and directories");
    C->add_option("paths", Paths, "Files and directories (default: .)");
    C->add_option("--output-format", OutputFormat, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
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
    // Accepted so CI scripts can pass it today; there is no cache yet.
    C->add_flag("--no-cache", NoCache, "Do not read or write the cache");
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    if (Diff || Fix || FixOnly)
      return runFix();
    auto Result = analyze(Paths, Options);
    if (!Result)
      return reportError(Result.takeError());
    const std::vector<Diagnostic> &Diags = (*Result)->Diagnostics;
    if (OutputFormat == "json")
      writeJson(std::cout, Diags);
    else
      writeText(std::cout, Diags, textOptions());
    std::cout.flush();
    if (!std::cout)
      return ExitError;
    return Diags.empty() || ExitZero ? ExitClean : ExitFindings;
  }

private:
  TextOptions textOptions() const {
    TextOptions T;
    T.Color = isatty(STDOUT_FILENO) != 0 && !std::getenv("NO_COLOR");
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
    if (!Result)
      return reportError(Result.takeError());
    printFixOutcome(*Result, Diff);
    if (Diff) {
      std::cout.flush();
      if (!std::cout)
        return ExitError;
      std::cerr << (Result->Fixed
                        ? "Would fix " + std::to_string(Result->Fixed) +
                              (Result->Fixed == 1 ? " error.\n" : " errors.\n")
                        : std::string("No errors would be fixed.\n"));
      return Result->Changes.empty() ? ExitClean : ExitFindings;
    }
    const std::vector<Diagnostic> &Remaining = Result->Remaining->Diagnostics;
    if (FixOnly) {
      std::cout << "Fixed " << Result->Fixed
                << (Result->Fixed == 1 ? " error.\n" : " errors.\n");
    } else if (OutputFormat == "json") {
      writeJson(std::cout, Remaining);
    } else {
      TextOptions T = textOptions();
      T.Fixed = Result->Fixed;
      writeText(std::cout, Remaining, T);
    }
    std::cout.flush();
    if (!std::cout || !Result->Errors.empty())
      return ExitError;
    if (FixOnly || ExitZero)
      return ExitClean;
    return Remaining.empty() ? ExitClean : ExitFindings;
  }

  AnalysisOptions Options;
  std::vector<std::string> Paths;
  std::string OutputFormat = "text";
  bool ExitZero = false, Statistics = false, NoCache = false;
  bool Fix = false, UnsafeFixes = false, Diff = false, FixOnly = false;
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

int reportError(llvm::Error E) {
  std::cerr << "paramlint: error: " << llvm::toString(std::move(E)) << "\n";
  return ExitError;
}

} // namespace paramlint
