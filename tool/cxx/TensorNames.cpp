//===- cxx/TensorNames.cpp - Tensor names in C++ loaders ------------------===//
#include "cxx/TensorNames.h"

#include "checks/Conventions.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace paramlint {

std::string roleFromFieldName(std::string_view Field) {
  auto Lower = [](std::string_view S) {
    std::string Out;
    for (char C : S)
      Out += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
    return Out;
  };
  std::string Name = Lower(Field);
  size_t Cut = Name.rfind('_');
  if (Cut != std::string::npos && Cut + 1 < Name.size()) {
    switch (Conventions::current().roleOf(Name.substr(Cut + 1))) {
    case Role::Scale:
      return "scale";
    case Role::Shift:
      return "shift";
    default:
      break;
    }
  }
  // `output_norm`, `attn_norm`: a norm held as its weight alone.
  if (Name.size() >= 4 && Name.compare(Name.size() - 4, 4, "norm") == 0)
    return "scale";
  return "";
}

namespace {

void addPiece(std::vector<TemplatePiece> *Pieces, std::string &Run,
              size_t &RunStart) {
  if (Pieces && !Run.empty())
    Pieces->push_back({Run, RunStart});
  Run.clear();
}

} // namespace

std::string printfTemplateToPattern(std::string_view Fmt,
                                    std::vector<TemplatePiece> *Pieces) {
  std::string Out, Run;
  size_t RunStart = 0;
  for (size_t I = 0; I < Fmt.size();) {
    if (Fmt[I] != '%') {
      if (Run.empty())
        RunStart = I;
      Run += Fmt[I];
      Out += Fmt[I++];
      continue;
    }
    if (I + 1 < Fmt.size() && Fmt[I + 1] == '%') {
      // A literal percent: the piece stops, since its text is not the
      // source's (two characters in the source, one in the key).
      addPiece(Pieces, Run, RunStart);
      Out += '%';
      I += 2;
      continue;
    }
    addPiece(Pieces, Run, RunStart);
    // Flags, width, precision, length, then the conversion letter.
    size_t J = I + 1;
    while (J < Fmt.size() && std::strchr("-+ #0123456789.*hlLqjzt'", Fmt[J]))
      ++J;
    if (J < Fmt.size())
      ++J;
    Out += '*';
    I = J;
  }
  addPiece(Pieces, Run, RunStart);
  return collapseWildcards(Out);
}

std::string braceTemplateToPattern(std::string_view Fmt,
                                   std::vector<TemplatePiece> *Pieces) {
  std::string Out, Run;
  size_t RunStart = 0;
  for (size_t I = 0; I < Fmt.size();) {
    char C = Fmt[I];
    if ((C == '{' || C == '}') && I + 1 < Fmt.size() && Fmt[I + 1] == C) {
      addPiece(Pieces, Run, RunStart);
      Out += C;
      I += 2;
      continue;
    }
    if (C == '{') {
      addPiece(Pieces, Run, RunStart);
      size_t Close = Fmt.find('}', I);
      I = Close == std::string_view::npos ? Fmt.size() : Close + 1;
      Out += '*';
      continue;
    }
    if (Run.empty())
      RunStart = I;
    Run += C;
    Out += C;
    ++I;
  }
  addPiece(Pieces, Run, RunStart);
  return collapseWildcards(Out);
}

std::string collapseWildcards(std::string Pattern) {
  Pattern.erase(std::unique(Pattern.begin(), Pattern.end(),
                            [](char A, char B) { return A == '*' && B == '*'; }),
                Pattern.end());
  return Pattern;
}

std::string withoutTemplateArgs(std::string_view Name) {
  std::string Out;
  int Depth = 0;
  for (char C : Name) {
    if (C == '<')
      ++Depth;
    else if (C == '>')
      --Depth;
    else if (Depth == 0)
      Out += C;
  }
  return Out;
}

bool isTensorTypeName(std::string_view Name,
                      const std::vector<std::string> &Extra) {
  if (Name == "ggml_tensor")
    return true;
  return std::find(Extra.begin(), Extra.end(), Name) != Extra.end();
}

} // namespace paramlint
