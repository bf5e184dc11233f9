//===- cxx/CxxFrontend.h - C++ translation units to facts ------*- C++ -*-===//
///
/// \file
/// Parses the C++ inputs with Clang LibTooling and extracts the FileFacts of
/// graph/Facts.h: libtorch modules (`struct XImpl : torch::nn::Module`,
/// register_parameter / register_buffer / register_module, built-in module
/// holders, ModuleList push_back), ggml-style structs of tensor pointers,
/// and the loaders that bind checkpoint names to parameters and fields.
///
/// Every translation unit is parsed once; the units are spread over worker
/// threads (one ClangTool each). A header included by many units yields its
/// facts once, from the first unit that reaches it; function bodies in files
/// that are not the user's (or that another unit already owns) are skipped.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_CXXFRONTEND_H
#define PARAMLINT_CXX_CXXFRONTEND_H

#include "RunTables.h"
#include "graph/Facts.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace paramlint {

class FactsCache;

/// How the C++ inputs are compiled.
struct CxxOptions {
  /// Directory holding compile_commands.json (`check -p`); empty: looked
  /// for in the inputs' parent directories, as clang-tidy does.
  std::string BuildDir;
  unsigned Jobs = 1;
  /// Text to parse instead of the file on disk, by absolute path.
  std::map<std::string, std::string> Contents;
  /// The config's additions to the tables (field roles from names read
  /// the aliases). The loadable module has its own copy of the tables,
  /// so its entry installs these for the call (cxx/CxxModuleEntry.cpp).
  TableExtensions Tables;
  /// Where units' facts are kept between runs (cxx/CxxUnitCache.h), or
  /// null. Not used when Contents is given (the text is not on disk).
  /// Crosses into paramlint-cxx.so by pointer: the module's copy of the
  /// cache code (same sources) works on the program's object.
  FactsCache *Cache = nullptr;
};

/// A unit that failed (fully or in part): a PL001 on an input file.
struct CxxProblem {
  std::string Path; ///< Absolute, lexically normal; one of the inputs.
  uint32_t Offset = 0;
  std::string Message;
};

/// What parsing the C++ inputs produced.
struct CxxResult {
  /// Facts by absolute, lexically normal input path.
  std::map<std::string, FileFacts> Facts;
  std::vector<CxxProblem> Problems;
  /// Said once to the user (e.g. that fallback flags were used).
  std::vector<std::string> Notes;
  /// Units whose facts came from the cache, and units parsed.
  size_t CachedUnits = 0, ParsedUnits = 0;
};

/// Whether a path names a C++ source or header paramlint reads.
bool isCxxPath(const std::string &Path);
/// Whether a path names a C++ header (`.h`, `.hpp`, `.hh`, `.hxx`).
bool isCxxHeader(const std::string &Path);

/// Parses the inputs (absolute, lexically normal paths; sources are units,
/// headers are parsed through the units that include them, or on their own
/// when none does). Never fails: problems are reported in the result.
CxxResult extractCxxFacts(const std::vector<std::string> &Inputs,
                          const CxxOptions &Options);

/// The `// NOLINT`, `// NOLINT(PL102, ...)` and `// NOLINTNEXTLINE(...)`
/// directives of a C++ text, from real comments only.
std::vector<SuppressionFact> findCxxSuppressions(const std::string &Text);

} // namespace paramlint

#endif // PARAMLINT_CXX_CXXFRONTEND_H
