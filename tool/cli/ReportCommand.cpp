//===- cli/ReportCommand.cpp - `paramlint report` -------------------------===//
///
/// \file
/// `paramlint report [PATH...] --format md|html|json [-o FILE] [-p DIR]`: the
/// naming-consistency report of report/ConsistencyReport.h. With `-o` and
/// HTML, the graph's DOT source is written beside the report (`FILE.dot`).
/// The configuration applies as for `check`.
///
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
#include "Config.h"
#include "report/ConsistencyReport.h"

#include <filesystem>
#include <iostream>

namespace paramlint {
namespace {

class ReportCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "report", "Write the naming-consistency report (conventions, key "
                  "spaces, loaders, findings, the graph as a picture)");
    C->add_option("paths", Paths, "Files and directories (default: .)");
    C->add_option("--format", Format, "Report format")
        ->check(CLI::IsMember({"md", "html", "json"}));
    C->add_option("-o,--output-file", OutputFile,
                  "Write the report to this file instead of stdout");
    C->add_option("--jobs,-j", Options.Jobs, "Worker threads");
    C->add_option("-p,--build-path", Options.BuildDir,
                  "Directory holding compile_commands.json for the C++ files "
                  "(as for check)");
    addConfigOptions(C, ConfigFile, Isolated);
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    std::optional<Config> C;
    if (int Code = loadCommandConfig(Paths, ConfigFile, Isolated, Options, C))
      return Code;
    auto Result = analyze(Paths, Options);
    if (!Result)
      return reportError(Result.takeError());
    ConsistencyReport R = buildReport(**Result);

    std::string Svg;
    if (Format == "html") {
      auto Rendered = renderSvg(R.Dot);
      if (!Rendered)
        return reportError(Rendered.takeError());
      Svg = std::move(*Rendered);
      if (!OutputFile.empty()) {
        std::string DotFile =
            std::filesystem::path(OutputFile).replace_extension(".dot").string();
        if (int Code = writeOutput(DotFile, [&](std::ostream &OS) { OS << R.Dot; }))
          return Code;
      }
    }
    return writeOutput(OutputFile, [&](std::ostream &OS) {
      if (Format == "md")
        writeReportMarkdown(OS, R);
      else if (Format == "json")
        writeReportJson(OS, R);
      else
        writeReportHtml(OS, R, Svg);
    });
  }

private:
  AnalysisOptions Options;
  std::vector<std::string> Paths;
  std::string Format = "html";
  std::string OutputFile, ConfigFile;
  bool Isolated = false;
};

} // namespace

std::unique_ptr<Command> makeReportCommand() {
  return std::make_unique<ReportCommand>();
}

} // namespace paramlint
