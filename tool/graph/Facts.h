//===- graph/Facts.h - Language-neutral facts of one source file -*- C++ -*-===//
///
/// \file
/// What one file says, with no cross-file knowledge: the classes it defines
/// and their members, its imports, its scopes, the model instances it builds,
/// and the attribute chains its loaders read and write. A frontend (Python,
/// notebook, later C++) produces a FileFacts; the linker joins many of them.
///
/// Every location is a byte Span into the SourceFile's text; reporters turn
/// it into rows, columns and notebook cells.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_FACTS_H
#define PARAMLINT_GRAPH_FACTS_H

#include "graph/BoxedVector.h"
#include "graph/Symbol.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paramlint {

/// A half-open byte range [Begin, End) in a SourceFile's text.
struct Span {
  uint32_t Begin = 0;
  uint32_t End = 0;
};

/// One name binding made by an import, or by a module-level alias assignment
/// such as `LayerNorm = nn.LayerNorm`.
///
///   import torch.nn as nn          Module "torch.nn"  Name ""    Alias "nn"
///   import torch                   Module "torch"     Name ""    Alias "torch"
///   import torch.nn                Module "torch.nn"  Name ""    Alias "torch"
///   from torch import nn           Module "torch"     Name "nn"  Alias "nn"
///   from .model import GPT as G    Module "model"     Name "GPT" Alias "G"
///                                  Level 1
///   LayerNorm = nn.LayerNorm       IsAssignment, Module "nn", Name "LayerNorm"
///                                  (the dotted target split at its last dot)
struct ImportFact {
  Symbol Module;
  Symbol Name;
  Symbol Alias;
  unsigned Level = 0; ///< Leading dots of a relative import.
  bool IsAssignment = false;
  Span Where;
};

/// Literal arguments of a call, kept as source text (`True`, `4`, `"x"`), so
/// that the linker can evaluate flags such as `bias=False`. A non-literal
/// argument is std::nullopt.
struct CallArgs {
  std::vector<std::optional<std::string>> Positional;
  std::vector<std::pair<std::string, std::optional<std::string>>> Keyword;
  /// Arguments that read a configuration value (`cfg["eps"]`,
  /// `config.layer_norm_eps`): (slot, key), the slot being the keyword or
  /// `#N` for positional argument N.
  std::vector<std::pair<std::string, std::string>> ConfigKeys;
};

/// The module a member holds, as the constructor expression describes it.
struct ModuleExpr {
  enum class Kind {
    Instance, ///< `Callee(args)`: one module of the class Callee names.
    Indexed,  ///< `Sequential(a, b)`, `ModuleList([a, b])`: children 0..n-1.
    Repeated, ///< `ModuleList([Block() for _ in range(n)])`: child "*".
    Keyed,    ///< `ModuleDict({"k": m})`, `Sequential(OrderedDict(...))`.
    Unknown,  ///< A module we cannot see into (a variable, a call result).
  };
  Kind K = Kind::Unknown;
  /// Dotted callee as written: `nn.LayerNorm`, `LayerNorm`, `nn.ModuleList`.
  Symbol Callee;
  CallArgs Args;
  /// Children of a container: ("0", m), ("1", m) / ("*", m) / ("key", m).
  std::vector<std::pair<std::string, ModuleExpr>> Children;
  /// Element count of a Repeated container when it is a literal.
  std::optional<unsigned> Count;
  Span Where;
};

/// What kind of attribute a class member is.
enum class MemberKind {
  Parameter, ///< `nn.Parameter(...)`, `register_parameter("n", ...)`.
  Buffer,    ///< `register_buffer("n", ...)`.
  Module,    ///< A submodule or container; see Value.
  Attribute, ///< Any other `self.x = ...` or class-level name: not state.
};

/// One member a class defines on `self` (in any of its methods) or at class
/// level. A name assigned several times yields several facts; the linker
/// merges them into one slot with alternatives.
struct MemberFact {
  Symbol Name;
  MemberKind Kind = MemberKind::Attribute;
  ModuleExpr Value;         ///< Meaningful when Kind == Module.
  bool Conditional = false; ///< Under `if`, or `x if c else None`.
  bool Persistent = true;   ///< `register_buffer(..., persistent=False)`.
  Span Where;               ///< The name as written.
  /// A role the member's own name gives it, as the conventions spell roles
  /// (`"scale"`, `"shift"`), or empty. C++ tensor fields (`ln_1_g`) have
  /// one; Python members take theirs from the norm class that owns them.
  std::string RoleHint;
};

