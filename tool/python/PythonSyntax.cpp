//===- python/PythonSyntax.cpp - tree-sitter-python plumbing --------------===//

#include "python/PythonSyntax.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

extern "C" const TSLanguage *tree_sitter_python(void);

namespace paramlint {
namespace py {

namespace {

/// Grammar names of the kinds the frontend distinguishes.
constexpr std::pair<const char *, Sym> KindNames[] = {
    {"module", Sym::Module},
    {"block", Sym::Block},
    {"comment", Sym::Comment},
    {"identifier", Sym::Identifier},
    {"attribute", Sym::Attribute},
    {"subscript", Sym::Subscript},
    {"call", Sym::Call},
    {"argument_list", Sym::ArgumentList},
    {"keyword_argument", Sym::KeywordArgument},
    {"list_splat", Sym::ListSplat},
    {"dictionary_splat", Sym::DictionarySplat},
    {"parenthesized_expression", Sym::ParenthesizedExpression},
    {"string", Sym::String},
    {"concatenated_string", Sym::ConcatenatedString},
    {"interpolation", Sym::Interpolation},
    {"string_start", Sym::StringStart},
    {"string_end", Sym::StringEnd},
    {"integer", Sym::Integer},
    {"float", Sym::Float},
    {"true", Sym::True},
    {"false", Sym::False},
    {"none", Sym::None},
    {"unary_operator", Sym::UnaryOperator},
    {"binary_operator", Sym::BinaryOperator},
    {"comparison_operator", Sym::ComparisonOperator},
    {"list", Sym::List},
    {"tuple", Sym::Tuple},
    {"dictionary", Sym::Dictionary},
    {"pair", Sym::Pair},
    {"list_comprehension", Sym::ListComprehension},
    {"generator_expression", Sym::GeneratorExpression},
    {"dictionary_comprehension", Sym::DictionaryComprehension},
    {"for_in_clause", Sym::ForInClause},
    {"conditional_expression", Sym::ConditionalExpression},
    {"expression_statement", Sym::ExpressionStatement},
    {"assignment", Sym::Assignment},
    {"augmented_assignment", Sym::AugmentedAssignment},
    {"expression_list", Sym::ExpressionList},
    {"pattern_list", Sym::PatternList},
    {"tuple_pattern", Sym::TuplePattern},
    {"list_pattern", Sym::ListPattern},
    {"import_statement", Sym::ImportStatement},
    {"import_from_statement", Sym::ImportFromStatement},
    {"future_import_statement", Sym::FutureImportStatement},
    {"dotted_name", Sym::DottedName},
    {"aliased_import", Sym::AliasedImport},
    {"relative_import", Sym::RelativeImport},
    {"import_prefix", Sym::ImportPrefix},
    {"wildcard_import", Sym::WildcardImport},
    {"class_definition", Sym::ClassDefinition},
    {"function_definition", Sym::FunctionDefinition},
    {"decorated_definition", Sym::DecoratedDefinition},
    {"parameters", Sym::Parameters},
    {"typed_parameter", Sym::TypedParameter},
    {"default_parameter", Sym::DefaultParameter},
    {"typed_default_parameter", Sym::TypedDefaultParameter},
    {"if_statement", Sym::IfStatement},
    {"elif_clause", Sym::ElifClause},
    {"else_clause", Sym::ElseClause},
    {"try_statement", Sym::TryStatement},
    {"except_clause", Sym::ExceptClause},
    {"except_group_clause", Sym::ExceptGroupClause},
    {"finally_clause", Sym::FinallyClause},
    {"for_statement", Sym::ForStatement},
    {"while_statement", Sym::WhileStatement},
    {"with_statement", Sym::WithStatement},
    {"match_statement", Sym::MatchStatement},
    {"case_clause", Sym::CaseClause},
    {"lambda", Sym::Lambda},
};

Grammar buildGrammar() {
  Grammar G;
  G.Language = tree_sitter_python();
  // Map every symbol id by name, not via ts_language_symbol_for_name: a
  // name can have several ids (aliases such as keyword identifiers), and
  // ts_node_symbol reports whichever one the parser produced.
  uint32_t Count = ts_language_symbol_count(G.Language);
  G.Kinds.assign(Count, Sym::Other);
  for (uint32_t S = 0; S < Count; ++S) {
    TSSymbol Id = static_cast<TSSymbol>(S);
    if (ts_language_symbol_type(G.Language, Id) != TSSymbolTypeRegular)
      continue;
    const char *Name = ts_language_symbol_name(G.Language, Id);
    if (!Name)
      continue;
    for (const auto &[KindName, Kind] : KindNames)
      if (std::strcmp(Name, KindName) == 0) {
        G.Kinds[S] = Kind;
        break;
      }
  }
  G.Reader = SubtreeReader::get();
  if (G.Reader) {
    G.RawKinds.resize(G.Reader->symbolCount());
    for (uint32_t S = 0; S < G.RawKinds.size(); ++S) {
      TSSymbol P = G.Reader->publicSymbol(static_cast<TSSymbol>(S));
      G.RawKinds[S] = P < G.Kinds.size() ? G.Kinds[P] : Sym::Other;
    }
  }
  auto Field = [&](const char *Name) {
    return ts_language_field_id_for_name(G.Language, Name,
                                         static_cast<uint32_t>(strlen(Name)));
  };
  G.Left = Field("left");
  G.Right = Field("right");
  G.Type = Field("type");
  G.Function = Field("function");
  G.Arguments = Field("arguments");
  G.Object = Field("object");
  G.AttributeField = Field("attribute");
  G.Value = Field("value");
  G.SubscriptField = Field("subscript");
  G.Name = Field("name");
  G.Alias = Field("alias");
  G.ModuleName = Field("module_name");
  G.Body = Field("body");
  G.Superclasses = Field("superclasses");
  G.ParametersField = Field("parameters");
  G.Key = Field("key");
  G.Operator = Field("operator");
  G.Definition = Field("definition");
  G.Condition = Field("condition");
  G.Consequence = Field("consequence");
  G.Alternative = Field("alternative");
  return G;
}

/// One parser per thread: analyze() extracts files on several threads and a
/// TSParser must not be shared.
struct ThreadParser {
  TSParser *Parser;
  ThreadParser() : Parser(ts_parser_new()) {
    ts_parser_set_language(Parser, Grammar::get().Language);
  }
  ~ThreadParser() { ts_parser_delete(Parser); }
  ThreadParser(const ThreadParser &) = delete;
  ThreadParser &operator=(const ThreadParser &) = delete;
};

} // namespace

const Grammar &Grammar::get() {
  static const Grammar G = buildGrammar();
  return G;
}

TreePtr parseWithThreadParser(const std::string &Text, uint64_t TimeoutMicros,
                              bool *TimedOut) {
  if (TimedOut)
    *TimedOut = false;
  if (Text.size() > std::numeric_limits<uint32_t>::max())
    return nullptr;
  // Inside an arena scope its own parser, made in the arena; the thread's
  // heap parser is first made outside any scope (else it would be made in
  // an arena and dropped with it).
  TSParser *Parser = ParseArenaScope::parser();
  if (!Parser) {
    thread_local ThreadParser TP;
    Parser = TP.Parser;
  }
  ts_parser_set_timeout_micros(Parser, TimeoutMicros);
  TreePtr Tree(ts_parser_parse_string(Parser, nullptr, Text.data(),
                                      static_cast<uint32_t>(Text.size())));
  if (!Tree && TimeoutMicros) {
    // A halted parse would resume on the next call: start afresh instead.
    ts_parser_reset(Parser);
    if (TimedOut)
      *TimedOut = true;
  }
  return Tree;
}

std::optional<uint32_t> findParserOverflowRisk(std::string_view Text) {
  // Far below 65536, since reductions and error recovery add entries.
  constexpr uint32_t Limit = 50000;
  const size_t N = Text.size();
  // Every entry counted below is a token of at least one byte, and nothing
  // else raises the total: a text of at most Limit bytes cannot pass it.
  // (Most files are that small, so most never pay for the scan.)
  if (N <= Limit)
    return std::nullopt;
  uint32_t Total = 0; // Estimated stack entries.
  uint32_t Level = 0; // Of which pending at the innermost bracket level.
  // Per open bracket: the enclosing level's count, and whether the bracket
  // is a call or subscript of the primary before it (which then reduces
  // with it instead of adding an entry).
  struct Open {
    uint32_t Level;
    bool Postfix;
  };
  std::vector<Open> Saved;
  // Lines more indented than the one before stay pending on the stack (a
  // block is reduced only when it ends), so every indentation level keeps
  // the total it started from.
  struct Indent {
    size_t Width;
    uint32_t TotalAtStart;
  };
  std::vector<Indent> Indents;
  bool AtLineStart = true;
  bool AfterPrimary = false; // The last token ends an operand.
  size_t LineStart = 0;
  auto IsWord = [](unsigned char C) {
    return C == '_' || C >= 0x80 || (C >= '0' && C <= '9') ||
           ((C | 0x20) >= 'a' && (C | 0x20) <= 'z');
  };
  size_t I = 0;
  while (I < N) {
    unsigned char C = static_cast<unsigned char>(Text[I]);
    if (C == ' ' || C == '\t' || C == '\r' || C == '\f') {
      ++I;
      continue;
    }
    if (C == '\\' && I + 1 < N &&
        (Text[I + 1] == '\n' || Text[I + 1] == '\r')) {
      I += 2; // A line continuation joins the lines.
      continue;
    }
    if (C == '#') {
      while (I < N && Text[I] != '\n')
        ++I;
      continue;
    }
    if (C == '\n') {
      ++I;
      if (Saved.empty()) {
        AtLineStart = true;
        LineStart = I;
        AfterPrimary = false;
      }
      continue;
    }
    if (AtLineStart) {
      AtLineStart = false;
      size_t Width = I - LineStart;
      while (!Indents.empty() && Indents.back().Width >= Width) {
        Total = Indents.back().TotalAtStart;
        Indents.pop_back();
      }
      Indents.push_back(Indent{Width, Total});
      Level = 0;
    }
    size_t Start = I;
    bool Counts = true;
    bool Primary = false;
    if (C == '\'' || C == '"') {
      bool Triple = I + 2 < N && Text[I + 1] == static_cast<char>(C) &&
                    Text[I + 2] == static_cast<char>(C);
      I += Triple ? 3 : 1;
      while (I < N) {
        char D = Text[I];
        if (D == '\\') {
          I += 2;
          continue;
        }
        if (!Triple && D == '\n')
          break;
        if (D == static_cast<char>(C) &&
            (!Triple || (I + 2 < N && Text[I + 1] == D && Text[I + 2] == D))) {
          I += Triple ? 3 : 1;
          break;
        }
        ++I;
      }
      Primary = true;
    } else if (IsWord(C)) {
      while (I < N && IsWord(static_cast<unsigned char>(Text[I])))
        ++I;
      Primary = true;
    } else if (C == '.' && AfterPrimary) {
      // `a.b` reduces at once: the dot and the name add nothing.
      ++I;
      while (I < N && (Text[I] == ' ' || Text[I] == '\t'))
        ++I;
      while (I < N && IsWord(static_cast<unsigned char>(Text[I])))
        ++I;
      Counts = false;
      Primary = true;
    } else if (C == '(' || C == '[' || C == '{') {
      Saved.push_back(Open{Level, AfterPrimary});
      Level = 0;
      ++I;
    } else if (C == ')' || C == ']' || C == '}') {
      ++I;
      Primary = true;
      if (!Saved.empty()) {
        // The group (bracket included) reduces to one entry of the
        // enclosing level, or into the operand it calls or subscripts.
        Total -= std::min(Total, Level);
        Level = Saved.back().Level;
        Counts = !Saved.back().Postfix;
        Saved.pop_back();
      }
    } else if (C == ',' || (C == ';' && !Saved.empty())) {
      // What came before the comma is reduced to one entry.
      if (Level > 1) {
        Total -= std::min(Total, Level - 1);
        Level = 1;
      }
      ++I;
      Counts = false;
    } else if (C == ';') {
      Total -= std::min(Total, Level);
      Level = 0;
      ++I;
      Counts = false;
    } else {
      ++I;
    }
    AfterPrimary = Primary;
    if (!Counts)
      continue;
    ++Level;
    ++Total;
    if (Total > Limit)
      return static_cast<uint32_t>(Start);
  }
  return std::nullopt;
}

ChildLister::ChildLister() : Reader(SubtreeReader::get()) {}

ChildLister::~ChildLister() {
  if (Live)
    ts_tree_cursor_delete(&Cursor);
}

const ChildLister::Listing &ChildLister::fetch(TSNode N) {
  static const Listing None;
  if (isNull(N))
    return None;
  // The reader's nodes carry their start byte first in the context (what
  // ts_node_start_byte returns in 0.20.7).
  const uint32_t Start = Reader ? N.context[0] : ts_node_start_byte(N);
  // Direct-mapped by the node's address (siblings' records are adjacent,
  // so they fall in neighbouring entries).
  Listing &L =
      Recent[(reinterpret_cast<uintptr_t>(N.id) / sizeof(void *)) % Remembered];
  if (L.Id == N.id && L.Start == Start)
    return L;
  L.Id = N.id;
  L.Start = Start;
  if (Reader) {
    Reader->list(N, L.Kids);
    return L;
  }
  if (!Live) {
    Cursor = ts_tree_cursor_new(N);
    Live = true;
  }
  SubtreeReader::listWithCursor(Cursor, N, L.Kids);
  return L;
}

void ChildLister::list(TSNode N, Kids &Out, bool NamedOnly) {
  Out.Nodes.clear();
  Out.Fields.clear();
  for (const ChildList::Child &C : fetch(N).Kids.Kids) {
    if (NamedOnly && !C.Named)
      continue;
    Out.Nodes.push_back(C.Node);
    Out.Fields.push_back(C.Field);
  }
}

void ChildLister::listNamed(TSNode N, llvm::SmallVectorImpl<TSNode> &Out) {
  for (const ChildList::Child &C : fetch(N).Kids.Kids)
    if (C.Named)
      Out.push_back(C.Node);
}

TSNode ChildLister::child(TSNode N, TSFieldId F) {
  if (isNull(N) || F == 0)
    return TSNode{};
  for (const ChildList::Child &C : fetch(N).Kids.Kids)
    if (C.Field == F)
      return C.Node;
  return TSNode{};
}

} // namespace py
} // namespace paramlint
