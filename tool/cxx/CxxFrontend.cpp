//===- cxx/CxxFrontend.cpp - C++ translation units to facts ---------------===//
///
/// \file
/// One ASTFrontendAction per unit. Its consumer owns the facts of the user's
/// files the unit reaches first (a claim shared by all workers), skips the
/// bodies of functions in every other file while Clang parses (Sema asks
/// shouldSkipFunctionBody), and walks only declarations located in the
/// user's files. Names and roles go through cxx/TensorNames.h, the same
/// rules the tests exercise without Clang.
///
//===----------------------------------------------------------------------===//
#include "cxx/CxxFrontend.h"

#include "cache/FactsCache.h"
#include "cxx/CompileDatabase.h"
#include "cxx/CxxNormSemantics.h"
#include "cxx/CxxUnitCache.h"
#include "cxx/TensorNames.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#ifndef PARAMLINT_CLANG_RESOURCE_DIR
#define PARAMLINT_CLANG_RESOURCE_DIR ""
#endif

namespace paramlint {
namespace {
using namespace clang;
namespace fs = std::filesystem;

/// State shared by the workers: which user file each unit owns, and what
/// the units found.
struct Shared {
  /// Real path → the input's path (absolute, lexically normal).
  std::unordered_map<std::string, std::string> InputByReal;
  std::mutex Mutex;
  /// `struct::field` of the tensor fields some loader binds a name to.
  std::set<std::string> BoundFields;
  /// Input path → the unit (its index) that extracts its facts.
  std::unordered_map<std::string, size_t> Owner;
  CxxResult Result;
  /// Whether parsed units record what they read for the cache, and the
  /// records by unit.
  bool Recording = false;
  std::map<size_t, CxxUnitRecord> Records;
};

std::string realPath(llvm::StringRef Path) {
  llvm::SmallString<256> Out;
  if (llvm::sys::fs::real_path(Path, Out))
    return Path.str();
  return std::string(Out.str());
}

/// The literal pieces of a name expression (for fixes) and its pattern.
struct NameExpr {
  std::string Pattern;
  std::vector<KeyPiece> Pieces;
  bool Known = false; ///< Some literal text took part.
  /// Where the name is written (the literal or template), when in the
  /// file being walked: findings point there, not at a variable's use.
  std::optional<Span> Where;
};

/// One name-table entry: `{ASR_SYSTEM_ENCODER, {{ASR_TENSOR_LN_WEIGHT,
/// "encoder.ln_post.weight"}}}` gives LN_WEIGHT the outer key ENCODER.
struct TableEntry {
  std::vector<const EnumConstantDecl *> Outer;
  std::string Pattern;
  std::string File; ///< The input file the entry is written in.
  std::optional<Span> Where; ///< Its string literal there.
};

class FactsVisitor;

/// Per-unit extraction.
class UnitConsumer : public ASTConsumer {
public:
  UnitConsumer(Shared &S, size_t Unit, CompilerInstance &CI)
      : S(S), Unit(Unit), SM(CI.getSourceManager()), LO(CI.getLangOpts()) {}

  bool shouldSkipFunctionBody(Decl *D) override {
    // A user header another unit owns still has its constructors read:
    // they say which state name each member holds.
    FileID F = fileOf(D->getLocation());
    if (owns(F))
      return false;
    return !(isInput(F) && isa<CXXConstructorDecl>(D));
  }
  void HandleTranslationUnit(ASTContext &Ctx) override;

  Shared &S;
  size_t Unit;
  SourceManager &SM;
  const LangOptions &LO;
  /// FileID → the input path when it is a user file ("" otherwise).
  std::unordered_map<unsigned, std::string> InputOfFile;
  std::unordered_map<unsigned, bool> Owned;
  std::map<std::string, FileFacts> Facts; ///< Owned files' facts.
  std::set<std::string> Bound;            ///< This unit's bound fields.

  /// What the parse read, for the cache: every file and its bytes' hash.
  /// False when a file has no absolute name (the entry would not be
  /// checkable).
  bool dependencies(std::vector<std::pair<std::string, std::string>> &Out) const {
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      const FileEntry *E = It->first;
      llvm::Optional<llvm::StringRef> Data = It->second->getBufferDataIfLoaded();
      if (!E || !Data)
        continue;
      std::string Path = E->tryGetRealPathName().str();
      if (Path.empty() && llvm::sys::path::is_absolute(E->getName()))
        Path = E->getName().str();
      if (Path.empty())
        return false;
      Out.emplace_back(Path, dependencyHash(*Data));
    }
    return !Out.empty();
  }

  FileID fileOf(SourceLocation L) const {
    return SM.getFileID(SM.getExpansionLoc(L));
  }
  const std::string &inputOf(FileID F) {
    auto It = InputOfFile.find(F.getHashValue());
    if (It != InputOfFile.end())
      return It->second;
    std::string Path;
    if (const FileEntry *E = SM.getFileEntryForID(F)) {
      auto Found = S.InputByReal.find(realPath(E->getName()));
      if (Found == S.InputByReal.end() && !E->tryGetRealPathName().empty())
        Found = S.InputByReal.find(realPath(E->tryGetRealPathName()));
      if (Found != S.InputByReal.end())
        Path = Found->second;
    }
    return InputOfFile.emplace(F.getHashValue(), Path).first->second;
  }
  bool isInput(FileID F) { return F.isValid() && !inputOf(F).empty(); }
  /// Claims the file for this unit when no other unit has.
  bool owns(FileID F) {
    if (!F.isValid())
      return false;
    auto It = Owned.find(F.getHashValue());
    if (It != Owned.end())
      return It->second;
    const std::string &Path = inputOf(F);
    bool Mine = false;
    if (!Path.empty()) {
      std::lock_guard<std::mutex> Lock(S.Mutex);
      Mine = S.Owner.emplace(Path, Unit).first->second == Unit;
    }
    Owned[F.getHashValue()] = Mine;
    if (Mine) {
      FileFacts &FF = Facts[Path];
      if (FF.Scopes.empty())
        FF.Scopes.push_back(ScopeFact{"<module>", "", 0, {}, {}});
    }
    return Mine;
  }
  FileFacts *factsFor(SourceLocation L) {
    FileID F = fileOf(L);
    if (!owns(F))
      return nullptr;
    return &Facts[inputOf(F)];
  }
  /// A span in the file of L (expansion locations), or nullopt when the
  /// range leaves that file.
  std::optional<Span> spanOf(SourceRange R, FileID In) const {
    SourceLocation B = SM.getExpansionLoc(R.getBegin());
    SourceLocation E = SM.getExpansionLoc(R.getEnd());
    if (B.isInvalid() || E.isInvalid() || SM.getFileID(B) != In ||
        SM.getFileID(E) != In)
      return std::nullopt;
    unsigned End = SM.getFileOffset(E) + Lexer::MeasureTokenLength(E, SM, LO);
    return Span{SM.getFileOffset(B), End};
  }
  Span spanOrPoint(SourceRange R, FileID In) const {
    if (auto S = spanOf(R, In))
      return *S;
    SourceLocation B = SM.getExpansionLoc(R.getBegin());
    uint32_t Off = SM.getFileID(B) == In ? SM.getFileOffset(B) : 0;
    return Span{Off, Off};
  }
};

/// `torch::nn::Linear`-style holders and user `TORCH_MODULE(X)` holders:
/// the ModuleHolder<Impl> base gives the implementation class.
const CXXRecordDecl *holderImpl(const CXXRecordDecl *R) {
  if (!R || !R->hasDefinition())
    return nullptr;
  R = R->getDefinition();
  for (const CXXBaseSpecifier &B : R->bases()) {
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        B.getType()->getAsCXXRecordDecl());
    if (!Spec || Spec->getQualifiedNameAsString() != "torch::nn::ModuleHolder")
      continue;
    const TemplateArgumentList &Args = Spec->getTemplateArgs();
    if (Args.size() >= 1 && Args[0].getKind() == TemplateArgument::Type)
      return Args[0].getAsType()->getAsCXXRecordDecl();
  }
  return nullptr;
}

/// The record a value of type T holds: through references, pointers,
/// std::shared_ptr / std::unique_ptr.
const CXXRecordDecl *heldRecord(QualType T) {
  for (int Depth = 0; Depth < 4 && !T.isNull(); ++Depth) {
    T = T.getNonReferenceType();
    if (T->isPointerType()) {
      T = T->getPointeeType();
      continue;
    }
    const CXXRecordDecl *R = T->getAsCXXRecordDecl();
    if (!R)
      return nullptr;
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(R)) {
      std::string N = Spec->getQualifiedNameAsString();
      if ((N == "std::shared_ptr" || N == "std::unique_ptr") &&
          Spec->getTemplateArgs().size() >= 1 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
        T = Spec->getTemplateArgs()[0].getAsType();
        continue;
      }
    }
    return R;
  }
  return nullptr;
}

std::string qualName(const NamedDecl *D) {
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(D))
    D = Spec->getSpecializedTemplate();
  return D->getQualifiedNameAsString();
}

bool isLibraryName(const std::string &N) {
  return N.compare(0, 7, "torch::") == 0 || N.compare(0, 5, "std::") == 0 ||
         N.compare(0, 3, "at::") == 0 || N.compare(0, 3, "c10") == 0;
}

/// The class name the graph knows a module type by: the Impl of a user
/// holder, the holder's own name for a libtorch one, else the record.
std::string moduleClassName(QualType T) {
  const CXXRecordDecl *R = heldRecord(T);
  if (!R)
    return "";
  std::string N = qualName(R);
  if (isLibraryName(N))
    return N;
  if (const CXXRecordDecl *Impl = holderImpl(R))
    return qualName(Impl);
  return N;
}

const Expr *strip(const Expr *E) {
  for (int I = 0; E && I < 16; ++I) {
    const Expr *Before = E;
    E = E->IgnoreParenImpCasts();
    if (const auto *C = dyn_cast<ExprWithCleanups>(E))
      E = C->getSubExpr();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr();
    if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr();
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      if (F->getCastKind() == CK_NoOp)
        E = F->getSubExpr();
    // Copies and moves are the same value; a converting constructor
    // (`Linear(options)`) is not.
    if (const auto *C = dyn_cast<CXXConstructExpr>(E))
      if (C->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(C) &&
          C->getConstructor()->isCopyOrMoveConstructor())
        E = C->getArg(0);
    if (E == Before)
      break;
  }
  return E;
}

