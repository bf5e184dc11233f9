//===- python/ConfigClasses.h - Numbers of config classes -------*- C++ -*-===//
///
/// \file
/// A model often reads eps from a configuration object (`cfg.norm_eps`,
/// `config.layer_norm_eps`) whose class gives the value: a dataclass
/// field (`norm_eps: float = 1e-5`), a Hugging Face style `__init__`
/// default stored on self (`def __init__(self, layer_norm_eps=1e-12): ...
/// self.layer_norm_eps = layer_norm_eps`). This pass records those
/// defaults as ConfigValueFacts (Kind ClassDefault, Dict the class name);
/// the frontend records the literal keywords of a construction site
/// (`GPTConfig(norm_eps=1e-6)`, Kind Argument), which override them.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_CONFIGCLASSES_H
#define PARAMLINT_PYTHON_CONFIGCLASSES_H

#include "graph/Facts.h"

#include <tree_sitter/api.h>

#include <string_view>

namespace paramlint {

/// Adds the numeric defaults of the config classes defined in the tree to
/// Facts.ConfigValues. A config class is a `@dataclass`, a class whose
/// name says so (looksLikeConfigClass) or one derived from a `*Config`.
void extractConfigClasses(std::string_view Text, TSNode Root, FileFacts &Facts);

/// Whether a class of that (dotted) name is taken for a configuration:
/// its last component contains `Config` or `Cfg`, or ends in `Args`,
/// `Params` or `HParams` (`GPTConfig`, `ModelArgs`, `BertConfig`).
bool looksLikeConfigClass(std::string_view Name);

} // namespace paramlint

#endif // PARAMLINT_PYTHON_CONFIGCLASSES_H
