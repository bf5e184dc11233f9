//===- cli/VerifyCommand.cpp - `paramlint verify OLD NEW` -----------------===//
///
/// \file
/// Runs two versions of a model's norm layers side by side
/// (verify/NormVerify.h) and prints, per layer, the two variants, max abs /
/// rel / ULP difference, bit-identity and the verdict, then a PL403 line
/// for every layer that differs. Exit 0 when every layer passes, 1 when
/// one differs or cannot be compared, 2 on a usage error. OLD may be
/// `git:REV`: the NEW paths as they are at REV.
///
//===----------------------------------------------------------------------===//
#include "cli/Command.h"

#include "fix/FixEngine.h"
#include "graph/ModulePaths.h"
#include "verify/NormVerify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace paramlint {
namespace {
namespace fs = std::filesystem;
using namespace harness;

nlohmann::json sideJson(const VerifySide &S) {
  nlohmann::json J{{"class", S.ClassName},
                   {"variant", S.Variant},
                   {"formula", S.Formula},
                   {"scale", S.ScaleKey.empty() ? nlohmann::json() : nlohmann::json(S.ScaleKey)},
                   {"shift", S.ShiftKey.empty() ? nlohmann::json() : nlohmann::json(S.ShiftKey)},
                   {"weights", S.WeightSource},
                   {"eps_origin", S.EpsOrigin},
                   {"precision", S.Precision}};
  if (S.Where && S.Where->File)
    J["location"] = formatLocation(*S.Where);
  return J;
}

nlohmann::json comparisonJson(const Comparison &C) {
  return {{"max_abs", C.MaxAbs},       {"max_rel", C.MaxRel},
          {"max_ulp", C.MaxUlp},       {"bit_identical", C.BitIdentical},
          {"mismatches", C.Mismatches}, {"count", C.Count},
          {"rtol", C.Tol.RTol},        {"atol", C.Tol.ATol}};
}

nlohmann::json reportJson(const VerifyReport &R, const std::string &OldArg,
                          const std::string &NewArg) {
  nlohmann::json Layers = nlohmann::json::array();
  size_t Counts[5] = {0, 0, 0, 0, 0};
  for (const VerifyLayer &L : R.Layers) {
    nlohmann::json J{{"path", L.Path},
                     {"width", L.Width},
                     {"width_source", L.WidthSource},
                     {"old", sideJson(L.Old)},
                     {"new", sideJson(L.New)},
                     {"verdict", L.verdict()},
                     {"passed", L.passed()}};
    if (!L.Error.empty())
      J["error"] = L.Error;
    if (L.Diff) {
      const LayerDiff &D = *L.Diff;
      J["compared_in"] = std::string(dtypeName(D.ComparedIn));
      J["overall"] = comparisonJson(D.Overall);
      nlohmann::json Probes = nlohmann::json::array();
      for (const ProbeDiff &P : D.Probes) {
        nlohmann::json PJ = comparisonJson(P.Result);
        PJ["probe"] = P.Probe;
        Probes.push_back(std::move(PJ));
      }
      J["probes"] = std::move(Probes);
      J["differences"] = D.SemanticDifferences;
      J["non_finite"] = {{"old", D.OldNonFinite.describe(D.ComparedIn)},
                         {"new", D.NewNonFinite.describe(D.ComparedIn)}};
      ++Counts[static_cast<int>(D.Outcome)];
    } else {
      ++Counts[4];
    }
    Layers.push_back(std::move(J));
  }
  nlohmann::json Diags = nlohmann::json::array();
  for (const Diagnostic &D : R.Diagnostics) {
    nlohmann::json J{{"code", D.Code}, {"message", D.Message}};
    if (D.Where.File)
      J["location"] = formatLocation(D.Where);
    nlohmann::json Notes = nlohmann::json::array();
    for (const Note &N : D.Notes)
      Notes.push_back(N.Where ? N.Message + " (" + formatLocation(*N.Where) + ")"
                              : N.Message);
    J["notes"] = std::move(Notes);
    Diags.push_back(std::move(J));
  }
  return {{"old", {{"input", OldArg}, {"model", R.OldModel}}},
          {"new", {{"input", NewArg}, {"model", R.NewModel}}},
          {"weights", R.WeightsFrom},
          {"layers", std::move(Layers)},
          {"only_old", R.OnlyOld},
          {"only_new", R.OnlyNew},
          {"summary",
           {{"layers", R.Layers.size()},
            {"bit_identical", Counts[0]},
            {"within_tolerance", Counts[1]},
            {"different", Counts[2]},
            {"non_finite", Counts[3]},
            {"errors", Counts[4]},
            {"passed", R.allPassed()}}},
          {"diagnostics", std::move(Diags)}};
}

void writeText(std::ostream &OS, const VerifyReport &R) {
  OS << "OLD model `" << R.OldModel << "`, NEW model `" << R.NewModel
     << "`; weights: " << R.WeightsFrom << "\n";
  size_t Counts[5] = {0, 0, 0, 0, 0};
  for (const VerifyLayer &L : R.Layers) {
    OS << "\n" << L.Path << "  (width " << L.Width << ", " << L.WidthSource
       << ")\n";
    for (auto [Name, S] : {std::pair{"old", &L.Old}, std::pair{"new", &L.New}}) {
      OS << "  " << Name << ": `" << S->ClassName << "` " << S->Variant;
      std::string Keys;
      for (const std::string &K : {S->ScaleKey, S->ShiftKey})
        if (!K.empty())
          Keys += (Keys.empty() ? "" : ", ") + K;
      if (!Keys.empty())
        OS << "\n       loads " << Keys << " (" << S->WeightSource << ")";
      // Where eps came from, when it is not written in the class itself.
      if (llvm::StringRef(S->EpsOrigin).startswith("config key") ||
          llvm::StringRef(S->EpsOrigin).startswith("--eps"))
        OS << "\n       eps: " << S->EpsOrigin;
      if (!S->Precision.empty())
        OS << "\n       precision: " << S->Precision;
      OS << "\n";
    }
    if (!L.Error.empty()) {
      OS << "  ERROR: " << L.Error << "\n";
      ++Counts[4];
      continue;
    }
    const LayerDiff &D = *L.Diff;
    ++Counts[static_cast<int>(D.Outcome)];
    OS << fmt::format("  max abs {:.3g}, max rel {:.3g}, max ulp {}, {}; "
                      "{}/{} outside rtol {:g} atol {:g} ({})\n",
                      D.Overall.MaxAbs, D.Overall.MaxRel, D.Overall.MaxUlp,
                      D.Overall.BitIdentical ? "bit-identical" : "not bit-identical",
                      D.Overall.Mismatches, D.Overall.Count, D.Overall.Tol.RTol,
                      D.Overall.Tol.ATol, dtypeName(D.ComparedIn));
    for (const ProbeDiff &P : D.Probes)
      if (!P.Result.pass())
        OS << fmt::format("    {}: max abs {:.3g}, max rel {:.3g}, {}/{} outside\n",
                          P.Probe, P.Result.MaxAbs, P.Result.MaxRel,
                          P.Result.Mismatches, P.Result.Count);
    for (const std::string &S : D.SemanticDifferences)
      OS << "  - " << S << "\n";
    for (auto [Name, N] : {std::pair{"old", &D.OldNonFinite}, std::pair{"new", &D.NewNonFinite}})
      if (N->any())
        OS << "  " << Name << " NaN/Inf: " << N->describe(D.ComparedIn) << "\n";
    OS << "  verdict: " << verdictName(D.Outcome) << "\n";
  }
  for (const std::string &P : R.OnlyOld)
    OS << "\n" << P << ": a norm layer only in OLD\n";
  for (const std::string &P : R.OnlyNew)
    OS << "\n" << P << ": a norm layer only in NEW\n";
  if (!R.Diagnostics.empty())
    OS << "\n";
  for (const Diagnostic &D : R.Diagnostics) {
    OS << (D.Where.File ? formatLocation(D.Where) + ": " : std::string()) << D.Code
       << " " << D.Message << "\n";
    for (const Note &N : D.Notes)
      OS << "  note: " << N.Message
         << (N.Where ? " (" + formatLocation(*N.Where) + ")" : std::string()) << "\n";
  }
  OS << fmt::format("\n{} layers: {} bit-identical, {} within tolerance, {} "
                    "DIFFERENT, {} NaN/Inf, {} not compared{}\n",
                    R.Layers.size(), Counts[0], Counts[1], Counts[2], Counts[3],
                    Counts[4],
                    R.OnlyOld.size() + R.OnlyNew.size()
                        ? fmt::format(", {} one-sided", R.OnlyOld.size() + R.OnlyNew.size())
                        : std::string());
}

/// Runs a command, returning its exit status.
int shell(const std::string &Cmd) { return std::system(Cmd.c_str()); }

std::string quote(const std::string &S) {
  std::string Out = "'";
  for (char C : S)
    Out += C == '\'' ? std::string("'\\''") : std::string(1, C);
  return Out + "'";
}

class VerifyCommand final : public Command {
public:
  CLI::App *add(CLI::App &Parent) override {
    CLI::App *C = Parent.add_subcommand(
        "verify", "Run the norm layers of two versions of a model side by side");
    C->add_option("old", Old,
                  "The old version: a file or directory, or git:REV (the NEW "
                  "paths as they are at REV)")
        ->required();
    C->add_option("new", New, "The new version: files or directories")->required();
    C->add_option("--checkpoint", Checkpoint,
                  "A checkpoint with the weights (either side's names): "
                  "safetensors, torch zip, .npy/.npz or GGUF");
    EpsOption = C->add_option("--eps", Eps,
                  "The eps of layers whose eps cannot be read statically (a "
                  "config key no config dict literal or config class defines)")
        ->check(CLI::PositiveNumber);
    C->add_option("--format", Format, "Output format")
        ->check(CLI::IsMember({"text", "json"}));
    C->add_option("--width", Options.AssumedWidth,
                  "Width to probe when no literal or checkpoint gives it (default 768)");
    C->add_option("-o,--output", Output, "Write the report to FILE");
    return C;
  }

