//===- python/ParseProbe.cpp - One text parsed two ways, compared ---------===//
#include "python/ParseProbe.h"

#include "python/PythonSyntax.h"

#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

namespace paramlint {
namespace py {
namespace {

/// Every kind of step the speed-ups take or decline.
/// For the lexer: one-byte text, tabs, CRLF and lone CR, two-, three- and
/// four-byte characters (in names, strings and comments), an undecodable
/// byte, a NUL, line continuations, an indentation error, and no newline
/// at the end.
/// For the external scanner: indents and dedents of one and of several
/// levels, comments before a dedent (indented as the block and less),
/// f-strings nested in f-strings with escaped braces and format specs,
/// raw and bytes strings with escapes, triple-quoted strings over lines,
/// brackets over lines, and string prefixes that start a name instead.
constexpr char ProbeText[] =
    "# caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\n"
    "import torch.nn as nn\r\n"
    "class Norm(nn.Module):\r\n"
    "\tdef __init__(self, d\xc3\xa9, eps=1e-5):\n"
    "\t\tsuper().__init__()\n"
    "\t\tself.scale = nn.Parameter(torch.ones(d\xc3\xa9))  # \xe2\x9c\x93\n"
    "\t\tself.shift = \\\n"
    "\t\t\tnn.Parameter(torch.zeros(d\xc3\xa9))\r"
    "\t\tx = f\"{self.scale!r:>{10}} \xe2\x82\xac {'a' + \"b\"}\"\n"
    "\t\ty = '''doc\n\xf0\x9f\x98\x80 \xff end'''\n"
    "  z = [1,\n      2]\n"
    "s = 'nul\0here'\n"
    "def g(m):\n"
    "    if m:\n"
    "        for k in m:\n"
    "            v = f'{k!s:{\"w\"}} {{x}} {f\"{m[k]:>4}\"}'\n"
    "        # as the block\n"
    "    # less\n"
    "            # more\n"
    "    r = rb'\\'\\\\' + br\"\\N{x}\" + b'\\u0041' + R'''a\\'''\n"
    "    u, rb, fr = U'x', 1, (2,\n"
    "        3)\n"
    "    return \"\"\"a\n  \"\" b\"\"\"\n"
    "x = g(\n"
    "  1)\n"
    "def f(:\n  pass\n"
    "w = \xce\xb1\xce\xb2 + 1";

/// Texts the probe above cannot hold, as its errors would swallow them:
/// a string opened in error recovery that the text ends in, where a scan
/// that found a token and a restore of the state from before it meet.
constexpr const char *RecoveryProbes[] = {
    "def h(:\n \"",
    "if x:\n    def h(:\n     f'{a\n",
};

/// A node as the probe compares it: symbol, bytes, points, errors, missing
/// flag and child count.
using NodeFacts = std::tuple<TSSymbol, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                             uint32_t, bool, bool, uint32_t>;

std::vector<NodeFacts> nodesOf(const TSTree *Tree) {
  std::vector<NodeFacts> Out;
  forEachNodePreOrder(Tree, [&](TSNode N, TSFieldId) {
    const TSPoint S = ts_node_start_point(N), E = ts_node_end_point(N);
    Out.emplace_back(ts_node_symbol(N), ts_node_start_byte(N), ts_node_end_byte(N), S.row,
                     S.column, E.row, E.column, ts_node_has_error(N),
                     ts_node_is_missing(N), ts_node_child_count(N));
  });
  return Out;
}

/// Every probe text.
std::vector<std::string_view> probeTexts() {
  std::vector<std::string_view> Texts = {std::string_view(ProbeText, sizeof ProbeText - 1)};
  for (const char *T : RecoveryProbes)
    Texts.emplace_back(T);
  return Texts;
}

/// The nodes of Text's tree as Parser parses it, or nothing when it gives
/// no tree or one that does not span the text.
std::vector<NodeFacts> parse(TSParser *Parser, std::string_view Text) {
  std::vector<NodeFacts> Out;
  const auto Size = static_cast<uint32_t>(Text.size());
  if (TSTree *T = ts_parser_parse_string(Parser, nullptr, Text.data(), Size)) {
    if (ts_node_end_byte(ts_tree_root_node(T)) == Size)
      Out = nodesOf(T);
    ts_tree_delete(T);
  }
  return Out;
}

/// The probes' nodes as a parser parses them that is as the runtime comes
/// (the grammar's language, the runtime's lexer steps). Parsed once: every
/// check compares with them.
const std::vector<std::vector<NodeFacts>> &referenceNodes() {
  static const std::vector<std::vector<NodeFacts>> Nodes = [] {
    std::vector<std::vector<NodeFacts>> Out;
    TSParser *Plain = ts_parser_new();
    if (ts_parser_set_language(Plain, Grammar::get().Language))
      for (std::string_view Text : probeTexts())
        Out.push_back(parse(Plain, Text));
    ts_parser_delete(Plain);
    return Out;
  }();
  return Nodes;
}

} // namespace

bool parsesProbeAsRuntime(TSParser *Candidate) {
  const std::vector<std::vector<NodeFacts>> &Reference = referenceNodes();
  const std::vector<std::string_view> Texts = probeTexts();
  if (Reference.size() != Texts.size())
    return false;
  for (size_t I = 0; I < Texts.size(); ++I)
    if (Reference[I].empty() || parse(Candidate, Texts[I]) != Reference[I])
      return false;
  return true;
}

} // namespace py
} // namespace paramlint
