//===- fix/CheckedTree.h - The paths a run may write to ----------*- C++ -*-===//
///
/// \file
/// `--fix` writes only inside what the user asked to check: the files named
/// and the directories named, links resolved. A file reached through a link
/// to a place outside them is read and checked like any other, but its fixes
/// are declined, so that a fix never writes through a link out of the tree.
/// The decision is made once, on the analysis (declineFixesOutside), so that
/// `check` does not count as fixable what `--fix` will not write.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_CHECKEDTREE_H
#define PARAMLINT_FIX_CHECKEDTREE_H

#include "Diagnostic.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace paramlint {

/// What the user asked to check, links resolved.
class CheckedTree {
public:
  explicit CheckedTree(const std::vector<std::string> &Paths);

  /// The file Path names, links resolved, when it lies outside the checked
  /// paths; nullopt when inside (or when it cannot be resolved, which
  /// reading it then reports).
  std::optional<std::string> outside(const std::string &Path) const;

private:
  std::set<std::string> Files, Dirs;
};

/// Why Path (resolving to Target) is not written: a link out of the tree,
/// or a file outside it.
std::string outsideTreeReason(const std::string &Path, const std::string &Target);

/// The note a declined fix leaves on its diagnostic.
std::string outsideTreeNote(const std::string &Path, const std::string &Target);

/// Drops the fixes of the diagnostics in files outside Tree (each gets the
/// note above instead). Returns the files declined: (path, link target).
std::vector<std::pair<std::string, std::string>>
declineFixesOutside(std::vector<Diagnostic> &Diags, const CheckedTree &Tree);

} // namespace paramlint

#endif // PARAMLINT_FIX_CHECKEDTREE_H
