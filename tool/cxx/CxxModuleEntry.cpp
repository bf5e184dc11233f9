//===- cxx/CxxModuleEntry.cpp - The exported entry of paramlint-cxx.so ----===//
///
/// \file
/// Built only into the module; see cxx/CxxModule.h.
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxModule.h"

extern "C" __attribute__((visibility("default"))) void
paramlint_extract_cxx_facts(const std::vector<std::string> &Inputs,
                            const paramlint::CxxOptions &Options,
                            paramlint::CxxResult &Result) {
  // The signature must stay that of ExtractCxxFactsEntry.
  static_assert(std::is_same_v<decltype(paramlint_extract_cxx_facts),
                               paramlint::ExtractCxxFactsEntry>);
  Result = paramlint::extractCxxFacts(Inputs, Options);
}