/// The string literal an argument is, through std::string's constructor.
const StringLiteral *stringLiteralOf(const Expr *E) {
  for (int I = 0; E && I < 6; ++I) {
    E = strip(E);
    if (const auto *L = dyn_cast<StringLiteral>(E))
      return L;
    const auto *C = dyn_cast<CXXConstructExpr>(E);
    if (!C || C->getNumArgs() < 1)
      return nullptr;
    E = C->getArg(0);
  }
  return nullptr;
}

std::string calleeName(const CallExpr *C);

/// The register_parameter / register_buffer / register_module call whose
/// result E is, through the conversions to the member's holder type.
const CXXMemberCallExpr *registerCallIn(const Expr *E) {
  for (int I = 0; E && I < 6; ++I) {
    E = strip(E);
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      return calleeName(MC).compare(0, 9, "register_") == 0 ? MC : nullptr;
    const auto *C = dyn_cast<CXXConstructExpr>(E);
    if (!C || C->getNumArgs() < 1)
      return nullptr;
    E = C->getArg(0);
  }
  return nullptr;
}

std::string calleeName(const CallExpr *C) {
  if (const FunctionDecl *F = C->getDirectCallee())
    if (F->getDeclName().isIdentifier())
      return F->getName().str();
  return "";
}

bool isTensorPointer(QualType T) {
  T = T.getNonReferenceType();
  if (!T->isPointerType())
    return false;
  const RecordDecl *R = T->getPointeeType()->getAsRecordDecl();
  return R && R->getDeclName().isIdentifier() && isTensorTypeName(R->getName());
}

/// The element type of std::vector<T> / std::array<T, N> / T[N].
QualType elementOf(QualType T, bool &IsRepeated) {
  IsRepeated = false;
  if (const auto *A = dyn_cast<ConstantArrayType>(T.getCanonicalType().getTypePtr())) {
    IsRepeated = true;
    return A->getElementType();
  }
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
          T->getAsCXXRecordDecl())) {
    std::string N = Spec->getQualifiedNameAsString();
    if ((N == "std::vector" || N == "std::array" || N == "std::deque") &&
        Spec->getTemplateArgs().size() >= 1 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
      IsRepeated = true;
      return Spec->getTemplateArgs()[0].getAsType();
    }
  }
  return T;
}

/// Whether T is a container keyed by strings (std::map, unordered_map,
/// torch's OrderedDict): a dict whose keys may be state-dict keys.
bool isStringKeyedMap(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() < 2 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return false;
  const CXXRecordDecl *Key =
      Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
  return Key && qualName(Key) == "std::basic_string";
}

