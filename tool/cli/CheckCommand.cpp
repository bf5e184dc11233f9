//===- cli/CheckCommand.cpp - `paramlint check` ---------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
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
    // Accepted so CI scripts can pass it today; there is no cache yet.
    C->add_flag("--no-cache", NoCache, "Do not read or write the cache");
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    auto Result = analyze(Paths, Options);
    if (!Result)
      return reportError(Result.takeError());
    const std::vector<Diagnostic> &Diags = (*Result)->Diagnostics;
    if (OutputFormat == "json")
      writeJson(std::cout, Diags);
    else
      writeText(std::cout, Diags,
                TextOptions{isatty(STDOUT_FILENO) != 0 && !std::getenv("NO_COLOR"),
                            Statistics});
    std::cout.flush();
    if (!std::cout)
      return ExitError;
    return Diags.empty() || ExitZero ? ExitClean : ExitFindings;
  }

private:
  AnalysisOptions Options;
  std::vector<std::string> Paths;
  std::string OutputFormat = "text";
  bool ExitZero = false, Statistics = false, NoCache = false;
};

} // namespace

std::unique_ptr<Command> makeCheckCommand() {
  return std::make_unique<CheckCommand>();
}

int reportError(llvm::Error E) {
  std::cerr << "paramlint: error: " << llvm::toString(std::move(E)) << "\n";
  return ExitError;
}

} // namespace paramlint
