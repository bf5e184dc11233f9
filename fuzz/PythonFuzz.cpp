//===- fuzz/PythonFuzz.cpp - The Python pipeline on one fuzzed file ------===//
///
/// \file
/// The input is a Python file, `loader.py`, analysed as `paramlint check`
/// would analyse it next to a fixed `model.py` (examples/gpt2-swap's GPT,
/// whose norms are nn.LayerNorm) so the linker has a model to bind the
/// loader's accesses to:
/// reading (size, UTF-8, NUL), tree-sitter facts, import resolution, linking,
/// every check, suppressions, then the text, JSON and SARIF reporters.
/// Beyond the sanitizers it asserts that the run is no error and that every
/// location and edit it reports lies inside the text it points into.
/// PARAMLINT_FUZZ_PRINT=1 prints the findings (to look at one input).
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "FuzzFiles.h"
#include "report/Reporters.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace paramlint;

namespace {

struct Project {
  std::string Loader, Model;
};

const Project &project() {
  static const Project P = [] {
    std::ifstream In(PARAMLINT_FUZZ_MODEL, std::ios::binary);
    std::stringstream Model;
    Model << In.rdbuf();
    if (!In || Model.str().empty())
      fuzz::fail("cannot read the model file " PARAMLINT_FUZZ_MODEL);
    return Project{fuzz::writeScratch("loader.py", ""),
                   fuzz::writeScratch("model.py", Model.str())};
  }();
  return P;
}

void checkSpan(const SourceFile *File, Span S, const char *What) {
  if (!File)
    fuzz::fail(What);
  if (S.Begin > S.End || S.End > File->text().size())
    fuzz::fail(What);
  (void)File->position(S.Begin);
  (void)File->lineAt(S.Begin);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const Project &P = project();
  AnalysisOptions Options;
  Options.Jobs = 1;
  Options.Contents[P.Loader] =
      std::string(reinterpret_cast<const char *>(Data), Size);
  auto A = analyze({P.Loader, P.Model}, Options);
  if (!A)
    fuzz::fail("analyze() failed on a valid request");
  for (const Diagnostic &D : (*A)->Diagnostics) {
    checkSpan(D.Where.File, D.Where.Where, "a diagnostic outside its file");
    for (const Note &N : D.Notes)
      if (N.Where)
        checkSpan(N.Where->File, N.Where->Where, "a note outside its file");
    if (D.TheFix)
      for (const Edit &E : D.TheFix->Edits)
        checkSpan(D.Where.File, E.Where, "an edit outside its file");
  }
  std::ostringstream Sink;
  writeText(Sink, (*A)->Diagnostics, TextOptions{});
  writeJson(Sink, (*A)->Diagnostics);
  writeSarif(Sink, (*A)->Diagnostics);
  // For triage: the findings of an input run on its own.
  static const bool Print = std::getenv("PARAMLINT_FUZZ_PRINT");
  if (Print)
    writeText(std::cerr, (*A)->Diagnostics, TextOptions{});
  return 0;
}
