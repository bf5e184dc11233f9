//===- Discover.h - From command-line paths to input files -----*- C++ -*-===//
///
/// \file
/// Expands the paths a user gives into the files paramlint reads: `.py`,
/// `.pyi`, `.ipynb` and C++ (`.cpp`, `.cc`, `.cxx`, `.h`, `.hpp`), recursing into directories in a stable (sorted)
/// order and skipping hidden directories, `__pycache__`, virtual
/// environments, `node_modules` and `CMakeFiles`. A path given explicitly is always
/// taken, whatever its extension, so a user can lint a script without one.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_DISCOVER_H
#define PARAMLINT_DISCOVER_H

#include <string>
#include <vector>

namespace paramlint {

/// One input: a file to read, or a path that could not be read (Problem
/// says why, e.g. "no such file or directory").
struct DiscoveredPath {
  std::string Path;
  std::string Problem;
};

/// Expands Paths (files and directories) into the inputs, in stable order,
/// each at most once.
std::vector<DiscoveredPath> discoverInputs(const std::vector<std::string> &Paths);

} // namespace paramlint

#endif // PARAMLINT_DISCOVER_H