/// How a norm-like class's `forward` normalises, as read from its source
/// (python/NormSemantics.h). Kind Unknown carries the construct that was
/// not understood in Reason: never a guess.
struct NormSemanticsFact {
  enum class Kind { LayerNorm, RMSNorm, Unknown };
  /// Where eps enters the reciprocal standard deviation.
  enum class EpsKind {
    InsideSqrt, ///< `rsqrt(var + eps)`, `sqrt(var + eps)`.
    AddedToStd, ///< `/ (std + eps)`, `/ (sqrt(var) + eps)`.
    ClampStd,   ///< `/ std.clamp(min=eps)`.
    None,       ///< No eps at all.
    ClampVar,   ///< `rsqrt(var.clamp(min=eps))`, `sqrt(torch.clamp(var, min=eps))`.
  };
  Kind K = Kind::Unknown;
  std::string Reason; ///< Unknown: what was not understood, and where.
  Span ReasonWhere;

  /// The variance divisor is n - 1 (torch's default for `var`/`std`).
  bool Unbiased = false;
  /// The `var`/`std` call that decides the divisor (empty Span when the
  /// variance is a `mean` of squares or a library call), its argument
  /// list, and the flag as written (`unbiased=True`, `correction=1`, or a
  /// positional bool; empty when the default applies).
  Span VarianceCall, VarianceArgs, FlagValue;
  std::string FlagName; ///< "unbiased", "correction", or "" (positional).
  bool VarianceIsStd = false; ///< `std()` rather than `var()`.

  EpsKind Eps = EpsKind::InsideSqrt;
  /// AddedToStd: the sum `std + eps` and its two operands as written;
  /// ClampStd / ClampVar: the clamp call, the clamped value and the bound.
  Span EpsSum, StdOperand, EpsOperand;
  std::optional<double> EpsValue; ///< When known (literal or default).
  /// Where the value comes from: "literal", "default of `eps`", "config key
  /// `layer_norm_eps`", "torch.finfo(dtype).eps", ...
  std::string EpsOrigin;
  /// The `__init__` parameter eps comes from (an instance's argument
  /// overrides EpsValue), and its index among the parameters after self.
  std::string EpsParam;
  int EpsParamIndex = -1;

  /// The parameters that scale and shift, empty when absent.
  std::string Scale, Shift;
  bool ScaleOffset = false; ///< `(1 + w)` (Gemma).
  bool Upcast = false;      ///< `.float()` / `.to(torch.float32)` inside.
  /// "F.layer_norm" / "F.rms_norm" when forward delegates to torch.
  std::string Via;
  /// The `__init__` parameter that sizes the scale (`torch.ones(dim)`) and
  /// its index after self, or the literal width.
  std::string WidthParam;
  int WidthParamIndex = -1;
  std::optional<unsigned> WidthValue;
  Span Forward; ///< The `forward` name.
  /// The config key eps is read from in `__init__` (`self.eps =
  /// cfg["eps"]`), or empty.
  std::string EpsConfigKey;
};

/// A class definition (any class: the linker decides which are modules).
struct ClassFact {
  Symbol Name;
  std::vector<Symbol> Bases; ///< Dotted, as written: `nn.Module`.
  std::vector<MemberFact> Members;
  std::vector<Symbol> Methods;
  bool HasDynamicAttributes = false; ///< Defines `__getattr__`/`__setattr__`.
  Span Where;                        ///< The class name.
  /// Set for norm-like classes (python/NormSemantics.h).
  std::optional<NormSemanticsFact> Norm;
  /// A C++ struct that holds tensors (ggml style: `ggml_tensor *` fields,
  /// or structs of them): a model although it has no module base.
  bool IsTensorStruct = false;
  /// C++: members found outside the class body (a constructor defined in
  /// another file registers them); the linker adds them to the class of
  /// the same name.
  bool IsPartial = false;
  /// Python: the `class` statement (from `class`, decorators excluded, to
  /// the end of its body), so that a fix adding a method after the body
  /// (`rename-params`, PL301) needs no second parse. Empty for C++.
  Span Extent;
  /// Python: where the body's first named node (a statement or a comment)
  /// begins, whose indentation the added method copies; 0 when the body
  /// is empty or unknown.
  uint32_t BodyStart = 0;
};

/// A function parameter with its annotation as written (may be empty).
struct ParamFact {
  Symbol Name;
  Symbol Annotation;
};

/// A scope: scope 0 is the module; every `def` (nested or method) is another.
struct ScopeFact {
  Symbol Name;  ///< `<module>` for scope 0.
  Symbol Class; ///< Enclosing class of a method, else empty.
  unsigned Parent = 0;
  std::vector<ParamFact> Params;
  Span Where; ///< The function name.
};

/// One step of an attribute chain: `.name` or `[index]`.
struct PathSegment {
  enum class Kind { Attr, Index };
  Kind K = Kind::Attr;
  /// Attribute name, a literal index or key (`0`, `"k"` unquoted), or `*`.
  Symbol Name;
  Span Where;
};

