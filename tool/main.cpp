//===- main.cpp - The paramlint program: flags in, exit code out ----------===//
//
// Exit codes: 0 clean, 1 findings, 2 usage or tool error.
//
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "graph/GraphWriter.h"
#include "report/Reporters.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <unistd.h>

namespace {

constexpr int ExitClean = 0;
constexpr int ExitFindings = 1;
constexpr int ExitError = 2;

int fail(llvm::Error E) {
  std::cerr << "paramlint: error: " << llvm::toString(std::move(E)) << "\n";
  return ExitError;
}

} // namespace

int main(int Argc, char **Argv) {
  using namespace paramlint;
  CLI::App App{"paramlint: finds parameter-name mismatches in ML model code",
               "paramlint"};
  App.set_version_flag("--version", std::string("paramlint ") + PARAMLINT_VERSION);
  App.require_subcommand(1);

  AnalysisOptions Options;
  std::vector<std::string> Paths;

  CLI::App *Check = App.add_subcommand("check", "Lint files and directories");
  std::string OutputFormat = "text";
  bool ExitZero = false, Statistics = false, NoCache = false;
  Check->add_option("paths", Paths, "Files and directories (default: .)");
  Check->add_option("--output-format", OutputFormat, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  Check->add_option("--select", Options.Select, "Rule codes or prefixes to enable")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  Check->add_option("--ignore", Options.Ignore, "Rule codes or prefixes to disable")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  Check->add_option("--jobs,-j", Options.Jobs, "Worker threads (default: one per core)");
  Check->add_flag("--exit-zero", ExitZero, "Exit 0 even when there are findings");
  Check->add_flag("--statistics", Statistics, "Count findings per rule");
  // Accepted so CI scripts can pass it today; there is no cache yet.
  Check->add_flag("--no-cache", NoCache, "Do not read or write the cache");

  CLI::App *Graph = App.add_subcommand("graph", "Print the parameter-name graph");
  std::string GraphFormat = "json";
  Graph->add_option("paths", Paths, "Files and directories (default: .)");
  Graph->add_option("--format", GraphFormat, "Output format")
      ->check(CLI::IsMember({"json", "dot"}));
  Graph->add_option("--jobs,-j", Options.Jobs, "Worker threads");

  try {
    App.parse(Argc, Argv);
  } catch (const CLI::ParseError &E) {
    int Code = App.exit(E);
    return Code == 0 ? ExitClean : ExitError;
  }
  if (Paths.empty())
    Paths.push_back(".");

  if (*Graph) {
    Options.RunChecks = false;
    auto Result = analyze(Paths, Options);
    if (!Result)
      return fail(Result.takeError());
    if (GraphFormat == "dot")
      writeGraphDot(std::cout, (*Result)->Graph);
    else
      writeGraphJson(std::cout, (*Result)->Graph);
    return ExitClean;
  }

  auto Result = analyze(Paths, Options);
  if (!Result)
    return fail(Result.takeError());
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
