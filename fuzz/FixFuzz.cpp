//===- fuzz/FixFuzz.cpp - The fix engine on fuzzed sources and edits -----===//
///
/// \file
/// The input is one flags byte, a source, a NUL, and a stream of edits:
///
///   flags  bit 0: the source is a notebook (`.ipynb`), else Python;
///          bit 1: `--unsafe-fixes`; bit 2: write the result to disk;
///          bit 3: the checks' own fixes instead of the edit stream.
///   edit   byte 0: bit 0 starts a new fix (the first edit always does),
///                  bit 1 makes that fix unsafe, bits 2-3 the new text
///                  (a word from a small list, raw bytes from the stream,
///                  nothing, or a copy of other text of the source), bit 4
///                  takes the span as given, unchecked (it may lie outside);
///          bytes 1-2: where it begins, byte 3: how many bytes it replaces,
///          byte 4: which word, or how many raw bytes follow.
///
/// The edits become fixes of findings on the source (through
/// FixOptions::Producer, in the first round only), and the engine runs as
/// `check --fix` does. Whatever it does, the result must be the source with
/// some set of whole, applicable fixes applied, no two of them overlapping,
/// that still parses and still loads (no new PL001); with writing, the file
/// on disk must hold exactly that result. With the checks' own fixes (over
/// all rounds) only the last two can be asserted.
///
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"
#include "fix/FixEngine.h"
#include "fix/NotebookSplice.h"
#include "python/Notebook.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace paramlint;

