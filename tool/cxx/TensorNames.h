//===- cxx/TensorNames.h - Tensor names in C++ loaders ---------*- C++ -*-===//
///
/// \file
/// The Clang-free half of the C++ frontend: what a tensor field's name says
/// about its role (`ln_1_g` is a scale, `attn_norm_b` a shift), and how a
/// name template (`"blk.%d.attn_norm.weight"`, `"h{}.ln_1"`) becomes a key
/// pattern with `*` wildcards, as the Python side builds from f-strings.
/// Kept apart from the AST code so it builds and tests in seconds.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_TENSORNAMES_H
#define PARAMLINT_CXX_TENSORNAMES_H

#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

/// The role a ggml-style field name gives its tensor, as the Conventions
/// table spells roles (`"scale"`, `"shift"`), or empty: the suffix after the
/// last `_` (`ln_1_g` → `g`, `attn_norm_bias` → `bias`) when it is a norm
/// role name, or a name that ends in `norm` (llama's `attn_norm` is the
/// norm's weight).
std::string roleFromFieldName(std::string_view Field);

/// One literal piece of a name template and its offset in the template.
struct TemplatePiece {
  std::string Text;
  size_t Offset = 0;
};

/// A printf-style template as a key pattern: every conversion (`%d`, `%s`,
/// `%02d`, `%zu`) becomes `*`, `%%` a `%`. Pieces receives the literal runs
/// between conversions with their offsets in Fmt.
std::string printfTemplateToPattern(std::string_view Fmt,
                                    std::vector<TemplatePiece> *Pieces = nullptr);

/// A std::format / fmt-style template as a key pattern: `{}`, `{0}`,
/// `{:d}` become `*`, `{{`/`}}` braces.
std::string braceTemplateToPattern(std::string_view Fmt,
                                   std::vector<TemplatePiece> *Pieces = nullptr);

/// Joins adjacent wildcards (`**` → `*`): two unknown parts side by side
/// match what one does.
std::string collapseWildcards(std::string Pattern);

/// `torch::nn::LayerNorm` → `LayerNorm`'s namespace-free spelling is not
/// wanted; this strips template arguments only: `std::vector<layer>` →
/// `std::vector`.
std::string withoutTemplateArgs(std::string_view Name);

/// Whether a type name (as Clang prints it, qualifiers and `struct`
/// dropped) is a tensor handle a ggml-style model stores: `ggml_tensor`, or
/// one of Extra (configured type names).
bool isTensorTypeName(std::string_view Name,
                      const std::vector<std::string> &Extra = {});

} // namespace paramlint

#endif // PARAMLINT_CXX_TENSORNAMES_H
