//===- KeyPatternTest.cpp - Loader key patterns against model key spaces --===//
#include "graph/KeyPattern.h"

#include <gtest/gtest.h>

using namespace paramlint;

TEST(KeyPatternTest, LiteralKeys) {
  EXPECT_TRUE(keyMatches("final_norm.weight", "final_norm.weight"));
  EXPECT_FALSE(keyMatches("final_norm.scale", "final_norm.weight"));
  EXPECT_FALSE(keyMatches("final_norm.weight", "final_norm.weight2"));
}

TEST(KeyPatternTest, ModelIndexWildcardTakesDigitsOnly) {
  EXPECT_TRUE(keyMatches("h.0.ln_1.weight", "h.*.ln_1.weight"));
  EXPECT_TRUE(keyMatches("h.11.ln_1.weight", "h.*.ln_1.weight"));
  EXPECT_FALSE(keyMatches("h.x.ln_1.weight", "h.*.ln_1.weight"));
  EXPECT_FALSE(keyMatches("h..ln_1.weight", "h.*.ln_1.weight"));
}

TEST(KeyPatternTest, UseWildcardTakesAnything) {
  EXPECT_TRUE(keyMatches("h.*.ln_1.weight", "h.*.ln_1.weight"));
  EXPECT_TRUE(keyMatches("*.ln_1.weight", "transformer.h.*.ln_1.weight"));
  EXPECT_TRUE(keyMatches("transformer.h.*", "transformer.h.*.ln_1.weight"));
  EXPECT_FALSE(keyMatches("*.ln_1.gamma", "transformer.h.*.ln_1.weight"));
  EXPECT_TRUE(keyMatches("blocks.*.norm*.weight", "blocks.*.norm2.weight"));
}

TEST(KeyPatternTest, LeafAndParent) {
  EXPECT_EQ(keyLeaf("a.b.weight"), "weight");
  EXPECT_EQ(keyLeaf("model/h0/ln_1/g"), "g");
  EXPECT_EQ(keyLeaf("weight"), "weight");
  EXPECT_EQ(keyParent("a.b.weight"), "a.b");
  EXPECT_EQ(keyParent("weight"), "");
}