/// The walk over declarations of user files.
class FactsVisitor : public RecursiveASTVisitor<FactsVisitor> {
public:
  FactsVisitor(UnitConsumer &U, ASTContext &Ctx) : U(U), Ctx(Ctx), SM(U.SM) {}

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (isa<TranslationUnitDecl>(D) || isa<NamespaceDecl>(D) ||
        isa<LinkageSpecDecl>(D) || isa<ExternCContextDecl>(D))
      return RecursiveASTVisitor::TraverseDecl(D);
    // Declarations of other files (the standard library, libtorch) are
    // never the user's model: not even walked.
    if (!U.isInput(U.fileOf(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCXXRecordDecl(CXXRecordDecl *R);
  bool VisitVarDecl(VarDecl *V);
  bool VisitFunctionDecl(FunctionDecl *F);
  /// After the walk: the norm semantics of the module classes described
  /// (their constructors and forward are all parsed by then).
  void readNormClasses();

private:
  UnitConsumer &U;
  ASTContext &Ctx;
  SourceManager &SM;
  /// Records already described, with their class-fact index.
  std::map<const CXXRecordDecl *, std::pair<FileFacts *, size_t>> ClassIndex;
  std::map<const CXXRecordDecl *, bool> TensorStructMemo;
  /// Field → the name register_* gave it, for chains.
  std::map<const FieldDecl *, std::string> RegisteredName;
  std::map<const EnumConstantDecl *, std::vector<TableEntry>> Tables;
  /// Global and local `const char *` / std::string variables holding names.
  std::map<const VarDecl *, NameExpr> Strings;

  // Per function being walked.
  FileFacts *FF = nullptr;
  FileID FFile;
  unsigned Scope = 0;
  unsigned LoopDepth = 0;
  const CXXRecordDecl *MethodClass = nullptr;
  std::map<const ValueDecl *, std::vector<std::pair<const Expr *, bool>>> PushBacks;
  std::map<const VarDecl *, const Expr *> VarInits;
  unsigned Synthetic = 0;

  bool isTensorStruct(const CXXRecordDecl *R, unsigned Depth = 0);
  void describeRecord(const CXXRecordDecl *R, FileFacts &Into, FileID F);
  void collectTable(const Expr *E, std::vector<const EnumConstantDecl *> Outer);

  struct Chain {
    std::string Root;
    Span RootWhere;
    std::vector<PathSegment> Path;
    const FieldDecl *LastField = nullptr; ///< When the last step is a field.
  };
  /// Remembers that a loader names the tensor in the chain's field.
  void markBound(const Chain &C);
  std::set<const Expr *> Handled; ///< Subscripts an assignment took.
  /// Variables holding a model's key space: `auto params =
  /// model->named_parameters()`, or a map filled from one in a loop.
  std::map<const VarDecl *, Chain> ModelDicts;
  /// What a range-for's key iterates: the keys of a string-keyed map
  /// (Dict) or of a model's key space (Model).
  struct KeySource {
    std::string Dict;
    std::optional<Chain> Model;
  };
  /// Loop variables that are keys themselves (`[name, t]`'s `name`), and
  /// loop variables whose `.first` / `.key()` is the key.
  std::map<const ValueDecl *, KeySource> KeyVars, PairVars;
  /// The key source an expression is: `name`, `kv.first`, `p.key()`.
  const KeySource *keySourceOf(const Expr *E);
  /// The model whose key space a dict expression is, when it is one.
  std::optional<Chain> modelDictOf(const Expr *Obj);
  /// A key of one dict used in another: `params[name]` with `name` from
  /// `weights` (the weights load into the model), or `m[p.key()] = ...`
  /// with `p` from a model (m now holds the model's keys).
  void onKeyFlow(const KeySource &From, const Expr *Into, SourceRange Where);
  /// `torch::load(model, path)`: the whole key space is loaded.
  bool onTorchLoad(const CallExpr *C);
  /// Binds a range-for's loop variable to what its range iterates.
  void bindLoopKeys(const CXXForRangeStmt *FR);
  /// The member `h = register_module("h", ModuleList())` assigns: its
  /// push_backs fill the registered container.
  const ValueDecl *PendingHolder = nullptr;
  std::optional<Chain> chainOf(const Expr *E, unsigned Depth = 0);
  /// An access of kind K through chain C in the current scope.
  AccessFact accessOf(const Chain &C, AccessFact::Kind K) const {
    AccessFact A;
    A.K = K;
    A.Scope = Scope;
    A.Root = C.Root;
    A.RootWhere = C.RootWhere;
    A.Path = C.Path;
    return A;
  }
  NameExpr nameOf(const Expr *E, unsigned Depth = 0);
  /// The name a helper call selects from a table; Entry and Selector
  /// receive the entry and the constant that chose it when the name is
  /// the entry's text alone (no suffix joined).
  std::optional<NameExpr> tableName(const CallExpr *C,
                                    const TableEntry **Entry = nullptr,
                                    const EnumConstantDecl **Selector = nullptr);
  ModuleExpr moduleExprOf(const Expr *E, unsigned Depth = 0);
  /// Adds the modules pushed into the container D holds to Into.
  void appendPushed(ModuleExpr &Into, const ValueDecl *D, unsigned Depth);
  CallArgs optionsOf(const Expr *E);
  const ValueDecl *receiverDecl(const Expr *E);

  void walk(const Stmt *S);
  /// ggml norms in a function body: reads of their scale and shift
  /// tensors, and a NormUseFact tying them together.
  void addGgmlNorms(const Stmt *Body);
  CxxSpans spansIn(FileID F) const;
  void onVarDecl(const VarDecl *V);
  void onCall(const CallExpr *C);
  void onAssign(const Expr *Lhs, const Expr *Rhs, const Expr *Whole);
  void addMember(const CXXRecordDecl *Class, MemberFact M, SourceLocation At);
  void prescan(const Stmt *S, unsigned Loops);
  /// `field = register_*("name", ...)` anywhere under S.
  void scanRegisteredNames(const Stmt *S);
  void addKeyUse(const Expr *Key, const std::string &Dict, KeyUseFact::Kind K);
  /// The dict a lookup is made in, as a name; empty when not a dict.
  std::string dictOf(const Expr *Obj);
  /// A name template (printf or braces) read from the literal Fmt.
  static NameExpr fromTemplate(const NameExpr &Fmt, bool Printf);
  std::optional<SourceName> sourceOf(const Expr *E);
};

bool FactsVisitor::isTensorStruct(const CXXRecordDecl *R, unsigned Depth) {
  if (!R || !R->hasDefinition() || Depth > 8)
    return false;
  R = R->getDefinition();
  auto It = TensorStructMemo.find(R);
  if (It != TensorStructMemo.end())
    return It->second;
  TensorStructMemo[R] = false; // Cycles are not tensor structs.
  bool Result = false;
  if (!isLibraryName(qualName(R)))
    for (const FieldDecl *F : R->fields()) {
      if (isTensorPointer(F->getType())) {
        Result = true;
        break;
      }
      bool Repeated = false;
      QualType El = elementOf(F->getType(), Repeated);
      if (const CXXRecordDecl *Sub = El->getAsCXXRecordDecl())
        if (!El->isPointerType() && isTensorStruct(Sub, Depth + 1)) {
          Result = true;
          break;
        }
    }
  TensorStructMemo[R] = Result;
  return Result;
}

void FactsVisitor::describeRecord(const CXXRecordDecl *R, FileFacts &Into,
                                  FileID F) {
  ClassFact C;
  C.Name = qualName(R);
  C.Where = U.spanOrPoint(R->getLocation(), F);
  for (const CXXBaseSpecifier &B : R->bases()) {
    QualType T = B.getType();
    if (const CXXRecordDecl *BR = T->getAsCXXRecordDecl())
      C.Bases.push_back(qualName(BR));
    else
      C.Bases.push_back(withoutTemplateArgs(T.getAsString()));
  }
  C.IsTensorStruct = isTensorStruct(R);
  for (const FieldDecl *Fd : R->fields()) {
    if (!Fd->getDeclName().isIdentifier())
      continue;
    MemberFact M;
    M.Name = Fd->getName().str();
    M.Where = U.spanOrPoint(Fd->getLocation(), F);
    QualType T = Fd->getType();
    if (C.IsTensorStruct && isTensorPointer(T)) {
      M.Kind = MemberKind::Parameter;
      M.RoleHint = roleFromFieldName(M.Name);
    } else if (C.IsTensorStruct) {
      bool Repeated = false;
      QualType El = elementOf(T, Repeated);
      const CXXRecordDecl *Sub = El->getAsCXXRecordDecl();
      if (Sub && !El->isPointerType() && isTensorStruct(Sub)) {
        M.Kind = MemberKind::Module;
        ModuleExpr Inner;
        Inner.K = ModuleExpr::Kind::Instance;
        Inner.Callee = qualName(Sub);
        Inner.Where = M.Where;
        if (Repeated) {
          M.Value.K = ModuleExpr::Kind::Repeated;
          M.Value.Callee = withoutTemplateArgs(T.getAsString());
          M.Value.Children.push_back({"*", std::move(Inner)});
          M.Value.Where = M.Where;
        } else {
          M.Value = std::move(Inner);
        }
      }
    } else {
      // A tensor that no register_* call names is no state: a loader that
      // writes it writes nothing the state dict has (PL101), so it is not
      // listed as a plain attribute either.
      const CXXRecordDecl *Held = heldRecord(T);
      if (Held && (qualName(Held) == "at::Tensor"))
        continue;
    }
    C.Members.push_back(std::move(M));
  }
  for (const CXXMethodDecl *M : R->methods())
    if (!M->isImplicit() && M->getDeclName().isIdentifier())
      C.Methods.push_back(M->getName().str());
  ClassIndex[R] = {&Into, Into.Classes.size()};
  Into.Classes.push_back(std::move(C));
}

bool FactsVisitor::VisitCXXRecordDecl(CXXRecordDecl *R) {
  if (!R->isThisDeclarationADefinition() || R->isLambda() || R->isImplicit() ||
      isa<ClassTemplateSpecializationDecl>(R) || !R->getDeclName().isIdentifier())
    return true;
  FileID F = U.fileOf(R->getLocation());
  if (FileFacts *Into = U.factsFor(R->getLocation()))
    describeRecord(R, *Into, F);
  return true;
}

void FactsVisitor::collectTable(const Expr *E,
                                std::vector<const EnumConstantDecl *> Outer) {
  E = strip(E);
  if (!E || Outer.size() > 4)
    return;
  // A pair: {ENUM, "name"} or {ENUM, {nested}}, as an init list or as a
  // std::pair construction.
  std::vector<const Expr *> Elems;
  if (const auto *IL = dyn_cast<InitListExpr>(E))
    for (const Expr *I : IL->inits())
      Elems.push_back(I);
  else if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    for (const Expr *A : CE->arguments())
      Elems.push_back(A);
  else if (const auto *SL = dyn_cast<CXXStdInitializerListExpr>(E))
    return collectTable(SL->getSubExpr(), Outer);
  if (Elems.size() == 2)
    if (const auto *Ref = dyn_cast<DeclRefExpr>(strip(Elems[0])))
      if (const auto *Enum = dyn_cast<EnumConstantDecl>(Ref->getDecl())) {
        const Expr *Value = strip(Elems[1]);
        // `const char *` or std::string values (older llama.cpp).
        if (const StringLiteral *Lit = stringLiteralOf(Value)) {
          FileID In = U.fileOf(Lit->getBeginLoc());
          Tables[Enum].push_back({Outer,
                                  printfTemplateToPattern(Lit->getString().str()),
                                  U.inputOf(In), U.spanOf(Lit->getSourceRange(), In)});
          return;
        }
        std::vector<const EnumConstantDecl *> Deeper = Outer;
        Deeper.push_back(Enum);
        collectTable(Value, Deeper);
        return;
      }
  for (const Expr *El : Elems)
    collectTable(El, Outer);
}

bool FactsVisitor::VisitVarDecl(VarDecl *V) {
  if (!V->hasGlobalStorage() || !V->getInit() || isa<ParmVarDecl>(V))
    return true;
  const Expr *Init = strip(V->getInit());
  if (const auto *Lit = dyn_cast<StringLiteral>(Init)) {
    NameExpr N;
    N.Pattern = Lit->getString().str();
    N.Known = true;
    Strings[V] = N;
    return true;
  }
  if (isa<InitListExpr>(Init) || isa<CXXConstructExpr>(Init))
    collectTable(Init, {});
  return true;
}

std::optional<FactsVisitor::Chain> FactsVisitor::chainOf(const Expr *E,
                                                         unsigned Depth) {
  E = strip(E);
  if (!E || Depth > 24)
    return std::nullopt;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *V = dyn_cast<VarDecl>(Ref->getDecl());
    if (!V || !V->getDeclName().isIdentifier())
      return std::nullopt;
    Chain C;
    C.Root = V->getName().str();
    C.RootWhere = U.spanOrPoint(Ref->getSourceRange(), FFile);
    return C;
  }
  if (isa<CXXThisExpr>(E)) {
    Chain C;
    C.Root = "this";
    C.RootWhere = U.spanOrPoint(E->getSourceRange(), FFile);
    return C;
  }
  if (const auto *M = dyn_cast<MemberExpr>(E)) {
    const auto *Fd = dyn_cast<FieldDecl>(M->getMemberDecl());
    if (!Fd || !Fd->getDeclName().isIdentifier())
      return std::nullopt;
    std::optional<Chain> C = chainOf(M->getBase(), Depth + 1);
    if (!C)
      return std::nullopt;
    if (M->isImplicitAccess())
      C->RootWhere = U.spanOrPoint(M->getMemberLoc(), FFile);
    auto Reg = RegisteredName.find(Fd);
    PathSegment Seg{PathSegment::Kind::Attr,
                    Reg != RegisteredName.end() ? Reg->second : Fd->getName().str(),
                    U.spanOrPoint(M->getMemberLoc(), FFile)};
    C->Path.push_back(std::move(Seg));
    C->LastField = Fd;
    return C;
  }
  auto IndexSegment = [&](const Expr *Index, SourceRange R) {
    PathSegment Seg{PathSegment::Kind::Index, "*", U.spanOrPoint(R, FFile)};
    Expr::EvalResult Val;
    if (Index && !Index->isValueDependent() &&
        Index->EvaluateAsInt(Val, Ctx))
      Seg.Name = std::to_string(Val.Val.getInt().getExtValue());
    return Seg;
  };
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    OverloadedOperatorKind K = Op->getOperator();
    if ((K == OO_Arrow || K == OO_Star) && Op->getNumArgs() >= 1)
      return chainOf(Op->getArg(0), Depth + 1);
    if (K == OO_Subscript && Op->getNumArgs() == 2) {
      // A map keyed by strings is a dict, not a container of modules.
      if (stringLiteralOf(Op->getArg(1)) ||
          strip(Op->getArg(1))->getType()->isRecordType())
        return std::nullopt;
      std::optional<Chain> C = chainOf(Op->getArg(0), Depth + 1);
      if (C) {
        C->Path.push_back(IndexSegment(strip(Op->getArg(1)), Op->getSourceRange()));
        C->LastField = nullptr;
      }
      return C;
    }
    return std::nullopt;
  }
  if (const auto *A = dyn_cast<ArraySubscriptExpr>(E)) {
    std::optional<Chain> C = chainOf(A->getBase(), Depth + 1);
    if (C) {
      C->Path.push_back(IndexSegment(A->getIdx(), A->getSourceRange()));
      C->LastField = nullptr;
    }
    return C;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    std::string Name = calleeName(MC);
    // `list[i]->as<Block>()`, `holder.get()`, `holder.ptr()`: the same module.
    if (Name == "as" || Name == "get" || Name == "ptr" || Name == "data" ||
        Name == "detach")
      return chainOf(MC->getImplicitObjectArgument(), Depth + 1);
    if (Name == "at" && MC->getNumArgs() == 1 &&
        !strip(MC->getArg(0))->getType()->isRecordType() &&
        !stringLiteralOf(MC->getArg(0))) {
      std::optional<Chain> C = chainOf(MC->getImplicitObjectArgument(), Depth + 1);
      if (C) {
        C->Path.push_back(IndexSegment(strip(MC->getArg(0)), MC->getSourceRange()));
        C->LastField = nullptr;
      }
      return C;
    }
  }
  return std::nullopt;
}

std::optional<NameExpr> FactsVisitor::tableName(const CallExpr *C,
                                                 const TableEntry **Entry,
                                                 const EnumConstantDecl **Selector) {
  // A helper that names a tensor through a table: the enum constants
  // passed select one entry (an outer key among them picks the system).
  std::vector<const EnumConstantDecl *> Enums;
  std::vector<std::string> Suffixes;
  for (const Expr *A : C->arguments()) {
    const Expr *S = strip(A);
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      if (const auto *E = dyn_cast<EnumConstantDecl>(Ref->getDecl()))
        Enums.push_back(E);
    if (const auto *Lit = dyn_cast<StringLiteral>(S))
      Suffixes.push_back(Lit->getString().str());
  }
  for (const EnumConstantDecl *E : Enums) {
    auto It = Tables.find(E);
    if (It == Tables.end())
      continue;
    std::vector<const TableEntry *> Fit;
    for (const TableEntry &T : It->second)
      if (std::all_of(T.Outer.begin(), T.Outer.end(), [&](const EnumConstantDecl *O) {
            return std::find(Enums.begin(), Enums.end(), O) != Enums.end();
          }))
        Fit.push_back(&T);
    // The call may pass no outer key (llama.cpp's `LLM_TENSOR_NAMES`, arch
    // → {enum, name}, with the arch held by the LLM_TN helper): every
    // entry of the constant may be meant, and they give one name when
    // they all agree.
    if (Fit.empty())
      for (const TableEntry &T : It->second)
        Fit.push_back(&T);
    if (Fit.empty() ||
        std::any_of(Fit.begin(), Fit.end(), [&](const TableEntry *T) {
          return T->Pattern != Fit.front()->Pattern;
        }))
      continue;
    NameExpr N;
    N.Known = true;
    N.Pattern = Fit.front()->Pattern;
    // llama.cpp's tn(LLM_TENSOR_ATTN_NORM, "weight", i): a suffix joined
    // with a dot.
    for (const std::string &Sfx : Suffixes)
      N.Pattern += "." + Sfx;
    if (Entry && Selector && Suffixes.empty() && Fit.size() == 1) {
      *Entry = Fit.front();
      *Selector = E;
    }
    return N;
  }
  return std::nullopt;
}

NameExpr FactsVisitor::nameOf(const Expr *E, unsigned Depth) {
  NameExpr Unknown;
  Unknown.Pattern = "*";
  E = strip(E);
  if (!E || Depth > 16)
    return Unknown;
  if (const auto *Lit = dyn_cast<StringLiteral>(E)) {
    NameExpr N;
    N.Known = true;
    N.Pattern = Lit->getString().str();
    SourceLocation L = Lit->getBeginLoc();
    if (L.isFileID() && Lit->getNumConcatenated() == 1 &&
        N.Pattern.find('\\') == std::string::npos && SM.getFileID(L) == FFile) {
      uint32_t Begin = SM.getFileOffset(L) + 1;
      if (Lit->isAscii() && !N.Pattern.empty())
        N.Pieces.push_back(KeyPiece{
            N.Pattern, Span{Begin, Begin + static_cast<uint32_t>(N.Pattern.size())}});
    }
    N.Where = U.spanOf(Lit->getSourceRange(), FFile);
    return N;
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
      auto It = Strings.find(V);
      if (It != Strings.end())
        return It->second;
    }
    return Unknown;
  }
  auto Concat = [&](const Expr *A, const Expr *B) {
    NameExpr L = nameOf(A, Depth + 1), R = nameOf(B, Depth + 1);
    NameExpr N;
    N.Known = L.Known || R.Known;
    N.Pattern = collapseWildcards(L.Pattern + R.Pattern);
    N.Pieces = L.Pieces;
    N.Pieces.insert(N.Pieces.end(), R.Pieces.begin(), R.Pieces.end());
    N.Where = U.spanOf(E->getSourceRange(), FFile);
    return N;
  };
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
    if (Op->getOperator() == OO_Plus && Op->getNumArgs() == 2)
      return Concat(Op->getArg(0), Op->getArg(1));
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    std::string Name = calleeName(MC);
    if (Name == "c_str" || Name == "data" || Name == "str")
      return nameOf(MC->getImplicitObjectArgument(), Depth + 1);
  }
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    std::string Name = calleeName(C);
    // format("blk.%d.attn_norm.weight", i), fmt::format("h{}.ln_1", i).
    if ((Name.find("format") != std::string::npos ||
         Name.find("printf") != std::string::npos) &&
        C->getNumArgs() >= 1) {
      for (unsigned I = 0; I < C->getNumArgs() && I < 3; ++I) {
        const Expr *A = strip(C->getArg(I));
        NameExpr Fmt = nameOf(A, Depth + 1);
        if (!Fmt.Known)
          continue;
        return fromTemplate(Fmt, Fmt.Pattern.find('%') != std::string::npos);
      }
    }
    if (auto T = tableName(C))
      return *T;
    return Unknown;
  }
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    if (CE->getNumArgs() >= 1)
      return nameOf(CE->getArg(0), Depth + 1);
  return Unknown;
}

