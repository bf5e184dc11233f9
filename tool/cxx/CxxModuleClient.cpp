//===- cxx/CxxModuleClient.cpp - extractCxxFacts through paramlint-cxx.so -===//
///
/// \file
/// The program's definition of extractCxxFacts: it loads the Clang-based
/// frontend module on first use and forwards the call (cxx/CxxModule.h).
/// Tests and benchmarks link the frontend itself instead of this file.
///
/// The module is found through $PARAMLINT_CXX_MODULE, next to the program
/// (the build tree), or in the install's library directory
/// (PARAMLINT_CXX_MODULE_DIR, relative to the program's directory). When it
/// cannot be loaded every C++ input gets a problem (a PL001 saying why) and
/// the rest of the run goes on.
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxModule.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>

#ifndef PARAMLINT_CXX_MODULE_DIR
#define PARAMLINT_CXX_MODULE_DIR "../lib/paramlint"
#endif

namespace paramlint {
namespace {
namespace fs = std::filesystem;

/// The loaded entry point, or why there is none.
struct LoadedModule {
  ExtractCxxFactsEntry *Entry = nullptr;
  std::string Error;
};

/// The paths tried, in order.
std::vector<std::string> candidatePaths() {
  if (const char *Env = std::getenv(CxxModuleEnv); Env && *Env)
    return {Env};
  std::error_code EC;
  fs::path Exe = fs::read_symlink("/proc/self/exe", EC);
  if (EC)
    return {CxxModuleFileName};
  fs::path Dir = Exe.parent_path();
  return {(Dir / CxxModuleFileName).string(),
          (Dir / PARAMLINT_CXX_MODULE_DIR / CxxModuleFileName).lexically_normal().string()};
}

LoadedModule load() {
  LoadedModule M;
  std::vector<std::string> Tried = candidatePaths();
  for (const std::string &Path : Tried) {
    // A candidate that does not exist is skipped quietly; one that exists and
    // does not load is the error to report.
    std::error_code EC;
    if (Tried.size() > 1 && !fs::exists(Path, EC))
      continue;
    void *Handle = dlopen(Path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!Handle) {
      M.Error = dlerror();
      return M;
    }
    auto *Abi = reinterpret_cast<CxxModuleAbiEntry *>(dlsym(Handle, CxxModuleAbiSymbol));
    if (!Abi) {
      M.Error = Path + " is not a paramlint C++ module (no " +
                std::string(CxxModuleAbiSymbol) + ")";
      return M;
    }
    if (std::string Theirs = Abi(), Ours = cxxModuleAbi(); Theirs != Ours) {
      M.Error = Path + " was built for another paramlint (module: " + Theirs +
                "; program: " + Ours + "); install the module of this build";
      return M;
    }
    M.Entry = reinterpret_cast<ExtractCxxFactsEntry *>(dlsym(Handle, ExtractCxxFactsSymbol));
    if (!M.Entry)
      M.Error = Path + " does not export " + ExtractCxxFactsSymbol;
    return M; // The handle stays open for the life of the process.
  }
  M.Error = std::string(CxxModuleFileName) + " not found (looked in";
  for (const std::string &Path : Tried)
    M.Error += " " + fs::path(Path).parent_path().string();
  M.Error += "; set " + std::string(CxxModuleEnv) + " to its path)";
  return M;
}

const LoadedModule &module() {
  static std::once_flag Once;
  static LoadedModule M;
  std::call_once(Once, [] { M = load(); });
  return M;
}

} // namespace

CxxResult extractCxxFacts(const std::vector<std::string> &Inputs,
                          const CxxOptions &Options) {
  CxxResult Result;
  if (Inputs.empty())
    return Result;
  const LoadedModule &M = module();
  if (!M.Entry) {
    for (const std::string &Path : Inputs)
      Result.Problems.push_back(
          {Path, 0, "C++ frontend unavailable, file not analysed: " + M.Error});
    return Result;
  }
  M.Entry(Inputs, Options, Result);
  return Result;
}

} // namespace paramlint
