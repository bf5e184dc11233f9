//===- Config.h - [tool.paramlint] in pyproject.toml / paramlint.toml -*- C++ -*-===//
///
/// \file
/// The project configuration: `paramlint.toml` (top level) or the
/// `[tool.paramlint]` table of `pyproject.toml`, found by walking up from
/// the paths given (the nearest directory that has one; in one directory
/// `paramlint.toml` wins), or named with `--config`; `--isolated` reads
/// none. Keys use Ruff's names: `select`, `ignore`, `per-file-ignores`,
/// `exclude`, `extend-exclude`, `unsafe-fixes`, `checkpoints`, `cache-dir`;
/// and paramlint's own: `convention`, `aliases` and `library-classes` (what
/// a run adds to the compiled-in tables, RunTables.h), `docs-url`. Relative
/// paths and globs in a config are relative to the directory it is in. A
/// bad key or value is an error naming the file, the line and the key.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CONFIG_H
#define PARAMLINT_CONFIG_H

#include "Analysis.h"
#include "Discover.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace paramlint {

/// What one configuration file says. Unset keys stay unset so that the
/// command line and the defaults decide.
struct Config {
  std::string File; ///< The file it was read from.
  std::string Root; ///< Its directory, absolute: globs and paths start here.
  std::optional<std::vector<std::string>> Select;
  std::vector<std::string> Ignore;
  std::vector<PerFileIgnore> PerFileIgnores;
  /// `exclude` and `extend-exclude` together: globs of files and
  /// directories discovery skips (on top of its built-in skips).
  std::vector<std::string> Exclude;
  std::optional<bool> UnsafeFixes;
  std::vector<std::string> Checkpoints; ///< Absolute.
  /// `cache-dir`: where the facts cache lives (absolute); empty: unset.
  std::string CacheDir;
  /// `convention`: the id of a convention of checks/conventions.toml
  /// (`torch`), validated; empty: unset. applyConfig hands its pair to
  /// PL301 (AnalysisOptions::Context).
  std::string Convention;
  /// `aliases`, `library-classes`, validated.
  TableExtensions Tables;
  /// `docs-url`: the base URL of the documentation (`docs/`) that rule
  /// links start with; empty: unset (the compiled-in default).
  std::string DocsUrl;
  /// `file-timeout`: the per-file parse budget in seconds (0: none);
  /// unset: AnalysisOptions' default.
  std::optional<double> FileTimeout;
};

/// Reads a configuration file. For `pyproject.toml` the `[tool.paramlint]`
/// table is read (none: nullopt); any other name is read whole.
llvm::Expected<std::optional<Config>> readConfig(const std::string &Path);

/// The configuration for a run over Paths: the first found walking up from
/// each path in turn (nullopt when there is none).
llvm::Expected<std::optional<Config>>
findConfig(const std::vector<std::string> &Paths);

/// Folds a configuration into the analysis options: the command line's
/// `--select` wins over the config's; `ignore` lists add up.
void applyConfig(const Config &C, AnalysisOptions &Options);

/// Whether Path (any form) matches Glob, relative to Root: `*` and `?` as
/// in the shell but crossing `/`, a glob without `/` matches a file name
/// or any directory on the path, `**/` may match nothing.
bool matchesGlob(const std::string &Root, const std::string &Glob,
                 const std::string &Path);

/// Drops the inputs that the config's excludes match, except files named
/// in Paths themselves.
void dropExcluded(std::vector<DiscoveredPath> &Inputs,
                  const std::vector<std::string> &Paths,
                  const AnalysisOptions &Options);

/// Whether Code is turned off for File by the per-file ignores of Options.
bool ignoredInFile(const std::string &Code, const std::string &File,
                   const AnalysisOptions &Options);

} // namespace paramlint

#endif // PARAMLINT_CONFIG_H
