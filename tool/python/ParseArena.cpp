//===- python/ParseArena.cpp - One file's parse in one region -------------===//
#include "python/ParseArena.h"

#include "python/EnvironmentSwitch.h"
#include "python/LexerFastPath.h"
#include "python/ParseLanguage.h"
#include "python/PythonSyntax.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

// Under AddressSanitizer the arena tells it which of its bytes are handed
// out: a read of a freed or dropped record is then reported as it would be
// with the heap's free.
#if defined(__SANITIZE_ADDRESS__)
#define PARAMLINT_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARAMLINT_ARENA_ASAN 1
#endif
#endif
#ifdef PARAMLINT_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(P, N) ASAN_POISON_MEMORY_REGION(P, N)
#define ARENA_UNPOISON(P, N) ASAN_UNPOISON_MEMORY_REGION(P, N)
#else
#define ARENA_POISON(P, N) ((void)(P), (void)(N))
#define ARENA_UNPOISON(P, N) ((void)(P), (void)(N))
#endif

namespace paramlint {
namespace py {
namespace {

/// The blocks one thread bumps through. Every allocation has a header of
/// Align bytes holding its size, so a realloc knows how much to copy and
/// the pointers handed out keep malloc's alignment.
class Arena {
public:
  static constexpr size_t Align = 16;
  /// The first block; later ones double, up to MaxBlock (a larger request
  /// gets a block of its own size).
  static constexpr size_t FirstBlock = 1u << 20, MaxBlock = 64u << 20;
  /// Blocks kept after a rewind: one very large file should not keep its
  /// memory for the rest of the run.
  static constexpr size_t KeptBytes = 32u << 20;

  ~Arena() {
    for (const Block &B : Blocks) {
      ARENA_UNPOISON(B.Begin, B.End - B.Begin);
      std::free(B.Begin);
    }
  }

  void *allocate(size_t N) {
    const size_t Need = footprint(N) + Align;
    if (static_cast<size_t>(Limit - Next) < Need)
      nextBlock(Need);
    char *Header = Next;
    Next += Need;
    ARENA_UNPOISON(Header, Align + N);
    std::memcpy(Header, &N, sizeof N);
    Last = Header + Align;
    return Last;
  }

  /// Frees the last allocation by stepping back; any other is left until
  /// the rewind.
  void release(void *P) {
    char *C = static_cast<char *>(P);
    ARENA_POISON(C - Align, Align + sizeOf(C));
    if (C == Last) {
      Next = Last - Align;
      Last = nullptr;
    }
  }

  void *reallocate(void *P, size_t N) {
    char *C = static_cast<char *>(P);
    const size_t Old = sizeOf(C);
    if (C == Last && static_cast<size_t>(Limit - C) >= footprint(N)) {
      // The last block grows (or shrinks) in place: arrays that are
      // appended to one element at a time mostly are the last block.
      ARENA_POISON(C, Old);
      ARENA_UNPOISON(C, N);
      std::memcpy(C - Align, &N, sizeof N);
      Next = C + footprint(N);
      return C;
    }
    void *Fresh = allocate(N);
    std::memcpy(Fresh, C, std::min(Old, N));
    ARENA_POISON(C - Align, Align + Old);
    return Fresh;
  }

  bool owns(const void *P) const {
    const char *C = static_cast<const char *>(P);
    // The current block first: nearly every pointer freed is in it.
    if (Current < Blocks.size() && C >= Blocks[Current].Begin &&
        C < Blocks[Current].End)
      return true;
    for (size_t I = 0; I < Current && I < Blocks.size(); ++I)
      if (C >= Blocks[I].Begin && C < Blocks[I].End)
        return true;
    return false;
  }

  /// Forgets everything allocated: the next allocation starts at the
  /// beginning of the first block again.
  void rewind() {
    size_t Kept = 0, I = 0;
    for (; I < Blocks.size(); ++I) {
      Kept += static_cast<size_t>(Blocks[I].End - Blocks[I].Begin);
      if (Kept > KeptBytes && I > 0)
        break;
    }
    for (size_t J = I; J < Blocks.size(); ++J) {
      ARENA_UNPOISON(Blocks[J].Begin, Blocks[J].End - Blocks[J].Begin);
      std::free(Blocks[J].Begin);
    }
    Blocks.resize(std::min(I, Blocks.size()));
    for (const Block &B : Blocks)
      ARENA_POISON(B.Begin, B.End - B.Begin);
    Current = 0;
    Next = Limit = Last = nullptr;
    if (!Blocks.empty()) {
      Next = Blocks[0].Begin;
      Limit = Blocks[0].End;
    }
  }

private:
  struct Block {
    char *Begin, *End;
  };

