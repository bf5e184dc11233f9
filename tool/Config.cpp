//===- Config.cpp - [tool.paramlint] in pyproject.toml / paramlint.toml ---===//
#include "Config.h"

#include "checks/Conventions.h"
#include "checks/Registry.h"
#include "graph/LibraryClasses.h"
#include "graph/ModulePaths.h"

#include <toml++/toml.h>

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace paramlint {
namespace {
namespace fs = std::filesystem;

/// An error that names the file, the line and the key.
llvm::Error configError(const std::string &File, const toml::node *At,
                        const std::string &Message) {
  std::string Where = File;
  if (At && At->source().begin.line)
    Where += ":" + std::to_string(At->source().begin.line);
  return llvm::createStringError(std::errc::invalid_argument, "%s: %s",
                                 Where.c_str(), Message.c_str());
}

bool isKnownCodeOrPrefix(const std::string &Item) {
  if (Item == "ALL")
    return true;
  for (const CheckInfo &R : allRules())
    if (!Item.empty() && std::string(R.Code).compare(0, Item.size(), Item) == 0)
      return true;
  return false;
}

/// Reads a list of strings; Codes: each must be a rule code or prefix.
llvm::Expected<std::vector<std::string>>
stringList(const std::string &File, const std::string &Key,
           const toml::node &Node, bool Codes) {
  const toml::array *A = Node.as_array();
  if (!A)
    return configError(File, &Node, "`" + Key + "` must be a list of strings");
  std::vector<std::string> Out;
  for (const toml::node &Item : *A) {
    std::optional<std::string> S = Item.value<std::string>();
    if (!S || !Item.is_string())
      return configError(File, &Item, "`" + Key + "` must be a list of strings");
    if (Codes && !isKnownCodeOrPrefix(*S))
      return configError(File, &Item, "`" + Key + "`: unknown rule code or prefix `" +
                                          *S + "` (see `paramlint rule`)");
    Out.push_back(*S);
  }
  return Out;
}

/// An absolute URL a SARIF consumer can open: `http(s)://host...` or
/// `file:///path`, no blanks or control characters.
bool isAbsoluteUrl(const std::string &S) {
  if (std::any_of(S.begin(), S.end(), [](char Ch) {
        return static_cast<unsigned char>(Ch) <= ' ' || Ch == '"' || Ch == '<' ||
               Ch == '>' || Ch == '\\' || Ch == '`' || Ch == 0x7f;
      }))
    return false;
  for (const char *Scheme : {"https://", "http://"}) {
    std::string P(Scheme);
    if (S.compare(0, P.size(), P) == 0)
      return S.size() > P.size() && S[P.size()] != '/';
  }
  return S.compare(0, 8, "file:///") == 0;
}

/// A name a config may give a role or list as a slot: a Python identifier
/// (what an attribute or a key component can be).
bool isSlotName(const std::string &S) {
  if (S.empty() || std::isdigit(static_cast<unsigned char>(S[0])))
    return false;
  return std::all_of(S.begin(), S.end(), [](char Ch) {
    return std::isalnum(static_cast<unsigned char>(Ch)) || Ch == '_';
  });
}

/// Reads a list of slot names (`aliases.scale`, `params`, ...).
llvm::Expected<std::vector<std::string>>
nameList(const std::string &File, const std::string &Key, const toml::node &Node) {
  auto L = stringList(File, Key, Node, false);
  if (!L)
    return L.takeError();
  const toml::array &A = *Node.as_array();
  for (size_t I = 0; I < L->size(); ++I)
    if (!isSlotName((*L)[I]))
      return configError(File, A.get(I),
                         "`" + Key + "`: `" + (*L)[I] +
                             "` is not a parameter name (letters, digits, `_`)");
  return L;
}

/// `convention = "torch"`: one of the ids of checks/conventions.toml.
llvm::Error readConvention(const std::string &File, const toml::node &Node,
                           std::string &Out) {
  std::string Known;
  for (const NamingConvention &C : Conventions::builtin().libraries())
    Known += (Known.empty() ? "" : ", ") + C.Id;
  std::optional<std::string> Id = Node.value<std::string>();
  if (!Node.is_string() || !Conventions::builtin().findConvention(*Id))
    return configError(File, &Node,
                       "`convention` must be one of " + Known +
                           (Node.is_string() ? " (got `" + *Id + "`)" : ""));
  Out = *Id;
  return llvm::Error::success();
}

/// `[aliases]`: role = [names]. A name keeps the role the built-in table
/// gives it, so a name of another role there, or in two roles here, is an
/// error rather than a silent no-op.
llvm::Error readAliases(const std::string &File, const toml::node &Node,
                        TableExtensions &T) {
  const toml::table *Roles = Node.as_table();
  if (!Roles)
    return configError(File, &Node,
                       "`aliases` must be a table of role = [names] (roles: "
                       "scale, shift, running-stat)");
  std::map<std::string, std::string> RoleOfName;
  for (const auto &[RoleKey, Names] : *Roles) {
    std::string Key = "aliases." + std::string(RoleKey.str());
    std::optional<Role> R = roleFromName(std::string(RoleKey.str()));
    if (!R)
      return configError(File, &Names,
                         "unknown key `" + Key +
                             "` (known roles: scale, shift, running-stat)");
    auto L = nameList(File, Key, Names);
    if (!L)
      return L.takeError();
    const toml::array &A = *Names.as_array();
    for (size_t I = 0; I < L->size(); ++I) {
      const std::string &Name = (*L)[I];
      Role Builtin = Conventions::builtin().roleOf(Name);
      std::string Other;
      if (Builtin != Role::Other && Builtin != *R)
        Other = roleName(Builtin);
      auto [It, New] = RoleOfName.emplace(Name, std::string(RoleKey.str()));
      if (!New && It->second != RoleKey.str())
        Other = It->second;
      if (!Other.empty())
        return configError(File, A.get(I),
                           "`" + Key + "`: `" + Name + "` is already a " + Other +
                               " name");
      T.Aliases.emplace_back(*R, Name);
    }
  }
  return llvm::Error::success();
}

/// One `library-classes` entry: "qualified.Name" = {kind, like, params,
/// buffers, attributes}.
llvm::Expected<ConfigLibraryClass> readLibraryClass(const std::string &File,
                                                    const std::string &Name,
                                                    const toml::node &Node) {
  std::string Key = "library-classes.\"" + Name + "\"";
  const toml::table *Row = Node.as_table();
  if (!Row)
    return configError(File, &Node,
                       "`" + Key + "` must be a table such as {params = "
                       "[\"weight\", \"bias\"], kind = \"norm\"}");
  if (Name.find('.') == std::string::npos || Name.front() == '.' ||
      Name.back() == '.')
    return configError(File, &Node,
                       "`" + Key + "`: a class is named as an import reaches "
                       "it, with its module (`apex.normalization.FusedLayerNorm`)");
  ConfigLibraryClass C;
  C.Name = Name;
  for (const auto &[FieldView, Value] : *Row) {
    std::string Field(FieldView.str());
    std::string FieldKey = Key + "." + Field;
    if (Field == "kind") {
      std::optional<std::string> Kind = Value.value<std::string>();
      if (!Value.is_string() || (*Kind != "norm" && *Kind != "module"))
        return configError(File, &Value,
                           "`" + FieldKey + "` must be \"norm\" or \"module\"");
      C.IsNorm = *Kind == "norm";
    } else if (Field == "like") {
      std::optional<std::string> Like = Value.value<std::string>();
      if (!Value.is_string() || !LibraryTable::builtin().find(*Like))
        return configError(File, &Value,
                           "`" + FieldKey + "` must name a torch.nn class "
                           "paramlint knows (`torch.nn.LayerNorm`)");
      C.Like = canonicalTorchName(*Like);
    } else if (Field == "params" || Field == "buffers" || Field == "attributes") {
      auto L = nameList(File, FieldKey, Value);
      if (!L)
        return L.takeError();
      if (Field == "params")
        C.Params = std::move(*L);
      else if (Field == "buffers")
        C.Buffers = std::move(*L);
      else
        C.Attributes = std::move(*L);
    } else {
      return configError(File, &Value,
                         "unknown key `" + FieldKey +
                             "` (known: kind, like, params, buffers, attributes)");
    }
  }
  if (!C.Params && C.Like.empty())
    return configError(File, &Node, "`" + Key + "` needs `params` or `like`");
  return C;
}

llvm::Error readLibraryClasses(const std::string &File, const toml::node &Node,
                               TableExtensions &T) {
  const toml::table *Classes = Node.as_table();
  if (!Classes)
    return configError(File, &Node,
                       "`library-classes` must be a table of \"qualified.Name\" "
                       "= {params = [...], kind = \"norm\"}");
  for (const auto &[Name, Row] : *Classes) {
    auto C = readLibraryClass(File, std::string(Name.str()), Row);
    if (!C)
      return C.takeError();
    T.LibraryClasses.push_back(std::move(*C));
  }
  return llvm::Error::success();
}

/// Reads the keys of the paramlint table T of File into C.
llvm::Error readTable(const std::string &File, const toml::table &T, Config &C) {
  for (const auto &Entry : T) {
    // Not a structured binding: the lambda below captures the node, which
    // C++17 (and clang, which builds the fuzz targets) does not allow.
    std::string Key(Entry.first.str());
    const toml::node &Node = Entry.second;
    auto List = [&](bool Codes) { return stringList(File, Key, Node, Codes); };
    if (Key == "select" || Key == "ignore") {
      auto L = List(true);
      if (!L)
        return L.takeError();
      if (Key == "select")
        C.Select = std::move(*L);
      else
        C.Ignore = std::move(*L);
    } else if (Key == "exclude" || Key == "extend-exclude") {
      auto L = List(false);
      if (!L)
        return L.takeError();
      C.Exclude.insert(C.Exclude.end(), L->begin(), L->end());
    } else if (Key == "checkpoints") {
      auto L = List(false);
      if (!L)
        return L.takeError();
      for (const std::string &P : *L)
        C.Checkpoints.push_back(
            (fs::path(P).is_absolute() ? fs::path(P) : fs::path(C.Root) / P)
                .lexically_normal()
                .string());
    } else if (Key == "cache-dir") {
      if (!Node.is_string())
        return configError(File, &Node, "`cache-dir` must be a string");
      fs::path P(Node.as_string()->get());
      C.CacheDir = (P.is_absolute() ? P : fs::path(C.Root) / P)
                       .lexically_normal()
                       .string();
    } else if (Key == "unsafe-fixes") {
      if (!Node.is_boolean())
        return configError(File, &Node, "`unsafe-fixes` must be true or false");
      C.UnsafeFixes = Node.as_boolean()->get();
    } else if (Key == "per-file-ignores") {
      const toml::table *Globs = Node.as_table();
      if (!Globs)
        return configError(File, &Node,
                           "`per-file-ignores` must be a table of glob = [codes]");
      for (const auto &[Glob, Codes] : *Globs) {
        auto L = stringList(File, "per-file-ignores." + std::string(Glob.str()),
                            Codes, true);
        if (!L)
          return L.takeError();
        C.PerFileIgnores.push_back(
            PerFileIgnore{C.Root, std::string(Glob.str()), std::move(*L)});
      }
    } else if (Key == "docs-url") {
      std::optional<std::string> Url = Node.value<std::string>();
      if (!Node.is_string() || !isAbsoluteUrl(*Url))
        return configError(File, &Node,
                           "`docs-url` must be an absolute http(s) or file URL "
                           "(`https://example.org/paramlint/docs`)");
      C.DocsUrl = *Url;
    } else if (Key == "file-timeout") {
      std::optional<double> Seconds = Node.value<double>();
      if (!(Node.is_integer() || Node.is_floating_point()) || !Seconds ||
          !(*Seconds >= 0 && *Seconds <= 86400))
        return configError(File, &Node,
                           "`file-timeout` must be a number of seconds from 0 "
                           "(no budget) to 86400");
      C.FileTimeout = *Seconds;
    } else if (Key == "convention") {
      if (auto E = readConvention(File, Node, C.Convention))
        return E;
    } else if (Key == "aliases") {
      if (auto E = readAliases(File, Node, C.Tables))
        return E;
    } else if (Key == "library-classes") {
      if (auto E = readLibraryClasses(File, Node, C.Tables))
        return E;
    } else {
      return configError(File, &Node,
                         "unknown key `" + Key +
                             "` (known: select, ignore, per-file-ignores, "
                             "exclude, extend-exclude, unsafe-fixes, checkpoints, "
                             "cache-dir, convention, aliases, library-classes, "
                             "docs-url, file-timeout)");
    }
  }
  return llvm::Error::success();
}

bool isPyproject(const fs::path &P) { return P.filename() == "pyproject.toml"; }

} // namespace

llvm::Expected<std::optional<Config>> readConfig(const std::string &Path) {
  std::error_code EC;
  if (!fs::is_regular_file(Path, EC))
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "%s: no such config file", Path.c_str());
  toml::table Parsed;
  try {
    Parsed = toml::parse_file(Path);
  } catch (const toml::parse_error &E) {
    return llvm::createStringError(
        std::errc::invalid_argument, "%s:%u: invalid TOML: %s", Path.c_str(),
        static_cast<unsigned>(E.source().begin.line),
        std::string(E.description()).c_str());
  }
  Config C;
  C.File = Path;
  C.Root = absolutePath(fs::path(Path).parent_path().string()).string();
  const toml::table *T = &Parsed;
  if (isPyproject(Path)) {
    const toml::node *Tool = Parsed.get("tool");
    const toml::node *Ours = Tool && Tool->is_table()
                                 ? Tool->as_table()->get("paramlint")
                                 : nullptr;
    if (!Ours)
      return std::nullopt;
    T = Ours->as_table();
    if (!T)
      return configError(Path, Ours, "`tool.paramlint` must be a table");
  }
  if (auto E = readTable(Path, *T, C))
    return std::move(E);
  return C;
}

