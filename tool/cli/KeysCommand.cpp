//===- cli/KeysCommand.cpp - `paramlint keys` -----------------------------===//
///
/// \file
/// Lists the tensors of checkpoint files (name, dtype, shape) and the norm
/// naming conventions their keys follow. Header-only: a 10 GiB file lists
/// as fast as a small one. Files that cannot be read are reported on
/// stderr (naming the file and what is wrong) and make the exit code 2;
/// the others are still listed.
///
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

#include "checkpoint/Checkpoint.h"
#include "checkpoint/KeyConventions.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace paramlint {
namespace {

void writeText(std::ostream &OS, const CheckpointInfo &Info,
               const std::vector<ConventionUse> &Uses) {
  OS << Info.Path << ": " << Info.Format << ", " << Info.Tensors.size()
     << (Info.Tensors.size() == 1 ? " tensor\n" : " tensors\n");
  size_t NameWidth = 0, TypeWidth = 0;
  for (const TensorInfo &T : Info.Tensors) {
    NameWidth = std::max(NameWidth, std::min<size_t>(T.Name.size(), 64));
    TypeWidth = std::max(TypeWidth, T.DType.size());
  }
  for (const TensorInfo &T : Info.Tensors) {
    OS << "  " << T.Name;
    OS << std::string(NameWidth > T.Name.size() ? NameWidth - T.Name.size() : 0,
                      ' ')
       << "  " << T.DType << std::string(TypeWidth - T.DType.size(), ' ') << "  "
       << shapeText(T.Shape) << "\n";
  }
  for (const auto &[Key, Value] : Info.Metadata)
    OS << "  metadata " << Key << " = " << Value << "\n";
  for (const ConventionUse &U : Uses)
    OS << "  norm parameters use `" << U.Scale << "/" << U.Shift << "` ("
       << U.Library << "): " << U.Groups
       << (U.Groups == 1 ? " group" : " groups") << ", e.g. `" << U.Example
       << "`\n";
  if (Uses.size() > 1)
    OS << "  note: the keys mix " << Uses.size() << " naming conventions\n";
}

nlohmann::json toJson(const CheckpointInfo &Info,
                      const std::vector<ConventionUse> &Uses) {
  nlohmann::json Tensors = nlohmann::json::array();
  for (const TensorInfo &T : Info.Tensors)
    Tensors.push_back({{"name", T.Name},
                       {"dtype", T.DType},
                       {"shape", T.Shape},
                       {"offset", T.Offset},
                       {"bytes", T.Bytes}});
  nlohmann::json Conventions = nlohmann::json::array();
  for (const ConventionUse &U : Uses)
    Conventions.push_back({{"library", U.Library},
                           {"scale", U.Scale},
                           {"shift", U.Shift},
                           {"groups", U.Groups},
                           {"example", U.Example}});
  return {{"path", Info.Path},
          {"format", Info.Format},
          {"tensors", std::move(Tensors)},
          {"metadata", Info.Metadata},
          {"conventions", std::move(Conventions)}};
}

class KeysCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "keys", "List the tensors of checkpoint files (header only)");
    C->add_option("files", Files,
                  "safetensors (or its .index.json), GGUF, .npy/.npz, torch zip")
        ->required();
    C->add_option("--format", Format, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
    return C;
  }

  int run() override {
    bool Failed = false;
    nlohmann::json All = nlohmann::json::array();
    for (const std::string &File : Files) {
      auto Info = readCheckpoint(File);
      if (!Info) {
        reportError(Info.takeError());
        Failed = true;
        continue;
      }
      auto Uses = conventionsUsed(*Info);
      if (Format == "json")
        All.push_back(toJson(*Info, Uses));
      else
        writeText(std::cout, *Info, Uses);
    }
    if (Format == "json")
      std::cout << All.dump(2, ' ', false,
                            nlohmann::json::error_handler_t::replace)
                << "\n";
    std::cout.flush();
    if (!std::cout)
      return ExitError;
    return Failed ? ExitError : ExitClean;
  }

private:
  std::vector<std::string> Files;
  std::string Format = "text";
};

} // namespace

std::unique_ptr<Command> makeKeysCommand() {
  return std::make_unique<KeysCommand>();
}

} // namespace paramlint
