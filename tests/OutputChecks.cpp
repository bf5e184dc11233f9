//===- OutputChecks.cpp - Expectations on the program's output -------------===//
#include "OutputChecks.h"

#include <gtest/gtest.h>

#include <set>

namespace paramlint::test {
using Json = nlohmann::json;

const char *const Pl101Source = R"(import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g):
    block.norm1.scale = nn.Parameter(torch.tensor(g))


block = Block()
load(block, [1.0, 1.0, 1.0, 1.0])
)";

const char *const CleanSource = R"(import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)
)";

std::string repeat(const std::string &S, size_t N) {
  std::string Out;
  Out.reserve(S.size() * N);
  for (size_t I = 0; I < N; ++I)
    Out += S;
  return Out;
}

Json parseJsonOutput(const RunResult &R) {
  Json J = Json::parse(R.Out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(J.is_discarded()) << "not JSON: " << describeRun(R);
  EXPECT_TRUE(J.is_array()) << describeRun(R);
  return J.is_array() ? J : Json::array();
}

void expectNoCrash(const RunResult &R) {
  EXPECT_FALSE(R.TimedOut) << describeRun(R);
  EXPECT_EQ(R.Signal, 0) << describeRun(R);
  EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 1 || R.ExitCode == 2)
      << describeRun(R);
}

std::vector<std::string> codes(const Json &Array) {
  std::vector<std::string> Out;
  for (const Json &D : Array)
    if (D.is_object() && D.contains("code") && D["code"].is_string())
      Out.push_back(D["code"].get<std::string>());
  return Out;
}

namespace {
bool isPosition(const Json &P) {
  return P.is_object() && P.size() == 2 && P.contains("row") &&
         P.contains("column") && P["row"].is_number_integer() &&
         P["column"].is_number_integer() && P["row"].get<int64_t>() >= 1 &&
         P["column"].get<int64_t>() >= 1;
}

} // namespace

void expectDiagnosticShape(const Json &D) {
  ASSERT_TRUE(D.is_object()) << D.dump();
  std::set<std::string> Keys;
  for (auto It = D.begin(); It != D.end(); ++It)
    Keys.insert(It.key());
  EXPECT_EQ(Keys,
            (std::set<std::string>{"cell", "code", "end_location", "filename",
                                   "fix", "location", "message", "url"}))
      << D.dump();
  EXPECT_TRUE(D.value("code", Json()).is_string()) << D.dump();
  EXPECT_TRUE(D.value("message", Json()).is_string()) << D.dump();
  EXPECT_TRUE(D.value("filename", Json()).is_string()) << D.dump();
  EXPECT_TRUE(isPosition(D.value("location", Json()))) << D.dump();
  EXPECT_TRUE(isPosition(D.value("end_location", Json()))) << D.dump();
  Json Cell = D.value("cell", Json(0));
  EXPECT_TRUE(Cell.is_null() || Cell.is_number_integer()) << D.dump();
  Json Fix = D.value("fix", Json(0));
  EXPECT_TRUE(Fix.is_null() || Fix.is_object()) << D.dump();
  Json Url = D.value("url", Json(0));
  EXPECT_TRUE(Url.is_null() || Url.is_string()) << D.dump();
}

} // namespace paramlint::test