  int run() override {
    if (Options.AssumedWidth == 0) {
      std::cerr << "error: --width must be at least 1\n";
      return ExitError;
    }
    for (const std::string &P : New)
      if (!fs::exists(P)) {
        std::cerr << "error: " << P << ": no such file or directory\n";
        return ExitError;
      }
    std::vector<std::string> OldPaths{Old};
    std::string TempRoot;
    if (Old.rfind("git:", 0) == 0) {
      auto Paths = checkoutOld(Old.substr(4), TempRoot);
      if (!Paths) {
        std::cerr << "error: " << llvm::toString(Paths.takeError()) << "\n";
        return ExitError;
      }
      OldPaths = *Paths;
    } else if (!fs::exists(Old)) {
      std::cerr << "error: " << Old << ": no such file or directory\n";
      return ExitError;
    }
    Options.Checkpoint = Checkpoint;
    if (EpsOption->count())
      Options.Eps = Eps;
    auto R = verifyNorms(OldPaths, New, Options);
    if (!TempRoot.empty()) {
      std::error_code Ec;
      fs::remove_all(TempRoot, Ec);
    }
    if (!R)
      return reportError(R.takeError());
    std::string NewArg;
    for (const std::string &P : New)
      NewArg += (NewArg.empty() ? "" : " ") + P;
    int Written = writeOutput(Output, [&](std::ostream &OS) {
      if (Format == "json")
        OS << reportJson(*R, Old, NewArg).dump(2) << "\n";
      else
        writeText(OS, *R);
    });
    if (Written)
      return Written;
    return R->allPassed() ? ExitClean : ExitFindings;
  }

private:
  /// Writes the NEW paths as they are at Rev into a temporary directory
  /// (same relative layout) and returns them there.
  llvm::Expected<std::vector<std::string>> checkoutOld(const std::string &Rev,
                                                       std::string &TempRoot) {
    if (Rev.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "git: needs a revision (git:HEAD)");
    char Template[] = "/tmp/paramlint-verify-XXXXXX";
    if (!mkdtemp(Template))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot create a temporary directory");
    TempRoot = Template;
    std::vector<std::string> Out;
    for (const std::string &P : New) {
      std::error_code Ec;
      fs::path Abs = fs::absolute(P, Ec).lexically_normal();
      fs::path Dir = fs::is_directory(Abs) ? Abs : Abs.parent_path();
      std::string Top = TempRoot + "/top";
      if (shell("git -C " + quote(Dir.string()) +
                " rev-parse --show-toplevel > " + quote(Top) + " 2>/dev/null") != 0)
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "%s is not in a git repository", P.c_str());
      std::string Root;
      {
        std::ifstream In(Top);
        std::getline(In, Root);
      }
      fs::path Rel = Abs.lexically_relative(fs::path(Root));
      fs::path Dest = fs::path(TempRoot) / "tree";
      fs::create_directories(Dest, Ec);
      std::string Cmd = "git -C " + quote(Root) + " archive " + quote(Rev) + " -- " +
                        quote(Rel.empty() || Rel == "." ? "." : Rel.string()) +
                        " | tar -x -C " + quote(Dest.string()) + " 2>/dev/null";
      if (shell(Cmd) != 0 ||
          !fs::exists(Dest / Rel, Ec))
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "%s does not exist at %s", P.c_str(),
                                       Rev.c_str());
      Out.push_back((Dest / Rel).string());
    }
    return Out;
  }

  std::string Old;
  std::vector<std::string> New;
  std::string Checkpoint, Format = "text", Output;
  VerifyOptions Options;
  double Eps = 0;
  CLI::Option *EpsOption = nullptr;
};

} // namespace

int verifyFixes(const std::vector<std::string> &Paths, const FixResult &R) {
  if (R.Changes.empty())
    return ExitClean;
  VerifyOptions O;
  for (const FileChange &C : R.Changes) {
    std::string Key = absolutePath(C.Path).string();
    O.OldContents[Key] = C.Before;
    O.NewContents[Key] = C.After;
  }
  auto Report = verifyNorms(Paths, Paths, O);
  if (!Report) {
    // No norm layers: nothing to verify.
    std::cerr << "paramlint: verify: " << llvm::toString(Report.takeError()) << "\n";
    return ExitClean;
  }
  std::cerr << "paramlint: verify: the norm layers before and after the fixes\n";
  writeText(std::cerr, *Report);
  return Report->allPassed() ? ExitClean : ExitFindings;
}

std::unique_ptr<Command> makeVerifyCommand() {
  return std::make_unique<VerifyCommand>();
}

} // namespace paramlint