NameExpr FactsVisitor::fromTemplate(const NameExpr &Fmt, bool Printf) {
  NameExpr N;
  N.Known = true;
  std::vector<TemplatePiece> Pieces;
  N.Pattern = Printf ? printfTemplateToPattern(Fmt.Pattern, &Pieces)
                     : braceTemplateToPattern(Fmt.Pattern, &Pieces);
  N.Where = Fmt.Where;
  // The pieces' places in the source, when the template is one literal.
  if (Fmt.Pieces.size() == 1)
    for (const TemplatePiece &P : Pieces) {
      uint32_t Begin = Fmt.Pieces[0].Where.Begin + static_cast<uint32_t>(P.Offset);
      N.Pieces.push_back(
          KeyPiece{P.Text, Span{Begin, Begin + static_cast<uint32_t>(P.Text.size())}});
    }
  return N;
}

/// A bool or number literal as the linker reads literals (`True`, `768`,
/// `1.0000000000000001e-05`), else nullopt.
std::optional<std::string> literalOf(const Expr *E) {
  E = strip(E);
  bool Negative = false;
  if (const auto *U = dyn_cast<UnaryOperator>(E); U && U->getOpcode() == UO_Minus) {
    Negative = true;
    E = strip(U->getSubExpr());
  }
  std::string Sign = Negative ? "-" : "";
  if (const auto *B = dyn_cast<CXXBoolLiteralExpr>(E); B && !Negative)
    return std::string(B->getValue() ? "True" : "False");
  if (const auto *L = dyn_cast<IntegerLiteral>(E))
    return Sign + std::to_string(L->getValue().getZExtValue());
  if (const auto *F = dyn_cast<FloatingLiteral>(E))
    return Sign + llvm::formatv("{0:e16}", F->getValueAsApproximateDouble()).str();
  return std::nullopt;
}

CallArgs FactsVisitor::optionsOf(const Expr *E) {
  CallArgs Args;
  // LinearOptions(4, 8).bias(false): builder calls with one literal each.
  for (int I = 0; E && I < 16; ++I) {
    E = strip(E);
    const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(E);
    if (!MC)
      break;
    if (MC->getNumArgs() == 1)
      Args.Keyword.push_back({calleeName(MC), literalOf(MC->getArg(0))});
    E = MC->getImplicitObjectArgument();
  }
  return Args;
}

const ValueDecl *FactsVisitor::receiverDecl(const Expr *E) {
  for (int I = 0; E && I < 8; ++I) {
    E = strip(E);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star) &&
          Op->getNumArgs() >= 1) {
        E = Op->getArg(0);
        continue;
      }
      return nullptr;
    }
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl();
    if (const auto *M = dyn_cast<MemberExpr>(E))
      return M->getMemberDecl();
    return nullptr;
  }
  return nullptr;
}

ModuleExpr FactsVisitor::moduleExprOf(const Expr *E, unsigned Depth) {
  ModuleExpr M;
  E = strip(E);
  if (!E || Depth > 8)
    return M;
  M.Where = U.spanOrPoint(E->getSourceRange(), FFile);
  // A variable or member that holds a module: what was put into it.
  if (const ValueDecl *D = receiverDecl(E)) {
    if (const auto *V = dyn_cast<VarDecl>(D)) {
      auto It = VarInits.find(V);
      if (It != VarInits.end()) {
        ModuleExpr Inner = moduleExprOf(It->second, Depth + 1);
        appendPushed(Inner, D, Depth);
        return Inner;
      }
    }
  }
  std::string Class = moduleClassName(E->getType());
  if (Class.empty())
    return M;
  M.Callee = Class;
  M.K = ModuleExpr::Kind::Instance;
  const Expr *Built = E;
  if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
    Built = FC->getSubExpr()->IgnoreImplicit();
  const auto *CE = dyn_cast<CXXConstructExpr>(Built);
  if (Class == "torch::nn::Sequential" || Class == "torch::nn::ModuleList") {
    M.K = ModuleExpr::Kind::Indexed;
    if (CE)
      for (const Expr *A : CE->arguments()) {
        if (isa<CXXDefaultArgExpr>(A))
          continue;
        M.Children.push_back({std::to_string(M.Children.size()),
                              moduleExprOf(A, Depth + 1)});
      }
    if (const ValueDecl *D = receiverDecl(E))
      appendPushed(M, D, Depth);
    return M;
  }
  if (CE && CE->getNumArgs() >= 1)
    M.Args = optionsOf(CE->getArg(0));
  // A project module's constructor arguments (`LayerNorm(d, 1e-6)`): the
  // literal ones override the defaults its norm semantics read.
  if (CE && !isLibraryName(Class) && M.Args.Keyword.empty())
    for (const Expr *A : CE->arguments())
      if (!isa<CXXDefaultArgExpr>(A))
        M.Args.Positional.push_back(literalOf(A));
  return M;
}

void FactsVisitor::appendPushed(ModuleExpr &Into, const ValueDecl *D,
                                unsigned Depth) {
  auto Pushed = PushBacks.find(D);
  if (Pushed == PushBacks.end())
    return;
  // push_back in a loop: any number of children, as `*`.
  for (const auto &[El, InLoop] : Pushed->second) {
    ModuleExpr Child = moduleExprOf(El, Depth + 1);
    if (Into.K == ModuleExpr::Kind::Instance)
      Into.K = ModuleExpr::Kind::Indexed;
    if (InLoop) {
      Into.K = ModuleExpr::Kind::Repeated;
      Into.Children.push_back({"*", std::move(Child)});
    } else {
      Into.Children.push_back({std::to_string(Into.Children.size()), std::move(Child)});
    }
  }
}

void FactsVisitor::addMember(const CXXRecordDecl *Class, MemberFact M,
                             SourceLocation At) {
  Class = Class->getDefinition() ? Class->getDefinition() : Class;
  auto It = ClassIndex.find(Class);
  if (It != ClassIndex.end() && It->second.first == FF) {
    It->second.first->Classes[It->second.second].Members.push_back(std::move(M));
    return;
  }
  (void)At;
  // The class lives in another file (or another unit owns it): a partial
  // class in this file carries the member; the linker joins them.
  std::string Name = qualName(Class);
  for (ClassFact &C : FF->Classes)
    if (C.IsPartial && C.Name == Name) {
      C.Members.push_back(std::move(M));
      return;
    }
  ClassFact C;
  C.Name = Name;
  C.IsPartial = true;
  C.Where = M.Where;
  C.Members.push_back(std::move(M));
  FF->Classes.push_back(std::move(C));
}

