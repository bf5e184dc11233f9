//===- fix/CheckedTree.cpp - The paths a run may write to -----------------===//
#include "fix/CheckedTree.h"

#include "SourceFile.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

namespace paramlint {

CheckedTree::CheckedTree(const std::vector<std::string> &Paths) {
  for (const std::string &P : Paths) {
    std::error_code EC;
    std::filesystem::path Real = std::filesystem::canonical(P, EC);
    if (EC)
      continue;
    (std::filesystem::is_directory(Real, EC) ? Dirs : Files).insert(Real.string());
  }
}

std::optional<std::string> CheckedTree::outside(const std::string &Path) const {
  std::error_code EC;
  std::string Real = std::filesystem::canonical(Path, EC).string();
  if (EC || Files.count(Real))
    return std::nullopt;
  for (const std::string &D : Dirs)
    if (Real.size() > D.size() && Real.compare(0, D.size(), D) == 0 &&
        (D.back() == '/' || Real[D.size()] == '/'))
      return std::nullopt;
  return Real;
}

std::string outsideTreeReason(const std::string &Path, const std::string &Target) {
  // A finding can also sit in a file the inputs import from elsewhere (a
  // checkpoint's model): not a link, just not asked for.
  std::error_code EC;
  if (std::filesystem::is_symlink(Path, EC))
    return fmt::format("it is a link to {}, outside the checked paths", Target);
  return "it is outside the checked paths";
}

std::string outsideTreeNote(const std::string &Path, const std::string &Target) {
  return fmt::format("not fixable here: {}: {} (check {} to fix it)", Path,
                     outsideTreeReason(Path, Target), Target);
}

std::vector<std::pair<std::string, std::string>>
declineFixesOutside(std::vector<Diagnostic> &Diags, const CheckedTree &Tree) {
  // One resolution per file: most files have many findings or none.
  std::map<const SourceFile *, std::optional<std::string>> Target;
  std::vector<std::pair<std::string, std::string>> Declined;
  for (Diagnostic &D : Diags) {
    if (!D.TheFix || !D.Where.File || D.Where.File->path().empty())
      continue;
    auto [It, New] = Target.try_emplace(D.Where.File);
    if (New) {
      It->second = Tree.outside(D.Where.File->path());
      if (It->second)
        Declined.emplace_back(D.Where.File->path(), *It->second);
    }
    if (!It->second)
      continue;
    D.TheFix.reset();
    D.Notes.push_back(Note{outsideTreeNote(D.Where.File->path(), *It->second),
                           std::nullopt});
  }
  return Declined;
}

} // namespace paramlint
