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

/// One part of the table. Names are spread over shards by hash so that the
/// extraction workers rarely wait for each other's lock.
///
/// The index is open addressing over (hash, text) pairs rather than a
/// std::unordered_map: a lookup reads one slot array entry and, on a hash
/// match, the text, instead of walking a bucket's node list. Interning runs
/// for every name of every fact, about 1.5 million times on the benchmark
/// corpus, and the node walk's cache misses were 3-4% of a run.
class Shard {
public:
  const std::string *intern(std::string_view Text, size_t Hash) {
    std::lock_guard<std::mutex> Guard(Lock);
    if (Slots.empty())
      Slots.resize(256);
    size_t Mask = Slots.size() - 1;
    for (size_t I = probeStart(Hash) & Mask;; I = (I + 1) & Mask) {
      Slot &S = Slots[I];
      if (!S.Text) {
        const std::string *Stored = &Texts.emplace_back(Text);
        S = Slot{Hash, Stored};
        if (++Used * 2 > Slots.size())
          grow();
        return Stored;
      }
      if (S.Hash == Hash && S.Text->size() == Text.size() &&
          std::memcmp(S.Text->data(), Text.data(), Text.size()) == 0)
        return S.Text;
    }
  }

private:
  struct Slot {
    size_t Hash = 0;
    const std::string *Text = nullptr; ///< Null: free.
  };

  /// The low bits chose the shard; the slot comes from the others.
  static size_t probeStart(size_t Hash) { return Hash >> ShardBits; }

  void grow() {
    std::vector<Slot> Old(Slots.size() * 2);
    Old.swap(Slots);
    size_t Mask = Slots.size() - 1;
    for (const Slot &S : Old) {
      if (!S.Text)
        continue;
      size_t I = probeStart(S.Hash) & Mask;
      while (Slots[I].Text)
        I = (I + 1) & Mask;
      Slots[I] = S;
    }
  }

  std::mutex Lock;
  std::deque<std::string> Texts; ///< Stable addresses.
  std::vector<Slot> Slots;       ///< A power of two long, at most half full.
  size_t Used = 0;
};

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
  S = shards()[Hash & (ShardCount - 1)].intern(Text, Hash);
}

} // namespace paramlint