void FactsVisitor::prescan(const Stmt *S, unsigned Loops) {
  if (!S)
    return;
  bool Loop = isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
              isa<CXXForRangeStmt>(S);
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
    if (calleeName(MC) == "push_back" && MC->getNumArgs() == 1)
      if (const ValueDecl *D = receiverDecl(MC->getImplicitObjectArgument())) {
        std::string Class = moduleClassName(D->getType());
        if (Class == "torch::nn::ModuleList" || Class == "torch::nn::Sequential")
          PushBacks[D].push_back({MC->getArg(0), Loops > 0});
      }
  for (const Stmt *Child : S->children())
    prescan(Child, Loops + (Loop ? 1 : 0));
}

void FactsVisitor::scanRegisteredNames(const Stmt *S) {
  if (!S)
    return;
  const Expr *L = nullptr, *R = nullptr;
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->getOpcode() == BO_Assign) {
      L = BO->getLHS();
      R = BO->getRHS();
    }
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
      L = Op->getArg(0);
      R = Op->getArg(1);
    }
  }
  if (L && R)
    if (const auto *M = dyn_cast<MemberExpr>(strip(L)))
      if (const auto *Fd = dyn_cast<FieldDecl>(M->getMemberDecl()))
        if (const CXXMemberCallExpr *Call = registerCallIn(R))
          if (Call->getNumArgs() >= 1)
            if (const auto *Lit = stringLiteralOf((Call->getArg(0))))
              RegisteredName[Fd] = Lit->getString().str();
  for (const Stmt *Child : S->children())
    scanRegisteredNames(Child);
}

void FactsVisitor::addKeyUse(const Expr *Key, const std::string &Dict,
                             KeyUseFact::Kind K) {
  NameExpr N = nameOf(Key);
  if (!N.Known || N.Pattern.find_first_not_of('*') == std::string::npos)
    return;
  KeyUseFact F;
  F.K = K;
  F.Scope = Scope;
  F.Pattern = N.Pattern;
  F.Dict = Dict;
  F.Pieces = N.Pieces;
  F.Where = N.Where ? *N.Where : U.spanOrPoint(Key->getSourceRange(), FFile);
  FF->KeyUses.push_back(std::move(F));
}

std::optional<SourceName> FactsVisitor::sourceOf(const Expr *E) {
  // The tensor a field gets: a call that names it (a helper with a name
  // or a table key), or a lookup in a dict by name.
  const Expr *S = strip(E);
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S))
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() == 2) {
      NameExpr N = nameOf(Op->getArg(1));
      if (N.Known) {
        SourceName Src;
        if (std::optional<Chain> C = chainOf(Op->getArg(0)))
          Src.Root = C->Root;
        Src.Keys.push_back(N.Pattern);
        Src.Where = U.spanOrPoint(Op->getArg(1)->getSourceRange(), FFile);
        return Src;
      }
    }
  if (const auto *C = dyn_cast<CallExpr>(S)) {
    std::string Callee = calleeName(C);
    if (Callee == "copy_" || Callee == "to")
      return std::nullopt;
    const TableEntry *Entry = nullptr;
    const EnumConstantDecl *Selector = nullptr;
    if (auto T = tableName(C, &Entry, &Selector)) {
      SourceName Src;
      Src.Keys.push_back(T->Pattern);
      if (Entry && Entry->Where && !Entry->File.empty() &&
          Selector->getDeclName().isIdentifier()) {
        Src.Table = Entry->File;
        Src.TableWhere = *Entry->Where;
        Src.Selector = Selector->getName().str();
      }
      // The enum constants that chose the entry are what the user wrote
      // here: the finding points at them.
      SourceRange R;
      for (const Expr *A : C->arguments())
        if (const auto *Ref = dyn_cast<DeclRefExpr>(strip(A)))
          if (isa<EnumConstantDecl>(Ref->getDecl()))
            R = R.isValid() ? SourceRange(R.getBegin(), A->getEndLoc())
                            : A->getSourceRange();
      Src.Where = U.spanOrPoint(R, FFile);
      return Src;
    }
    for (const Expr *A : C->arguments()) {
      if (A->getType()->isIntegerType() || A->getType()->isFloatingType())
        continue;
      NameExpr N = nameOf(A);
      if (!N.Known)
        continue;
      SourceName Src;
      Src.Keys.push_back(N.Pattern);
      Src.Where = N.Where ? *N.Where : U.spanOrPoint(A->getSourceRange(), FFile);
      return Src;
    }
  }
  return std::nullopt;
}

void FactsVisitor::onAssign(const Expr *Lhs, const Expr *Rhs, const Expr *Whole) {
  const Expr *L = strip(Lhs);
  // `model.tensors["model/h" + std::to_string(i) + "/ln_1/g"] = layer.ln_1_g`:
  // a name bound to a field (ggml); `sd["x"] = t`: a key stored.
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(L))
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() == 2) {
      if (const KeySource *From = keySourceOf(Op->getArg(1))) {
        Handled.insert(Op);
        onKeyFlow(*From, Op->getArg(0), Whole->getSourceRange());
        return;
      }
      NameExpr N = nameOf(Op->getArg(1));
      if (N.Known) {
        Handled.insert(Op);
        std::string Dict = dictOf(Op->getArg(0));
        // A tensor stored under a name (`weights["h.0.ln_1.weight"] = t`)
        // is a store; a ggml name bound to a field's handle is a lookup
        // table the loader reads the checkpoint through.
        bool Handle = isTensorPointer(strip(Rhs)->getType());
        addKeyUse(Op->getArg(1), Dict,
                  Handle ? KeyUseFact::Kind::Load : KeyUseFact::Kind::Store);
        if (std::optional<Chain> Target = chainOf(Rhs);
            Target && !Target->Path.empty() && Handle) {
          AccessFact A = accessOf(*Target, AccessFact::Kind::Mutate);
          SourceName Src;
          Src.Root = Dict;
          Src.Keys.push_back(N.Pattern);
          Src.Where = U.spanOrPoint(Op->getArg(1)->getSourceRange(), FFile);
          A.Sources.push_back(std::move(Src));
          A.Statement = U.spanOrPoint(Whole->getSourceRange(), FFile);
          FF->Accesses.push_back(std::move(A));
          markBound(*Target);
        }
        return;
      }
    }
  // `fc = register_module("fc", Linear(4, 8))`: the field holds what the
  // state dict calls "fc" (the call itself is a member, seen by onCall).
  if (const CXXMemberCallExpr *Call = registerCallIn(Rhs)) {
    if (Call->getNumArgs() >= 1) {
      if (const auto *M = dyn_cast<MemberExpr>(L))
        if (const auto *Fd = dyn_cast<FieldDecl>(M->getMemberDecl())) {
          PendingHolder = Fd;
          if (const auto *Lit = stringLiteralOf((Call->getArg(0))))
            RegisteredName[Fd] = Lit->getString().str();
        }
      if (const auto *Ref = dyn_cast<DeclRefExpr>(L))
        PendingHolder = Ref->getDecl();
      return;
    }
  }
  std::optional<Chain> Target = chainOf(Lhs);
  if (!Target || Target->Path.empty())
    return;
  std::optional<SourceName> Src = sourceOf(Rhs);
  // A tensor field written from nothing named (`ggml_new_tensor(...)`)
  // allocates; only a named source makes it a load.
  if (isTensorPointer(L->getType()) && !Src)
    return;
  AccessFact A = accessOf(*Target, AccessFact::Kind::Write);
  if (Src) {
    A.Sources.push_back(std::move(*Src));
    markBound(*Target);
  }
  A.Statement = U.spanOrPoint(Whole->getSourceRange(), FFile);
  FF->Accesses.push_back(std::move(A));
}

void FactsVisitor::markBound(const Chain &C) {
  if (!C.LastField)
    return;
  std::string Key = qualName(C.LastField->getParent()) + "::" +
                    C.LastField->getName().str();
  U.Bound.insert(Key);
}

