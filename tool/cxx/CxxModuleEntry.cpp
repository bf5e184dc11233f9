//===- cxx/CxxModuleEntry.cpp - The exported entry of paramlint-cxx.so ----===//
///
/// \file
/// Built only into the module; see cxx/CxxModule.h.
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxModule.h"

#include "RunTables.h"

extern "C" __attribute__((visibility("default"))) const char *
paramlint_cxx_module_abi() {
  static_assert(std::is_same_v<decltype(paramlint_cxx_module_abi),
                               paramlint::CxxModuleAbiEntry>);
  static const std::string Abi = paramlint::cxxModuleAbi();
  return Abi.c_str();
}

extern "C" __attribute__((visibility("default"))) void
paramlint_extract_cxx_facts(const std::vector<std::string> &Inputs,
                            const paramlint::CxxOptions &Options,
                            paramlint::CxxResult &Result) {
  // The signature must stay that of ExtractCxxFactsEntry.
  static_assert(std::is_same_v<decltype(paramlint_extract_cxx_facts),
                               paramlint::ExtractCxxFactsEntry>);
  // The module links its own copy of the engine, tables included: the
  // program's installed tables are not visible here, so install the run's.
  paramlint::ScopedTables Installed(
      Options.Tables.empty() ? nullptr : paramlint::extendTables(Options.Tables));
  Result = paramlint::extractCxxFacts(Inputs, Options);
}
