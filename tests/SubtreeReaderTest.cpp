//===- SubtreeReaderTest.cpp - Children read directly vs the cursor -------===//

#include "python/PythonSyntax.h"
#include "python/SubtreeReader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace paramlint;
using namespace paramlint::py;

namespace {

namespace fs = std::filesystem;

/// Whether the reader lists every node of Text's tree as the cursor does.
bool agrees(const std::string &Text) {
  TreePtr Tree = parseWithThreadParser(Text);
  EXPECT_TRUE(Tree) << Text;
  return Tree && SubtreeReader::get()->agreesWithCursor(Tree.get());
}

} // namespace

// The runtime this project pins (Debian's tree-sitter 0.20.7) must pass the
// self-check: a fallback to the cursor would be correct but three times
// slower, and should not happen unnoticed.
TEST(SubtreeReaderTest, ActiveOnThisRuntime) {
  if (SubtreeReader::switchedOff()) {
    EXPECT_EQ(SubtreeReader::get(), nullptr);
    GTEST_SKIP() << "PARAMLINT_SUBTREE_READER=off: the cursor fallback is on trial";
  }
  ASSERT_NE(SubtreeReader::get(), nullptr);
}

TEST(SubtreeReaderTest, ListsChildrenWithFieldsAndPositions) {
  ASSERT_NE(SubtreeReader::get(), nullptr);
  const std::string Text = "x = 1\nself.norm1.scale = assign(w, b=2)  # c\n";
  TreePtr Tree = parseWithThreadParser(Text);
  ASSERT_TRUE(Tree);
  const Grammar &G = Grammar::get();
  ChildList Module;
  SubtreeReader::get()->list(ts_tree_root_node(Tree.get()), Module);
  // Two statements and the comment (an extra, without a field).
  ASSERT_EQ(Module.size(), 3u);
  EXPECT_EQ(G.of(Module.Kids[2].Node), Sym::Comment);
  EXPECT_EQ(Module.Kids[2].Field, 0);
  EXPECT_FALSE(Module.Kids[2].HasKids);
  // `expression_statement` > `assignment`: left, `=`, right.
  ChildList Stmt, Assign;
  SubtreeReader::get()->list(Module.Kids[1].Node, Stmt);
  ASSERT_EQ(Stmt.size(), 1u);
  SubtreeReader::get()->list(Stmt.Kids[0].Node, Assign);
  ASSERT_EQ(Assign.size(), 3u);
  EXPECT_EQ(Assign.Kids[0].Field, G.Left);
  EXPECT_FALSE(Assign.Kids[1].Named); // `=`
  EXPECT_EQ(Assign.Kids[2].Field, G.Right);
  TSNode Call = Assign.Kids[2].Node;
  EXPECT_EQ(G.of(Call), Sym::Call);
  EXPECT_TRUE(Assign.Kids[2].HasKids);
  EXPECT_EQ(ts_node_start_byte(Call), Text.find("assign"));
  EXPECT_EQ(ts_node_start_point(Call).row, 1u);
  EXPECT_EQ(ts_node_end_byte(Call), Text.find("  #"));
  EXPECT_EQ(SubtreeReader::endByte(Call), Text.find("  #"));
  EXPECT_EQ(SubtreeReader::get()->childCount(Call), 2u);
}

// Every fixture and example the project has, listed both ways.
TEST(SubtreeReaderTest, AgreesWithTheCursorOnEveryPythonFile) {
  ASSERT_NE(SubtreeReader::get(), nullptr);
  unsigned Files = 0;
  for (const char *Dir : {"fixtures", "examples", "bench"}) {
    fs::path Root = fs::path(PARAMLINT_SOURCE_DIR) / Dir;
    if (!fs::exists(Root))
      continue;
    for (const auto &E : fs::recursive_directory_iterator(Root)) {
      if (!E.is_regular_file() || E.path().extension() != ".py")
        continue;
      std::ifstream In(E.path(), std::ios::binary);
      std::stringstream S;
      S << In.rdbuf();
      EXPECT_TRUE(agrees(S.str())) << E.path();
      ++Files;
    }
  }
  EXPECT_GT(Files, 50u);
}

// Texts whose trees have what real files rarely show in one place: errors
// and MISSING nodes, CRLF and tabs, multi-byte characters in names and
// strings, long leaves (not packed inline), and deep nesting.
TEST(SubtreeReaderTest, AgreesWithTheCursorOnOddTexts) {
  ASSERT_NE(SubtreeReader::get(), nullptr);
  const std::vector<std::string> Texts = {
      "",
      "\n\n# only a comment\n",
      "def f(:\n  pass\n",
      "x = (1 +\n",
      "foo(a))\nclass A(\n",
      "if x:\r\n\ty = 1\r\n\telse: z\r\n",
      "naïve = 'ünïcödé'\nπ = \"αβγ\" + f'{π!r:>{w}}'\n",
      "a_very_long_identifier_name_that_does_not_fit_in_a_byte_" +
          std::string(300, 'x') + " = 1\n",
      "s = '''\nmulti\nline\n''' \\\n  + \"x\"\n",
      "print 'py2'\nexec code in ns\n",
      "@d\n@e(1)\nasync def g(*, a=1, **k) -> int: return [await x async for x in y]\n",
      "match p:\n case {'a': [1, *r], **kw} if r: pass\n case A(x=1) | B(): pass\n",
      "x = " + std::string(200, '(') + "1" + std::string(200, ')') + "\n",
      "y = " + std::string(100, '[') + std::string(100, ']') + "\n",
  };
  for (const std::string &T : Texts)
    EXPECT_TRUE(agrees(T)) << T;
}
