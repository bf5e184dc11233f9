//===- python/SubtreeReader.cpp - A node's children, read directly --------===//

#include "python/SubtreeReader.h"

#include "python/EnvironmentSwitch.h"
#include "python/PythonSyntax.h"

// The grammar's generated header: the layout of its TSLanguage (alias
// sequences, field maps, symbol metadata), which the runtime reads too. It
// takes TSStateId from a newer api.h than the runtime's 0.20.7.
typedef uint16_t TSStateId;
#include "tree_sitter/parser.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" const TSLanguage *tree_sitter_python(void);

namespace paramlint {
namespace py {

namespace {

/// A position in the text, as the runtime keeps it: bytes, then row and
/// column.
struct Length {
  uint32_t Bytes;
  uint32_t Row;
  uint32_t Column;
};

/// The runtime's record of a subtree with children (and of the leaves that
/// do not fit in a word), in the 0.20.7 layout. Only the members the reader
/// reads are named; the self-check proves the offsets on the running
/// library.
struct HeapSubtree {
  uint32_t RefCount;
  Length Padding;
  Length Size;
  uint32_t LookaheadBytes;
  uint32_t ErrorCost;
  uint16_t ChildCount;
  TSSymbol Symbol;
  TSStateId ParseState;
  /// Bit 0 visible, bit 1 named, bit 2 extra, then flags not read here.
  uint16_t Flags;
  /// A union in the runtime whose largest member holds a pointer, hence
  /// the alignment; for a node with children it starts with these.
  alignas(8) uint32_t VisibleChildCount;
  uint32_t NamedChildCount;
  uint32_t NodeCount;
  int32_t DynamicPrecedence;
  uint16_t RepeatDepth;
  uint16_t ProductionId;
};
static_assert(offsetof(HeapSubtree, ChildCount) == 36, "0.20.7 layout");
static_assert(offsetof(HeapSubtree, Size) == SubtreeReader::HeapSizeOffset,
              "0.20.7 layout");
static_assert(offsetof(HeapSubtree, Symbol) == SubtreeReader::HeapSymbolOffset,
              "0.20.7 layout");
static_assert(offsetof(HeapSubtree, Flags) == 42, "0.20.7 layout");
static_assert(offsetof(HeapSubtree, VisibleChildCount) == 48, "0.20.7 layout");
static_assert(offsetof(HeapSubtree, ProductionId) == 66, "0.20.7 layout");

constexpr uint16_t VisibleBit = 1, NamedBit = 2, ExtraBit = 4;

/// One subtree slot of a children array: either a pointer to a HeapSubtree
/// or, when its lowest bit is set, a small leaf packed into the word itself
/// (byte 0: the inline bit, then visible, named, extra; byte 1 the symbol;
/// bytes 4-7 padding columns, padding rows in the low nibble, padding
/// bytes, size bytes; an inline leaf never spans a line). list() decodes
/// the word itself.
class Slot {
public:
  explicit Slot(const void *Where) { std::memcpy(&Word, Where, sizeof Word); }

