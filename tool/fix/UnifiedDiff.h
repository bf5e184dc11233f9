//===- fix/UnifiedDiff.h - `--diff` output ----------------------*- C++ -*-===//
///
/// \file
/// The unified diff (`diff -u`, three lines of context) between a file's
/// bytes before and after the fixes, which `check --diff` prints instead of
/// writing. For a notebook it is the diff of the `.ipynb` bytes, so a user
/// sees exactly what `--fix` would write: only cell-source lines change.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_UNIFIEDDIFF_H
#define PARAMLINT_FIX_UNIFIEDDIFF_H

#include <string>

namespace paramlint {

/// The diff of Old and New with `--- Path` / `+++ Path` headers (apply it
/// with `patch -p0`); "" when they are equal. A last line without newline
/// is marked `\ No newline at end of file`, as diff does.
std::string unifiedDiff(const std::string &Path, const std::string &Old,
                        const std::string &New, unsigned Context = 3);

} // namespace paramlint

#endif // PARAMLINT_FIX_UNIFIEDDIFF_H
