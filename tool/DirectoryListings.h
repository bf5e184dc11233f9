//===- DirectoryListings.h - One listing per directory ---------*- C++ -*-===//
///
/// \file
/// Finding the files a project imports asks, for every import of every
/// file, whether up to sixteen candidate paths (`<dir>/a/b.py`,
/// `<dir>/a/b/__init__.py`, for the importing directory and its ancestors)
/// are regular files: on a tree the size of diffusers, tens of thousands
/// of `stat` calls, nearly all for names that do not exist (`torch`,
/// `numpy`). The candidates of a run share a few hundred directories, so
/// each directory is listed once and every probe after that is a lookup.
///
/// A directory's listing is only read when its parent's listing holds it
/// (or the parent cannot be listed): a candidate under a directory that
/// does not exist costs nothing. Entries whose type the listing does not
/// give (symbolic links, file systems without `d_type`) are asked with
/// `stat`, and a directory that cannot be listed is probed as before, so
/// the answers are those of std::filesystem::is_regular_file at the time
/// each directory was first read.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_DIRECTORYLISTINGS_H
#define PARAMLINT_DIRECTORYLISTINGS_H

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace paramlint {

/// Per-run cache of directory listings; safe to use from several threads.
class DirectoryListings {
public:
  DirectoryListings();
  ~DirectoryListings();

  /// Whether Path (absolute and lexically normal) names a regular file, a
  /// symbolic link to one included.
  bool isRegularFile(const std::string &Path);

private:
  struct Listing;
  /// The listing of Dir (absolute, normal), read on first use.
  const Listing &listing(const std::string &Dir);
  std::mutex Lock;
  std::unordered_map<std::string, std::unique_ptr<Listing>> Listings;
};

} // namespace paramlint

#endif // PARAMLINT_DIRECTORYLISTINGS_H