/// Where a tensor written into a parameter comes from, as far as names go:
/// `params["blocks"][b]["ln_1"]["g"]` is Root "params", Keys
/// {"blocks", "*", "ln_1", "g"}; `sd["h.0.ln_1.bias"]` is Keys
/// {"h.0.ln_1.bias"}. Checks split keys on `.` and `/` as they need.
struct SourceName {
  Symbol Root;
  std::vector<std::string> Keys;
  Span Where;
  /// C++: a name that is a table entry (`{ASR_TENSOR_LN_WEIGHT,
  /// "encoder.ln_post.weight"}`) chosen by the constant written at Where.
  /// Table is the entry's file (absolute, lexically normal), TableWhere its
  /// string, Selector the constant's name; Table is empty otherwise. When
  /// the constant's own name gives the role the field wants and the
  /// entry's text does not, the entry is what is wrong.
  std::string Table;
  Span TableWhere;
  std::string Selector;
};

/// A variable bound to something the linker can follow.
struct BindingFact {
  enum class Kind {
    Instance, ///< `gpt = GPTModel(cfg)`: Callee is the class expression.
    Alias,    ///< `blk = gpt.trf_blocks[b]`, `for blk in gpt.trf_blocks`.
  };
  Kind K = Kind::Instance;
  unsigned Scope = 0;
  Symbol Var;
  Symbol Callee;                  ///< Instance.
  Symbol Root;                    ///< Alias: the chain's root variable.
  std::vector<PathSegment> Path;  ///< Alias: the chain after the root.
  Span Where;                     ///< The bound variable.
};

/// An attribute chain rooted at a plain variable, as a loader uses it.
/// The most numerous fact (212 thousand on the benchmark corpus), so its
/// fields are packed into 64 bytes: the small ones first, and the sources,
/// which only writes have, in a box (graph/BoxedVector.h).
struct AccessFact {
  enum class Kind : uint8_t {
    Read,   ///< `assign(gpt.norm.scale, ...)`, `x = m.a.b`.
    Write,  ///< `gpt.norm.scale = ...` (the chain is the target).
    Mutate, ///< `m.a.weight.copy_(t)`, `m.a.weight.data = t`.
  };
  Kind K = Kind::Read;
  /// The chain is the callee of a call: `m.eval()` reads method `eval`.
  bool Called = false;
  /// The written value constructs a parameter (`nn.Parameter(...)`) or goes
  /// through a helper that does (`assign(...)`); a plain write of such a
  /// value registers a new parameter.
  bool ValueIsParameter = false;
  unsigned Scope = 0;
  Symbol Root;
  Span RootWhere;
  /// Segments after the root. For Mutate, the tensor method or `.data`
  /// that made it a mutation is not part of the path.
  std::vector<PathSegment> Path;
  /// Names the written value comes from (Write and Mutate only).
  BoxedVector<SourceName> Sources;
  Span Statement; ///< The whole statement, for messages and fixes.
};
static_assert(sizeof(void *) != 8 || sizeof(AccessFact) == 64,
              "AccessFact is packed into 64 bytes; keep it so");

/// A call to a named function: enough to bind function parameters to the
/// variables passed at call sites. Only calls that pass at least one plain
/// identifier are recorded: no other call can bind a parameter, and most
/// calls of model code (`torch.cat([a, b])`, `self.proj(x)[0]`) are not.
struct CallFact {
  unsigned Scope = 0;
  Symbol Callee; ///< Dotted: `load_weights_into_gpt`, `utils.load`.
  /// Per positional argument: the identifier passed, or empty.
  std::vector<Symbol> Args;
  std::vector<std::pair<Symbol, Symbol>> Keyword;
  Span Where;
};

/// One constant piece of a key expression, with where it is written: the
/// fix for a wrong key rewrites only these (`f"h.{i}.ln_1.gamma"` has the
/// pieces `h.` and `.ln_1.gamma`).
struct KeyPiece {
  std::string Text;
  Span Where; ///< The characters inside the quotes.
};

/// A state-dict key a file uses, as a pattern in which `*` stands for any
/// run of characters that a non-constant part produces: string literals,
/// f-strings, `%` / `.format` / `+` / `".".join([...])` built keys, and local
/// string variables built the same way.
struct KeyUseFact {
  enum class Kind {
    Store,      ///< `sd[key] = v`, `sd.update({key: v})`, `sd.setdefault(key, v)`.
    Load,       ///< `sd[key]`, `sd.get(key)`, `sd.pop(key)`, `key in sd`.
    DictLiteral,///< A key of a dict literal or comprehension assigned to Dict.
  };
  Kind K = Kind::Load;
  unsigned Scope = 0;
  std::string Pattern;
  /// The variable holding the dict (`sd`, `new_state_dict`), or empty.
  Symbol Dict;
  std::vector<KeyPiece> Pieces;
  Span Where; ///< The whole key expression.
};