namespace {

const char *const Words[] = {"weight", "bias", "scale", "shift", "",
                             "(", ")", "\n", ":", "    ", "\"", "#",
                             "x.norm1.weight", "\\", "ü", "\r\n"};

/// Reads the edit stream.
class Stream {
public:
  Stream(const uint8_t *Data, size_t Size) : Data(Data), Size(Size) {}
  bool empty() const { return At >= Size; }
  uint8_t byte() { return At < Size ? Data[At++] : 0; }
  std::string bytes(size_t N) {
    N = std::min(N, Size - std::min(At, Size));
    std::string Out(reinterpret_cast<const char *>(Data + At), N);
    At += N;
    return Out;
  }

private:
  const uint8_t *Data;
  size_t Size;
  size_t At = 0;
};

/// The fixes an edit stream asks for, on a text of TextSize bytes.
std::vector<Fix> decodeFixes(Stream S, const std::string &Text) {
  const uint32_t TextSize = static_cast<uint32_t>(Text.size());
  std::vector<Fix> Fixes;
  size_t EditCount = 0;
  while (!S.empty() && EditCount < 24) {
    uint8_t Op = S.byte();
    uint32_t Begin = S.byte() | S.byte() << 8;
    uint32_t Len = S.byte();
    uint8_t Arg = S.byte();
    if (Fixes.empty() || (Op & 1)) {
      if (Fixes.size() == 8)
        break;
      Fixes.emplace_back();
      Fixes.back().Applies = Op & 2 ? Applicability::Unsafe : Applicability::Safe;
      Fixes.back().Message = "fuzz fix " + std::to_string(Fixes.size());
    }
    Edit E;
    if (Op & 16) {
      E.Where = Span{Begin, Begin + Len};
    } else {
      Begin %= TextSize + 1;
      E.Where = Span{Begin, std::min(Begin + Len % 8, TextSize)};
    }
    switch ((Op >> 2) & 3) {
    case 0:
      E.Content = Words[Arg % (sizeof(Words) / sizeof(Words[0]))];
      break;
    case 1:
      E.Content = S.bytes(Arg % 8);
      break;
    case 2:
      break;
    case 3: {
      uint32_t From = TextSize ? Arg % TextSize : 0;
      E.Content = Text.substr(From, std::min<uint32_t>(Len % 8, TextSize - From));
      break;
    }
    }
    Fixes.back().Edits.push_back(std::move(E));
    ++EditCount;
  }
  return Fixes;
}

/// The engine's notion of two edits touching the same bytes.
bool overlaps(const Edit &A, const Edit &B) {
  if (A.Where.Begin < B.Where.End && B.Where.Begin < A.Where.End)
    return true;
  return A.Where.Begin == B.Where.Begin &&
         (A.Where.Begin == A.Where.End || B.Where.Begin == B.Where.End);
}

bool sameEdit(const Edit &A, const Edit &B) {
  return A.Where.Begin == B.Where.Begin && A.Where.End == B.Where.End &&
         A.Content == B.Content;
}

/// Text with the fixes of Mask applied, if they are in bounds and do not
/// overlap (identical edits count once).
std::optional<std::string> applySubset(const std::string &Text,
                                       const std::vector<Fix> &Fixes,
                                       unsigned Mask) {
  std::vector<Edit> Edits;
  for (size_t I = 0; I < Fixes.size(); ++I) {
    if (!(Mask & (1u << I)))
      continue;
    for (const Edit &E : Fixes[I].Edits) {
      if (E.Where.Begin > E.Where.End || E.Where.End > Text.size())
        return std::nullopt;
      if (std::any_of(Edits.begin(), Edits.end(),
                      [&](const Edit &O) { return sameEdit(O, E); }))
        continue;
      if (std::any_of(Edits.begin(), Edits.end(),
                      [&](const Edit &O) { return overlaps(O, E); }))
        return std::nullopt;
      Edits.push_back(E);
    }
  }
  std::sort(Edits.begin(), Edits.end(), [](const Edit &A, const Edit &B) {
    return A.Where.Begin < B.Where.Begin;
  });
  return applyEdits(Text, Edits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 1)
    return 0;
  const uint8_t Flags = Data[0];
  const bool Notebook = Flags & 1, Unsafe = Flags & 2, Write = Flags & 4,
             OwnFixes = Flags & 8;
  const uint8_t *Rest = Data + 1;
  size_t RestSize = Size - 1;
  const uint8_t *Nul = static_cast<const uint8_t *>(std::memchr(Rest, 0, RestSize));
  size_t SourceSize = Nul ? static_cast<size_t>(Nul - Rest) : RestSize;
  std::string Source(reinterpret_cast<const char *>(Rest), SourceSize);
  Stream Edits(Nul ? Nul + 1 : Rest + RestSize,
               Nul ? RestSize - SourceSize - 1 : 0);

  std::string Path = fuzz::writeScratch(Notebook ? "fix.ipynb" : "fix.py", Source);
  std::string TextBefore;
  bool LoadedBefore = false;
  std::vector<Fix> Fixes;
  FixOptions Options;
  Options.Analysis.Jobs = 1;
  Options.Unsafe = Unsafe;
  Options.Write = Write;
  auto Produce = [&](const Analysis &A,
                     unsigned Round) -> llvm::Expected<std::vector<Diagnostic>> {
    std::vector<Diagnostic> Out;
    if (Round != 0 || A.InputCount != 1)
      return Out;
    const SourceFile *File = A.Files[0].get();
    TextBefore = File->text();
    LoadedBefore = std::none_of(A.Diagnostics.begin(), A.Diagnostics.end(),
                                [](const Diagnostic &D) { return D.Code == "PL001"; });
    Fixes = decodeFixes(Edits, TextBefore);
    for (const Fix &F : Fixes) {
      Span At = F.Edits.front().Where;
      At.End = std::max(At.Begin, At.End);
      Out.push_back(Diagnostic{"PL101", F.Message, Location{File, At}, {}, F});
    }
    return Out;
  };
  if (!OwnFixes)
    Options.Producer = Produce;
  auto R = runFixes({Path}, Options);
  if (!R)
    fuzz::fail("runFixes failed on a valid request");
  if (R->Changes.empty())
    return 0;
  if (R->Changes.size() != 1)
    fuzz::fail("changes to files that were not given");
  const FileChange &C = R->Changes.front();
  if (C.Before != Source)
    fuzz::fail("the snapshot is not the file");

  std::string TextAfter = C.After;
  if (Notebook) {
    auto NB = readNotebook(Path, C.After);
    if (!NB)
      fuzz::fail("a fixed notebook does not read");
    TextAfter = (*NB)->text();
  }
  if (!OwnFixes) {
    if (!LoadedBefore)
      fuzz::fail("a change to a file that did not load");
    unsigned Eligible = 0;
    for (size_t I = 0; I < Fixes.size(); ++I)
      if (Unsafe || Fixes[I].Applies == Applicability::Safe)
        Eligible |= 1u << I;
    bool Explained = false;
    // Every subset of the eligible fixes (at most 8 of them).
    for (unsigned Mask = Eligible;; Mask = (Mask - 1) & Eligible) {
      if (auto T = applySubset(TextBefore, Fixes, Mask); T && *T == TextAfter) {
        Explained = true;
        break;
      }
      if (Mask == 0)
        break;
    }
    if (!Explained)
      fuzz::fail("the result is not the source with whole, non-overlapping fixes");
  }
  for (const Diagnostic &D : R->Remaining->Diagnostics)
    if (D.Code == "PL001") {
      fprintf(stderr, "PL001: %s\n--- before\n%s\n--- after\n%s\n",
              D.Message.c_str(), TextBefore.c_str(), TextAfter.c_str());
      fuzz::fail("the fixed file no longer loads or parses");
    }
  if (C.Written) {
    std::ifstream In(Path, std::ios::binary);
    std::stringstream OnDisk;
    OnDisk << In.rdbuf();
    if (OnDisk.str() != C.After)
      fuzz::fail("the file on disk is not the result");
  }
  return 0;
}