llvm::Expected<std::optional<Config>>
findConfig(const std::vector<std::string> &Paths) {
  std::set<std::string> Tried;
  for (const std::string &P : Paths) {
    fs::path Dir = absolutePath(P);
    std::error_code EC;
    if (!fs::is_directory(Dir, EC))
      Dir = Dir.parent_path();
    for (; !Dir.empty(); Dir = Dir.parent_path()) {
      if (!Tried.insert(Dir.string()).second)
        break; // Walked from here already: found nothing above.
      for (const char *Name : {"paramlint.toml", "pyproject.toml"}) {
        fs::path Candidate = Dir / Name;
        if (!fs::is_regular_file(Candidate, EC))
          continue;
        auto C = readConfig(Candidate.string());
        if (!C || *C)
          return C;
      }
      if (Dir == Dir.root_path())
        break;
    }
  }
  return std::nullopt;
}

void applyConfig(const Config &C, AnalysisOptions &Options) {
  if (Options.Select.empty() && C.Select)
    Options.Select = *C.Select;
  Options.Ignore.insert(Options.Ignore.end(), C.Ignore.begin(), C.Ignore.end());
  Options.PerFileIgnores.insert(Options.PerFileIgnores.end(),
                                C.PerFileIgnores.begin(), C.PerFileIgnores.end());
  Options.Exclude.insert(Options.Exclude.end(), C.Exclude.begin(), C.Exclude.end());
  Options.ExcludeRoot = C.Root;
  if (Options.Checkpoints.empty())
    Options.Checkpoints = C.Checkpoints;
  Options.Tables = C.Tables;
  if (C.FileTimeout)
    Options.FileTimeoutSeconds = *C.FileTimeout;
  // The reader has checked that the id names a convention of the table.
  if (!C.Convention.empty())
    if (const NamingConvention *N = Conventions::builtin().findConvention(C.Convention))
      Options.Context.NormConvention = RequiredConvention{C.Convention, N->Scale, N->Shift};
}