  bool isInline() const { return Word & 1; }
  const HeapSubtree &heap() const {
    return *reinterpret_cast<const HeapSubtree *>(static_cast<uintptr_t>(Word));
  }
  uint32_t childCount() const { return isInline() ? 0 : heap().ChildCount; }
  uint32_t visibleChildCount() const {
    return childCount() ? heap().VisibleChildCount : 0;
  }

private:
  uint64_t Word;
};

/// Advances a position by a length, as the runtime adds them (in scalars:
/// see list()).
inline void advance(uint32_t &Bytes, uint32_t &Row, uint32_t &Column,
                    uint32_t ByBytes, uint32_t ByRows, uint32_t ByColumns) {
  Bytes += ByBytes;
  if (ByRows > 0) {
    Row += ByRows;
    Column = ByColumns;
  } else {
    Column += ByColumns;
  }
}

/// A probe for the self-check: every kind of child the frontend lists —
/// fields reached through hidden nodes, aliases, extras (comments, line
/// continuations), keywords used as names, and syntax errors.
constexpr const char *ProbeText = R"PY(# a comment
import os.path as p, sys
from .. import (a as b, c)
from x.y import *
from __future__ import annotations
@decorator(1)
class A(B, metaclass=M):
    """doc"""
    x: int = 3
    def f(self, a: int, b=2, *args, c: str = "s", **kw) -> None:
        self.w = nn.Linear(a, b)  # trailing comment
        if a is not None and b not in c:
            return [i for i in range(3) if i]
        elif x: pass
        else:
            y = lambda q: q + 1
        for i, blk in enumerate(self.blocks): blk.x[i].y += 2; continue
        while False: break
        try:
            z = {k: v for k, v in d.items()}
        except (ValueError, KeyError) as e:
            raise
        finally:
            del z
        with open(p) as fh, ctx() as g:
            print(f"{a!r:>{b}} and {c:{w}.{p}}" "more" 'x' b"\x00")
        match cmd:
            case [1, 2, *rest] as whole:
                pass
            case {"k": v, **other} | Point(x=0):
                pass
            case _:
                pass
        print >> sys.stderr, "x"
        exec("code")
        global G
        v = (yield from gen)
        return await foo(*args, **kw)
type Alias = list[int]
x = [*a, *b]; (*c,) = d; *e, f = g
if x: y = 1 \
  + 2
async def g():
    async for a in b: pass
foo(*(a, b))
[q for q in lambda: 1]
m = sd["h.%d" % i].weight[0:2, ...]
bad = (1 +
def h(: pass
)PY";

} // namespace

bool SubtreeReader::switchedOff() {
  return switchedOffInEnvironment("PARAMLINT_SUBTREE_READER");
}

SubtreeReader::SubtreeReader(const TSLanguage *Language) : Language(Language) {
  const uint32_t Productions = Language->production_id_count;
  auto Entries = [&](uint32_t P) {
    const TSFieldMapSlice Slice = Language->field_map_slices[P];
    const TSFieldMapEntry *B = Language->field_map_entries + Slice.index;
    return std::make_pair(B, B + Slice.length);
  };
  for (uint32_t P = 1; P < Productions; ++P)
    for (auto [E, End] = Entries(P); E != End; ++E)
      FieldStride = std::max<uint32_t>(FieldStride, E->child_index + 1u);
  FieldAt.assign(static_cast<size_t>(Productions) * FieldStride, 0);
  for (uint32_t P = 1; P < Productions; ++P)
    for (auto [E, End] = Entries(P); E != End; ++E) {
      TSFieldId &F = FieldAt[P * FieldStride + E->child_index];
      if (!E->inherited && F == 0)
        F = E->field_id;
    }
}

const SubtreeReader *SubtreeReader::get() {
  static const std::unique_ptr<SubtreeReader> Reader =
      []() -> std::unique_ptr<SubtreeReader> {
    const TSLanguage *L = tree_sitter_python();
    if (ts_language_version(L) != 14 || switchedOff())
      return nullptr;
    std::unique_ptr<SubtreeReader> R(new SubtreeReader(L));
    TSParser *Parser = ts_parser_new();
    ts_parser_set_language(Parser, L);
    TSTree *Tree = ts_parser_parse_string(
        Parser, nullptr, ProbeText,
        static_cast<uint32_t>(std::strlen(ProbeText)));
    bool Agrees = Tree && R->agreesWithCursor(Tree);
    ts_tree_delete(Tree);
    ts_parser_delete(Parser);
    return Agrees ? std::move(R) : nullptr;
  }();
  return Reader.get();
}

TSSymbol SubtreeReader::publicSymbol(TSSymbol Raw) const {
  if (Raw == ts_builtin_sym_error || Raw >= Language->symbol_count)
    return Raw;
  return Language->public_symbol_map[Raw];
}

uint32_t SubtreeReader::symbolCount() const { return Language->symbol_count; }

uint32_t SubtreeReader::childCount(TSNode N) const {
  if (!N.id)
    return 0;
  return Slot(N.id).visibleChildCount();
}

void SubtreeReader::list(TSNode N, ChildList &Out) const {
  Out.clear();
  if (!N.id)
    return;
  const Slot Top(N.id);
  if (Top.childCount() == 0)
    return;
  // The listing's length is the node's visible child count (the self-check
  // compares the two), so the vector grows at most once, here.
  Out.Kids.reserve(Top.heap().VisibleChildCount);
  // One level per subtree being read: N, then the hidden subtrees the walk
  // descends into (a hidden node's children are listed in its place, as the
  // cursor does). A child's field is its own in its parent's production,
  // else the field its hidden parent has in the level above.
  //
  // The level being read lives in scalar locals and each child is written
  // straight into Out: with the level as a struct copied on every descent
  // and the child built on the stack and copied into the vector, the loop
  // stalled on store forwarding (narrow stores read back as wide loads),
  // which was most of this function's time.
  struct Level {
    const uint64_t *Kids;
    uint32_t Count, Index, Structural;
    const TSSymbol *Aliases;
    const TSFieldId *Fields;
    TSFieldId Inherited;
    uint32_t Bytes, Row, Column;
  };
  const TSLanguage &Lang = *Language;
  llvm::SmallVector<Level, 8> Above;
  const uint64_t *Kids = nullptr;
  uint32_t Count = 0, Index = 0, Structural = 0;
  const TSSymbol *Aliases = nullptr; // Null for production 0 (no aliases, no fields).
  const TSFieldId *Fields = nullptr; // The production's row of FieldAt.
  TSFieldId Inherited = 0;
  // Where the last child ended (the first one starts where its parent does).
  uint32_t Bytes = N.context[0], Row = N.context[1], Column = N.context[2];
  auto Enter = [&](const HeapSubtree &H) {
    Kids = reinterpret_cast<const uint64_t *>(&H) - H.ChildCount;
    Count = H.ChildCount;
    Index = 0;
    Structural = 0;
    Aliases = nullptr;
    Fields = nullptr;
    if (const uint16_t Production = H.ProductionId) {
      Aliases = Lang.alias_sequences +
                static_cast<size_t>(Production) * Lang.max_alias_sequence_length;
      Fields = FieldAt.data() + static_cast<size_t>(Production) * FieldStride;
    }
  };
  Enter(Top.heap());
  while (true) {
    if (Index == Count) {
      if (Above.empty())
        return;
      const Level &L = Above.back();
      Kids = L.Kids;
      Count = L.Count;
      Index = L.Index;
      Structural = L.Structural;
      Aliases = L.Aliases;
      Fields = L.Fields;
      Inherited = L.Inherited;
      Bytes = L.Bytes;
      Row = L.Row;
      Column = L.Column;
      Above.pop_back();
      continue;
    }
    const uint64_t *Where = Kids + Index;
    const uint64_t W = *Where;
    // The child's padding and size, its flags and whether it has children
    // of its own, from the word (an inline leaf) or the record.
    uint32_t PadBytes, PadRows, PadColumns, SizeBytes, SizeRows, SizeColumns;
    uint16_t Flags;
    uint32_t Visible = 0;
    const HeapSubtree *H = nullptr;
    if (W & 1) {
      PadBytes = static_cast<uint32_t>((W >> 48) & 0xFF);
      PadRows = static_cast<uint32_t>((W >> 40) & 0xF);
      PadColumns = static_cast<uint32_t>((W >> 32) & 0xFF);
      SizeBytes = SizeColumns = static_cast<uint32_t>(W >> 56);
      SizeRows = 0;
      Flags = static_cast<uint16_t>((W >> 1) & 7);
    } else {
      H = reinterpret_cast<const HeapSubtree *>(static_cast<uintptr_t>(W));
      PadBytes = H->Padding.Bytes;
      PadRows = H->Padding.Row;
      PadColumns = H->Padding.Column;
      SizeBytes = H->Size.Bytes;
      SizeRows = H->Size.Row;
      SizeColumns = H->Size.Column;
      Flags = H->Flags;
      if (H->ChildCount)
        Visible = H->VisibleChildCount;
    }
    // A child starts after its padding, except the first, which starts
    // where its parent does (the parent's padding is the first child's).
    if (Index > 0)
      advance(Bytes, Row, Column, PadBytes, PadRows, PadColumns);
    const uint32_t AtBytes = Bytes, AtRow = Row, AtColumn = Column;
    ++Index;
    advance(Bytes, Row, Column, SizeBytes, SizeRows, SizeColumns);
    TSSymbol Alias = 0;
    TSFieldId Field = 0;
    if (!(Flags & ExtraBit)) {
      const uint32_t At = Structural++;
      Field = Inherited;
      if (Aliases) {
        Alias = Aliases[At];
        if (At < FieldStride && Fields[At])
          Field = Fields[At];
      }
    }
    if ((Flags & VisibleBit) || Alias) {
      Out.Kids.emplace_back(
          TSNode{{AtBytes, AtRow, AtColumn, Alias}, Where, N.tree}, Field,
          Alias ? Lang.symbol_metadata[Alias].named : (Flags & NamedBit) != 0,
          Visible > 0);
      continue;
    }
    if (Visible > 0) {
      // A level with nothing left after this child need not be resumed
      // (hidden wrappers are mostly last children).
      if (Index < Count)
        Above.push_back(Level{Kids, Count, Index, Structural, Aliases, Fields,
                              Inherited, Bytes, Row, Column});
      Inherited = Field;
      Bytes = AtBytes;
      Row = AtRow;
      Column = AtColumn;
      Enter(*H);
    }
  }
}

void SubtreeReader::listWithCursor(TSTreeCursor &Cursor, TSNode N,
                                   ChildList &Out) {
  Out.clear();
  if (ts_node_is_null(N))
    return;
  ts_tree_cursor_reset(&Cursor, N);
  if (!ts_tree_cursor_goto_first_child(&Cursor))
    return;
  do {
    TSNode C = ts_tree_cursor_current_node(&Cursor);
    Out.Kids.emplace_back(C, ts_tree_cursor_current_field_id(&Cursor),
                          ts_node_is_named(C), ts_node_child_count(C) != 0);
  } while (ts_tree_cursor_goto_next_sibling(&Cursor));
}

bool SubtreeReader::agreesWithCursor(const TSTree *Tree) const {
  TSTreeCursor Lister = ts_tree_cursor_new(ts_tree_root_node(Tree));
  ChildList Mine, Theirs;
  auto Same = [](const TSNode &A, const TSNode &B) {
    return A.id == B.id && A.tree == B.tree &&
           std::memcmp(A.context, B.context, sizeof A.context) == 0;
  };
  bool Agrees = true;
  forEachNodePreOrder(Tree, [&](TSNode N, TSFieldId) {
    if (!Agrees)
      return;
    list(N, Mine);
    listWithCursor(Lister, N, Theirs);
    Agrees = Mine.size() == Theirs.size() &&
             childCount(N) == ts_node_child_count(N) &&
             publicSymbol(rawSymbol(N)) == ts_node_symbol(N) &&
             endByte(N) == ts_node_end_byte(N);
    for (size_t I = 0; Agrees && I < Mine.size(); ++I) {
      const ChildList::Child &A = Mine.Kids[I], &B = Theirs.Kids[I];
      Agrees = Same(A.Node, B.Node) && A.Field == B.Field &&
               A.Named == B.Named && A.HasKids == B.HasKids;
    }
  });
  ts_tree_cursor_delete(&Lister);
  return Agrees;
}

} // namespace py
} // namespace paramlint
