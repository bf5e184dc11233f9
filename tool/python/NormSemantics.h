//===- python/NormSemantics.h - What a norm class's forward computes -*- C++ -*-===//
///
/// \file
/// Reads the `forward` of every class in a Python file symbolically and, for
/// the classes that normalise, records a NormSemanticsFact (graph/Facts.h):
/// LayerNorm or RMSNorm, the variance divisor (torch's `var`/`std` default
/// to unbiased), where eps enters (inside the sqrt, added to the std,
/// clamping it), eps's value and origin (literal, `__init__` default,
/// config key), which parameter scales and which shifts, a `1 + w` offset
/// and dtype upcasts; `F.layer_norm` / `F.rms_norm` delegation is read as
/// torch's own semantics.
///
/// The evaluator inlines local variables and `self._helper(x)` methods,
/// strips dtype casts, and matches the result against
///   shift + scale * (x - mean(x)) * r(var(x))     (LayerNorm)
///   shift + scale * x * r(mean(x^2))              (RMSNorm)
/// in any order of factors. Anything else in a class that looks like a norm
/// (its name says Norm and forward takes a root or a variance) yields Kind
/// Unknown with the reason.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_NORMSEMANTICS_H
#define PARAMLINT_PYTHON_NORMSEMANTICS_H

#include "graph/Facts.h"

#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

namespace paramlint {

/// Sets ClassFact::Norm on the classes of Facts (already extracted from the
/// same tree) whose forward normalises. ClassNodes[I] is the
/// `class_definition` node of Facts.Classes[I] (the frontend's walk found
/// them); Text is the parsed source.
void extractNormSemantics(std::string_view Text,
                          const std::vector<TSNode> &ClassNodes,
                          FileFacts &Facts);

} // namespace paramlint

#endif // PARAMLINT_PYTHON_NORMSEMANTICS_H
