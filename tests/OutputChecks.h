//===- OutputChecks.h - Expectations on the program's output ---*- C++ -*-===//
///
/// \file
/// What the black-box tests (CliTest, BadInputTest) share: two small
/// sources, and checks that a run ended by itself and printed Ruff-shaped
/// JSON.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_TESTS_OUTPUTCHECKS_H
#define PARAMLINT_TESTS_OUTPUTCHECKS_H

#include "TestSupport.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace paramlint::test {

/// A loader that writes `scale` into a torch.nn.LayerNorm: one PL101, at
/// row 12, column 17.
extern const char *const Pl101Source;

/// A model with nothing to report.
extern const char *const CleanSource;

/// S repeated N times.
std::string repeat(const std::string &S, size_t N);

/// The JSON array the program printed; fails the test when it is not one.
nlohmann::json parseJsonOutput(const RunResult &R);

/// The program ended by itself with a documented exit code.
void expectNoCrash(const RunResult &R);

/// The `code` of each diagnostic of a JSON array, in order.
std::vector<std::string> codes(const nlohmann::json &Array);

/// Checks the Ruff-shaped keys of one diagnostic object.
void expectDiagnosticShape(const nlohmann::json &D);

} // namespace paramlint::test

#endif // PARAMLINT_TESTS_OUTPUTCHECKS_H
