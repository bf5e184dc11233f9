//===- fuzz/ConfigFuzz.cpp - The config reader on fuzzed TOML ------------===//
///
/// \file
/// The input is read twice: as `paramlint.toml` (read whole) and as
/// `pyproject.toml` (its `[tool.paramlint]` table). Each read must give a
/// config, nothing (a pyproject without the table), or an llvm::Error whose
/// message names the file; no exception may escape. A config that reads is
/// folded into the analysis options and its globs are matched against a few
/// paths, as discovery and the per-file ignores do.
///
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "FuzzFiles.h"

#include <cstdint>
#include <filesystem>

using namespace paramlint;

namespace {

void readAs(const std::string &Name, const std::string &Bytes) {
  std::string Path = fuzz::writeScratch(Name, Bytes);
  auto C = readConfig(Path);
  if (!C) {
    std::string Message = llvm::toString(C.takeError());
    if (Message.find(Name) == std::string::npos)
      fuzz::fail("a config error that does not name the file");
    return;
  }
  if (!*C)
    return;
  AnalysisOptions Options;
  applyConfig(**C, Options);
  const std::string &Root = (*C)->Root;
  const std::string Paths[] = {Root + "/pkg/model.py", Root + "/a b/ü.py",
                               "/elsewhere/x.ipynb", Root};
  for (const std::string &P : Paths) {
    for (const std::string &Glob : Options.Exclude)
      (void)matchesGlob(Root, Glob, P);
    for (const PerFileIgnore &I : Options.PerFileIgnores)
      (void)matchesGlob(I.Root, I.Glob, P);
    (void)ignoredInFile("PL101", P, Options);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static const bool Dirs = [] {
    std::filesystem::create_directories(fuzz::scratchDir() + "/whole");
    std::filesystem::create_directories(fuzz::scratchDir() + "/pyproject");
    return true;
  }();
  (void)Dirs;
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  readAs("whole/paramlint.toml", Bytes);
  readAs("pyproject/pyproject.toml", Bytes);
  return 0;
}
