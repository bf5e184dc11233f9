//===- KeyExpressionTest.cpp - State-dict key facts from Python -----------===//

#include "python/PythonFrontend.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace paramlint;

namespace {

struct Extracted {
  std::string Code;
  FileFacts Facts;
};

Extracted extract(const std::string &Code) {
  SourceFile File("keys.py", Code, SourceKind::Python);
  return Extracted{Code, extractPythonFacts(File)};
}

std::string slice(const std::string &Code, Span S) {
  if (S.End < S.Begin || S.End > Code.size())
    return "<bad span>";
  return Code.substr(S.Begin, S.End - S.Begin);
}

const char *kindName(KeyUseFact::Kind K) {
  switch (K) {
  case KeyUseFact::Kind::Store:
    return "Store";
  case KeyUseFact::Kind::Load:
    return "Load";
  case KeyUseFact::Kind::DictLiteral:
    return "Dict";
  }
  return "?";
}

/// `Store sd h.*.ln1.gamma` per key use, in order; also checks that every
/// piece's text is exactly what its span holds.
std::vector<std::string> uses(const Extracted &E) {
  std::vector<std::string> Out;
  for (const KeyUseFact &U : E.Facts.KeyUses) {
    for (const KeyPiece &P : U.Pieces)
      EXPECT_EQ(P.Text, slice(E.Code, P.Where)) << "piece of " << U.Pattern;
    Out.push_back(std::string(kindName(U.K)) + " " + U.Dict + " " +
                  U.Pattern);
  }
  return Out;
}

/// `h.@2 .ln1.gamma@9`: pieces with their begin offsets.
std::string pieces(const KeyUseFact &U) {
  std::string Out;
  for (const KeyPiece &P : U.Pieces) {
    if (!Out.empty())
      Out += ' ';
    Out += P.Text + "@" + std::to_string(P.Where.Begin);
  }
  return Out;
}

std::vector<std::string> renames(const Extracted &E) {
  static const char *Kinds[] = {"Map", "Replace", "RegexSub", "Substring"};
  std::vector<std::string> Out;
  for (const RenameFact &R : E.Facts.Renames) {
    EXPECT_EQ(R.From, slice(E.Code, R.FromWhere));
    if (R.K != RenameFact::Kind::SubstringTest)
      EXPECT_EQ(R.To, slice(E.Code, R.ToWhere));
    std::string S = std::string(Kinds[static_cast<int>(R.K)]) + " " + R.From;
    if (R.K != RenameFact::Kind::SubstringTest)
      S += " -> " + R.To;
    if (!R.Map.empty())
      S += " in " + R.Map;
    Out.push_back(std::move(S));
  }
  return Out;
}

std::string pathText(const std::vector<PathSegment> &Path) {
  std::string Out;
  for (const PathSegment &S : Path)
    Out += S.K == PathSegment::Kind::Attr ? "." + S.Name : "[" + S.Name + "]";
  return Out;
}

using Strings = std::vector<std::string>;

TEST(KeyExpressionTest, StringLiteralAndFString) {
  auto E = extract("sd['h.0.ln_1.g'] = w\n"
                   "x = sd[f\"h.{i}.ln1.gamma\"]\n");
  EXPECT_EQ(uses(E), (Strings{"Store sd h.0.ln_1.g", "Load sd h.*.ln1.gamma"}));
  ASSERT_EQ(E.Facts.KeyUses.size(), 2u);
  const KeyUseFact &F = E.Facts.KeyUses[1];
  ASSERT_EQ(F.Pieces.size(), 2u);
  EXPECT_EQ(F.Pieces[0].Text, "h.");
  EXPECT_EQ(F.Pieces[1].Text, ".ln1.gamma");
  EXPECT_EQ(slice(E.Code, F.Where), "f\"h.{i}.ln1.gamma\"");
  EXPECT_EQ(F.Scope, 0u);
}

TEST(KeyExpressionTest, PercentFormatPlusAndJoin) {
  auto E = extract("a = sd['h.%d.ln_1.g' % i]\n"
                   "b = sd['h.{}.attn.{}'.format(i, 'bias')]\n"
                   "c = sd['h.' + str(i) + '.mlp.w']\n"
                   "d = sd['.'.join(['h', str(i), 'ln_2', 'b'])]\n"
                   "e = sd['/'.join(('model', 'wte'))]\n"
                   "f = sd['%s.weight' % ('encoder',)]\n"
                   "g = sd['{p}.x{{y}}'.format(p=name)]\n"
                   "h = sd['a%%b.%(n)s' % d]\n");
  EXPECT_EQ(uses(E), (Strings{"Load sd h.*.ln_1.g", "Load sd h.*.attn.bias",
                              "Load sd h.*.mlp.w", "Load sd h.*.ln_2.b",
                              "Load sd model/wte", "Load sd encoder.weight",
                              "Load sd *.x{y}", "Load sd a%b.*"}));
  // Pieces split around conversions; `bias` comes from the argument.
  EXPECT_EQ(pieces(E.Facts.KeyUses[0]), "h.@8 .ln_1.g@12");
  EXPECT_EQ(pieces(E.Facts.KeyUses[1]), "h.@34 .attn.@38 bias@59");
  // Join separators are in the pattern, not in the pieces.
  EXPECT_EQ(E.Facts.KeyUses[3].Pieces.size(), 3u);
  // `{{` is one brace in the pattern, never part of a piece.
  for (const KeyPiece &P : E.Facts.KeyUses[6].Pieces)
    EXPECT_EQ(P.Text.find('{'), std::string::npos);
}

TEST(KeyExpressionTest, LocalStringVariablesSpliceTheirPieces) {
  auto E = extract("def load(sd, n):\n"
                   "    for i in range(n):\n"
                   "        prefix = f\"blocks.{i}\"\n"
                   "        sd[f\"{prefix}.norm.weight\"] = 1\n"
                   "        key = prefix + '.attn'\n"
                   "        key += '.qkv.weight'\n"
                   "        sd[key] = 2\n");
  EXPECT_EQ(uses(E), (Strings{"Store sd blocks.*.norm.weight",
                              "Store sd blocks.*.attn.qkv.weight"}));
  const KeyUseFact &U = E.Facts.KeyUses[0];
  ASSERT_EQ(U.Pieces.size(), 2u);
  // Both places the constant characters are written.
  size_t Def = E.Code.find("blocks.");
  EXPECT_EQ(U.Pieces[0].Where.Begin, Def);
  EXPECT_EQ(U.Pieces[1].Where.Begin, E.Code.find(".norm.weight"));
  EXPECT_EQ(U.Scope, 1u);
  EXPECT_EQ(slice(E.Code, E.Facts.KeyUses[1].Where), "key");
  EXPECT_EQ(E.Facts.KeyUses[1].Pieces.size(), 3u);
}

TEST(KeyExpressionTest, ModuleConstantsAndShadowing) {
  auto E = extract("PREFIX = 'transformer.'\n"
                   "def f(sd):\n"
                   "    return sd[PREFIX + 'wte.weight']\n"
                   "def g(sd, PREFIX):\n"
                   "    return sd[PREFIX + 'wpe.weight']\n");
  EXPECT_EQ(uses(E), (Strings{"Load sd transformer.wte.weight",
                              "Load sd *wpe.weight"}));
}

TEST(KeyExpressionTest, NonStringKeysAndNonKeysAreIgnored) {
  auto E = extract("a = x[0]\n"
                   "b = x[1:2, ::3]\n"
                   "c = x[i]\n"
                   "d = x['a', 'b']\n"
                   "e = x[b'raw']\n"
                   "f = x['has a space']\n"
                   "g = x[f'{i}']\n"
                   "msg = 'Loading weights from the file'\n"
                   "h = x[msg]\n"
                   "import os\n"
                   "p = os.environ['HOME']\n"
                   "q = os.environ.get('USER')\n");
  EXPECT_EQ(uses(E), Strings{});
}

TEST(KeyExpressionTest, LoadForms) {
  auto E = extract("a = sd.get('x.weight')\n"
                   "b = sd.pop(f'h.{i}.bias', None)\n"
                   "if 'lm_head.weight' in sd:\n"
                   "    pass\n"
                   "if f'h.{i}.attn.bias' not in sd.keys():\n"
                   "    pass\n"
                   "del sd['y.weight']\n"
                   "sd['z.weight'].copy_(t)\n"
                   "n = sd['w.weight'].shape\n"
                   "sd['v.weight'] += 1\n");
  EXPECT_EQ(uses(E), (Strings{"Load sd x.weight", "Load sd h.*.bias",
                              "Load sd lm_head.weight", "Load sd h.*.attn.bias",
                              "Load sd y.weight", "Load sd z.weight",
                              "Load sd w.weight", "Load sd v.weight"}));
}

TEST(KeyExpressionTest, StoreForms) {
  auto E = extract("sd.setdefault('a.weight', t)\n"
                   "sd.update({'b.weight': t, f'c.{i}.bias': u})\n"
                   "self.sd['d.weight'] = t\n"
                   "sd['e.weight'], sd['f.weight'] = t, u\n");
  EXPECT_EQ(uses(E), (Strings{"Store sd a.weight", "Store sd b.weight",
                              "Store sd c.*.bias", "Store self.sd d.weight",
                              "Store sd e.weight", "Store sd f.weight"}));
}

TEST(KeyExpressionTest, DictLiteralsAndComprehensions) {
  auto E = extract("new_sd = {'wte.weight': a, f'h.{i}.w': b, 3: c}\n"
                   "other = {f'x.{i}.y': v for i, v in enumerate(ws)}\n"
                   "{'loose.key': 1}\n");
  EXPECT_EQ(uses(E), (Strings{"Dict new_sd wte.weight", "Dict new_sd h.*.w",
                              "Dict other x.*.y"}));
}

TEST(KeyExpressionTest, StateDictBindingsAndInPlaceReads) {
  auto E = extract("sd = model.state_dict()\n"
                   "sd2 = self.model.encoder.state_dict()\n"
                   "w = model.state_dict()['x.weight']\n"
                   "v = net.blocks[0].state_dict().get('ln.bias')\n"
                   "import torch\n"
                   "ck = torch.load('p.pt')\n");
  ASSERT_EQ(E.Facts.StateDicts.size(), 4u);
  const auto &S = E.Facts.StateDicts;
  EXPECT_EQ(S[0].Var, "sd");
  EXPECT_EQ(S[0].Root, "model");
  EXPECT_TRUE(S[0].Path.empty());
  EXPECT_EQ(S[1].Var, "sd2");
  EXPECT_EQ(S[1].Root, "self");
  EXPECT_EQ(pathText(S[1].Path), ".model.encoder");
  size_t Call = E.Code.find("model.state_dict()['");
  EXPECT_EQ(S[2].Var, "<sd@" + std::to_string(Call) + ">");
  EXPECT_EQ(S[2].Root, "model");
  EXPECT_EQ(pathText(S[3].Path), ".blocks[0]");
  EXPECT_EQ(uses(E), (Strings{"Load " + S[2].Var + " x.weight",
                              "Load " + S[3].Var + " ln.bias"}));
}

TEST(KeyExpressionTest, LoadStateDictSites) {
  auto E = extract("model.load_state_dict(sd)\n"
                   "model.encoder.load_state_dict(new_sd, strict=False)\n"
                   "m.load_state_dict(sd, False)\n"
                   "m.load_state_dict(state_dict=sd, strict=flag)\n"
                   "m.load_state_dict({'a.weight': w, f'b.{i}': v})\n"
                   "m.load_state_dict(other.state_dict(), strict=True)\n"
                   "m.load_state_dict(convert(sd))\n");
  const auto &L = E.Facts.LoadStateDicts;
  ASSERT_EQ(L.size(), 7u);
  EXPECT_EQ(L[0].Receiver, "model");
  EXPECT_EQ(L[0].Argument, "sd");
  EXPECT_FALSE(L[0].StrictGiven);
  EXPECT_FALSE(L[0].Strict.has_value());
  EXPECT_EQ(slice(E.Code, L[0].Where), "load_state_dict");
  EXPECT_EQ(pathText(L[1].Path), ".encoder");
  EXPECT_EQ(L[1].Argument, "new_sd");
  EXPECT_TRUE(L[1].StrictGiven);
  EXPECT_EQ(L[1].Strict, std::optional<bool>(false));
  EXPECT_EQ(L[2].Strict, std::optional<bool>(false));
  EXPECT_EQ(L[3].Argument, "sd");
  EXPECT_TRUE(L[3].StrictGiven);
  EXPECT_FALSE(L[3].Strict.has_value());
  size_t Lit = E.Code.find("{'a.weight'");
  EXPECT_EQ(L[4].Argument, "<arg@" + std::to_string(Lit) + ">");
  EXPECT_EQ(uses(E), (Strings{"Dict " + L[4].Argument + " a.weight",
                              "Dict " + L[4].Argument + " b.*"}));
  ASSERT_EQ(E.Facts.StateDicts.size(), 1u);
  EXPECT_EQ(L[5].Argument, E.Facts.StateDicts[0].Var);
  EXPECT_EQ(E.Facts.StateDicts[0].Root, "other");
  EXPECT_EQ(L[5].Strict, std::optional<bool>(true));
  // A call's result is bound like `sd = convert(sd)`, under the synthetic name.
  size_t Call = E.Code.find("convert(sd)");
  EXPECT_EQ(L[6].Argument, "<arg@" + std::to_string(Call) + ">");
  ASSERT_EQ(E.Facts.Bindings.size(), 1u);
  EXPECT_EQ(E.Facts.Bindings[0].Var, L[6].Argument);
  EXPECT_EQ(E.Facts.Bindings[0].K, BindingFact::Kind::Instance);
  EXPECT_EQ(E.Facts.Bindings[0].Callee, "convert");
}

TEST(KeyExpressionTest, RenameMaps) {
  auto E = extract("RENAMES = {'gamma': 'weight', 'beta': 'bias'}\n"
                   "PAIRS = [('LayerNorm.g', 'ln.weight')]\n"
                   "MIXED = {'a.weight': t, 'b': 'c'}\n"
                   "self.table = {'kernel': 'weight'}\n");
  EXPECT_EQ(renames(E),
            (Strings{"Map gamma -> weight in RENAMES",
                     "Map beta -> bias in RENAMES",
                     "Map LayerNorm.g -> ln.weight in PAIRS",
                     "Map kernel -> weight in self.table"}));
  // A map with a non-string value is a dict of keys, not renames.
  EXPECT_EQ(uses(E), (Strings{"Dict MIXED a.weight", "Dict MIXED b"}));
}

TEST(KeyExpressionTest, TemplateMapsWithDroppedKeysAndUpdates) {
  // In the style of litgpt's weight maps: `{}` placeholders stay literal
  // text in renames; None drops a key; update() extends the map.
  auto E = extract("def copy(sd, hf):\n"
                   "    weight_map = {\n"
                   "        'model.layers.{}.ln.weight': 'h.{}.norm_1.weight',\n"
                   "        'model.layers.{}.rotary.inv_freq': None,\n"
                   "    }\n"
                   "    if '7b' in config.name:\n"
                   "        weight_map.update({'a.{}.g': 'h.{}.w'})\n"
                   "    sd.update({'lm_head.weight': t})\n");
  EXPECT_EQ(renames(E),
            (Strings{"Map model.layers.{}.ln.weight -> h.{}.norm_1.weight in "
                     "weight_map",
                     "Map a.{}.g -> h.{}.w in weight_map"}));
  EXPECT_EQ(uses(E), (Strings{"Store sd lm_head.weight"}));
}

TEST(KeyExpressionTest, ReplaceRegexAndSubstringRules) {
  auto E = extract("import re\n"
                   "def fix(sd):\n"
                   "    out = {}\n"
                   "    for k, v in sd.items():\n"
                   "        if 'gamma' in k:\n"
                   "            k = k.replace('gamma', 'weight').replace('beta', 'bias')\n"
                   "        k = re.sub(r'\\.g$', '.weight', k)\n"
                   "        out[k] = v\n"
                   "    return {k.replace('/', '.'): v for k, v in out.items()\n"
                   "            if 'adam' not in k}\n"
                   "s = text.replace(' ', '')\n"
                   "t = text.replace('\\n', '')\n"
                   "if 'model' in ckpt:\n"
                   "    pass\n");
  EXPECT_EQ(renames(E), (Strings{"Substring gamma", "Replace gamma -> weight",
                                 "Replace beta -> bias",
                                 "RegexSub \\.g$ -> .weight",
                                 "Replace / -> .", "Substring adam"}));
  EXPECT_EQ(uses(E), (Strings{"Load ckpt model"}));
}

TEST(KeyExpressionTest, CommentsBetweenArgumentsAndItems) {
  auto E = extract("import re\n"
                   "k = re.sub(\n"
                   "    r'\\.g$',  # the old suffix\n"
                   "    '.weight',\n"
                   "    k)\n"
                   "v = sd.get(  # why\n"
                   "    'x.weight')\n"
                   "M = [  # pairs\n"
                   "    ('gamma', 'weight'),\n"
                   "]\n");
  EXPECT_EQ(renames(E), (Strings{"RegexSub \\.g$ -> .weight",
                                 "Map gamma -> weight in M"}));
  EXPECT_EQ(uses(E), (Strings{"Load sd x.weight"}));
}

TEST(KeyExpressionTest, InPlaceStateDictsAndBraces) {
  auto E = extract("if 'x.weight' in model.state_dict():\n"
                   "    pass\n"
                   "w = self.sd.get(f'{{a}}.{i}.b')\n");
  ASSERT_EQ(E.Facts.StateDicts.size(), 1u);
  EXPECT_EQ(uses(E), (Strings{"Load " + E.Facts.StateDicts[0].Var + " x.weight",
                              "Load self.sd {a}.*.b"}));
  // The written `{{a}}` is no piece: its text differs from the pattern.
  EXPECT_EQ(pieces(E.Facts.KeyUses[1]).find('{'), std::string::npos);
}

TEST(KeyExpressionTest, InHeuristicsUseWhatTheScopeKnows) {
  auto E = extract("def f(sd, name, state):\n"
                   "    if 'gamma' in name: pass\n"
                   "    if 'x.weight' in state: pass\n"
                   "    d = torch.load(p)\n"
                   "    if 'model' in d: pass\n"
                   "    for key in d:\n"
                   "        if 'beta' in key: pass\n"
                   "    for s in sd.keys():\n"
                   "        if 'ln' in s: pass\n");
  EXPECT_EQ(renames(E),
            (Strings{"Substring gamma", "Substring beta", "Substring ln"}));
  EXPECT_EQ(uses(E), (Strings{"Load state x.weight", "Load d model"}));
}

TEST(KeyExpressionTest, ReassignmentForgetsAKeyString) {
  auto E = extract("def f(sd, g):\n"
                   "    p = 'enc.'\n"
                   "    p = g()\n"
                   "    a = sd[p + 'w']\n"
                   "    for p in range(3):\n"
                   "        b = sd[p]\n");
  EXPECT_EQ(uses(E), (Strings{"Load sd *w"}));
}

TEST(KeyExpressionTest, SelfReferencingStringsStayBounded) {
  std::string Code = "a = 'x.'\n";
  for (int I = 0; I < 40; ++I)
    Code += "a = a + a\n";
  Code += "v = sd[a + 'w']\n";
  auto E = extract(Code);
  ASSERT_LE(E.Facts.KeyUses.size(), 1u);
  if (!E.Facts.KeyUses.empty())
    EXPECT_LE(E.Facts.KeyUses[0].Pieces.size(), 200u);
}

} // namespace
