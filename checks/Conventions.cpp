//===- checks/Conventions.cpp - Naming conventions of norm parameters -----===//
#include "checks/Conventions.h"

#include "EmbeddedToml.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>

#include <toml++/toml.h>

namespace paramlint {

extern const char kConventionsToml[];

namespace {
std::vector<std::string> stringList(const toml::node_view<const toml::node> &N) {
  std::vector<std::string> Out;
  if (const auto *Arr = N.as_array())
    for (const auto &E : *Arr)
      if (auto S = E.value<std::string>())
        Out.push_back(*S);
  return Out;
}
} // namespace

const Conventions &Conventions::builtin() {
  static const Conventions Table = [] {
    Conventions C;
    const toml::table T = parseEmbeddedToml(kConventionsToml, "conventions.toml");
    C.ScaleNames = stringList(T["roles"]["scale"]);
    C.ShiftNames = stringList(T["roles"]["shift"]);
    C.RunningStatNames = stringList(T["roles"]["running-stat"]);
    if (const auto *Arr = T["convention"].as_array())
      for (const auto &E : *Arr)
        if (const auto *Row = E.as_table())
          C.Libraries.push_back({(*Row)["name"].value_or(std::string()),
                                 (*Row)["scale"].value_or(std::string()),
                                 (*Row)["shift"].value_or(std::string()),
                                 (*Row)["id"].value_or(std::string())});
    return C;
  }();
  return Table;
}

namespace {
/// The table a run installed; null: the built-in one. Workers of the run
/// (extraction, the C++ frontend's threads) read it, so it is process-wide
/// rather than thread-local.
std::atomic<const Conventions *> CurrentTable{nullptr};
} // namespace

const Conventions &Conventions::current() {
  const Conventions *T = CurrentTable.load(std::memory_order_acquire);
  return T ? *T : builtin();
}

const Conventions *Conventions::setCurrent(const Conventions *Table) {
  return CurrentTable.exchange(Table, std::memory_order_acq_rel);
}

const NamingConvention *Conventions::findConvention(std::string_view Id) const {
  for (const NamingConvention &C : Libraries)
    if (C.Id == Id)
      return &C;
  return nullptr;
}

void Conventions::addAlias(Role R, const std::string &Name) {
  if (roleOf(Name) != Role::Other)
    return;
  switch (R) {
  case Role::Scale:
    ScaleNames.push_back(Name);
    break;
  case Role::Shift:
    ShiftNames.push_back(Name);
    break;
  case Role::RunningStat:
    RunningStatNames.push_back(Name);
    break;
  case Role::Other:
    break;
  }
}

Role Conventions::roleOf(std::string_view Name) const {
  auto In = [&](const std::vector<std::string> &L) {
    return std::find(L.begin(), L.end(), Name) != L.end();
  };
  if (In(ScaleNames))
    return Role::Scale;
  if (In(ShiftNames))
    return Role::Shift;
  if (In(RunningStatNames))
    return Role::RunningStat;
  return Role::Other;
}

const std::vector<std::string> &Conventions::namesOf(Role R) const {
  static const std::vector<std::string> None;
  switch (R) {
  case Role::Scale:
    return ScaleNames;
  case Role::Shift:
    return ShiftNames;
  case Role::RunningStat:
    return RunningStatNames;
  case Role::Other:
    break;
  }
  return None;
}

Role Conventions::roleOfKey(std::string_view Key) const {
  size_t Cut = Key.find_last_of("./");
  return roleOf(Cut == std::string_view::npos ? Key : Key.substr(Cut + 1));
}

} // namespace paramlint