void FactsVisitor::onCall(const CallExpr *C) {
  std::string Name = calleeName(C);
  const auto *MC = dyn_cast<CXXMemberCallExpr>(C);
  // snprintf(buf, n, "blk.%d.attn_norm.weight", i): buf holds that name
  // until it is written again.
  if (!MC && Name.find("printf") != std::string::npos && C->getNumArgs() >= 2)
    if (const auto *Ref = dyn_cast<DeclRefExpr>(strip(C->getArg(0))))
      if (const auto *Buf = dyn_cast<VarDecl>(Ref->getDecl())) {
        Strings.erase(Buf);
        for (unsigned I = 1; I < C->getNumArgs() && I < 3; ++I) {
          NameExpr Fmt = nameOf(C->getArg(I));
          if (!Fmt.Known)
            continue;
          Strings[Buf] = fromTemplate(Fmt, true);
          break;
        }
        return;
      }
  // get_tensor(ctx, "name"), ggml_get_tensor(ctx, name): a checkpoint
  // name looked up.
  if (!MC && Name.find("tensor") != std::string::npos)
    for (const Expr *A : C->arguments()) {
      const Expr *S = strip(A);
      if (S->getType()->isIntegerType() || S->getType()->isFloatingType())
        continue;
      if (nameOf(S).Known) {
        addKeyUse(S, Name, KeyUseFact::Kind::Load);
        break;
      }
    }
  // register_parameter / register_buffer / register_module on this.
  if (MC && MethodClass && C->getNumArgs() >= 2 &&
      (Name == "register_parameter" || Name == "register_buffer" ||
       Name == "register_module") &&
      isa<CXXThisExpr>(strip(MC->getImplicitObjectArgument()))) {
    const auto *Lit = stringLiteralOf((C->getArg(0)));
    if (!Lit)
      return;
    MemberFact M;
    M.Name = Lit->getString().str();
    M.Where = U.spanOrPoint(Lit->getSourceRange(), FFile);
    M.Conditional = false;
    if (Name == "register_parameter")
      M.Kind = MemberKind::Parameter;
    else if (Name == "register_buffer")
      M.Kind = MemberKind::Buffer;
    else {
      M.Kind = MemberKind::Module;
      M.Value = moduleExprOf(C->getArg(1));
      if (PendingHolder && (M.Value.Callee == "torch::nn::ModuleList" ||
                            M.Value.Callee == "torch::nn::Sequential"))
        appendPushed(M.Value, PendingHolder, 0);
    }
    PendingHolder = nullptr;
    addMember(MethodClass, std::move(M), C->getBeginLoc());
    return;
  }
  if (MC && (Name == "copy_" || Name == "set_data" || Name == "fill_" ||
             Name == "zero_" || Name == "normal_" || Name == "uniform_")) {
    std::optional<Chain> Target = chainOf(MC->getImplicitObjectArgument());
    if (!Target || Target->Path.empty())
      return;
    AccessFact A = accessOf(*Target, AccessFact::Kind::Mutate);
    if (C->getNumArgs() >= 1)
      if (std::optional<SourceName> Src = sourceOf(C->getArg(0)))
        A.Sources.push_back(std::move(*Src));
    A.Statement = U.spanOrPoint(C->getSourceRange(), FFile);
    FF->Accesses.push_back(std::move(A));
    return;
  }
  if (!MC && onTorchLoad(C))
    return;
  // Lookups by name: `params["h.0.ln.weight"]`, `params.find("...")`.
  const Expr *Obj = nullptr, *Key = nullptr;
  if (MC && (Name == "find" || Name == "at" || Name == "count" ||
             Name == "contains" || Name == "get") &&
      C->getNumArgs() >= 1) {
    Obj = MC->getImplicitObjectArgument();
    Key = C->getArg(0);
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(C)) {
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() == 2 &&
        !Handled.count(Op)) {
      Obj = Op->getArg(0);
      Key = Op->getArg(1);
    }
  } else if (MC && (Name == "emplace" || Name == "insert" ||
                    Name == "insert_or_assign" || Name == "try_emplace") &&
             C->getNumArgs() >= 1) {
    // `m.emplace(p.key(), p.value())`, `m.insert({kv.first, kv.second})`.
    const Expr *First = strip(C->getArg(0));
    if (const auto *IL = dyn_cast<InitListExpr>(First); IL && IL->getNumInits() >= 1)
      First = IL->getInit(0);
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(First);
             CE && CE->getNumArgs() == 2)
      First = CE->getArg(0);
    if (const KeySource *From = keySourceOf(First))
      onKeyFlow(*From, MC->getImplicitObjectArgument(), C->getSourceRange());
    return;
  }
  if (Key)
    if (const KeySource *From = keySourceOf(Key)) {
      onKeyFlow(*From, Obj, C->getSourceRange());
      return;
    }
  if (Key && nameOf(Key).Known) {
    std::string Dict = dictOf(Obj);
    if (!Dict.empty())
      addKeyUse(Key, Dict, KeyUseFact::Kind::Load);
  }
}

std::string FactsVisitor::dictOf(const Expr *Obj) {
  Obj = strip(Obj);
  if (std::optional<Chain> D = chainOf(Obj)) {
    std::string Dict = D->Root;
    for (const PathSegment &P : D->Path)
      Dict += "." + P.Name;
    return Dict;
  }
  // `model->named_parameters()["..."]`: a dict of the model's keys, held
  // by no variable.
  const auto *Inner = dyn_cast<CXXMemberCallExpr>(Obj);
  if (!Inner)
    return "";
  std::string InnerName = calleeName(Inner);
  if (InnerName != "named_parameters" && InnerName != "named_buffers")
    return "";
  std::optional<Chain> Model = chainOf(Inner->getImplicitObjectArgument());
  if (!Model)
    return "";
  std::string Dict = "<" + InnerName + "#" + std::to_string(Synthetic++) + ">";
  FF->StateDicts.push_back(
      StateDictFact{Scope, Dict, Model->Root, Model->Path, Model->RootWhere});
  return Dict;
}

const FactsVisitor::KeySource *FactsVisitor::keySourceOf(const Expr *E) {
  E = strip(E);
  if (!E)
    return nullptr;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    auto It = KeyVars.find(Ref->getDecl());
    return It == KeyVars.end() ? nullptr : &It->second;
  }
  // `kv.first` of a std::map entry, `p.key()` of a torch OrderedDict item.
  const Expr *Base = nullptr;
  if (const auto *M = dyn_cast<MemberExpr>(E)) {
    if (M->getMemberDecl()->getDeclName().isIdentifier() &&
        M->getMemberDecl()->getName() == "first")
      Base = M->getBase();
  } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    if (calleeName(MC) == "key" && MC->getNumArgs() == 0)
      Base = MC->getImplicitObjectArgument();
  }
  if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(Base ? strip(Base) : nullptr)) {
    auto It = PairVars.find(Ref->getDecl());
    return It == PairVars.end() ? nullptr : &It->second;
  }
  return nullptr;
}

std::optional<FactsVisitor::Chain> FactsVisitor::modelDictOf(const Expr *Obj) {
  Obj = strip(Obj);
  if (const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(Obj)) {
    std::string Name = calleeName(MC);
    if (Name == "named_parameters" || Name == "named_buffers")
      return chainOf(MC->getImplicitObjectArgument());
    return std::nullopt;
  }
  if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(Obj))
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
      auto It = ModelDicts.find(V);
      if (It != ModelDicts.end())
        return It->second;
    }
  return std::nullopt;
}

void FactsVisitor::onKeyFlow(const KeySource &From, const Expr *Into,
                             SourceRange Where) {
  if (!From.Dict.empty()) {
    // `params[name].copy_(t)` for each `[name, t]` of weights: weights is
    // loaded into the model, its keys are the model's (as Python's
    // `model.load_state_dict(weights)`).
    std::optional<Chain> M = modelDictOf(Into);
    if (!M)
      return;
    LoadStateDictFact L;
    L.Scope = Scope;
    L.Receiver = M->Root;
    L.Path = M->Path;
    L.Argument = From.Dict;
    L.Where = U.spanOrPoint(Where, FFile);
    FF->LoadStateDicts.push_back(std::move(L));
    return;
  }
  // `m[p.key()] = p.value()` over a model's named_parameters(): m holds
  // the model's key space from here on.
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(strip(Into));
  const auto *V = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!V || !From.Model || !V->getDeclName().isIdentifier() || ModelDicts.count(V))
    return;
  ModelDicts[V] = *From.Model;
  FF->StateDicts.push_back(StateDictFact{Scope, V->getName().str(), From.Model->Root,
                                         From.Model->Path,
                                         U.spanOrPoint(Where, FFile)});
}

bool FactsVisitor::onTorchLoad(const CallExpr *C) {
  const FunctionDecl *F = C->getDirectCallee();
  if (!F || C->getNumArgs() < 2 || F->getQualifiedNameAsString() != "torch::load")
    return false;
  // Only a module: `torch::load(tensor, path)` and optimizers load other
  // things.
  const CXXRecordDecl *R = heldRecord(strip(C->getArg(0))->getType());
  bool Module = R && holderImpl(R);
  if (R && R->hasDefinition() && !Module)
    R->getDefinition()->forallBases([&](const CXXRecordDecl *B) {
      Module |= B->getQualifiedNameAsString() == "torch::nn::Module";
      return true;
    });
  std::optional<Chain> M = Module ? chainOf(C->getArg(0)) : std::nullopt;
  if (!M)
    return true;
  LoadStateDictFact L;
  L.Scope = Scope;
  L.Receiver = M->Root;
  L.Path = M->Path;
  SourceRange Where = C->getCallee()->getSourceRange();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(C->getCallee()->IgnoreImpCasts()))
    Where = SourceRange(Ref->getLocation(), Ref->getLocation());
  L.Where = U.spanOrPoint(Where, FFile);
  FF->LoadStateDicts.push_back(std::move(L));
  return true;
}

void FactsVisitor::bindLoopKeys(const CXXForRangeStmt *FR) {
  const VarDecl *V = FR->getLoopVariable();
  if (!V)
    return;
  KeySource K;
  const Expr *Range = strip(FR->getRangeInit());
  if (std::optional<Chain> M = modelDictOf(Range)) {
    K.Model = std::move(M);
  } else if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(Range)) {
    const auto *D = dyn_cast<VarDecl>(Ref->getDecl());
    if (!D || !D->getDeclName().isIdentifier() || !isStringKeyedMap(D->getType()))
      return;
    K.Dict = D->getName().str();
  } else {
    return;
  }
  if (const auto *DD = dyn_cast<DecompositionDecl>(V)) {
    if (!DD->bindings().empty())
      KeyVars[DD->bindings()[0]] = std::move(K);
    return;
  }
  PairVars[V] = std::move(K);
}

void FactsVisitor::onVarDecl(const VarDecl *V) {
  if (!V->getDeclName().isIdentifier())
    return;
  std::string Var = V->getName().str();
  Span Where = U.spanOrPoint(V->getLocation(), FFile);
  const Expr *Init = V->getInit() ? strip(V->getInit()) : nullptr;
  if (Init)
    VarInits[V] = Init;
  QualType T = V->getType();
  // Names held in local strings: `std::string name = "h" + ...;`.
  if (Init) {
    NameExpr N = nameOf(Init);
    if (N.Known) {
      Strings[V] = N;
      return;
    }
  }
  // `auto named = model->named_parameters();`
  if (const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(Init)) {
    std::string Name = calleeName(MC);
    if (Name == "named_parameters" || Name == "named_buffers") {
      if (std::optional<Chain> M = chainOf(MC->getImplicitObjectArgument())) {
        FF->StateDicts.push_back(StateDictFact{Scope, Var, M->Root, M->Path, Where});
        ModelDicts[V] = *M;
      }
      return;
    }
  }
  if (Init)
    if (std::optional<Chain> C = chainOf(Init)) {
      BindingFact B;
      B.K = BindingFact::Kind::Alias;
      B.Scope = Scope;
      B.Var = Var;
      B.Root = C->Root;
      B.Path = C->Path;
      B.Where = Where;
      FF->Bindings.push_back(std::move(B));
      return;
    }
  // `GPT model(cfg);`, `auto m = std::make_shared<GPTImpl>();`,
  // `gpt2_model model;`.
  std::string Class = moduleClassName(T);
  if (Class.empty() || isLibraryName(Class) || T->isReferenceType())
    return;
  const CXXRecordDecl *R = heldRecord(T);
  bool Module = R && (holderImpl(R) || isTensorStruct(R));
  if (!Module && R && R->hasDefinition())
    for (const CXXBaseSpecifier &B : R->getDefinition()->bases())
      Module |= B.getType()->getAsCXXRecordDecl() != nullptr;
  if (!Module)
    return;
  BindingFact B;
  B.K = BindingFact::Kind::Instance;
  B.Scope = Scope;
  B.Var = Var;
  B.Callee = Class;
  B.Where = Where;
  FF->Bindings.push_back(std::move(B));
}

