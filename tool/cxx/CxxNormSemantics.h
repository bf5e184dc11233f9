//===- cxx/CxxNormSemantics.h - Norm semantics of C++ code ------*- C++ -*-===//
///
/// \file
/// The C++ half of reading what a norm computes (graph/NormTerms.h has the
/// rules). Two shapes of code:
///
/// - libtorch modules with a hand-written `forward`: its statements are
///   evaluated into terms (locals inlined, `x.mean(-1, true)`, `x.var(-1,
///   /*unbiased=*/false, true)` with the flag read through the called
///   method's parameter names, `torch::rsqrt(var + eps)`, `torch::sqrt`,
///   `.pow(2)`, `.clamp_min(eps)`, `torch::layer_norm(...)`, casts
///   stripped and `.to(torch::kFloat)` recorded as an upcast) and
///   classified as a Python forward is. Members are parameters when the
///   constructor registers them (`weight = register_parameter("weight",
///   torch::ones(d))`); eps comes from a literal, a member's in-class
///   initialiser, or the constructor argument that initialises it (whose
///   default is its value).
/// - ggml graph code: `ggml_norm(ctx, x, eps)` (centred, biased, eps under
///   the root) or `ggml_rms_norm(ctx, x, eps)`, then `ggml_mul` by a scale
///   tensor and `ggml_add` of a shift tensor, nested or through a
///   variable (`cur = ggml_norm(...); cur = ggml_add(ctx, ggml_mul(ctx,
///   cur, layer.ln_1_g), layer.ln_1_b)`); `ggml_repeat` around a weight is
///   the same weight. The frontend binds the two tensor expressions like
///   any access.
///
/// Only this file and CxxFrontend.cpp include Clang's AST headers.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_CXXNORMSEMANTICS_H
#define PARAMLINT_CXX_CXXNORMSEMANTICS_H

#include "graph/Facts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace paramlint {

/// How the reader turns Clang source ranges into facts' spans.
struct CxxSpans {
  /// The span of a range in the class's (or function's) file, nullopt
  /// when it lies elsewhere (a macro from a header, another file).
  std::function<std::optional<Span>(clang::SourceRange)> SpanOf;
  /// That file's text (for reasons quoting the source).
  llvm::StringRef Text;
};

/// The semantics of a libtorch module class whose `forward` normalises,
/// nullopt when it does not (or has no forward in this file).
std::optional<NormSemanticsFact> readCxxNormClass(const clang::CXXRecordDecl &R,
                                                  clang::ASTContext &Ctx,
                                                  const CxxSpans &Spans);

/// One ggml norm: the call and the tensors that scale and shift its result
/// (null when absent). Semantics has no Scale/Shift names: the frontend
/// names them from the tensors' chains.
struct GgmlNormSite {
  NormSemanticsFact Semantics;
  const clang::CallExpr *Call = nullptr;
  const clang::Expr *Scale = nullptr;
  const clang::Expr *Shift = nullptr;
};

/// The ggml norms of a function body that are scaled or shifted by a
/// tensor.
std::vector<GgmlNormSite> findGgmlNorms(const clang::Stmt *Body,
                                        clang::ASTContext &Ctx,
                                        const CxxSpans &Spans);

} // namespace paramlint

#endif // PARAMLINT_CXX_CXXNORMSEMANTICS_H
