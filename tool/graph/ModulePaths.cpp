//===- graph/ModulePaths.cpp - Where an import's module may live ----------===//
#include "graph/ModulePaths.h"

#include <string_view>

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

/// The parent of an absolute, normalised directory; "/" is its own.
static std::string parentDir(const std::string &Dir) {
  size_t Cut = Dir.rfind('/');
  if (Cut == std::string::npos)
    return std::string();
  return Cut == 0 ? std::string("/") : Dir.substr(0, Cut);
}

/// `a.b.c` as the relative path `a/b/c` (empty parts dropped).
static std::string relativeModulePath(const std::string &Module) {
  std::string Rel;
  size_t Begin = 0;
  while (Begin <= Module.size()) {
    size_t Dot = Module.find('.', Begin);
    std::string_view Part =
        std::string_view(Module).substr(Begin, Dot == std::string::npos
                                                   ? std::string::npos
                                                   : Dot - Begin);
    if (!Part.empty()) {
      if (!Rel.empty())
        Rel += '/';
      Rel += Part;
    }
    if (Dot == std::string::npos)
      break;
    Begin = Dot + 1;
  }
  return Rel;
}

std::vector<std::string> moduleBaseDirectories(const std::string &FromDir,
                                               unsigned Level) {
  std::vector<std::string> Out;
  std::string Dir = FromDir;
  if (Level > 0) {
    for (unsigned I = 1; I < Level; ++I)
      Dir = parentDir(Dir);
    Out.push_back(Dir);
    return Out;
  }
  for (unsigned I = 0; I < MaxImportAncestors && !Dir.empty(); ++I) {
    Out.push_back(Dir);
    std::string Up = parentDir(Dir);
    if (Up == Dir)
      break;
    Dir = std::move(Up);
  }
  return Out;
}

/// Base joined with a relative path, as fs::path's `/` spells it.
static std::string joinPath(const std::string &Base, const std::string &Rel) {
  return Base.empty() || Base.back() == '/' ? Base + Rel : Base + "/" + Rel;
}

std::vector<std::string> moduleKeyCandidates(const std::string &FromDir,
                                             unsigned Level,
                                             const std::string &Module) {
  std::string Rel = relativeModulePath(Module);
  std::vector<std::string> Out;
  for (const std::string &Base : moduleBaseDirectories(FromDir, Level))
    Out.push_back(Rel.empty() ? Base : joinPath(Base, Rel));
  return Out;
}

std::vector<std::string> moduleCandidatePaths(const std::string &FromDir,
                                              unsigned Level,
                                              const std::string &Module) {
  std::string Rel = relativeModulePath(Module);
  std::vector<std::string> Out;
  for (const std::string &Base : moduleBaseDirectories(FromDir, Level)) {
    if (Rel.empty()) {
      Out.push_back(joinPath(Base, "__init__.py"));
      continue;
    }
    std::string P = joinPath(Base, Rel);
    Out.push_back(P + ".py");
    Out.push_back(P + "/__init__.py");
  }
  return Out;
}

fs::path absolutePath(const std::string &Path) {
  std::error_code EC;
  fs::path P = fs::absolute(fs::path(Path), EC);
  return (EC ? fs::path(Path) : P).lexically_normal();
}

} // namespace paramlint
