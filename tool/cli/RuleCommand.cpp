//===- cli/RuleCommand.cpp - `paramlint rule [CODE]` ----------------------===//
///
/// \file
/// Prints a rule's documentation: the page docs/rules/PLxxx.md, embedded at
/// build time (it is generated from the check's header), byte for byte.
/// Without a code, lists every rule with its name and summary.
///
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

#include "checks/Registry.h"
#include "report/Reporters.h"
#include "report/RuleDocs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace paramlint {
namespace {

class RuleCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "rule", "Print a rule's documentation, or list every rule");
    C->add_option("code", Code, "Rule code (e.g. PL101); omit to list all");
    C->add_option("--output-format", OutputFormat, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
    return C;
  }

  int run() override {
    std::vector<CheckInfo> Rules = allRules();
    if (Code.empty())
      return list(Rules);
    // A code in any case (`pl101`) or the rule's name.
    std::string Upper = Code;
    for (char &C : Upper)
      C = static_cast<char>(std::toupper(static_cast<unsigned char>(C)));
    for (const CheckInfo &R : Rules) {
      if (Upper != R.Code && Code != R.Name)
        continue;
      const RuleDoc *Doc = findRuleDoc(R.Code);
      if (OutputFormat == "json")
        std::cout << describe(R).dump(2) << "\n";
      else
        std::cout << (Doc ? Doc->Markdown
                          : fmt::format("# {} {}\n", R.Code, R.Name));
      std::cout.flush();
      return std::cout ? ExitClean : ExitError;
    }
    return reportError(llvm::createStringError(
        std::errc::invalid_argument,
        "unknown rule `%s` (`paramlint rule` lists them)", Code.c_str()));
  }

private:
  static nlohmann::ordered_json describe(const CheckInfo &R) {
    const RuleDoc *Doc = findRuleDoc(R.Code);
    return {{"code", R.Code},
            {"name", R.Name},
            {"summary", Doc ? Doc->Summary : ""},
            {"severity", R.DefaultSeverity == Severity::Error ? "error" : "warning"},
            {"url", ruleUrl(R.Code)},
            {"explanation", Doc ? Doc->Markdown : ""}};
  }

  int list(const std::vector<CheckInfo> &Rules) {
    if (OutputFormat == "json") {
      nlohmann::ordered_json All = nlohmann::ordered_json::array();
      for (const CheckInfo &R : Rules)
        All.push_back(describe(R));
      std::cout << All.dump(2) << "\n";
    } else {
      size_t NameWidth = 0;
      for (const CheckInfo &R : Rules)
        NameWidth = std::max(NameWidth, std::string(R.Name).size());
      for (const CheckInfo &R : Rules) {
        const RuleDoc *Doc = findRuleDoc(R.Code);
        std::cout << fmt::format("{}  {:<{}}  {}\n", R.Code, R.Name, NameWidth,
                                 Doc ? Doc->Summary : "");
      }
    }
    std::cout.flush();
    return std::cout ? ExitClean : ExitError;
  }

  std::string Code;
  std::string OutputFormat = "text";
};

} // namespace

std::unique_ptr<Command> makeRuleCommand() {
  return std::make_unique<RuleCommand>();
}

} // namespace paramlint
