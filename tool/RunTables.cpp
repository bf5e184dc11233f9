//===- RunTables.cpp - The tables of one run, as a config extends them ----===//
#include "RunTables.h"

namespace paramlint {

bool ConfigLibraryClass::operator==(const ConfigLibraryClass &O) const {
  return Name == O.Name && IsNorm == O.IsNorm && Like == O.Like &&
         Params == O.Params && Buffers == O.Buffers && Attributes == O.Attributes;
}

namespace {

/// The library class a config row describes, roles judged by Conv (which
/// already holds the config's aliases).
LibraryClass libraryClassOf(const ConfigLibraryClass &Row, const Conventions &Conv) {
  LibraryClass Out;
  if (!Row.Like.empty())
    if (const LibraryClass *Like = LibraryTable::builtin().find(Row.Like))
      Out = *Like;
  Out.Name = Row.Name;
  Out.IsNorm = Row.IsNorm.value_or(Out.IsNorm);
  Out.Stateless = false;
  auto RoleOf = [&](const std::string &Slot, SlotKind Kind) {
    if (!Out.IsNorm)
      return Role::Other;
    Role R = Conv.roleOf(Slot);
    // A parameter is never a running statistic (as the linker decides for
    // project classes).
    return Kind == SlotKind::Parameter && R == Role::RunningStat ? Role::Other : R;
  };
  if (Row.Params) {
    Out.Slots.clear();
    for (const std::string &P : *Row.Params)
      Out.Slots.push_back(LibrarySlot{P, SlotKind::Parameter,
                                      RoleOf(P, SlotKind::Parameter), {}});
  } else {
    // Like's slots, with their roles judged again: the row may say norm
    // where Like does not, or the other way round.
    for (LibrarySlot &S : Out.Slots)
      S.TheRole = RoleOf(S.Name, S.Kind);
  }
  for (const std::string &B : Row.Buffers)
    Out.Slots.push_back(LibrarySlot{B, SlotKind::Buffer, RoleOf(B, SlotKind::Buffer), {}});
  Out.Attributes.insert(Row.Attributes.begin(), Row.Attributes.end());
  return Out;
}

} // namespace

std::shared_ptr<const ExtendedTables> extendTables(const TableExtensions &E) {
  auto T = std::make_shared<ExtendedTables>();
  T->Conv = Conventions::builtin();
  for (const auto &[R, Name] : E.Aliases)
    T->Conv.addAlias(R, Name);
  std::vector<LibraryClass> Extra;
  for (const ConfigLibraryClass &Row : E.LibraryClasses)
    Extra.push_back(libraryClassOf(Row, T->Conv));
  T->Library = LibraryTable::builtin().extendedWith(std::move(Extra));
  return T;
}

ScopedTables::ScopedTables(std::shared_ptr<const ExtendedTables> Tables)
    : Tables(std::move(Tables)) {
  if (!this->Tables)
    return;
  PreviousConv = Conventions::setCurrent(&this->Tables->Conv);
  PreviousLibrary = LibraryTable::setCurrent(this->Tables->Library.get());
}

ScopedTables::~ScopedTables() {
  if (!Tables)
    return;
  Conventions::setCurrent(PreviousConv);
  LibraryTable::setCurrent(PreviousLibrary);
}

} // namespace paramlint
