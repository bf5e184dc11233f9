//===- graph/Symbol.cpp - A name stored once per process ------------------===//
#include "graph/Symbol.h"

#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

namespace paramlint {
namespace {

/// Shards: the low bits of a name's hash pick one.
constexpr unsigned ShardBits = 5;
constexpr size_t ShardCount = size_t(1) << ShardBits;

/// Interned texts by hash: open addressing over (hash, text) slots rather
/// than a std::unordered_map, so that a lookup reads one slot and, on a
/// hash match, the text, instead of walking a bucket's node list.
/// Interning runs for every name of every fact (about 1.5 million times on
/// the benchmark corpus), and the node walk's cache misses were 3-4% of a
/// run. Not synchronised: a shard guards its own, a thread's is its own.
class NameIndex {
public:
  /// Skip: low bits of the hash that chose this index among others and so
  /// are the same for every name in it.
  explicit NameIndex(unsigned Skip, size_t FirstSize)
      : Skip(Skip), FirstSize(FirstSize) {}

  /// The stored text equal to Text, or null.
  const std::string *find(std::string_view Text, size_t Hash) const {
    if (Slots.empty())
      return nullptr;
    size_t Mask = Slots.size() - 1;
    for (size_t I = (Hash >> Skip) & Mask;; I = (I + 1) & Mask) {
      const Slot &S = Slots[I];
      if (!S.Text)
        return nullptr;
      if (S.Hash == Hash && S.Text->size() == Text.size() &&
          std::memcmp(S.Text->data(), Text.data(), Text.size()) == 0)
        return S.Text;
    }
  }

  /// Adds Text, which find() does not know.
  void add(const std::string *Text, size_t Hash) {
    if (Slots.empty())
      Slots.resize(FirstSize);
    place(Slot{Hash, Text});
    if (++Used * 2 > Slots.size()) {
      std::vector<Slot> Old(Slots.size() * 2);
      Old.swap(Slots);
      for (const Slot &S : Old)
        if (S.Text)
          place(S);
    }
  }

private:
  struct Slot {
    size_t Hash = 0;
    const std::string *Text = nullptr; ///< Null: free.
  };
  void place(Slot New) {
    size_t Mask = Slots.size() - 1;
    size_t I = (New.Hash >> Skip) & Mask;
    while (Slots[I].Text)
      I = (I + 1) & Mask;
    Slots[I] = New;
  }

  unsigned Skip;
  size_t FirstSize;
  std::vector<Slot> Slots; ///< A power of two long, at most half full.
  size_t Used = 0;
};

/// One part of the process-wide table. Names are spread over shards by hash
/// so that the extraction workers rarely wait for each other's lock.
///
/// Each shard has cache lines of its own: neighbouring shards' locks and
/// slot arrays would otherwise share lines that two workers write.
class alignas(64) Shard {
public:
  const std::string *intern(std::string_view Text, size_t Hash) {
    std::lock_guard<std::mutex> Guard(Lock);
    if (const std::string *Known = Index.find(Text, Hash))
      return Known;
    const std::string *Stored = &Texts.emplace_back(Text);
    Index.add(Stored, Hash);
    return Stored;
  }

private:
  std::mutex Lock;
  std::deque<std::string> Texts; ///< Stable addresses.
  NameIndex Index{ShardBits, 256};
};

/// The names one thread has interned, without a lock. Nearly every lookup
/// is a name seen before (1.5 million lookups, 39 thousand texts on the
/// benchmark corpus), and a hit here reads only this thread's memory, where
/// a shard's lock and slots move between the cores whenever the workers
/// take turns on it.
using ThreadIndex = NameIndex;

Shard *shards() {
  // Never destroyed: a Symbol may be read during static destruction.
  static Shard *All = new Shard[ShardCount];
  return All;
}

} // namespace

const std::string &Symbol::emptyText() {
  static const std::string *Empty = new std::string();
  return *Empty;
}

Symbol::Symbol(std::string_view Text) {
  if (Text.empty()) {
    S = &emptyText();
    return;
  }
  size_t Hash = std::hash<std::string_view>()(Text);
  thread_local ThreadIndex Mine{0, 1024};
  if (const std::string *Seen = Mine.find(Text, Hash)) {
    S = Seen;
    return;
  }
  S = shards()[Hash & (ShardCount - 1)].intern(Text, Hash);
  Mine.add(S, Hash);
}

} // namespace paramlint
