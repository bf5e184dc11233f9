//===- cli/CleanCommand.cpp - `paramlint clean [PATH...]` -----------------===//
///
/// \file
/// Removes the cache that `check` over the same paths would use (found the
/// same way: PARAMLINT_CACHE_DIR, the config's `cache-dir`, the config's
/// directory, the first path's directory), as `ruff clean` does. Only what
/// paramlint wrote there goes; see cleanCache in cache/FactsCache.h.
///
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

#include "Analysis.h"
#include "Config.h"
#include "cache/FactsCache.h"

#include <iostream>

namespace paramlint {
namespace {

class CleanCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "clean", "Remove the cache `check` keeps for these paths");
    C->add_option("paths", Paths, "Files and directories (default: .)");
    addConfigOptions(C, ConfigFile, Isolated);
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    AnalysisOptions Options;
    std::optional<Config> C;
    if (int Code = loadCommandConfig(Paths, ConfigFile, Isolated, Options, C))
      return Code;
    std::string Dir =
        cacheDirectory(Paths, C ? C->Root : "", C ? C->CacheDir : "");
    auto Removed = cleanCache(Dir);
    if (!Removed)
      return reportError(Removed.takeError());
    std::cout << (*Removed ? "Removed the cache at `" : "No cache at `") << Dir
              << "`\n";
    return ExitClean;
  }

private:
  std::vector<std::string> Paths;
  std::string ConfigFile;
  bool Isolated = false;
};

} // namespace

std::unique_ptr<Command> makeCleanCommand() {
  return std::make_unique<CleanCommand>();
}

} // namespace paramlint
