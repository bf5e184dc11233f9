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
/// The listings form a tree of directories, each listed on first use: a
/// caller that walks candidate paths component by component (directory(),
/// subdirectory(), isRegularFile(Directory, Name)) asks one hash table per
/// component and builds no path strings; a probe of a whole path walks the
/// same tree from the root. A directory's listing is only read when its
/// parent's listing holds it (or the parent cannot be listed): a candidate
/// under a directory that does not exist costs nothing. Entries whose type
/// the listing does not give (symbolic links, file systems without
/// `d_type`) are asked with `stat`, and a directory that cannot be listed
/// is probed as before, so the answers are those of
/// std::filesystem::is_regular_file at the time each directory was first
/// read.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_DIRECTORYLISTINGS_H
#define PARAMLINT_DIRECTORYLISTINGS_H

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace paramlint {

/// Per-run cache of directory listings; safe to use from several threads
/// (each directory is listed once, under its own once-flag; a listing is
/// not changed after that).
class DirectoryListings {
public:
  /// One directory of the tree; valid as long as its DirectoryListings.
  class Directory;

  DirectoryListings();
  ~DirectoryListings();

  /// Whether Path (absolute and lexically normal) names a regular file, a
  /// symbolic link to one included.
  bool isRegularFile(const std::string &Path);

  /// The directory Dir (absolute and lexically normal). One that does not
  /// exist is a directory with no entries.
  const Directory &directory(const std::string &Dir);

  /// The entry Name (one path component) of Dir as a directory: one with
  /// no entries when Dir has no such entry or it is not a directory.
  const Directory &subdirectory(const Directory &Dir, std::string_view Name);

  /// Whether Dir's entry Name (one path component) is a regular file, as
  /// isRegularFile(Dir + "/" + Name) answers.
  bool isRegularFile(const Directory &Dir, std::string_view Name);

private:
  const Directory &listed(const Directory &Dir);
  std::unique_ptr<Directory> Root;
  /// Below a path that is not a directory: answers no to everything.
  std::unique_ptr<Directory> Nothing;
  /// Directories asked for by a path that is not absolute: probed alone.
  std::mutex Lock;
  std::unordered_map<std::string, std::unique_ptr<Directory>> Relative;
};

} // namespace paramlint

#endif // PARAMLINT_DIRECTORYLISTINGS_H
