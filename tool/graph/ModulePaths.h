//===- graph/ModulePaths.h - Where an import's module may live -*- C++ -*-===//
///
/// \file
/// The files a Python import may denote, in the order Python would try
/// them for a script run from its own directory: the importing file's
/// directory first (sibling modules, notebooks importing local `.py`
/// files), then its ancestors (packages); relative imports from the
/// package the dots name. Used by the linker (among the analysed files)
/// and by the analysis (to read imported files the user did not list).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_MODULEPATHS_H
#define PARAMLINT_GRAPH_MODULEPATHS_H

#include <filesystem>
#include <string>
#include <vector>

namespace paramlint {

/// How many directories above the importing file an absolute import is
/// looked for: enough for `src/pkg/sub/mod.py` layouts, bounded so that a
/// file deep in a tree does not walk to the root.
constexpr unsigned MaxImportAncestors = 8;

/// Candidate files for `import Module` (Level leading dots) from the file
/// at FromFile (absolute, normalised), most likely first: for each base
/// directory, `<base>/a/b.py` then `<base>/a/b/__init__.py`.
std::vector<std::filesystem::path>
moduleCandidates(const std::filesystem::path &FromFile, unsigned Level,
                 const std::string &Module);

/// The module keys moduleCandidates' files have (a `.py` file without its
/// extension, a package's `__init__.py` as its directory: both candidates
/// of one base share a key), computed on strings alone. FromDir is the
/// importing file's directory, absolute and normalised. The linker looks
/// these up for every import it resolves.
std::vector<std::string> moduleKeyCandidates(const std::string &FromDir,
                                             unsigned Level,
                                             const std::string &Module);

/// The directories moduleCandidates looks for `import Module` (Level
/// leading dots) in, most likely first, from the importing file's
/// directory FromDir (absolute, normalised): each holds that module as
/// `<base>/a/b.py` or `<base>/a/b/__init__.py` (`<base>/__init__.py` for
/// an empty module).
std::vector<std::string> moduleBaseDirectories(const std::string &FromDir,
                                               unsigned Level);

/// moduleCandidates' files as strings, from the importing file's directory
/// FromDir (absolute, normalised), without std::filesystem::path's
/// splitting: the analysis probes these for every import of every file.
std::vector<std::string> moduleCandidatePaths(const std::string &FromDir,
                                              unsigned Level,
                                              const std::string &Module);

/// The absolute, normalised form of a path as given on the command line.
std::filesystem::path absolutePath(const std::string &Path);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_MODULEPATHS_H
