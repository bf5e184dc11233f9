//===- main.cpp - The paramlint program: flags in, exit code out ----------===//
//
// Exit codes: 0 clean, 1 findings, 2 usage or tool error. Each verb lives in
// tool/cli/<Verb>Command.cpp; this file only lists them and dispatches.
//
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

int main(int Argc, char **Argv) {
  using namespace paramlint;
  CLI::App App{"paramlint: finds parameter-name mismatches in ML model code",
               "paramlint"};
  App.set_version_flag("--version", std::string("paramlint ") + PARAMLINT_VERSION);
  App.require_subcommand(1);

  std::vector<std::unique_ptr<Command>> Commands;
  Commands.push_back(makeCheckCommand());
  Commands.push_back(makeCleanCommand());
  Commands.push_back(makeGraphCommand());
  Commands.push_back(makeKeysCommand());
  Commands.push_back(makeRenameParamsCommand());
  Commands.push_back(makeReportCommand());
  Commands.push_back(makeRuleCommand());
  Commands.push_back(makeVerifyCommand());
  std::vector<std::pair<CLI::App *, Command *>> Verbs;
  for (auto &C : Commands)
    Verbs.push_back({C->add(App), C.get()});

  try {
    App.parse(Argc, Argv);
  } catch (const CLI::ParseError &E) {
    return App.exit(E) == 0 ? ExitClean : ExitError;
  }
  for (auto &[Sub, C] : Verbs)
    if (Sub->parsed())
      return C->run();
  return ExitError;
}
