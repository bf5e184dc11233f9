//===- CxxDifferentialTest.cpp - libtorch confirms the C++ key space ------===//
///
/// \file
/// The libtorch fixture model built against libtorch (tests/CMakeLists.txt
/// builds differential/libtorch_keys.cpp) prints its named_parameters() and
/// named_buffers(); the key space paramlint predicts from the source must
/// be the same: every name libtorch reports matches a predicted key of the
/// same kind, and every predicted key is matched by some reported name.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "TestSupport.h"
#include "graph/KeyPattern.h"

#include <gtest/gtest.h>

#include <sstream>

namespace paramlint::test {
namespace {

TEST(CxxDifferentialTest, LibtorchNamedParametersEqualThePredictedKeys) {
#ifndef PARAMLINT_LIBTORCH_KEYS
  GTEST_SKIP() << "libtorch-dev is not installed (scripts/bootstrap.sh --test)";
#else
  RunResult R = runCommand({PARAMLINT_LIBTORCH_KEYS});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  std::vector<std::pair<std::string, std::string>> Actual; // kind, name
  std::istringstream In(R.Out);
  std::string Kind, Name;
  while (In >> Kind >> Name)
    Actual.push_back({Kind, Name});
  ASSERT_GE(Actual.size(), 10u) << R.Out;

  auto A = analyze({sourceDir() + "/fixtures/cxx/libtorch_module"},
                   AnalysisOptions());
  ASSERT_TRUE(bool(A)) << llvm::toString(A.takeError());
  const Model *M = (*A)->Graph.findModel("GPTImpl");
  ASSERT_NE(M, nullptr);
  std::vector<std::string> Failures;
  std::vector<bool> Hit(M->Keys.size(), false);
  for (const auto &[K, N] : Actual) {
    bool Found = false;
    for (size_t I = 0; I < M->Keys.size(); ++I) {
      const KeySlot &S = M->Keys[I];
      std::string SlotKind = S.Slot->Kind == SlotKind::Parameter ? "parameter" : "buffer";
      if (SlotKind == K && keyMatches(N, S.Key)) {
        Found = Hit[I] = true;
        break;
      }
    }
    if (!Found)
      Failures.push_back("libtorch has " + K + " `" + N + "`, paramlint predicts none");
  }
  for (size_t I = 0; I < M->Keys.size(); ++I)
    if (!Hit[I])
      Failures.push_back("paramlint predicts `" + M->Keys[I].Key +
                         "`, libtorch has no such name");
  std::string All;
  for (const std::string &F : Failures)
    All += F + "\n";
  EXPECT_TRUE(Failures.empty()) << All << "libtorch says:\n" << R.Out;
#endif
}

} // namespace
} // namespace paramlint::test
