//===- cxx/CxxUnitCache.cpp - Cached facts of C++ translation units -------===//
#include "cxx/CxxUnitCache.h"

#include "ReadFile.h"
#include "cache/BinaryArchive.h"
#include "cache/FactsSerializer.h"

namespace paramlint {
namespace {

/// Records hold only strings, lists and pairs: no struct needs fields.
struct NoSchema {};

/// Headers larger than this are not libraries anyone includes; a file
/// that cannot be read in full is treated as changed.
constexpr size_t MaxDependencyBytes = size_t(256) << 20;

} // namespace

Hash128 cxxUnitKey(const std::string &File, const std::string &Directory,
                   const std::vector<std::string> &Args, std::string_view Context) {
  // A prefix no source text starts with keeps unit keys apart from the
  // text hashes of Python entries in the same directory.
  std::string Text = "paramlint C++ unit";
  Text.push_back('\0');
  for (const std::string *Part : {&File, &Directory}) {
    Text += *Part;
    Text.push_back('\0');
  }
  for (const std::string &A : Args) {
    Text += A;
    Text.push_back('\0');
  }
  Text.push_back('\1');
  Text += Context;
  return contentHash(Text);
}

std::string dependencyHash(std::string_view Bytes) {
  return toHex(contentHash(Bytes));
}

std::optional<std::string> serializeUnitRecord(const CxxUnitRecord &R) {
  std::vector<std::pair<std::string, std::string>> Facts;
  for (const auto &[Path, FF] : R.Facts) {
    std::string Bytes;
    if (!serializeFacts(FF, Bytes))
      return std::nullopt;
    Facts.emplace_back(Path, std::move(Bytes));
  }
  NoSchema S;
  std::string Out;
  BinaryWriter<NoSchema> W(Out, S);
  W(R.Dependencies, Facts, R.BoundFields);
  return Out;
}

std::optional<CxxUnitRecord> deserializeUnitRecord(std::string_view Bytes) {
  NoSchema S;
  BinaryReader<NoSchema> Rd(Bytes, S);
  CxxUnitRecord R;
  std::vector<std::pair<std::string, std::string>> Facts;
  Rd(R.Dependencies, Facts, R.BoundFields);
  if (!Rd.Ok || !Rd.atEnd())
    return std::nullopt;
  for (auto &[Path, FactBytes] : Facts) {
    std::optional<FileFacts> FF = deserializeFacts(FactBytes);
    if (!FF)
      return std::nullopt;
    R.Facts.emplace_back(std::move(Path), std::move(*FF));
  }
  return R;
}

std::string DependencyHashes::of(const std::string &Path) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Known.find(Path);
    if (It != Known.end())
      return It->second;
  }
  std::string Bytes, Hash;
  if (readWholeFile(Path, MaxDependencyBytes, Bytes) == ReadResult::Ok)
    Hash = dependencyHash(Bytes);
  std::lock_guard<std::mutex> Lock(Mutex);
  return Known.emplace(Path, Hash).first->second;
}

bool DependencyHashes::unchanged(const CxxUnitRecord &R) {
  if (R.Dependencies.empty())
    return false;
  for (const auto &[Path, Hash] : R.Dependencies)
    if (Hash.empty() || of(Path) != Hash)
      return false;
  return true;
}

} // namespace paramlint
