//===- python/Notebook.h - Jupyter notebooks as one Python module -*- C++ -*-===//
///
/// \file
/// Reads a `.ipynb` file: its code cells, in order, become one Python text
/// (magics `%...`, `%%...` cells and shell lines `!...` blanked so rows still
/// map), with a CellSpan per code cell so every location maps back to the
/// cell and the line in it.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_NOTEBOOK_H
#define PARAMLINT_PYTHON_NOTEBOOK_H

#include "SourceFile.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace paramlint {

/// Builds the SourceFile of a notebook from its bytes. Fails with a message
/// that names the problem (not JSON, no `cells`, a cell source that is not a
/// string or list of strings) when the notebook cannot be read.
llvm::Expected<std::unique_ptr<SourceFile>>
readNotebook(const std::string &Path, const std::string &Bytes);

} // namespace paramlint

#endif // PARAMLINT_PYTHON_NOTEBOOK_H
