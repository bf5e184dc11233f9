//===- cxx/CompileDatabase.cpp - Compile commands for the C++ inputs -------===//
#include "cxx/CompileDatabase.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>

namespace paramlint {
namespace fs = std::filesystem;
using clang::tooling::CompilationDatabase;

PlannedCommand fallbackCommand(const std::string &File) {
  PlannedCommand C;
  C.File = File;
  C.Fallback = true;
  fs::path Dir = fs::path(File).parent_path();
  C.Directory = Dir.string();
  C.Args = {"clang++", "-std=c++17", "-I" + Dir.string()};
  fs::path P = Dir;
  for (int Level = 0; Level < 5 && !P.empty(); ++Level) {
    std::error_code Ec;
    if (fs::is_directory(P / "include", Ec) && P / "include" != Dir)
      C.Args.push_back("-I" + (P / "include").string());
    if (fs::exists(P / ".git", Ec) || P == P.parent_path())
      break;
    P = P.parent_path();
  }
  // A header parsed on its own is parsed as C++, not as a header to
  // precompile.
  C.Args.insert(C.Args.end(), {"-x", "c++", File});
  return C;
}

CompilePlan planCompileCommands(const std::vector<std::string> &Sources,
                                const std::string &BuildDir) {
  CompilePlan Plan;
  std::map<std::string, std::shared_ptr<CompilationDatabase>> ByDir;
  std::shared_ptr<CompilationDatabase> Given;
  std::set<const CompilationDatabase *> Described;
  if (!BuildDir.empty()) {
    std::string Err;
    std::unique_ptr<CompilationDatabase> DB =
        CompilationDatabase::loadFromDirectory(BuildDir, Err);
    if (!DB)
      Plan.Notes.push_back("cannot read a compilation database in `" + BuildDir +
                           "` (" + Err + "): C++ files are parsed with fallback "
                           "flags (-std=c++17, their directory and the project's "
                           "include/)");
    else
      Given = clang::tooling::inferMissingCompileCommands(std::move(DB));
  }
  bool AnyFallback = false;
  for (const std::string &File : Sources) {
    std::shared_ptr<CompilationDatabase> DB = Given;
    if (!DB && BuildDir.empty()) {
      std::string Dir = fs::path(File).parent_path().string();
      auto It = ByDir.find(Dir);
      if (It == ByDir.end()) {
        std::string Err;
        std::unique_ptr<CompilationDatabase> Found =
            CompilationDatabase::autoDetectFromDirectory(Dir, Err);
        std::shared_ptr<CompilationDatabase> Shared;
        if (Found)
          Shared = clang::tooling::inferMissingCompileCommands(std::move(Found));
        It = ByDir.emplace(Dir, Shared).first;
      }
      DB = It->second;
    }
    std::vector<clang::tooling::CompileCommand> Commands;
    if (DB)
      Commands = DB->getCompileCommands(File);
    if (DB && Described.insert(DB.get()).second) {
      size_t Missing = 0;
      for (const std::string &Listed : DB->getAllFiles()) {
        std::error_code Ec;
        Missing += !fs::exists(Listed, Ec);
      }
      if (Missing)
        Plan.Notes.push_back("the compilation database lists " +
                             std::to_string(Missing) +
                             " file(s) that do not exist; they are skipped");
    }
    if (Commands.empty()) {
      Plan.Units.push_back(fallbackCommand(File));
      AnyFallback = true;
      continue;
    }
    PlannedCommand P;
    P.File = File;
    P.Directory = Commands.front().Directory;
    P.Args = Commands.front().CommandLine;
    Plan.Units.push_back(std::move(P));
  }
  if (AnyFallback && BuildDir.empty())
    Plan.Notes.push_back(
        "no compilation database (compile_commands.json) for some C++ files: "
        "they are parsed with fallback flags (-std=c++17, their directory and "
        "the project's include/); pass -p BUILD_DIR to use the project's");
  return Plan;
}

} // namespace paramlint
