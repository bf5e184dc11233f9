//===- bench/BareParse.cpp - The parse floor as a command -----------------===//
///
/// \file
/// `bare_parse [-j N] [--arena] PATH...`: discovers the inputs exactly as `paramlint
/// check` does, reads them (notebooks joined into their code cells), and
/// parses each with tree-sitter-python and walks its tree once, on N threads
/// that take the next file as `analyze()` does — and nothing else. It is the
/// floor `check` is compared with from the outside (bench/compare.sh times it
/// with /usr/bin/time beside paramlint and ast-grep), so that CPU time and
/// peak RSS of the two are measured the same way.
///
//===----------------------------------------------------------------------===//
#include "Discover.h"
#include "Parallel.h"
#include "ReadFile.h"
#include "SourceFile.h"
#include "cxx/CxxFrontend.h"
#include "python/Notebook.h"
#include "python/ParseArena.h"
#include "python/PythonFrontend.h"

#include <llvm/Support/Error.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace paramlint;

namespace {

/// `--arena`: parse each file in a ParseArenaScope, as `check` does, so
/// that the floor can be timed with the runtime's allocations in the arena
/// and with the lexer's fast path (python/LexerFastPath.h) and the
/// arena's language (python/ParseLanguage.h), which the arena's parsers
/// have, too (bench/compare.sh prints it as a row of its own).
bool UseArena = false;

/// The same limit as `analyze()`'s: larger files are skipped.
constexpr size_t MaxFileBytes = 32u << 20;

bool endsWith(const std::string &S, const char *Suffix) {
  size_t N = std::strlen(Suffix);
  return S.size() >= N && S.compare(S.size() - N, N, Suffix) == 0;
}

/// Reads and parses one input; returns its node count (0 when unreadable).
size_t parseOne(const DiscoveredPath &In, size_t &Bytes) {
  if (!In.Problem.empty())
    return 0;
  std::string Text;
  if (readWholeFile(In.Path, MaxFileBytes, Text) != ReadResult::Ok)
    return 0;
  if (endsWith(In.Path, ".ipynb")) {
    auto NB = readNotebook(In.Path, Text);
    if (!NB) {
      llvm::consumeError(NB.takeError());
      return 0;
    }
    Text = (*NB)->text();
  } else if (isCxxPath(In.Path)) {
    return 0;
  }
  Bytes += Text.size();
  if (!UseArena)
    return parsePythonOnly(Text);
  py::ParseArenaScope Arena;
  return parsePythonOnly(Text);
}

} // namespace

/// Entry point: prints the inputs, bytes and nodes it parsed.
int main(int Argc, char **Argv) {
  unsigned Jobs = 0; // One worker per core, as `check` has it.
  std::vector<std::string> Paths;
  for (int I = 1; I < Argc; ++I) {
    if (!std::strcmp(Argv[I], "--arena"))
      UseArena = true;
    else if ((!std::strcmp(Argv[I], "-j") || !std::strcmp(Argv[I], "--jobs")) &&
        I + 1 < Argc)
      Jobs = std::max(1, std::atoi(Argv[++I]));
    else
      Paths.push_back(Argv[I]);
  }
  if (Paths.empty()) {
    std::fprintf(stderr, "usage: bare_parse [-j N] [--arena] PATH...\n");
    return 2;
  }
  std::vector<DiscoveredPath> Inputs = discoverInputs(Paths);
  std::atomic<size_t> Nodes{0}, Bytes{0};
  parallelFor(Inputs.size(), Jobs, [&](size_t I) {
    size_t MyBytes = 0;
    Nodes += parseOne(Inputs[I], MyBytes);
    Bytes += MyBytes;
  });
  std::printf("%zu inputs, %zu bytes, %zu nodes\n", Inputs.size(),
              Bytes.load(), Nodes.load());
  return 0;
}
