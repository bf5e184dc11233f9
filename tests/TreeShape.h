//===- TreeShape.h - Whole trees compared, for the parse speed-ups -*- C++ -*-===//
///
/// \file
/// The tests of the speed-ups that change how the runtime parses (the
/// lexer's fast path, the scanner's state memo) compare whole trees: a
/// parser with the speed-up against a parser as the runtime comes, node by
/// node, rows and columns included.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_TESTS_TREESHAPE_H
#define PARAMLINT_TESTS_TREESHAPE_H

#include "TestSupport.h"
#include "python/PythonSyntax.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace paramlint::test {

/// Every node of a tree in pre-order: symbol, bytes, start and end points,
/// error and missing flags.
using Node = std::tuple<TSSymbol, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                        uint32_t, bool, bool>;
using Shape = std::vector<Node>;

inline Shape shapeOf(const TSTree *Tree) {
  Shape Out;
  py::forEachNodePreOrder(Tree, [&](TSNode N, TSFieldId) {
    TSPoint S = ts_node_start_point(N), E = ts_node_end_point(N);
    Out.emplace_back(ts_node_symbol(N), ts_node_start_byte(N), ts_node_end_byte(N), S.row,
                     S.column, E.row, E.column, ts_node_has_error(N), ts_node_is_missing(N));
  });
  return Out;
}

/// A parser of its own for a language (the grammar's, unless told).
struct OwnParser {
  explicit OwnParser(const TSLanguage *Language = py::Grammar::get().Language)
      : P(ts_parser_new()) {
    EXPECT_TRUE(ts_parser_set_language(P, Language));
  }
  ~OwnParser() { ts_parser_delete(P); }
  OwnParser(const OwnParser &) = delete;
  OwnParser &operator=(const OwnParser &) = delete;
  Shape shape(const std::string &Text) {
    TSTree *T = ts_parser_parse_string(P, nullptr, Text.data(),
                                       static_cast<uint32_t>(Text.size()));
    EXPECT_TRUE(T);
    Shape S = T ? shapeOf(T) : Shape{};
    ts_tree_delete(T);
    return S;
  }
  TSParser *P;
};

/// Every `.py` file of the source tree (fixtures, examples, bench and
/// test scripts; not build/ or hidden directories) as (path relative to
/// the tree, text).
inline std::vector<std::pair<std::string, std::string>> repositoryPythonFiles() {
  namespace fs = std::filesystem;
  const fs::path Root = sourceDir();
  std::vector<std::pair<std::string, std::string>> Out;
  for (const auto &E : fs::recursive_directory_iterator(Root)) {
    const std::string Rel = fs::relative(E.path(), Root).string();
    if (E.is_regular_file() && E.path().extension() == ".py" &&
        Rel.rfind("build", 0) != 0 && Rel.rfind(".", 0) != 0)
      Out.emplace_back(Rel, readFile(E.path().string()));
  }
  return Out;
}

} // namespace paramlint::test

#endif // PARAMLINT_TESTS_TREESHAPE_H
