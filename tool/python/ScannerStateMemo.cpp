//===- python/ScannerStateMemo.cpp - Restore the scanner only when it changed ===//
#include "python/ScannerStateMemo.h"

#include "python/EnvironmentSwitch.h"

// The language's layout: the grammar's generated header (its include
// directory is given to the files that read the language, see
// CMakeLists.txt). api.h is included above, so the header takes its
// types from there, but it also uses TSStateId, which 0.20.7's api.h
// does not declare.
typedef uint16_t TSStateId;
#include "tree_sitter/parser.h"

#include <cstdint>
#include <cstring>

// tree-sitter-python's external scanner (scanner.c), which the memo wraps.
extern "C" {
void *tree_sitter_python_external_scanner_create(void);
void tree_sitter_python_external_scanner_destroy(void *);
bool tree_sitter_python_external_scanner_scan(void *, TSLexer *, const bool *);
unsigned tree_sitter_python_external_scanner_serialize(void *, char *);
void tree_sitter_python_external_scanner_deserialize(void *, const char *, unsigned);
}

namespace paramlint {
namespace py {
namespace {

/// The grammar's scanner and what the memo knows of its state.
struct MemoScanner {
  void *Grammars = nullptr; ///< The grammar's scanner.
  /// Whether the grammar's scanner holds the state Bytes[0, Length)
  /// restores (see the file comment of the header).
  bool Known = false;
  unsigned Length = 0;
  char Bytes[TREE_SITTER_SERIALIZATION_BUFFER_SIZE];
};

thread_local ScannerMemoCounts Counts;

void *memoCreate() {
  auto *M = new MemoScanner;
  M->Grammars = tree_sitter_python_external_scanner_create();
  return M;
}

void memoDestroy(void *Payload) {
  auto *M = static_cast<MemoScanner *>(Payload);
  tree_sitter_python_external_scanner_destroy(M->Grammars);
  delete M;
}

bool memoScan(void *Payload, TSLexer *Lexer, const bool *Valid) {
  auto *M = static_cast<MemoScanner *>(Payload);
  const bool Found = tree_sitter_python_external_scanner_scan(M->Grammars, Lexer, Valid);
  if (Found)
    M->Known = false; // A token may have pushed or popped something.
  return Found;
}

unsigned memoSerialize(void *Payload, char *Buffer) {
  return tree_sitter_python_external_scanner_serialize(
      static_cast<MemoScanner *>(Payload)->Grammars, Buffer);
}

/// The unsigned integer of type T at P, whatever P's alignment.
template <typename T> T load(const char *P) {
  T V;
  std::memcpy(&V, P, sizeof V);
  return V;
}

/// Whether A and B agree in their first N bytes. A state is a few bytes
/// (the flag, the delimiters, the indents: about 6 on model code), and
/// this runs before every token, so a few loads rather than a byte loop or
/// a call to memcmp: a head and a tail that overlap, like small copies do.
/// Nothing past N is read.
bool sameBytes(const char *A, const char *B, unsigned N) {
  if (N >= 8) {
    for (unsigned I = 0; I + 8 < N; I += 8)
      if (load<uint64_t>(A + I) != load<uint64_t>(B + I))
        return false;
    return load<uint64_t>(A + N - 8) == load<uint64_t>(B + N - 8);
  }
  if (N >= 4)
    return load<uint32_t>(A) == load<uint32_t>(B) &&
           load<uint32_t>(A + N - 4) == load<uint32_t>(B + N - 4);
  if (N >= 2)
    return load<uint16_t>(A) == load<uint16_t>(B) &&
           load<uint16_t>(A + N - 2) == load<uint16_t>(B + N - 2);
  return N == 0 || A[0] == B[0];
}

void memoDeserialize(void *Payload, const char *Bytes, unsigned Length) {
  auto *M = static_cast<MemoScanner *>(Payload);
  if (M->Known && Length == M->Length && sameBytes(Bytes, M->Bytes, Length)) {
    ++Counts.Skipped;
    return;
  }
  ++Counts.Restored;
  tree_sitter_python_external_scanner_deserialize(M->Grammars, Bytes, Length);
  // An empty restore keeps the f-string flag as it was: not a known state.
  M->Known = Length > 0 && Length <= sizeof M->Bytes;
  if (M->Known) {
    M->Length = Length;
    std::memcpy(M->Bytes, Bytes, Length);
  }
}

} // namespace

LanguageCopy withScannerMemo(const TSLanguage *Language) {
  LanguageCopy L = copyOf(Language);
  auto &S = L->external_scanner;
  if (S.create == tree_sitter_python_external_scanner_create &&
      S.destroy == tree_sitter_python_external_scanner_destroy &&
      S.scan == tree_sitter_python_external_scanner_scan &&
      S.serialize == tree_sitter_python_external_scanner_serialize &&
      S.deserialize == tree_sitter_python_external_scanner_deserialize) {
    S.create = memoCreate;
    S.destroy = memoDestroy;
    S.scan = memoScan;
    S.serialize = memoSerialize;
    S.deserialize = memoDeserialize;
  }
  return L;
}

bool hasScannerMemo(const TSLanguage *Language) {
  return Language->external_scanner.scan == memoScan;
}

bool scannerMemoSwitchedOff() { return switchedOffInEnvironment("PARAMLINT_SCANNER_MEMO"); }

ScannerMemoCounts scannerMemoCounts() { return Counts; }

} // namespace py
} // namespace paramlint