void FactsVisitor::walk(const Stmt *S) {
  if (!S)
    return;
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(D)) {
        if (V->getInit())
          walk(V->getInit());
        onVarDecl(V);
      }
    return;
  }
  if (const auto *FR = dyn_cast<CXXForRangeStmt>(S)) {
    const VarDecl *V = FR->getLoopVariable();
    if (V && V->getDeclName().isIdentifier())
      if (std::optional<Chain> C = chainOf(FR->getRangeInit())) {
        BindingFact B;
        B.K = BindingFact::Kind::Alias;
        B.Scope = Scope;
        B.Var = V->getName().str();
        B.Root = C->Root;
        B.Path = C->Path;
        B.Where = U.spanOrPoint(V->getLocation(), FFile);
        B.Path.push_back(PathSegment{PathSegment::Kind::Index, "*", B.Where});
        FF->Bindings.push_back(std::move(B));
      }
    bindLoopKeys(FR);
    ++LoopDepth;
    walk(FR->getBody());
    --LoopDepth;
    return;
  }
  bool Loop = isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S);
  if (Loop)
    ++LoopDepth;
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->getOpcode() == BO_Assign)
      onAssign(BO->getLHS(), BO->getRHS(), BO);
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      onAssign(Op->getArg(0), Op->getArg(1), Op);
    else
      onCall(Op);
  } else if (const auto *C = dyn_cast<CallExpr>(S)) {
    onCall(C);
  }
  for (const Stmt *Child : S->children())
    walk(Child);
  if (Loop)
    --LoopDepth;
}

bool FactsVisitor::VisitFunctionDecl(FunctionDecl *F) {
  if (!F->doesThisDeclarationHaveABody() || !F->getBody())
    return true;
  const auto *Method = dyn_cast<CXXMethodDecl>(F);
  if (Method && Method->getParent()->isLambda())
    return true;
  if (F->isTemplateInstantiation())
    return true;
  FileFacts *Into = U.factsFor(F->getLocation());
  if (!Into) {
    if (isa<CXXConstructorDecl>(F))
      scanRegisteredNames(F->getBody());
    return true;
  }
  FF = Into;
  FFile = U.fileOf(F->getLocation());
  MethodClass = Method ? Method->getParent() : nullptr;
  ScopeFact SF;
  SF.Name = F->getDeclName().isIdentifier() ? F->getName().str()
                                            : F->getNameAsString();
  SF.Parent = 0;
  SF.Where = U.spanOrPoint(F->getLocation(), FFile);
  if (Method && !Method->isStatic()) {
    SF.Class = qualName(Method->getParent());
    SF.Params.push_back(ParamFact{"this", SF.Class});
  }
  for (const ParmVarDecl *P : F->parameters())
    SF.Params.push_back(ParamFact{
        P->getDeclName().isIdentifier() ? P->getName().str() : "",
        moduleClassName(P->getType())});
  Scope = static_cast<unsigned>(FF->Scopes.size());
  FF->Scopes.push_back(std::move(SF));

  PushBacks.clear();
  VarInits.clear();
  ModelDicts.clear();
  KeyVars.clear();
  PairVars.clear();
  LoopDepth = 0;
  prescan(F->getBody(), 0);
  // Constructor initialisers first (`fc(register_module("fc", ...))`):
  // they run before the body.
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(F))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isWritten()) {
        if (const FieldDecl *Fd = Init->getMember())
          if (const CXXMemberCallExpr *Call = registerCallIn(Init->getInit()))
            if (Call->getNumArgs() >= 1)
              if (const auto *Lit = stringLiteralOf((Call->getArg(0))))
                RegisteredName[Fd] = Lit->getString().str();
        walk(Init->getInit());
      }
  walk(F->getBody());
  addGgmlNorms(F->getBody());
  FF = nullptr;
  MethodClass = nullptr;
  return true;
}

CxxSpans FactsVisitor::spansIn(FileID F) const {
  CxxSpans S;
  S.SpanOf = [this, F](SourceRange R) { return U.spanOf(R, F); };
  S.Text = SM.getBufferData(F);
  return S;
}

void FactsVisitor::addGgmlNorms(const Stmt *Body) {
  CxxSpans Spans = spansIn(FFile);
  for (GgmlNormSite &Site : findGgmlNorms(Body, Ctx, Spans)) {
    NormUseFact N;
    N.Semantics = std::move(Site.Semantics);
    N.Where = U.spanOrPoint(Site.Call->getSourceRange(), FFile);
    for (auto [E, Index, Name] : {std::tuple{Site.Scale, &N.ScaleAccess, &N.Semantics.Scale},
                                  std::tuple{Site.Shift, &N.ShiftAccess, &N.Semantics.Shift}}) {
      std::optional<Chain> C = E ? chainOf(E) : std::nullopt;
      if (!C || C->Path.empty())
        continue;
      AccessFact A = accessOf(*C, AccessFact::Kind::Read);
      A.Statement = U.spanOrPoint(E->getSourceRange(), FFile);
      *Name = C->Path.back().Name;
      *Index = static_cast<int>(FF->Accesses.size());
      FF->Accesses.push_back(std::move(A));
    }
    if (N.ScaleAccess >= 0 || N.ShiftAccess >= 0)
      FF->NormUses.push_back(std::move(N));
  }
}

void FactsVisitor::readNormClasses() {
  for (const auto &[R, Where] : ClassIndex) {
    ClassFact &C = Where.first->Classes[Where.second];
    if (C.IsTensorStruct || C.Bases.empty())
      continue;
    C.Norm = readCxxNormClass(*R, Ctx, spansIn(U.fileOf(R->getLocation())));
  }
}

void UnitConsumer::HandleTranslationUnit(ASTContext &Ctx) {
  FactsVisitor V(*this, Ctx);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
  V.readNormClasses();
  CxxUnitRecord Record;
  bool Keep = S.Recording && dependencies(Record.Dependencies);
  if (Keep) {
    Record.Facts.assign(Facts.begin(), Facts.end());
    Record.BoundFields.assign(Bound.begin(), Bound.end());
  }
  std::lock_guard<std::mutex> Lock(S.Mutex);
  S.BoundFields.insert(Bound.begin(), Bound.end());
  for (auto &[Path, FF] : Facts)
    S.Result.Facts[Path] = std::move(FF);
  ++S.Result.ParsedUnits;
  if (Keep)
    S.Records[Unit] = std::move(Record);
}

/// Collects the first error of each unit as a PL001.
class ProblemCollector : public DiagnosticConsumer {
public:
  explicit ProblemCollector(Shared &S) : S(S) {}
  std::string CurrentFile; ///< The unit being parsed (absolute).
  std::vector<std::string> UnknownArgs;
  std::set<std::string> Reported;

  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error)
      return;
    llvm::SmallString<256> Text;
    Info.FormatDiagnostic(Text);
    std::string Message(Text.str());
    if (Message.compare(0, 17, "unknown argument:") == 0) {
      size_t Q = Message.find('\'');
      size_t E = Message.rfind('\'');
      if (Q != std::string::npos && E > Q)
        UnknownArgs.push_back(Message.substr(Q + 1, E - Q - 1));
    }
    if (!Reported.insert(CurrentFile).second)
      return;
    CxxProblem P;
    P.Path = CurrentFile;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      const SourceManager &SM = Info.getSourceManager();
      SourceLocation L = SM.getExpansionLoc(Info.getLocation());
      PresumedLoc PL = SM.getPresumedLoc(L);
      std::string Where;
      if (const FileEntry *E = SM.getFileEntryForID(SM.getFileID(L))) {
        auto Found = S.InputByReal.find(realPath(E->getName()));
        if (Found != S.InputByReal.end() && Found->second == CurrentFile)
          P.Offset = SM.getFileOffset(L);
        else if (PL.isValid())
          Where = std::string(PL.getFilename()) + ":" + std::to_string(PL.getLine()) + ": ";
      }
      // Point at the #include that led to the error when it is elsewhere.
      if (!Where.empty()) {
        SourceLocation Inc = SM.getIncludeLoc(SM.getFileID(L));
        while (Inc.isValid()) {
          FileID IF = SM.getFileID(SM.getExpansionLoc(Inc));
          const FileEntry *E = SM.getFileEntryForID(IF);
          auto Found = E ? S.InputByReal.find(realPath(E->getName()))
                         : S.InputByReal.end();
          if (Found != S.InputByReal.end() && Found->second == CurrentFile) {
            P.Offset = SM.getFileOffset(SM.getExpansionLoc(Inc));
            break;
          }
          Inc = SM.getIncludeLoc(IF);
        }
      }
      Message = Where + Message;
    }
    P.Message = "C++ parse error (facts may be incomplete): " + Message;
    std::lock_guard<std::mutex> Lock(S.Mutex);
    S.Result.Problems.push_back(std::move(P));
  }

private:
  Shared &S;
};

class UnitAction : public ASTFrontendAction {
public:
  UnitAction(Shared &S, size_t Unit) : S(S), Unit(Unit) {}
  bool BeginInvocation(CompilerInstance &CI) override {
    // Bodies outside the user's files are never looked at: skip them.
    CI.getFrontendOpts().SkipFunctionBodies = true;
    // Problems are PL001s: no "N errors generated." on stderr.
    CI.getDiagnosticOpts().ShowCarets = false;
    return true;
  }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<UnitConsumer>(S, Unit, CI);
  }

private:
  Shared &S;
  size_t Unit;
};

/// A database that answers with the planned command of each unit.
class PlannedDatabase : public tooling::CompilationDatabase {
public:
  std::map<std::string, tooling::CompileCommand> Commands;
  std::vector<tooling::CompileCommand>
  getCompileCommands(llvm::StringRef File) const override {
    auto It = Commands.find(File.str());
    if (It == Commands.end())
      return {};
    return {It->second};
  }
};

