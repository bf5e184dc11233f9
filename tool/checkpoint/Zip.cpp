//===- checkpoint/Zip.cpp - Zip archives through libzip --------------------===//
///
/// \file
/// Both torch checkpoints and `.npz` files are zip archives. libzip reads
/// the central directory on open and checks it against the file; members
/// are then read through bounded prefix reads, so a member that declares a
/// huge size (a zip bomb) costs at most what the caller asked for.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Readers.h"

#include <zip.h>

namespace paramlint::checkpoint {
namespace {

zip_t *handle(void *H) { return static_cast<zip_t *>(H); }

} // namespace

llvm::Expected<ZipArchive> ZipArchive::open(const FileReader &File) {
  int Code = 0;
  zip_t *Z = zip_open(File.path().c_str(), ZIP_RDONLY, &Code);
  if (!Z) {
    zip_error_t Err;
    zip_error_init_with_code(&Err, Code);
    std::string Msg = zip_error_strerror(&Err);
    zip_error_fini(&Err);
    return fileError(File.path(), "broken zip archive: " + Msg);
  }
  ZipArchive A(File.path(), Z);
  zip_int64_t N = zip_get_num_entries(Z, 0);
  if (N < 0 || static_cast<uint64_t>(N) > Limits::ZipMembers)
    return fileError(File.path(), "zip archive declares " + llvm::Twine(N) +
                                      " members (limit " +
                                      llvm::Twine(Limits::ZipMembers) + ")");
  A.Members.reserve(static_cast<size_t>(N));
  for (zip_int64_t I = 0; I < N; ++I) {
    zip_stat_t St;
    zip_stat_init(&St);
    if (zip_stat_index(Z, static_cast<zip_uint64_t>(I), 0, &St) != 0 ||
        !(St.valid & ZIP_STAT_NAME) || !(St.valid & ZIP_STAT_SIZE))
      return fileError(File.path(), "zip member " + llvm::Twine(I) +
                                        " has no readable directory entry: " +
                                        zip_strerror(Z));
    Member M;
    M.Name = St.name;
    M.Size = St.size;
    M.Compressed = (St.valid & ZIP_STAT_COMP_METHOD) &&
                   St.comp_method != ZIP_CM_STORE;
    A.Members.push_back(std::move(M));
  }
  return A;
}

ZipArchive::ZipArchive(ZipArchive &&Other) noexcept
    : Path(std::move(Other.Path)), Handle(Other.Handle),
      Members(std::move(Other.Members)) {
  Other.Handle = nullptr;
}

ZipArchive::~ZipArchive() {
  if (Handle)
    zip_discard(handle(Handle));
}

llvm::Expected<std::string> ZipArchive::readPrefix(size_t Index,
                                                   uint64_t Length) const {
  const std::string &Name = Members[Index].Name;
  zip_file_t *F = zip_fopen_index(handle(Handle), Index, 0);
  if (!F)
    return fileError(Path, "cannot open zip member `" + Name +
                               "`: " + zip_strerror(handle(Handle)));
  std::string Out;
  Out.resize(std::min<uint64_t>(Length, Members[Index].Size));
  uint64_t Done = 0;
  while (Done < Out.size()) {
    zip_int64_t N = zip_fread(F, Out.data() + Done, Out.size() - Done);
    if (N < 0) {
      std::string Msg = zip_file_strerror(F);
      zip_fclose(F);
      return fileError(Path, "zip member `" + Name + "`: " + Msg);
    }
    if (N == 0)
      break;
    Done += static_cast<uint64_t>(N);
  }
  zip_fclose(F);
  Out.resize(Done);
  return Out;
}

llvm::Expected<std::string> ZipArchive::readRange(size_t Index, uint64_t Offset,
                                                  uint64_t Length) const {
  const Member &M = Members[Index];
  auto Short = [&](uint64_t Got) {
    return fileError(Path, "zip member `" + M.Name + "` holds " +
                               llvm::Twine(Got) + " bytes, fewer than the " +
                               llvm::Twine(Offset) + " + " + llvm::Twine(Length) +
                               " a tensor needs");
  };
  if (Offset > M.Size || Length > M.Size - Offset)
    return Short(M.Size);
  if (M.Compressed) {
    auto Prefix = readPrefix(Index, Offset + Length);
    if (!Prefix)
      return Prefix.takeError();
    if (Prefix->size() < Offset + Length)
      return Short(Prefix->size());
    return Prefix->substr(Offset, Length);
  }
  zip_file_t *F = zip_fopen_index(handle(Handle), Index, 0);
  if (!F)
    return fileError(Path, "cannot open zip member `" + M.Name +
                               "`: " + zip_strerror(handle(Handle)));
  if (Offset && zip_fseek(F, static_cast<zip_int64_t>(Offset), SEEK_SET) != 0) {
    std::string Msg = zip_file_strerror(F);
    zip_fclose(F);
    return fileError(Path, "zip member `" + M.Name + "`: " + Msg);
  }
  std::string Out(Length, '\0');
  uint64_t Done = 0;
  while (Done < Length) {
    zip_int64_t N = zip_fread(F, Out.data() + Done, Length - Done);
    if (N <= 0)
      break;
    Done += static_cast<uint64_t>(N);
  }
  zip_fclose(F);
  if (Done < Length)
    return Short(Offset + Done);
  return Out;
}

std::optional<size_t> ZipArchive::find(llvm::StringRef Name) const {
  for (size_t I = 0; I < Members.size(); ++I)
    if (Members[I].Name == Name)
      return I;
  return std::nullopt;
}

llvm::Expected<CheckpointInfo> readZip(const FileReader &File) {
  auto Zip = ZipArchive::open(File);
  if (!Zip)
    return Zip.takeError();
  const auto &Members = Zip->members();
  // torch.save (since 1.6): `<archive>/data.pkl` beside `<archive>/data/N`.
  for (size_t I = 0; I < Members.size(); ++I) {
    llvm::StringRef Name(Members[I].Name);
    if (!Name.endswith("/data.pkl"))
      continue;
    llvm::StringRef Prefix = Name.drop_back(strlen("data.pkl"));
    if (Prefix.drop_back().contains('/'))
      continue;
    return readTorchZip(*Zip, Prefix.str(), I);
  }
  bool AllNpy = !Members.empty();
  for (const auto &M : Members)
    AllNpy &= llvm::StringRef(M.Name).endswith(".npy");
  if (AllNpy)
    return readNpz(*Zip);
  return fileError(File.path(),
                   Members.empty()
                       ? "empty zip archive"
                       : "zip archive is neither a torch checkpoint (no "
                         "`<archive>/data.pkl`) nor an .npz (members other "
                         "than .npy)");
}

} // namespace paramlint::checkpoint
