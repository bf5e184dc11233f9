//===- fix/RenameParams.h - Back-compatible parameter renames ---*- C++ -*-===//
///
/// \file
/// `paramlint rename-params CLASS old=new ...`: renames parameters (or
/// buffers) of a project module class everywhere paramlint can see them —
/// the definition in the class, every `self.old` in the class and its
/// subclasses, every loader use the graph binds through an instance of the
/// class, and the leaf of every state-dict key string bound to such a
/// parameter (`sd["blocks.0.norm1.scale"]`, the constant part of an
/// f-string) — and adds to the class a `_load_from_state_dict` override that
/// maps the old keys to the new ones, so a checkpoint saved before the
/// rename still loads, with `strict=True` too. The edits go through the fix
/// engine (re-parse, atomic writes, notebooks, `--diff`). Always unsafe: the
/// rename changes the class's public names.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_RENAMEPARAMS_H
#define PARAMLINT_FIX_RENAMEPARAMS_H

#include "Analysis.h"
#include "Diagnostic.h"

#include "llvm/Support/Error.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace paramlint {

struct ParamRename {
  std::string From, To;
};

/// Parses `old=new` (both Python identifiers, different).
llvm::Expected<ParamRename> parseParamRename(const std::string &Spec);

/// One fix per input file that the renames touch, as diagnostics the fix
/// engine applies. Fails when no input defines ClassName, when a name is
/// not a parameter or buffer of it, when a new name already exists on it,
/// or when it already overrides `_load_from_state_dict`.
llvm::Expected<std::vector<Diagnostic>>
renameParamsFixes(const Analysis &A, const std::string &ClassName,
                  const std::vector<ParamRename> &Renames);

/// The same on a linked graph (its Files, Facts and InputCount), for a
/// check that offers the rename as its fix (PL301). With Only, the uses
/// are looked for in that file alone and only its fix is returned (the
/// definitions are still checked as above): a check that offers one file's
/// edits per finding would otherwise scan every use of the program for
/// each finding, quadratic in the size of the tree.
/// Which classes name a class as a base, by the base's last component
/// (`nn.Module` → `Module`), over every file of a graph: the subclass
/// search of renameParamsFixes. Views into the graph's facts.
using SubclassIndex =
    std::unordered_map<std::string_view, std::vector<std::string_view>>;
SubclassIndex subclassIndex(const ParamGraph &Graph);

/// With Subclasses (subclassIndex of Graph), the subclass search is a walk
/// of that index instead of passes over every class of the program: a
/// check that asks once per finding builds it once.
llvm::Expected<std::vector<Diagnostic>>
renameParamsFixes(const ParamGraph &Graph, const std::string &ClassName,
                  const std::vector<ParamRename> &Renames,
                  const SourceFile *Only = nullptr,
                  const SubclassIndex *Subclasses = nullptr);

} // namespace paramlint

#endif // PARAMLINT_FIX_RENAMEPARAMS_H
