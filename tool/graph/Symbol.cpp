//===- graph/Symbol.cpp - A name stored once per process ------------------===//
#include "graph/Symbol.h"

#include <deque>
#include <mutex>
#include <unordered_map>

namespace paramlint {
namespace {

/// One part of the table. Names are spread over shards by hash so that the
/// extraction workers rarely wait for each other's lock.
struct Shard {
  std::mutex Lock;
  std::deque<std::string> Texts; ///< Stable addresses.
  std::unordered_map<std::string_view, const std::string *> Index;
};

constexpr size_t ShardCount = 32;

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
  Shard &Sh = shards()[Hash % ShardCount];
  std::lock_guard<std::mutex> Guard(Sh.Lock);
  auto It = Sh.Index.find(Text);
  if (It != Sh.Index.end()) {
    S = It->second;
    return;
  }
  const std::string &Stored = Sh.Texts.emplace_back(Text);
  Sh.Index.emplace(std::string_view(Stored), &Stored);
  S = &Stored;
}

} // namespace paramlint
