//===- RegistryTest.cpp - The rules, their docs, fixtures and tables ------===//
#include "TestSupport.h"

#include "checks/Conventions.h"
#include "checks/Registry.h"
#include "graph/LibraryClasses.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

using namespace paramlint;
using namespace paramlint::test;
namespace fs = std::filesystem;

TEST(RegistryTest, CodesAreUniqueSortedAndNamesAreKebabCase) {
  std::vector<CheckInfo> Rules = allRules();
  ASSERT_GE(Rules.size(), 4u);
  std::set<std::string> Codes, Names;
  std::string Previous;
  for (const CheckInfo &R : Rules) {
    EXPECT_TRUE(std::regex_match(R.Code, std::regex("PL[0-9]{3}"))) << R.Code;
    EXPECT_TRUE(std::regex_match(R.Name, std::regex("[a-z0-9]+(-[a-z0-9]+)+")))
        << R.Name;
    EXPECT_TRUE(Codes.insert(R.Code).second) << "duplicate code " << R.Code;
    EXPECT_TRUE(Names.insert(R.Name).second) << "duplicate name " << R.Name;
    // Ruff's rule: names name the flagged pattern, never "no-..."/"use-...".
    EXPECT_NE(std::string(R.Name).rfind("no-", 0), 0u) << R.Name;
    EXPECT_NE(std::string(R.Name).rfind("use-", 0), 0u) << R.Name;
    EXPECT_LT(Previous, R.Code) << "rules are registered in code order";
    Previous = R.Code;
  }
}

TEST(RegistryTest, EveryRuleHeaderHasTheFourSectionsAndItsPageIsCurrent) {
  // The generator enforces the sections and renders the pages; --check
  // fails on a missing section or a stale page.
  RunResult R = runPython({sourceDir() + "/scripts/rule-docs.py", "--check"});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  for (const CheckInfo &Rule : allRules())
    EXPECT_TRUE(fs::exists(sourceDir() + "/docs/rules/" + Rule.Code + ".md"))
        << Rule.Code << " has no page";
}

TEST(RegistryTest, EveryRuleHasAFixture) {
  std::set<std::string> Covered;
  // PL403 is raised by `verify`: its fixtures are under fixtures/verify.
  for (const char *Dir : {"fixtures/python", "fixtures/notebooks", "fixtures/verify"}) {
    std::error_code EC;
    for (const auto &E : fs::directory_iterator(sourceDir() + "/" + Dir, EC)) {
      std::string Name = E.path().filename().string();
      if (Name.size() >= 5 && Name[0] == 'P' && Name[1] == 'L')
        Covered.insert(Name.substr(0, 5));
    }
  }
  for (const CheckInfo &R : allRules())
    EXPECT_TRUE(Covered.count(R.Code)) << R.Code << " has no fixture named "
                                       << R.Code << "_*.py";
}

TEST(RegistryTest, MatchesCodesAndPrefixes) {
  EXPECT_TRUE(matchesAny("PL101", {"PL1"}));
  EXPECT_TRUE(matchesAny("PL101", {"ALL"}));
  EXPECT_TRUE(matchesAny("PL101", {"PL104", "PL101"}));
  EXPECT_FALSE(matchesAny("PL101", {"PL104"}));
  EXPECT_FALSE(matchesAny("PL101", {}));
}

TEST(ConventionsTest, RolesOfTheKnownAliases) {
  const Conventions &C = Conventions::builtin();
  for (const char *Scale : {"weight", "scale", "gamma", "g", "a_2", "w", "alpha"})
    EXPECT_EQ(C.roleOf(Scale), Role::Scale) << Scale;
  for (const char *Shift : {"bias", "shift", "beta", "b", "b_2", "offset"})
    EXPECT_EQ(C.roleOf(Shift), Role::Shift) << Shift;
  EXPECT_EQ(C.roleOf("running_var"), Role::RunningStat);
  EXPECT_EQ(C.roleOf("in_proj_weight"), Role::Other);
  EXPECT_EQ(C.roleOfKey("h.0.ln_1.b"), Role::Shift);
  EXPECT_EQ(C.roleOfKey("model/h0/ln_1/g"), Role::Scale);
  EXPECT_GE(C.libraries().size(), 6u);
}

TEST(LibraryTableTest, FlagsDecideTheSlots) {
  const LibraryTable &T = LibraryTable::builtin();
  const LibraryClass *Linear = T.find("torch.nn.Linear");
  ASSERT_NE(Linear, nullptr);
  CallArgs NoBias;
  NoBias.Keyword.push_back({"bias", std::string("False")});
  auto Node = T.instantiate(*Linear, NoBias);
  ASSERT_EQ(Node->Slots.size(), 1u);
  EXPECT_EQ(Node->Slots[0].Name, "weight");
  EXPECT_TRUE(Node->OtherNames.count("bias")) << "bias=False leaves bias = None";

  CallArgs Unknown;
  Unknown.Keyword.push_back({"bias", std::nullopt});
  Node = T.instantiate(*Linear, Unknown);
  ASSERT_EQ(Node->Slots.size(), 2u);
  EXPECT_TRUE(Node->Slots[1].Conditional);

  const LibraryClass *LN = T.find("torch.nn.modules.normalization.LayerNorm");
  ASSERT_NE(LN, nullptr);
  Node = T.instantiate(*LN, {});
  ASSERT_EQ(Node->Slots.size(), 2u);
  EXPECT_EQ(Node->Slots[0].TheRole, Role::Scale);
  EXPECT_EQ(Node->Slots[1].TheRole, Role::Shift);
  EXPECT_TRUE(Node->IsNorm);

  CallArgs TwoLayersBi;
  TwoLayersBi.Keyword.push_back({"num_layers", std::string("2")});
  TwoLayersBi.Keyword.push_back({"bidirectional", std::string("True")});
  Node = T.instantiate(*T.find("torch.nn.LSTM"), TwoLayersBi);
  EXPECT_EQ(Node->Slots.size(), 16u);
  EXPECT_NE(Node->slot("bias_hh_l1_reverse"), nullptr);

  Node = T.instantiate(*T.find("torch.nn.MultiheadAttention"), {});
  ASSERT_NE(Node->child("out_proj"), nullptr);
  EXPECT_NE(Node->child("out_proj")->slot("bias"), nullptr);

  Node = T.instantiate(*T.find("torch.nn.BatchNorm1d"), {});
  EXPECT_NE(Node->slot("num_batches_tracked"), nullptr);
  EXPECT_EQ(Node->slot("running_mean")->Kind, SlotKind::Buffer);
  EXPECT_NE(T.find("torch.nn.GELU"), nullptr);
  EXPECT_EQ(T.find("torch.nn.NotAThing"), nullptr);
}
