//===- cxx/CxxPaths.cpp - Which paths are C++ inputs ----------------------===//
///
/// \file
/// Kept apart from the Clang-based frontend: discovery and analysis ask these
/// questions in every run, while the frontend is loaded only when a C++ input
/// exists (cxx/CxxModuleClient.cpp).
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxFrontend.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

namespace paramlint {
namespace {

bool hasExtension(const std::string &Path, std::initializer_list<const char *> Exts) {
  std::string Ext = std::filesystem::path(Path).extension().string();
  return std::any_of(Exts.begin(), Exts.end(),
                     [&](const char *E) { return Ext == E; });
}

} // namespace

bool isCxxHeader(const std::string &Path) {
  return hasExtension(Path, {".h", ".hpp", ".hh", ".hxx"});
}

bool isCxxPath(const std::string &Path) {
  return isCxxHeader(Path) || hasExtension(Path, {".cpp", ".cc", ".cxx"});
}

} // namespace paramlint