  /// The bytes an allocation of N takes after its header: at least one, so
  /// that every pointer handed out lies inside its block (owns() then never
  /// mistakes a zero-byte allocation at a block's end for a heap pointer).
  static size_t footprint(size_t N) {
    return (std::max<size_t>(N, 1) + Align - 1) & ~(Align - 1);
  }
  /// The size the allocation at P was asked with (kept in its header).
  static size_t sizeOf(const char *P) {
    size_t N;
    std::memcpy(&N, P - Align, sizeof N);
    return N;
  }

  /// Moves to the next kept block that has room for Need bytes, else
  /// allocates a new one.
  void nextBlock(size_t Need) {
    size_t From = Next ? Current + 1 : 0;
    for (size_t I = From; I < Blocks.size(); ++I)
      if (static_cast<size_t>(Blocks[I].End - Blocks[I].Begin) >= Need) {
        // Blocks skipped over stay unused until the rewind; owns() still
        // covers them because it looks at every block up to Current.
        use(I);
        return;
      }
    size_t Size = Blocks.empty() ? FirstBlock
                                 : std::min<size_t>(MaxBlock, 2 * static_cast<size_t>(Blocks.back().End - Blocks.back().Begin));
    Size = std::max(Size, Need);
    char *Begin = static_cast<char *>(std::malloc(Size));
    if (!Begin) {
      // What the runtime's own allocator does: it cannot report failure.
      std::fprintf(stderr, "paramlint: out of memory while parsing\n");
      std::abort();
    }
    ARENA_POISON(Begin, Size);
    Blocks.push_back(Block{Begin, Begin + Size});
    use(Blocks.size() - 1);
  }

  void use(size_t I) {
    Current = I;
    Next = Blocks[I].Begin;
    Limit = Blocks[I].End;
    Last = nullptr;
  }

  std::vector<Block> Blocks;
  size_t Current = 0;
  char *Next = nullptr, *Limit = nullptr;
  char *Last = nullptr; ///< The last allocation, while it is the last.
};

struct ThreadState {
  Arena Space;
  bool Active = false;
  TSParser *Parser = nullptr;
};

thread_local ThreadState Here;

void *arenaMalloc(size_t N) {
  return Here.Active ? Here.Space.allocate(N) : std::malloc(N);
}

void *arenaCalloc(size_t Count, size_t Size) {
  if (!Here.Active)
    return std::calloc(Count, Size);
  if (Size && Count > SIZE_MAX / Size)
    return nullptr;
  void *P = Here.Space.allocate(Count * Size);
  std::memset(P, 0, Count * Size);
  return P;
}

void *arenaRealloc(void *P, size_t N) {
  if (!P)
    return arenaMalloc(N);
  if (Here.Active && Here.Space.owns(P))
    return Here.Space.reallocate(P, N);
  return std::realloc(P, N);
}

void arenaFree(void *P) {
  if (!P)
    return;
  if (Here.Active && Here.Space.owns(P))
    Here.Space.release(P);
  else
    std::free(P);
}

/// The runtime's allocator is process-wide: set once, before main, so no
/// thread is inside the runtime while it changes. Outside a scope the
/// functions pass every call to the heap, as the runtime's own default does.
const bool Installed = [] {
  ts_set_allocator(arenaMalloc, arenaCalloc, arenaRealloc, arenaFree);
  return true;
}();

} // namespace

bool ParseArenaScope::switchedOff() {
  static const bool Off = switchedOffInEnvironment("PARAMLINT_PARSE_ARENA");
  return Off;
}

ParseArenaScope::ParseArenaScope() {
  (void)Installed;
  if (Here.Active || switchedOff())
    return;
  Outer = true;
  Here.Active = true;
}

ParseArenaScope::~ParseArenaScope() {
  if (!Outer)
    return;
  if (Here.Parser)
    ts_parser_delete(Here.Parser);
  Here.Parser = nullptr;
  Here.Active = false;
  Here.Space.rewind();
}

bool ParseArenaScope::active() { return Here.Active; }

TSParser *ParseArenaScope::parser() {
  if (!Here.Active)
    return nullptr;
  if (!Here.Parser) {
    Here.Parser = ts_parser_new();
    ts_parser_set_language(Here.Parser, parseLanguage());
    useLexerFastPath(Here.Parser);
  }
  return Here.Parser;
}

bool ParseArenaScope::owns(const void *P) {
  return Here.Active && Here.Space.owns(P);
}

} // namespace py
} // namespace paramlint
