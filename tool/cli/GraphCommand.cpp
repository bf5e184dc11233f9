//===- cli/GraphCommand.cpp - `paramlint graph` ---------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
#include "Config.h"
#include "graph/GraphWriter.h"

#include <iostream>

namespace paramlint {
namespace {

class GraphCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand("graph", "Print the parameter-name graph");
    C->add_option("paths", Paths, "Files and directories (default: .)");
    C->add_option("--format", Format, "Output format")
        ->check(CLI::IsMember({"json", "dot"}));
    C->add_option("--jobs,-j", Options.Jobs, "Worker threads");
    C->add_option("-p,--build-path", Options.BuildDir,
                  "Directory holding compile_commands.json for the C++ files");
    // The config's aliases and library classes shape the graph.
    addConfigOptions(C, ConfigFile, Isolated);
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    Options.RunChecks = false;
    std::optional<Config> Found;
    if (int Code = loadCommandConfig(Paths, ConfigFile, Isolated, Options, Found))
      return Code;
    auto Result = analyze(Paths, Options);
    if (!Result)
      return reportError(Result.takeError());
    if (Format == "dot")
      writeGraphDot(std::cout, (*Result)->Graph);
    else
      writeGraphJson(std::cout, (*Result)->Graph);
    std::cout.flush();
    return std::cout ? ExitClean : ExitError;
  }

private:
  AnalysisOptions Options;
  std::vector<std::string> Paths;
  std::string Format = "json";
  std::string ConfigFile;
  bool Isolated = false;
};

} // namespace

std::unique_ptr<Command> makeGraphCommand() {
  return std::make_unique<GraphCommand>();
}

} // namespace paramlint