bool matchesGlob(const std::string &Root, const std::string &Glob,
                 const std::string &Path) {
  std::string G = Glob;
  while (G.rfind("./", 0) == 0)
    G = G.substr(2);
  while (G.size() > 1 && G.back() == '/')
    G.pop_back();
  fs::path Rel = absolutePath(Path).lexically_relative(fs::path(Root));
  if (Rel.empty() || *Rel.begin() == "..")
    Rel = absolutePath(Path);
  auto Match = [](const std::string &Pattern, const std::string &Text) {
    return fnmatch(Pattern.c_str(), Text.c_str(), 0) == 0;
  };
  if (G.find('/') == std::string::npos) {
    for (const fs::path &Part : Rel)
      if (Match(G, Part.string()))
        return true;
    return false;
  }
  // The path itself or any directory it is in.
  std::vector<std::string> Prefixes;
  fs::path Acc;
  for (const fs::path &Part : Rel) {
    Acc /= Part;
    Prefixes.push_back(Acc.generic_string());
  }
  for (const std::string &P : Prefixes)
    if (Match(G, P) || (G.rfind("**/", 0) == 0 && Match(G.substr(3), P)))
      return true;
  return false;
}

void dropExcluded(std::vector<DiscoveredPath> &Inputs,
                  const std::vector<std::string> &Paths,
                  const AnalysisOptions &Options) {
  if (Options.Exclude.empty())
    return;
  std::set<std::string> Named;
  for (const std::string &P : Paths) {
    std::error_code EC;
    if (!fs::is_directory(P, EC))
      Named.insert(absolutePath(P).string());
  }
  Inputs.erase(
      std::remove_if(Inputs.begin(), Inputs.end(),
                     [&](const DiscoveredPath &In) {
                       if (Named.count(absolutePath(In.Path).string()))
                         return false;
                       for (const std::string &G : Options.Exclude)
                         if (matchesGlob(Options.ExcludeRoot, G, In.Path))
                           return true;
                       return false;
                     }),
      Inputs.end());
}

bool ignoredInFile(const std::string &Code, const std::string &File,
                   const AnalysisOptions &Options) {
  for (const PerFileIgnore &P : Options.PerFileIgnores)
    if (matchesAny(Code, P.Codes) && matchesGlob(P.Root, P.Glob, File))
      return true;
  return false;
}

} // namespace paramlint