class UnitFactory : public tooling::FrontendActionFactory {
public:
  UnitFactory(Shared &S, const std::map<std::string, size_t> &UnitOf,
              ProblemCollector &Problems)
      : S(S), UnitOf(UnitOf), Problems(Problems) {}
  std::unique_ptr<FrontendAction> create() override {
    auto It = UnitOf.find(Problems.CurrentFile);
    return std::make_unique<UnitAction>(S, It == UnitOf.end() ? 0 : It->second);
  }

private:
  Shared &S;
  const std::map<std::string, size_t> &UnitOf;
  ProblemCollector &Problems;
};

/// Runs one ClangTool over Files with the planned commands, the
/// resource directory and no warnings.
void runTool(Shared &S, const PlannedDatabase &DB,
             const std::vector<std::string> &Files,
             const std::map<std::string, size_t> &UnitOf,
             ProblemCollector &Problems, const CxxOptions &Options) {
  // A file system of its own: ClangTool moves into each command's
  // directory, and on the real file system that is the process's working
  // directory, which parallel workers would race on.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS(
      llvm::vfs::createPhysicalFileSystem().release());
  tooling::ClangTool Tool(DB, Files, std::make_shared<PCHContainerOperations>(), FS);
  Tool.setRestoreWorkingDir(false);
  Tool.setPrintErrorMessage(false);
  Tool.setDiagnosticConsumer(&Problems);
  for (const auto &[Path, Text] : Options.Contents)
    Tool.mapVirtualFile(Path, Text);
  std::string ResourceDir = PARAMLINT_CLANG_RESOURCE_DIR;
  Tool.appendArgumentsAdjuster(
      [&](const tooling::CommandLineArguments &Args, llvm::StringRef File) {
        Problems.CurrentFile = File.str();
        tooling::CommandLineArguments Out;
        for (size_t I = 0; I < Args.size(); ++I) {
          Out.push_back(Args[I]);
          if (I == 0) {
            if (!ResourceDir.empty())
              Out.push_back("-resource-dir=" + ResourceDir);
            Out.push_back("-w");
          }
        }
        return Out;
      });
  UnitFactory Factory(S, UnitOf, Problems);
  Tool.run(&Factory);
}

/// Parses a group of units with one ClangTool (one file manager: headers
/// are read once per worker).
void runGroup(Shared &S, const std::vector<PlannedCommand> &Units, size_t Base,
              const std::vector<size_t> &Group, const CxxOptions &Options) {
  if (Group.empty())
    return;
  ProblemCollector Problems(S);
  PlannedDatabase DB;
  std::vector<std::string> Files;
  std::map<std::string, size_t> UnitOf;
  for (size_t I : Group) {
    const PlannedCommand &P = Units[I];
    DB.Commands[P.File] = tooling::CompileCommand(P.Directory, P.File, P.Args, "");
    Files.push_back(P.File);
    UnitOf[P.File] = Base + I;
  }
  runTool(S, DB, Files, UnitOf, Problems, Options);

  // GCC-only flags: Clang refused the command. That is reported (above);
  // the unit is parsed again without them.
  if (Problems.UnknownArgs.empty())
    return;
  std::set<std::string> Drop(Problems.UnknownArgs.begin(), Problems.UnknownArgs.end());
  std::vector<std::string> Retry;
  for (size_t I : Group) {
    std::lock_guard<std::mutex> Lock(S.Mutex);
    if (S.Owner.count(Units[I].File) == 0 && Problems.Reported.count(Units[I].File))
      Retry.push_back(Units[I].File);
  }
  if (Retry.empty())
    return;
  for (const std::string &F : Retry) {
    tooling::CompileCommand &Cmd = DB.Commands[F];
    std::vector<std::string> Kept;
    for (const std::string &A : Cmd.CommandLine)
      if (!Drop.count(A))
        Kept.push_back(A);
    Cmd.CommandLine = Kept;
  }
  ProblemCollector Second(S);
  runTool(S, DB, Retry, UnitOf, Second, Options);
}

} // namespace

CxxResult extractCxxFacts(const std::vector<std::string> &Inputs,
                          const CxxOptions &Options) {
  Shared S;
  std::vector<std::string> Sources, Headers;
  for (const std::string &P : Inputs) {
    S.InputByReal[realPath(P)] = P;
    (isCxxHeader(P) ? Headers : Sources).push_back(P);
  }
  // Units whose cached record still matches every file they read are not
  // parsed: their facts and claims are taken from the record.
  DependencyHashes Hashes;
  bool Caching = Options.Cache && Options.Contents.empty();
  // The config's table extensions decide roles too: part of every key.
  std::string Context;
  for (const auto &[R, Name] : Options.Tables.Aliases)
    Context += "alias " + std::to_string(static_cast<int>(R)) + " " + Name + "\n";
  for (const ConfigLibraryClass &C : Options.Tables.LibraryClasses) {
    Context += "class " + C.Name + " " + C.Like + " " +
               (C.IsNorm ? std::to_string(*C.IsNorm) : "-");
    for (const std::vector<std::string> *L :
         {C.Params ? &*C.Params : nullptr, &C.Buffers, &C.Attributes}) {
      Context += L ? " [" : " -";
      for (const std::string &N : L ? *L : std::vector<std::string>{})
        Context += N + ",";
    }
    Context += "\n";
  }
  S.Recording = Caching;
  // Indices (into All) of the units to parse; the others are taken from
  // their records.
  auto FromCache = [&](const std::vector<PlannedCommand> &All, size_t Base,
                       std::vector<Hash128> &Keys) {
    std::vector<size_t> Todo;
    for (size_t I = 0; I < All.size(); ++I) {
      const PlannedCommand &P = All[I];
      Keys.push_back(cxxUnitKey(P.File, P.Directory, P.Args, Context));
      if (!Caching) {
        Todo.push_back(I);
        continue;
      }
      std::optional<CxxUnitRecord> R;
      if (std::optional<std::string> Bytes = Options.Cache->lookupBytes(Keys.back()))
        R = deserializeUnitRecord(*Bytes);
      bool Hit = R && Hashes.unchanged(*R);
      Options.Cache->countLookup(Hit);
      if (!Hit) {
        Todo.push_back(I);
        continue;
      }
      ++S.Result.CachedUnits;
      for (auto &[Path, FF] : R->Facts)
        if (S.InputByReal.count(realPath(Path)) &&
            S.Owner.emplace(Path, Base + I).second)
          S.Result.Facts[Path] = std::move(FF);
      S.BoundFields.insert(R->BoundFields.begin(), R->BoundFields.end());
    }
    return Todo;
  };
  auto Store = [&](const std::vector<PlannedCommand> &All, size_t Base,
                   const std::vector<Hash128> &Keys) {
    std::set<std::string> Failed;
    for (const CxxProblem &P : S.Result.Problems)
      Failed.insert(P.Path);
    for (size_t I = 0; I < All.size(); ++I) {
      auto It = S.Records.find(Base + I);
      // A unit with errors may read other headers once they are fixed
      // (a missing one cannot be hashed): it is parsed again next time.
      if (It == S.Records.end() || Failed.count(All[I].File))
        continue;
      if (std::optional<std::string> Bytes = serializeUnitRecord(It->second))
        Options.Cache->storeBytes(Keys[I], std::move(*Bytes));
    }
  };
  auto RunAll = [&](const std::vector<PlannedCommand> &Units, size_t Base) {
    std::vector<Hash128> Keys;
    std::vector<size_t> Todo = FromCache(Units, Base, Keys);
    unsigned Jobs = std::max(1u, std::min<unsigned>(Options.Jobs ? Options.Jobs : 1,
                                                    static_cast<unsigned>(Todo.size())));
    // Balance the groups by file size, largest first.
    std::vector<uintmax_t> Size(Units.size());
    for (size_t I : Todo) {
      std::error_code Ec;
      Size[I] = fs::file_size(Units[I].File, Ec);
    }
    std::vector<size_t> Order = Todo;
    std::sort(Order.begin(), Order.end(),
              [&](size_t A, size_t B) { return Size[A] > Size[B]; });
    std::vector<std::vector<size_t>> Groups(Jobs);
    std::vector<uintmax_t> Load(Jobs, 0);
    for (size_t I : Order) {
      size_t G = std::min_element(Load.begin(), Load.end()) - Load.begin();
      Groups[G].push_back(I);
      Load[G] += Size[I] + 1;
    }
    std::vector<std::thread> Workers;
    for (unsigned J = 1; J < Jobs; ++J)
      Workers.emplace_back([&, J] { runGroup(S, Units, Base, Groups[J], Options); });
    runGroup(S, Units, Base, Groups[0], Options);
    for (std::thread &T : Workers)
      T.join();
    if (Caching)
      Store(Units, Base, Keys);
  };

  CompilePlan Plan = planCompileCommands(Sources, Options.BuildDir);
  S.Result.Notes = Plan.Notes;
  RunAll(Plan.Units, 0);
  // Headers no unit reached are parsed on their own.
  std::vector<std::string> Alone;
  for (const std::string &H : Headers)
    if (!S.Owner.count(H))
      Alone.push_back(H);
  if (!Alone.empty()) {
    CompilePlan HeaderPlan = planCompileCommands(Alone, Options.BuildDir);
    for (PlannedCommand &P : HeaderPlan.Units)
      if (!P.Fallback) {
        // An inferred command compiles the header as a source: fine for
        // -fsyntax-only; only `-x c++-header` would try to precompile.
        for (std::string &A : P.Args)
          if (A == "c++-header")
            A = "c++";
      }
    // Numbered after the sources: a unit's number is its claim.
    RunAll(HeaderPlan.Units, Plan.Units.size());
  }
  // Every input gets facts (possibly empty). A tensor field no loader
  // names and whose name gives no role (`memory_k`, a cache) is scratch,
  // not a weight: it stays out of the key space.
  for (const std::string &P : Inputs) {
    FileFacts &FF = S.Result.Facts[P];
    if (FF.Scopes.empty())
      FF.Scopes.push_back(ScopeFact{"<module>", "", 0, {}, {}});
    for (ClassFact &C : FF.Classes)
      if (C.IsTensorStruct)
        for (MemberFact &M : C.Members)
          if (M.Kind == MemberKind::Parameter && M.RoleHint.empty() &&
              !S.BoundFields.count(C.Name + "::" + M.Name)) {
            M.Kind = MemberKind::Buffer;
            M.Persistent = false;
          }
  }
  return std::move(S.Result);
}

} // namespace paramlint
