//===- cxx/CxxModule.h - The C++ frontend as a loadable module --*- C++ -*-===//
///
/// \file
/// The Clang-based frontend is built as its own module, `paramlint-cxx.so`,
/// and the program loads it only when a run has C++ inputs. Loading Clang
/// and LLVM costs about 20 ms of CPU on every start (600k relocations of
/// libclang-cpp and libLLVM); `keys`, `rule` and Python-only checks never
/// need them. The program itself links LLVM's Support library statically.
///
/// The module exports one C symbol with the signature of extractCxxFacts.
/// Both sides are built from the same headers by the same compiler, so the
/// standard-library types of the call are shared; no LLVM object crosses it
/// (each side has its own copy of LLVM Support).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_CXXMODULE_H
#define PARAMLINT_CXX_CXXMODULE_H

#include "RunTables.h"
#include "cxx/CxxFrontend.h"

#include <string>

namespace paramlint {

/// The module's entry point: extractCxxFacts, writing into Result.
using ExtractCxxFactsEntry = void(const std::vector<std::string> &Inputs,
                                  const CxxOptions &Options, CxxResult &Result);

/// The exported name of the entry point.
inline constexpr const char *ExtractCxxFactsSymbol = "paramlint_extract_cxx_facts";

/// The module's interface stamp: `const char *()` returning cxxModuleAbi()
/// as the module was built. The program calls the entry only when it equals
/// its own, so a module from another build or version is refused with a
/// message instead of crashing on a changed struct.
using CxxModuleAbiEntry = const char *();
inline constexpr const char *CxxModuleAbiSymbol = "paramlint_cxx_module_abi";

/// What both sides of the call must agree on: the version, the compiler
/// (standard-library layout) and the sizes of every type that crosses.
inline std::string cxxModuleAbi() {
  std::string S = std::string("paramlint ") + PARAMLINT_VERSION + "; " + __VERSION__ +
                  "; sizes";
  for (size_t Size :
       {sizeof(CxxOptions), sizeof(CxxResult), sizeof(CxxProblem), sizeof(FileFacts),
        sizeof(Span), sizeof(ImportFact), sizeof(CallArgs), sizeof(ModuleExpr),
        sizeof(MemberFact), sizeof(NormSemanticsFact), sizeof(ClassFact),
        sizeof(ParamFact), sizeof(ScopeFact), sizeof(PathSegment), sizeof(SourceName),
        sizeof(BindingFact), sizeof(AccessFact), sizeof(CallFact), sizeof(KeyPiece),
        sizeof(KeyUseFact), sizeof(RenameFact), sizeof(LoadStateDictFact),
        sizeof(StateDictFact), sizeof(ParseProblem), sizeof(SuppressionFact),
        sizeof(ConfigValueFact), sizeof(TableExtensions)})
    S += " " + std::to_string(Size);
  return S;
}

/// The module's file name, looked for next to the program and in
/// PARAMLINT_CXX_MODULE_DIR (relative to it) once installed.
inline constexpr const char *CxxModuleFileName = "paramlint-cxx.so";

/// Environment variable naming the module's path, overriding the search.
inline constexpr const char *CxxModuleEnv = "PARAMLINT_CXX_MODULE";

} // namespace paramlint

#endif // PARAMLINT_CXX_CXXMODULE_H
