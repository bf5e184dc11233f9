//===- graph/KeyPattern.h - Matching key patterns against key spaces -*- C++ -*-===//
///
/// \file
/// Two kinds of wildcard meet here. A model's key space uses `*` for any
/// index of a repeated container (`trf_blocks.*.norm1.weight`: one run of
/// digits). A key a loader builds uses `*` for whatever a non-constant part
/// produced (`f"{prefix}.norm.{i}.weight"` → `*.norm.*.weight`: any run of
/// characters, dots included). keyMatches() decides whether a use can name
/// a key.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_KEYPATTERN_H
#define PARAMLINT_GRAPH_KEYPATTERN_H

#include <string_view>

namespace paramlint {

struct Model;

/// Whether the loader pattern Use can produce a key that the model pattern
/// ModelKey accepts.
bool keyMatches(std::string_view Use, std::string_view ModelKey);

/// The last dotted (or `/`-separated) component of a key.
std::string_view keyLeaf(std::string_view Key);

/// Key without its leaf (and the separator): `a.b.weight` → `a.b`.
std::string_view keyParent(std::string_view Key);

/// Whether model M explains the key (or key pattern) Key: some key of M
/// matches it, or would if its leaf were the role-equivalent name
/// (`ln_1.gamma` for `ln_1.weight`). Best-match binding of key uses and of
/// checkpoints counts explained keys.
bool explainsKey(const Model &M, std::string_view Key);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_KEYPATTERN_H
