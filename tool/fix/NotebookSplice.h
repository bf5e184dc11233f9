//===- fix/NotebookSplice.h - Edits in a notebook's own bytes ---*- C++ -*-===//
///
/// \file
/// Checks see a notebook as its joined code cells (python/Notebook.h); a fix
/// must land in the `.ipynb` without disturbing anything else. Re-serialising
/// the JSON would reformat it, so the edits are mapped back to the cell
/// source strings and spliced into the original bytes: every byte outside
/// the edited `source` values (outputs, metadata, indentation, key order,
/// trailing newline) stays as it was, and inside them only the edited
/// characters change (a list of lines stays a list of lines, laid out as
/// before).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_NOTEBOOKSPLICE_H
#define PARAMLINT_FIX_NOTEBOOKSPLICE_H

#include "Diagnostic.h"
#include "SourceFile.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace paramlint {

/// The notebook Bytes with Edits applied. Joined is the SourceFile that
/// readNotebook made of Bytes; Edits are in its text's coordinates, sorted
/// and non-overlapping. Fails when an edit crosses a cell boundary or falls
/// in a line that is not code (a blanked magic), or when the result would
/// not read back as the edited joined text.
llvm::Expected<std::string> spliceNotebook(const std::string &Bytes,
                                           const SourceFile &Joined,
                                           const std::vector<Edit> &Edits);

/// Text with Edits (sorted, non-overlapping) applied.
std::string applyEdits(const std::string &Text, const std::vector<Edit> &Edits);

} // namespace paramlint

#endif // PARAMLINT_FIX_NOTEBOOKSPLICE_H
