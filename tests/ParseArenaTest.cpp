//===- ParseArenaTest.cpp - Parses in the arena vs on the heap -------------===//

#include "python/ParseArena.h"
#include "python/PythonSyntax.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace paramlint;
using namespace paramlint::py;

namespace {

namespace fs = std::filesystem;

/// Every node of a tree in pre-order: symbol, extent and field, which is
/// what the frontend reads of it.
using Shape = std::vector<std::tuple<TSSymbol, uint32_t, uint32_t, TSFieldId>>;

Shape shapeOf(const TSTree *Tree) {
  Shape Out;
  forEachNodePreOrder(Tree, [&](TSNode N, TSFieldId Field) {
    Out.emplace_back(ts_node_symbol(N), ts_node_start_byte(N), ts_node_end_byte(N), Field);
  });
  return Out;
}

/// The tree of Text parsed on the heap (no scope alive).
Shape heapShape(const std::string &Text) {
  EXPECT_FALSE(ParseArenaScope::active());
  TreePtr Tree = parseWithThreadParser(Text);
  EXPECT_TRUE(Tree);
  return Tree ? shapeOf(Tree.get()) : Shape{};
}

/// The same in a scope of its own.
Shape arenaShape(const std::string &Text) {
  ParseArenaScope Arena;
  TreePtr Tree = parseWithThreadParser(Text);
  EXPECT_TRUE(Tree);
  return Tree ? shapeOf(Tree.get()) : Shape{};
}

std::string readAll(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  std::ostringstream S;
  S << In.rdbuf();
  return S.str();
}

/// A large module: many classes, each with the statements a model has,
/// and some broken lines for error recovery.
std::string largeModule(int Classes) {
  std::string Text;
  for (int I = 0; I < Classes; ++I) {
    Text += "class Block" + std::to_string(I) + "(nn.Module):\n"
            "    def __init__(self, d):\n"
            "        super().__init__()\n"
            "        self.norm1 = nn.LayerNorm(d)\n"
            "        self.att = Attn(d, heads=[1, 2, 3], cfg={'a': (1, 2)})\n"
            "    def forward(self, x):\n"
            "        return self.att(self.norm1(x)) + x * 2 ** -0.5\n";
    if (I % 97 == 0)
      Text += "bad = (1 +)\n";
  }
  return Text;
}

} // namespace

// Every fixture parses to the same tree in the arena as on the heap.
TEST(ParseArenaTest, TreesSameAsOnTheHeap) {
  const fs::path Root = fs::path(PARAMLINT_SOURCE_DIR) / "fixtures";
  size_t Files = 0;
  for (const auto &E : fs::recursive_directory_iterator(Root)) {
    if (!E.is_regular_file() || E.path().extension() != ".py")
      continue;
    const std::string Text = readAll(E.path());
    EXPECT_EQ(arenaShape(Text), heapShape(Text)) << E.path();
    ++Files;
  }
  EXPECT_GT(Files, 50u);
}

// A tree parsed in a scope is the arena's (dropped with it, not deleted);
// one parsed outside is not, and is deleted through the heap even when its
// end comes inside a scope.
TEST(ParseArenaTest, OwnsOnlyItsOwnTrees) {
  if (ParseArenaScope::switchedOff())
    GTEST_SKIP() << "PARAMLINT_PARSE_ARENA=off";
  TreePtr Heap = parseWithThreadParser("x = 1\n");
  ASSERT_TRUE(Heap);
  EXPECT_FALSE(ParseArenaScope::owns(Heap.get()));
  {
    ParseArenaScope Arena;
    EXPECT_TRUE(ParseArenaScope::active());
    TreePtr Mine = parseWithThreadParser("y = 2\n");
    ASSERT_TRUE(Mine);
    EXPECT_TRUE(ParseArenaScope::owns(Mine.get()));
    EXPECT_FALSE(ParseArenaScope::owns(Heap.get()));
    Heap.reset(); // ts_tree_delete, through the heap's free.
  }
  EXPECT_FALSE(ParseArenaScope::active());
  EXPECT_EQ(ParseArenaScope::parser(), nullptr);
}

// An inner scope leaves the arena to the outer one: trees parsed in both
// stay valid until the outer scope ends.
TEST(ParseArenaTest, InnerScopeKeepsTheOuterArena) {
  if (ParseArenaScope::switchedOff())
    GTEST_SKIP() << "PARAMLINT_PARSE_ARENA=off";
  ParseArenaScope Outer;
  TreePtr First = parseWithThreadParser("a = b.c\n");
  ASSERT_TRUE(First);
  const Shape Before = shapeOf(First.get());
  {
    ParseArenaScope Inner;
    TreePtr Second = parseWithThreadParser("d = e(f)\n");
    ASSERT_TRUE(Second);
  }
  EXPECT_TRUE(ParseArenaScope::active());
  EXPECT_EQ(shapeOf(First.get()), Before);
}

// A text whose tree needs several of the arena's blocks, twice over (the
// second time in blocks kept from the first), with error recovery.
TEST(ParseArenaTest, LargeTextAcrossBlocks) {
  const std::string Text = largeModule(6000); // About 1.6 MB: some 90 MiB of arena.
  const Shape Heap = heapShape(Text);
  ASSERT_GT(Heap.size(), 500000u);
  EXPECT_EQ(arenaShape(Text), Heap);
  EXPECT_EQ(arenaShape(Text), Heap);
  // A small text after the large one: the arena starts again at its first
  // block.
  EXPECT_EQ(arenaShape("z = 3\n"), heapShape("z = 3\n"));
}

// A parse cut short by its time budget leaves nothing behind: the next
// scope parses afresh.
TEST(ParseArenaTest, TimeoutInsideAScope) {
  const std::string Text = largeModule(6000);
  {
    ParseArenaScope Arena;
    bool TimedOut = false;
    TreePtr Tree = parseWithThreadParser(Text, 1, &TimedOut);
    EXPECT_FALSE(Tree);
    EXPECT_TRUE(TimedOut);
  }
  EXPECT_EQ(arenaShape("w = v[0]\n"), heapShape("w = v[0]\n"));
}

// Each thread has its own arena: parses on four threads at once give the
// trees a single heap parse gives.
TEST(ParseArenaTest, ThreadsEachTheirOwn) {
  std::vector<std::string> Texts;
  for (int I = 1; I <= 8; ++I)
    Texts.push_back(largeModule(I * 20));
  std::vector<Shape> Expected;
  for (const std::string &T : Texts)
    Expected.push_back(heapShape(T));
  std::vector<int> Mismatches(4, 0);
  std::vector<std::thread> Threads;
  for (int W = 0; W < 4; ++W)
    Threads.emplace_back([&, W] {
      for (int Round = 0; Round < 3; ++Round)
        for (size_t I = 0; I < Texts.size(); ++I) {
          ParseArenaScope Arena;
          TreePtr Tree = parseWithThreadParser(Texts[I]);
          if (!Tree || shapeOf(Tree.get()) != Expected[I])
            ++Mismatches[W];
        }
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_EQ(Mismatches, std::vector<int>(4, 0));
}
