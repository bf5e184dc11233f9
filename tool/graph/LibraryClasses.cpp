//===- graph/LibraryClasses.cpp - The torch.nn classes paramlint knows ----===//
#include "graph/LibraryClasses.h"

#include "EmbeddedToml.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <toml++/toml.h>

namespace paramlint {

extern const char kTorchNnToml[];

namespace {

SlotKind slotKindFrom(const std::string &S) {
  return S == "buffer" ? SlotKind::Buffer : SlotKind::Parameter;
}

/// Reads flags, slots, attributes and expansion flags from one table (a
/// class row or a template) into Class.
void readShape(const toml::table &T, LibraryClass &Class) {
  if (const auto *Flags = T["flags"].as_array())
    for (const auto &E : *Flags) {
      const auto *F = E.as_table();
      if (!F)
        continue;
      LibraryFlag Flag;
      Flag.Name = (*F)["name"].value_or(std::string());
      Flag.Position = (*F)["position"].value_or(-1);
      Flag.DefaultBool = (*F)["default"].value_or(true);
      if (auto I = (*F)["default_int"].value<int>())
        Flag.DefaultInt = *I;
      Class.Flags.push_back(Flag);
    }
  if (const auto *Slots = T["slots"].as_array())
    for (const auto &E : *Slots) {
      const auto *S = E.as_table();
      if (!S)
        continue;
      LibrarySlot Slot;
      Slot.Name = (*S)["name"].value_or(std::string());
      Slot.Kind = slotKindFrom((*S)["kind"].value_or(std::string("parameter")));
      Slot.TheRole =
          roleFromName((*S)["role"].value_or(std::string())).value_or(Role::Other);
      if (const auto *When = (*S)["when"].as_array())
        for (const auto &W : *When)
          if (auto Name = W.value<std::string>())
            Slot.When.push_back(*Name);
      Class.Slots.push_back(Slot);
    }
  if (const auto *Attrs = T["attributes"].as_array())
    for (const auto &E : *Attrs)
      if (auto Name = E.value<std::string>())
        Class.Attributes.insert(*Name);
  if (auto L = T["layers"].value<std::string>())
    Class.LayersFlag = *L;
  if (auto D = T["directions"].value<std::string>())
    Class.DirectionsFlag = *D;
}

/// The literal text passed for a flag, if any (keyword wins over position).
std::optional<std::optional<std::string>> argumentFor(const LibraryFlag &Flag,
                                                      const CallArgs &Args) {
  for (const auto &[Name, Value] : Args.Keyword)
    if (Name == Flag.Name)
      return Value;
  if (Flag.Position >= 0 &&
      static_cast<size_t>(Flag.Position) < Args.Positional.size())
    return Args.Positional[Flag.Position];
  return std::nullopt;
}

/// A flag's value: true/false, or nullopt when the argument is not literal.
std::optional<bool> boolFlag(const LibraryFlag &Flag, const CallArgs &Args) {
  auto Arg = argumentFor(Flag, Args);
  if (!Arg)
    return Flag.DefaultBool;
  if (!*Arg)
    return std::nullopt;
  const std::string &Text = **Arg;
  if (Text == "True" || Text == "1")
    return true;
  if (Text == "False" || Text == "0" || Text == "None")
    return false;
  return std::nullopt;
}

std::optional<int> intFlag(const LibraryFlag &Flag, const CallArgs &Args) {
  auto Arg = argumentFor(Flag, Args);
  if (!Arg)
    return Flag.DefaultInt;
  if (!*Arg || (*Arg)->empty() ||
      !std::all_of((*Arg)->begin(), (*Arg)->end(), ::isdigit) ||
      (*Arg)->size() > 4)
    return std::nullopt;
  return std::stoi(**Arg);
}

void replaceAll(std::string &S, const std::string &From, const std::string &To) {
  for (size_t P = S.find(From); P != std::string::npos;
       P = S.find(From, P + To.size()))
    S.replace(P, From.size(), To);
}

} // namespace

const LibraryTable &LibraryTable::builtin() {
  static const LibraryTable Table = [] {
    LibraryTable L;
    const toml::table T = parseEmbeddedToml(kTorchNnToml, "torch_nn.toml");
    if (const auto *Rows = T["class"].as_array())
      for (const auto &E : *Rows) {
        const auto *Row = E.as_table();
        if (!Row)
          continue;
        auto Class = std::make_unique<LibraryClass>();
        Class->Name = (*Row)["name"].value_or(std::string());
        Class->IsNorm = (*Row)["norm"].value_or(false);
        if (auto Like = (*Row)["like"].value<std::string>())
          if (const auto *Tmpl = T["template"][*Like].as_table())
            readShape(*Tmpl, *Class);
        readShape(*Row, *Class);
        L.Classes.push_back(std::move(Class));
      }
    if (const auto *Names = T["stateless"]["names"].as_array())
      for (const auto &E : *Names)
        if (auto Name = E.value<std::string>()) {
          // The same stateless modules in libtorch's C++ frontend.
          for (const char *Prefix : {"torch.nn.", "torch::nn::"}) {
            auto Class = std::make_unique<LibraryClass>();
            Class->Name = Prefix + *Name;
            Class->Stateless = true;
            L.Classes.push_back(std::move(Class));
          }
        }
    return L;
  }();
  return Table;
}

namespace {
/// The table a run installed; null: the built-in one (process-wide: the
/// run's worker threads read it too).
std::atomic<const LibraryTable *> CurrentTable{nullptr};
} // namespace

const LibraryTable &LibraryTable::current() {
  const LibraryTable *T = CurrentTable.load(std::memory_order_acquire);
  return T ? *T : builtin();
}

const LibraryTable *LibraryTable::setCurrent(const LibraryTable *Table) {
  return CurrentTable.exchange(Table, std::memory_order_acq_rel);
}

std::unique_ptr<LibraryTable>
LibraryTable::extendedWith(std::vector<LibraryClass> Extra) const {
  auto Out = std::make_unique<LibraryTable>();
  // find() takes the first match: the extra classes come first.
  for (LibraryClass &C : Extra)
    Out->Classes.push_back(std::make_unique<LibraryClass>(std::move(C)));
  for (const auto &C : Classes)
    Out->Classes.push_back(std::make_unique<LibraryClass>(*C));
  return Out;
}

const LibraryClass *LibraryTable::find(const std::string &QualifiedName) const {
  std::string Name = canonicalTorchName(QualifiedName);
  for (const auto &C : Classes)
    if (C->Name == Name)
      return C.get();
  return nullptr;
}

std::unique_ptr<ModuleNode>
LibraryTable::instantiate(const LibraryClass &Class,
                          const CallArgs &Args) const {
  auto Node = std::make_unique<ModuleNode>();
  Node->ClassName = Class.Name;
  Node->Library = &Class;
  Node->IsNorm = Class.IsNorm;

  std::map<std::string, std::optional<bool>> Flags;
  for (const auto &F : Class.Flags)
    if (!F.DefaultInt)
      Flags[F.Name] = boolFlag(F, Args);

  int Layers = 1;
  bool Bidirectional = false;
  for (const auto &F : Class.Flags) {
    if (F.Name == Class.LayersFlag) {
      std::optional<int> N = intFlag(F, Args);
      // An unknown layer count: the names exist for layer 0 at least; the
      // rest cannot be listed, so the node is open.
      if (!N)
        Node->Open = true;
      Layers = N.value_or(1);
    }
    if (F.Name == Class.DirectionsFlag) {
      std::optional<bool> B = Flags[F.Name];
      if (!B)
        Node->Open = true;
      Bidirectional = B.value_or(false);
    }
  }

  for (const LibrarySlot &S : Class.Slots) {
    bool Present = true, Conditional = false;
    for (const std::string &W : S.When) {
      auto It = Flags.find(W);
      if (It == Flags.end())
        continue;
      if (!It->second)
        Conditional = true;
      else if (!*It->second)
        Present = false;
    }
    if (!Present) {
      // Switched off, the name still exists on the instance (as None):
      // reading it is no error.
      Node->OtherNames.insert(S.Name);
      continue;
    }
    bool Expands = S.Name.find("{k}") != std::string::npos;
    for (int K = 0; K < (Expands ? Layers : 1); ++K)
      for (int Dir = 0; Dir < (Bidirectional ? 2 : 1); ++Dir) {
        std::string Name = S.Name;
        replaceAll(Name, "{k}", std::to_string(K));
        replaceAll(Name, "{dir}", Dir ? "_reverse" : "");
        SlotDef Def{Name, S.Kind, S.TheRole, Conditional, true, std::nullopt};
        size_t Dot = Name.find('.');
        if (Dot == std::string::npos) {
          Node->Slots.push_back(Def);
          continue;
        }
        // `out_proj.weight`: a library-internal submodule.
        std::string ChildName = Name.substr(0, Dot);
        Def.Name = Name.substr(Dot + 1);
        ModuleNode *Child = const_cast<ModuleNode *>(Node->child(ChildName));
        if (!Child) {
          auto New = std::make_unique<ModuleNode>();
          New->ClassName = "torch.nn.Linear";
          Child = New.get();
          Node->Children.emplace_back(ChildName, std::move(New));
        }
        Child->Slots.push_back(Def);
      }
  }
  Node->OtherNames.shrinkToFit();
  return Node;
}

bool LibraryTable::isModuleApi(const std::string &Name) {
  static const std::set<std::string> Api = {
      "T_destination", "add_module", "apply", "bfloat16", "buffers",
      "call_super_init", "children", "compile", "cpu", "cuda", "double",
      "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
      "get_extra_state", "get_parameter", "get_submodule", "half", "ipu",
      "load_state_dict", "modules", "named_buffers", "named_children",
      "named_modules", "named_parameters", "parameters", "register_buffer",
      "register_backward_hook", "register_forward_hook",
      "register_forward_pre_hook", "register_full_backward_hook",
      "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
      "register_module", "register_parameter", "register_state_dict_pre_hook",
      "_register_load_state_dict_pre_hook", "_register_state_dict_hook",
      "requires_grad_", "set_extra_state", "share_memory", "state_dict", "to",
      "to_empty", "train", "training", "type", "xpu", "zero_grad",
      "__call__", "__class__", "__dict__", "_modules", "_parameters",
      "_buffers", "_version", "_get_name",
      // Containers.
      "append", "extend", "insert", "pop", "keys", "values", "items",
      "update", "__len__", "__iter__", "__getitem__"};
  return Api.count(Name) != 0;
}

TorchContainer torchContainer(const std::string &QualifiedName) {
  std::string Name = canonicalTorchName(QualifiedName);
  // libtorch's C++ frontend: the same containers under `torch::nn::`, and
  // Cloneable<T>, the base every built-in module derives from.
  static const std::string CxxPrefix = "torch::nn::";
  if (Name.compare(0, CxxPrefix.size(), CxxPrefix) == 0) {
    std::string Last = Name.substr(CxxPrefix.size());
    if (Last == "Cloneable")
      return TorchContainer::Module;
    if (Last == "Module" || Last == "ModuleList" || Last == "Sequential" ||
        Last == "ModuleDict" || Last == "ParameterList" ||
        Last == "ParameterDict")
      Name = "torch.nn." + Last;
  }
  if (Name == "torch.nn.Module")
    return TorchContainer::Module;
  if (Name == "torch.nn.ModuleList")
    return TorchContainer::ModuleList;
  if (Name == "torch.nn.Sequential")
    return TorchContainer::Sequential;
  if (Name == "torch.nn.ModuleDict")
    return TorchContainer::ModuleDict;
  if (Name == "torch.nn.ParameterList")
    return TorchContainer::ParameterList;
  if (Name == "torch.nn.ParameterDict")
    return TorchContainer::ParameterDict;
  return TorchContainer::None;
}

std::string canonicalTorchName(const std::string &QualifiedName) {
  // torch.nn.modules.<file>.<Class> and torch.nn.parameter.Parameter are
  // the same classes torch.nn re-exports.
  static const std::string Prefix = "torch.nn.modules.";
  if (QualifiedName.compare(0, Prefix.size(), Prefix) == 0) {
    size_t Dot = QualifiedName.rfind('.');
    return "torch.nn." + QualifiedName.substr(Dot + 1);
  }
  return QualifiedName;
}

} // namespace paramlint
