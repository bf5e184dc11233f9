//===- graph/ModulePaths.cpp - Where an import's module may live ----------===//
#include "graph/ModulePaths.h"

namespace paramlint {

namespace fs = std::filesystem;

std::vector<fs::path> moduleCandidates(const fs::path &FromFile, unsigned Level,
                                       const std::string &Module) {
  fs::path Rel;
  size_t Begin = 0;
  while (Begin <= Module.size()) {
    size_t Dot = Module.find('.', Begin);
    std::string Part = Module.substr(Begin, Dot - Begin);
    if (!Part.empty())
      Rel /= Part;
    if (Dot == std::string::npos)
      break;
    Begin = Dot + 1;
  }
  std::vector<fs::path> Out;
  auto Add = [&](const fs::path &Base) {
    if (Rel.empty()) {
      Out.push_back(Base / "__init__.py");
      return;
    }
    fs::path P = Base / Rel;
    Out.push_back(fs::path(P).concat(".py"));
    Out.push_back(P / "__init__.py");
  };
  fs::path Dir = FromFile.parent_path();
  if (Level > 0) {
    for (unsigned I = 1; I < Level; ++I)
      Dir = Dir.parent_path();
    Add(Dir);
    return Out;
  }
  for (unsigned I = 0; I < MaxImportAncestors && !Dir.empty(); ++I) {
    Add(Dir);
    if (Dir == Dir.parent_path())
      break;
    Dir = Dir.parent_path();
  }
  return Out;
}

fs::path absolutePath(const std::string &Path) {
  std::error_code EC;
  fs::path P = fs::absolute(fs::path(Path), EC);
  return (EC ? fs::path(Path) : P).lexically_normal();
}

} // namespace paramlint
