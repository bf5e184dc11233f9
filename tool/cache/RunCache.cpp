//===- cache/RunCache.cpp - The diagnostics of an unchanged run -----------===//
#include "cache/RunCache.h"

#include "Analysis.h"
#include "cache/BinaryArchive.h"
#include "cache/FactsSerializer.h"

#include <filesystem>
#include <unordered_map>

namespace paramlint {
namespace {

/// Diagnostics and their parts. A Location is written as the index of its
/// file in Files plus one (0: no file) and its span, and read back only
/// when the file exists and the span lies in its text.
struct DiagnosticsSchema {
  const std::vector<std::unique_ptr<SourceFile>> &Files;
  std::unordered_map<const SourceFile *, unsigned> Index;

  template <class Ar, class T>
  std::enable_if_t<IsField<T, Span>> fields(Ar &A, T &X) {
    auto &[Begin, End] = X;
    A(Begin, End);
  }
  template <class Ar> void fields(Ar &A, const Location &X) {
    auto It = Index.find(X.File);
    if (X.File && It == Index.end())
      A.Ok = false; // A file the run did not read: cannot be named.
    unsigned File = It == Index.end() ? 0 : It->second + 1;
    A(File, X.Where);
  }
  template <class Ar> void fields(Ar &A, Location &X) {
    unsigned File = 0;
    A(File, X.Where);
    X.File = nullptr;
    if (File == 0)
      return;
    if (File > Files.size() || X.Where.Begin > X.Where.End ||
        X.Where.End > Files[File - 1]->size()) {
      A.fail();
      return;
    }
    X.File = Files[File - 1].get();
  }
  template <class Ar, class T>
  std::enable_if_t<IsField<T, Edit>> fields(Ar &A, T &X) {
    auto &[Where, Content] = X;
    A(Where, Content);
  }
  template <class Ar, class T>
  std::enable_if_t<IsField<T, Fix>> fields(Ar &A, T &X) {
    auto &[Applies, Message, Edits] = X;
    A(Applies, Message, Edits);
  }
  template <class Ar, class T>
  std::enable_if_t<IsField<T, Note>> fields(Ar &A, T &X) {
    auto &[Message, Where] = X;
    A(Message, Where);
  }
  template <class Ar, class T>
  std::enable_if_t<IsField<T, Diagnostic>> fields(Ar &A, T &X) {
    auto &[Code, Message, Where, Notes, TheFix] = X;
    A(Code, Message, Where, Notes, TheFix);
  }
  static constexpr Applicability lastOf(Applicability) {
    return Applicability::Unsafe;
  }
};

/// Builds the key text: every part length-prefixed, so that no two
/// different runs spell the same bytes.
class KeyBuilder {
public:
  void add(std::string_view S) {
    number(S.size());
    Text.append(S);
  }
  void number(uint64_t V) {
    Text.append(reinterpret_cast<const char *>(&V), 8);
  }
  void add(const std::vector<std::string> &List) {
    number(List.size());
    for (const std::string &S : List)
      add(S);
  }
  Hash128 hash() const { return contentHash(Text, /*Seed=*/0x52554E); }

private:
  std::string Text;
};

} // namespace

Hash128 runKey(const std::vector<std::unique_ptr<SourceFile>> &Files,
               size_t InputCount, const std::vector<std::string> &LoadProblems,
               const AnalysisOptions &Options) {
  KeyBuilder K;
  K.add("paramlint run");
  K.number(FactsFormatVersion);
  std::error_code EC;
  K.add(std::filesystem::current_path(EC).string());
  K.number(InputCount);
  K.number(Files.size());
  for (size_t I = 0; I < Files.size(); ++I) {
    const SourceFile &F = *Files[I];
    K.add(F.path());
    K.number(static_cast<uint64_t>(F.kind()));
    const Hash128 &H = F.hash();
    K.number(H.Lo);
    K.number(H.Hi);
    K.number(F.cells().size());
    for (const CellSpan &C : F.cells()) {
      K.number(C.Number);
      K.number(C.Index);
      K.number(C.BeginByte);
      K.number(C.FirstRow);
    }
    K.add(I < LoadProblems.size() ? LoadProblems[I] : std::string());
  }
  K.add(Options.Select);
  K.add(Options.Ignore);
  K.number(Options.PerFileIgnores.size());
  for (const PerFileIgnore &P : Options.PerFileIgnores) {
    K.add(P.Root);
    K.add(P.Glob);
    K.add(P.Codes);
  }
  K.number(Options.RunChecks);
  // What the config adds to the tables changes roles and key spaces
  // (RunTables.h).
  const TableExtensions &T = Options.Tables;
  K.number(T.Aliases.size());
  for (const auto &[R, Name] : T.Aliases) {
    K.number(static_cast<uint64_t>(R));
    K.add(Name);
  }
  K.number(T.LibraryClasses.size());
  for (const ConfigLibraryClass &C : T.LibraryClasses) {
    // Every field by name: a field added to the struct does not compile
    // until it is part of the key.
    const auto &[Name, IsNorm, Like, Params, Buffers, Attributes] = C;
    K.add(Name);
    K.number(IsNorm ? 1 + *IsNorm : 0);
    K.add(Like);
    K.number(Params ? 1 : 0);
    K.add(Params.value_or(std::vector<std::string>()));
    K.add(Buffers);
    K.add(Attributes);
  }
  // The convention PL301 enforces changes what it reports.
  K.number(Options.Context.NormConvention.has_value());
  if (const auto &C = Options.Context.NormConvention) {
    K.add(C->Name);
    K.add(C->Scale);
    K.add(C->Shift);
  }
  return K.hash();
}

std::optional<std::string>
serializeDiagnostics(const std::vector<Diagnostic> &Diags,
                     const std::vector<std::unique_ptr<SourceFile>> &Files) {
  DiagnosticsSchema S{Files, {}};
  for (size_t I = 0; I < Files.size(); ++I)
    S.Index.emplace(Files[I].get(), static_cast<unsigned>(I));
  std::string Out;
  BinaryWriter<DiagnosticsSchema> W(Out, S);
  W(Diags);
  if (!W.Ok)
    return std::nullopt;
  return Out;
}

std::optional<std::vector<Diagnostic>>
deserializeDiagnostics(std::string_view Bytes,
                       const std::vector<std::unique_ptr<SourceFile>> &Files) {
  DiagnosticsSchema S{Files, {}};
  BinaryReader<DiagnosticsSchema> R(Bytes, S);
  std::vector<Diagnostic> Diags;
  R(Diags);
  if (!R.Ok || !R.atEnd())
    return std::nullopt;
  return Diags;
}

} // namespace paramlint
