//===- cli/RenameParamsCommand.cpp - `paramlint rename-params` ------------===//
#include "cli/Command.h"

#include "fix/FixEngine.h"
#include "fix/RenameParams.h"

#include <iostream>

namespace paramlint {
namespace {

class RenameParamsCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "rename-params",
        "Rename parameters of a module class everywhere, keeping old "
        "checkpoints loadable");
    C->add_option("class", ClassName, "The module class (as defined)")->required();
    C->add_option("renames", Specs, "old=new pairs")->required();
    C->add_option("--path,-p", Paths, "Files and directories (default: .)");
    C->add_flag("--diff", Diff, "Print the edits as a unified diff; write nothing");
    return C;
  }

  int run() override {
    if (Paths.empty())
      Paths.push_back(".");
    std::vector<ParamRename> Renames;
    for (const std::string &S : Specs) {
      auto R = parseParamRename(S);
      if (!R)
        return reportError(R.takeError());
      Renames.push_back(*R);
    }
    FixOptions FO;
    FO.Analysis.RunChecks = false;
    FO.Unsafe = true; // Asking for the rename is the consent.
    FO.Write = !Diff;
    FO.Producer = [&](const Analysis &A,
                      unsigned Round) -> llvm::Expected<std::vector<Diagnostic>> {
      if (Round > 0)
        return std::vector<Diagnostic>{}; // One pass: the result is checked.
      return renameParamsFixes(A, ClassName, Renames);
    };
    auto Result = runFixes(Paths, FO);
    if (!Result)
      return reportError(Result.takeError());
    printFixOutcome(*Result, Diff);
    for (const FileChange &C : Result->Changes)
      if (C.Written)
        std::cout << "renamed in " << C.Path << "\n";
    std::cout.flush();
    if (!std::cout || !Result->Errors.empty() || !Result->Warnings.empty())
      return ExitError;
    return Diff && !Result->Changes.empty() ? ExitFindings : ExitClean;
  }

private:
  std::string ClassName;
  std::vector<std::string> Specs, Paths;
  bool Diff = false;
};

} // namespace

std::unique_ptr<Command> makeRenameParamsCommand() {
  return std::make_unique<RenameParamsCommand>();
}

} // namespace paramlint
