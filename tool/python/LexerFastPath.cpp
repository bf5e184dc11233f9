//===- python/LexerFastPath.cpp - One-byte characters without the detour ---===//
#include "python/LexerFastPath.h"

#include "python/EnvironmentSwitch.h"
#include "python/ParseProbe.h"
#include "python/PythonSyntax.h"

#include <cstddef>
#include <cstdint>

namespace paramlint {
namespace py {
namespace {

/// The runtime's lexer (0.20.7's `Lexer`, lib/src/lexer.h) as far as the
/// fast path reads it: the fields in their order and types, so the layout
/// is the one the compiler gives the runtime's struct.
struct LexerView {
  // TSLexer, what the grammar sees (tree_sitter/parser.h).
  int32_t Lookahead;
  TSSymbol ResultSymbol;
  void (*Advance)(void *, bool);
  void (*MarkEnd)(void *);
  uint32_t (*GetColumn)(void *);
  bool (*IsAtIncludedRangeStart)(const void *);
  bool (*Eof)(const void *);
  // Length: a byte offset and its row and column.
  struct Length {
    uint32_t Bytes;
    TSPoint Extent;
  };
  Length CurrentPosition;
  Length TokenStartPosition;
  Length TokenEndPosition;
  TSRange *IncludedRanges;
  const char *Chunk;
  TSInput Input;
  TSLogger Logger;
  uint32_t IncludedRangeCount;
  uint32_t CurrentIncludedRangeIndex;
  uint32_t ChunkStart;
  uint32_t ChunkSize;
  uint32_t LookaheadSize;
  bool DidGetColumn;
};
static_assert(offsetof(LexerView, CurrentPosition) == 48, "0.20.7 layout");
static_assert(offsetof(LexerView, IncludedRanges) == 88, "0.20.7 layout");
static_assert(offsetof(LexerView, Logger) == 128, "0.20.7 layout");
static_assert(offsetof(LexerView, LookaheadSize) == 160, "0.20.7 layout");

/// In 0.20.7 the lexer is a TSParser's first member.
LexerView &lexerOf(TSParser *Parser) { return *reinterpret_cast<LexerView *>(Parser); }

/// The runtime's own step, which the fast path falls back to.
void (*RuntimeAdvance)(void *, bool) = nullptr;

/// One step, as the runtime's ts_lexer__advance takes it, when the
/// character left and the character reached are both one byte inside the
/// current chunk and included range and no logger listens; else the
/// runtime's step.
void fastAdvance(void *Lexer, bool Skip) {
  LexerView &L = *static_cast<LexerView *>(Lexer);
  const uint32_t Next = L.CurrentPosition.Bytes + 1;
  // Next - ChunkStart wraps for a position before the chunk: the runtime's.
  if (L.Chunk && !L.Logger.log && L.LookaheadSize == 1 &&
      L.CurrentIncludedRangeIndex < L.IncludedRangeCount &&
      Next != L.IncludedRanges[L.CurrentIncludedRangeIndex].end_byte &&
      Next - L.ChunkStart < L.ChunkSize) {
    const unsigned char C = static_cast<unsigned char>(L.Chunk[Next - L.ChunkStart]);
    if (C < 0x80) {
      L.CurrentPosition.Bytes = Next;
      if (L.Lookahead == '\n') {
        ++L.CurrentPosition.Extent.row;
        L.CurrentPosition.Extent.column = 0;
      } else {
        ++L.CurrentPosition.Extent.column;
      }
      if (Skip)
        L.TokenStartPosition = L.CurrentPosition;
      L.Lookahead = C; // One byte: LookaheadSize stays 1.
      return;
    }
  }
  RuntimeAdvance(Lexer, Skip);
}

/// Whether a fresh parser's lexer looks like 0.20.7's. First what the
/// public API says of it, before anything the view points to is read: the
/// included ranges (`ts_parser_included_ranges` returns the lexer's own
/// array and count in 0.20.7). Then the runtime's functions in place, the
/// one default range, no chunk, no logger, nothing read.
bool looksLike0207(TSParser *Parser) {
  const LexerView &L = lexerOf(Parser);
  uint32_t Count = 0;
  const TSRange *Ranges = ts_parser_included_ranges(Parser, &Count);
  if (Ranges != L.IncludedRanges || Count != L.IncludedRangeCount)
    return false;
  return L.Advance && L.MarkEnd && L.GetColumn && L.IsAtIncludedRangeStart && L.Eof &&
         L.IncludedRangeCount == 1 && L.IncludedRanges &&
         L.IncludedRanges[0].start_byte == 0 &&
         L.IncludedRanges[0].end_byte == UINT32_MAX && !L.Chunk &&
         L.ChunkSize == 0 && !L.Logger.log && L.LookaheadSize == 0;
}

/// The self-check: a probe parsed with the runtime's step and with the
/// fast path gives the same tree.
bool selfCheck() {
  const TSLanguage *Language = Grammar::get().Language;
  if (ts_language_version(Language) != 14 || lexerFastPathSwitchedOff())
    return false;
  TSParser *Plain = ts_parser_new();
  TSParser *Fast = ts_parser_new();
  bool Agrees = false;
  if (ts_parser_set_language(Plain, Language) && ts_parser_set_language(Fast, Language) &&
      looksLike0207(Plain) && looksLike0207(Fast) &&
      lexerOf(Plain).Advance == lexerOf(Fast).Advance) {
    RuntimeAdvance = lexerOf(Plain).Advance;
    lexerOf(Fast).Advance = fastAdvance;
    Agrees = parsesProbeAsRuntime(Fast);
  }
  ts_parser_delete(Plain);
  ts_parser_delete(Fast);
  return Agrees;
}

} // namespace

bool lexerFastPathSwitchedOff() {
  return switchedOffInEnvironment("PARAMLINT_LEXER_FAST_PATH");
}

bool lexerFastPathAvailable() {
  static const bool Available = selfCheck();
  return Available;
}

bool useLexerFastPath(TSParser *Parser) {
  if (!Parser || !lexerFastPathAvailable())
    return false;
  LexerView &L = lexerOf(Parser);
  if (L.Advance == fastAdvance)
    return true;
  if (L.Advance != RuntimeAdvance)
    return false;
  L.Advance = fastAdvance;
  return true;
}

} // namespace py
} // namespace paramlint
