//===- cxx/CompileDatabase.h - Compile commands for the C++ inputs -*- C++ -*-===//
///
/// \file
/// Which command parses each C++ unit, as clang-tidy decides: the
/// compile_commands.json of `-p BUILD_DIR`, or the one found in a parent
/// directory of the source; entries inferred for files the database does
/// not list (headers); and, with no database at all, fallback flags
/// (`-std=c++17`, the file's directory and the project's `include/`).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_COMPILEDATABASE_H
#define PARAMLINT_CXX_COMPILEDATABASE_H

#include <string>
#include <vector>

namespace paramlint {

/// The command for one unit: argv (compiler first, the file last or
/// anywhere), run in Directory.
struct PlannedCommand {
  std::string File;
  std::string Directory;
  std::vector<std::string> Args;
  bool Fallback = false;
};

struct CompilePlan {
  std::vector<PlannedCommand> Units; ///< Parallel to the sources asked for.
  std::vector<std::string> Notes;
};

/// Plans the commands for Sources (absolute paths). BuildDir empty: the
/// database is searched from each source's directory upwards.
CompilePlan planCompileCommands(const std::vector<std::string> &Sources,
                                const std::string &BuildDir);

/// The fallback command for a file: `-std=c++17`, `-I` its directory and
/// every `include/` beside it or in a parent directory up to the project
/// root (the first directory that holds `.git`), at most four levels up.
PlannedCommand fallbackCommand(const std::string &File);

} // namespace paramlint

#endif // PARAMLINT_CXX_COMPILEDATABASE_H