/// A rename of keys: a str→str dict literal (each entry), `k.replace(a, b)`,
/// `re.sub(a, b, k)`; and `if "gamma" in k` guards, which are substring
/// rules too.
struct RenameFact {
  enum class Kind { MapEntry, Replace, RegexSub, SubstringTest };
  Kind K = Kind::MapEntry;
  unsigned Scope = 0;
  std::string From; ///< Literal text (a regex for RegexSub).
  std::string To;   ///< Empty for SubstringTest.
  Span FromWhere, ToWhere;
  std::string Map; ///< MapEntry: the variable the dict is assigned to.
};

/// `x.load_state_dict(sd, strict=False)`.
struct LoadStateDictFact {
  unsigned Scope = 0;
  Symbol Receiver;                    ///< Root variable of the model chain.
  std::vector<PathSegment> Path;      ///< After the root (usually empty).
  Symbol Argument;                    ///< The dict passed, when an identifier.
  std::optional<bool> Strict;         ///< Literal `strict=`; nullopt if not literal.
  bool StrictGiven = false;           ///< False: torch's default (True).
  Span Where;                         ///< The `load_state_dict` name.
};

/// `sd = model.state_dict()`: Var holds the key space of the model at
/// Root + Path.
struct StateDictFact {
  unsigned Scope = 0;
  Symbol Var;
  Symbol Root;
  std::vector<PathSegment> Path;
  Span Where;
};

/// A file that could not be parsed completely: where the first error is.
struct ParseProblem {
  std::string Message;
  Span Where;
  /// The parse ran out of its time budget: a fact of this run, not of the
  /// text, so neither the facts nor the run's diagnostics are cached.
  bool TimedOut = false;
};

/// A `# noqa` comment (Python) that may suppress findings on its line:
/// bare (`# noqa`, Codes empty) or with codes (`# noqa: PL101, E501`; every
/// code as written, other tools' included). Only real comments count,
/// never `# noqa` inside a string.
struct SuppressionFact {
  struct Code {
    std::string Name;
    Span Where;
  };
  std::vector<Code> Codes;
  Span Where;   ///< From the directive's `#` through its last code.
  Span Comment; ///< The whole comment the directive is part of.
  /// A byte on the line the directive suppresses when that is not its own
  /// line (C++ `// NOLINTNEXTLINE`).
  std::optional<uint32_t> AppliesAt;
};

/// Everything one file says.
/// A number in a module-level dict literal (`GPT_CONFIG_124M = {"emb_dim":
/// 768, "eps": 1e-5}`): configuration values a model reads by key.
struct ConfigValueFact {
  std::string Dict; ///< The variable the dict is assigned to.
  std::string Key;
  double Value = 0;
  Span Where; ///< The value as written.
  /// How the value is given when it is not a dict literal's: Dict is then
  /// a config class's name.
  enum class Kind {
    DictLiteral,  ///< `GPT_CONFIG_124M = {"eps": 1e-5}`.
    ClassDefault, ///< `norm_eps: float = 1e-5` in a config class, or an
                  ///< `__init__` default it stores (`self.eps = eps`).
    Argument,     ///< `GPTConfig(norm_eps=1e-6)`: overrides the default.
  };
  Kind K = Kind::DictLiteral;
};

/// A norm a function computes on tensors a model holds, not a module
/// (ggml: `ggml_norm(ctx, x, eps)`, then `ggml_mul` by a scale tensor and
/// `ggml_add` of a shift tensor; cxx/CxxNormSemantics.h). The tensors are
/// reads among the file's Accesses, bound to a model like any access.
struct NormUseFact {
  /// What is computed; Scale and Shift are the tensors' leaf names.
  NormSemanticsFact Semantics;
  /// Indices into FileFacts::Accesses of the scale and shift reads, or -1.
  int ScaleAccess = -1;
  int ShiftAccess = -1;
  Span Where; ///< The norm call.
};

struct FileFacts {
  std::vector<ImportFact> Imports;
  std::vector<ClassFact> Classes;
  std::vector<ScopeFact> Scopes; ///< Scopes[0] is the module scope.
  std::vector<BindingFact> Bindings;
  std::vector<AccessFact> Accesses;
  std::vector<CallFact> Calls;
  std::vector<KeyUseFact> KeyUses;
  std::vector<RenameFact> Renames;
  std::vector<LoadStateDictFact> LoadStateDicts;
  std::vector<StateDictFact> StateDicts;
  std::vector<ParseProblem> Problems;
  std::vector<SuppressionFact> Suppressions;
  std::vector<ConfigValueFact> ConfigValues;
  std::vector<NormUseFact> NormUses;
};

} // namespace paramlint

#endif // PARAMLINT_GRAPH_FACTS_H
