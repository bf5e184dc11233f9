//===- cli/Command.h - One `paramlint <verb>` ------------------*- C++ -*-===//
///
/// \file
/// Each verb of the program (`check`, `graph`, later `keys`, `verify`,
/// `report`, `rule`) is one Command in its own file: it declares its flags
/// on a CLI11 subcommand and, when chosen, runs and returns the exit code.
/// main.cpp only lists the commands, parses, and dispatches.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CLI_COMMAND_H
#define PARAMLINT_CLI_COMMAND_H

#include "llvm/Support/Error.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace paramlint {

/// Exit codes of the program (public interface).
constexpr int ExitClean = 0;
constexpr int ExitFindings = 1;
constexpr int ExitError = 2;

class Command {
public:
  virtual ~Command() = default;
  /// Adds the subcommand and its flags to Parent; returns it.
  virtual CLI::App *add(CLI::App &Parent) = 0;
  /// Runs after a successful parse; returns the exit code.
  virtual int run() = 0;
};

std::unique_ptr<Command> makeCheckCommand();
std::unique_ptr<Command> makeCleanCommand();
std::unique_ptr<Command> makeGraphCommand();
std::unique_ptr<Command> makeKeysCommand();
std::unique_ptr<Command> makeRenameParamsCommand();
std::unique_ptr<Command> makeReportCommand();
std::unique_ptr<Command> makeRuleCommand();
std::unique_ptr<Command> makeVerifyCommand();

struct FixResult;
/// Prints a fix run's warnings and errors (stderr) and, with Diff, the
/// unified diff of every changed file (stdout).
void printFixOutcome(const FixResult &R, bool Diff);

/// `check --fix --verify`: runs `verify` on the text of Paths before and
/// after R's changes, prints its report on stderr, and returns 0 when
/// every norm layer passes (or none changed), else ExitFindings.
int verifyFixes(const std::vector<std::string> &Paths, const FixResult &R);

/// Prints an error the way every command does and returns ExitError.
int reportError(llvm::Error E);

/// Runs Write on stdout, or on the file Path when it is not empty (`-o`);
/// returns 0, or ExitError (reported) when the output cannot be written.
int writeOutput(const std::string &Path,
                const std::function<void(std::ostream &)> &Write);

/// Adds `--config FILE` and `--isolated` (which exclude each other) to a
/// command that reads the configuration (see loadCommandConfig).
void addConfigOptions(CLI::App *C, std::string &ConfigFile, bool &Isolated);

struct AnalysisOptions;
struct Config;
/// Reads the configuration for a run over Paths (`--config`, or the one
/// found walking up; none with Isolated), folds it into Options and keeps
/// it in Out; returns 0, or ExitError (reported) when it is bad.
int loadCommandConfig(const std::vector<std::string> &Paths,
                      const std::string &ConfigFile, bool Isolated,
                      AnalysisOptions &Options, std::optional<Config> &Out);

} // namespace paramlint

#endif // PARAMLINT_CLI_COMMAND_H
