//===- fuzz/NotebookFuzz.cpp - The notebook reader on fuzzed bytes -------===//
///
/// \file
/// The input is a `.ipynb` file's bytes. readNotebook must accept it or fail
/// with a message; an accepted notebook's cells must lie in order inside its
/// joined text, that text goes through the Python frontend, and splicing
/// edits back into the bytes (the fix engine's path for notebooks) must
/// either refuse or give bytes that read back as the edited text: with no
/// edits, the very same bytes.
///
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"
#include "fix/NotebookSplice.h"
#include "python/Notebook.h"
#include "python/PythonFrontend.h"

#include <cstdint>

using namespace paramlint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  auto NB = readNotebook("fuzz.ipynb", Bytes);
  if (!NB) {
    if (llvm::toString(NB.takeError()).empty())
      fuzz::fail("a notebook refused without a message");
    return 0;
  }
  const SourceFile &File = **NB;
  const std::string &Text = File.text();
  uint32_t Last = 0;
  for (const CellSpan &C : File.cells()) {
    if (C.BeginByte < Last || C.BeginByte > Text.size())
      fuzz::fail("a cell outside the joined text or out of order");
    Last = C.BeginByte;
    (void)File.position(C.BeginByte);
  }
  FileFacts Facts = extractPythonFacts(File);
  for (const ParseProblem &P : Facts.Problems)
    if (P.Where.Begin > P.Where.End || P.Where.End > Text.size())
      fuzz::fail("a parse problem outside the text");

  auto Same = spliceNotebook(Bytes, File, {});
  if (!Same)
    llvm::consumeError(Same.takeError());
  else if (*Same != Bytes)
    fuzz::fail("splicing no edits changed the notebook");

  // One edit the input decides: replace a few bytes of the text.
  if (Text.empty())
    return 0;
  uint32_t Begin = static_cast<uint32_t>((Size * 2654435761u) % Text.size());
  uint32_t End = std::min<uint32_t>(Begin + Size % 4, Text.size());
  std::vector<Edit> Edits{Edit{Span{Begin, End}, Size % 2 ? "x_1" : "\"\\\n"}};
  auto Spliced = spliceNotebook(Bytes, File, Edits);
  if (!Spliced) {
    llvm::consumeError(Spliced.takeError());
    return 0;
  }
  auto Back = readNotebook("fuzz.ipynb", *Spliced);
  if (!Back)
    fuzz::fail("a spliced notebook does not read back");
  if ((*Back)->text() != applyEdits(Text, Edits))
    fuzz::fail("a spliced notebook reads back as other text");
  return 0;
}
