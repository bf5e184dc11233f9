//===- fuzz/FuzzFiles.h - Files on disk for the fuzz targets ----*- C++ -*-===//
///
/// \file
/// The engine-level targets analyse paths, as the program does: the file a
/// target fuzzes lives in a private temporary directory made once per
/// process (its bytes usually reach the engine through
/// AnalysisOptions::Contents, so the disk is read rarely). The directory is
/// removed at exit.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FUZZ_FUZZFILES_H
#define PARAMLINT_FUZZ_FUZZFILES_H

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace paramlint {
namespace fuzz {

/// The process's scratch directory (absolute), made on first use. Never
/// destroyed: the exit handler that removes the directory still reads it.
inline const std::string &scratchDir() {
  static const std::string *Dir = [] {
    std::string Template =
        (std::filesystem::temp_directory_path() / "paramlint-fuzz-XXXXXX").string();
    if (!mkdtemp(Template.data()))
      __builtin_trap();
    auto *Made = new std::string(Template);
    std::atexit([] {
      std::error_code EC;
      std::filesystem::remove_all(scratchDir(), EC);
    });
    return Made;
  }();
  return *Dir;
}

/// Writes Bytes to Name in the scratch directory; returns its absolute path.
inline std::string writeScratch(const std::string &Name, const std::string &Bytes) {
  std::string Path = scratchDir() + "/" + Name;
  std::ofstream Out(Path, std::ios::binary | std::ios::trunc);
  Out.write(Bytes.data(), static_cast<std::streamsize>(Bytes.size()));
  Out.close();
  if (!Out)
    __builtin_trap();
  return Path;
}

/// Stops the run with a message: an invariant of the engine does not hold.
[[noreturn]] inline void fail(const char *What) {
  fprintf(stderr, "fuzz invariant broken: %s\n", What);
  abort();
}

} // namespace fuzz
} // namespace paramlint

#endif // PARAMLINT_FUZZ_FUZZFILES_H
