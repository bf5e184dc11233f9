//===- ReportFormatsTest.cpp - Every output format, read by its consumer --===//
///
/// \file
/// Runs the program as CI would and reads each report the way its consumer
/// does: SARIF validated against the official 2.1.0 schema (Debian's
/// python3-jsonschema), JUnit XML parsed by python's xml.etree, GitHub
/// workflow commands matched field by field, JSON lines object by object;
/// `-o FILE`; absolute rule links (`docs-url`); and `paramlint rule`,
/// whose text is the rule's page.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "checks/Registry.h"
#include "report/Reporters.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Fixtures with findings of every kind that matters to a format: fixes,
/// notes with locations, notebook cells, a parse error.
const std::vector<std::string> &fixtureInputs() {
  static const std::vector<std::string> Inputs{
      "fixtures/python/PL001_parse_error.py",
      "fixtures/python/PL101_loader_writes_unknown_param.py",
      "fixtures/python/PL104_swapped_norm_roles.py",
      "fixtures/python/PL105_strict_false_hides_mismatch.py",
      "fixtures/notebooks/PL101_notebook.ipynb"};
  return Inputs;
}

RunResult runOnFixtures(const std::string &Format) {
  std::vector<std::string> Args{"check", "--output-format", Format};
  for (const std::string &F : fixtureInputs())
    Args.push_back(F);
  return runParamlint(Args, "", sourceDir());
}

/// The findings the JSON format reports for the fixtures: the reference
/// every other format is compared with.
Json referenceFindings() {
  RunResult R = runOnFixtures("json");
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = Json::parse(R.Out, nullptr, false);
  EXPECT_TRUE(J.is_array()) << describeRun(R);
  return J.is_array() ? J : Json::array();
}

/// The official schema beside the repository (`../shared/data`); from a
/// git worktree elsewhere, beside the main checkout (the parent of the
/// common git directory).
std::string schemaPath() {
  const std::string Rel = "/../shared/data/sarif-schema-2.1.0.json";
  if (fs::exists(sourceDir() + Rel))
    return sourceDir() + Rel;
  RunResult Git = runCommand({"/usr/bin/git", "-C", sourceDir(), "rev-parse",
                              "--path-format=absolute", "--git-common-dir"});
  std::string Common = Git.Out.substr(0, Git.Out.find('\n'));
  if (Git.ExitCode == 0 && !Common.empty())
    return fs::path(Common).parent_path().string() + Rel;
  return sourceDir() + Rel;
}

/// Validates the SARIF log at Log against the official schema, formats
/// included: Debian's jsonschema has no `uri` checker (it needs rfc3987),
/// so the test registers one, RFC 3986's absolute URI (a scheme, then no
/// blanks), with a host for http(s) and a path for file.
RunResult validateSarif(const std::string &Log) {
  return runPython(
      {"-c",
       "import json, re, sys, urllib.parse, jsonschema\n"
       "schema = json.load(open(sys.argv[1]))\n"
       "log = json.load(open(sys.argv[2]))\n"
       "jsonschema.Draft7Validator.check_schema(schema)\n"
       "formats = jsonschema.FormatChecker()\n"
       "@formats.checks('uri')\n"
       "def uri(s):\n"
       "    if not isinstance(s, str): return True\n"
       "    u = urllib.parse.urlsplit(s)\n"
       "    if not re.fullmatch(r'[A-Za-z][A-Za-z0-9+.-]*', u.scheme or '-'): return False\n"
       "    if re.search(r'[\\s<>\"{}|\\\\^`]', s): return False\n"
       "    if u.scheme in ('http', 'https'): return bool(u.netloc)\n"
       "    if u.scheme == 'file': return u.path.startswith('/')\n"
       "    return True\n"
       "v = jsonschema.Draft7Validator(schema, format_checker=formats)\n"
       "errors = list(v.iter_errors(log))\n"
       "for e in errors[:5]: print(list(e.absolute_path), e.message)\n"
       "# The checker itself must reject what the schema forbids.\n"
       "bad = json.loads(json.dumps(log))\n"
       "bad['runs'][0]['tool']['driver']['rules'][0]['helpUri'] = 'docs/rules/PL001.md'\n"
       "if not list(v.iter_errors(bad)): print('a relative helpUri passed'); sys.exit(1)\n"
       "sys.exit(1 if errors else 0)\n",
       schemaPath(), Log});
}

TEST(SarifTest, ValidatesAgainstTheOfficialSchema) {
  if (!fs::exists(schemaPath()))
    GTEST_SKIP() << "no SARIF schema at " << schemaPath();
  TempDir T;
  std::string Out = T.file("report.sarif");
  std::vector<std::string> Args{"check", "--output-format", "sarif", "-o", Out};
  for (const std::string &F : fixtureInputs())
    Args.push_back(F);
  RunResult R = runParamlint(Args, "", sourceDir());
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_EQ(R.Out, "") << "with -o, nothing goes to stdout";
  RunResult V = validateSarif(Out);
  EXPECT_EQ(V.ExitCode, 0) << describeRun(V);

  // With the config's docs-url too.
  T.write("paramlint.toml", "docs-url = \"https://example.org/paramlint/docs\"\n");
  Args.insert(Args.begin() + 1, {"--config", T.file("paramlint.toml")});
  R = runParamlint(Args, "", sourceDir());
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  V = validateSarif(Out);
  EXPECT_EQ(V.ExitCode, 0) << describeRun(V);
}

TEST(RuleUrlTest, AbsoluteFromTheCompiledInBaseOrTheConfigs) {
  // The default base holds docs/ as `make install` puts it: the link's
  // path below the base is the page's path below docs/.
  std::string Base = defaultDocsUrl();
  EXPECT_TRUE(Base.rfind("file:///", 0) == 0 || Base.rfind("https://", 0) == 0)
      << Base;
  RunResult J = runOnFixtures("json");
  Json Diags = Json::parse(J.Out, nullptr, false);
  ASSERT_TRUE(Diags.is_array() && !Diags.empty()) << describeRun(J);
  for (const Json &D : Diags) {
    std::string Url = D["url"];
    std::string Tail = "/rules/" + D["code"].get<std::string>() + ".md";
    EXPECT_EQ(Url, Base + Tail);
    EXPECT_TRUE(fs::exists(sourceDir() + "/docs" + Tail)) << Url;
  }

  // docs-url from the config: every format that links a rule uses it.
  TempDir T;
  std::string Toml = T.write("paramlint.toml",
                             "docs-url = \"https://example.org/paramlint/docs/\"\n");
  const std::string Want = "https://example.org/paramlint/docs/rules/PL101.md";
  auto Run = [&](const std::string &Format) {
    std::vector<std::string> Args{"check", "--config", Toml, "--output-format", Format,
                                  "fixtures/python/PL101_loader_writes_unknown_param.py"};
    RunResult R = runParamlint(Args, "", sourceDir());
    EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
    return R.Out;
  };
  Json Json1 = Json::parse(Run("json"), nullptr, false);
  ASSERT_TRUE(Json1.is_array() && !Json1.empty());
  EXPECT_EQ(Json1[0]["url"], Want);
  std::string Line = Run("json-lines");
  EXPECT_EQ(Json::parse(Line.substr(0, Line.find('\n')))["url"], Want);
  Json Sarif = Json::parse(Run("sarif"), nullptr, false);
  bool Found = false;
  for (const Json &R : Sarif["runs"][0]["tool"]["driver"]["rules"])
    if (R["id"] == "PL101") {
      Found = true;
      EXPECT_EQ(R["helpUri"], Want);
    }
  EXPECT_TRUE(Found);
  EXPECT_NE(Run("junit").find("see " + Want), std::string::npos);

  // Not a URL a consumer can open: file, line and key.
  for (const char *Bad : {"docs-url = \"docs\"\n", "docs-url = \"https:///x\"\n",
                          "docs-url = \"ftp://x y\"\n", "docs-url = 3\n"}) {
    TempDir U;
    U.write("paramlint.toml", Bad);
    std::string F = U.write("a.py", "x = 1\n");
    RunResult R = runParamlint({"check", F});
    EXPECT_EQ(R.ExitCode, 2) << Bad << describeRun(R);
    EXPECT_NE(R.Err.find("paramlint.toml:1: `docs-url` must be an absolute"),
              std::string::npos)
        << R.Err;
  }
}

TEST(SarifTest, RulesResultsLocationsAndFixes) {
  RunResult R = runOnFixtures("sarif");
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  Json Log = Json::parse(R.Out, nullptr, false);
  ASSERT_TRUE(Log.is_object()) << describeRun(R);
  EXPECT_EQ(Log["version"], "2.1.0");
  ASSERT_EQ(Log["runs"].size(), 1u);
  const Json &Run = Log["runs"].front();
  EXPECT_EQ(Run["columnKind"], "unicodeCodePoints");

  // One descriptor per rule, its summary from the rule's page.
  const Json &Rules = Run["tool"]["driver"]["rules"];
  std::vector<CheckInfo> All = allRules();
  ASSERT_EQ(Rules.size(), All.size());
  for (size_t I = 0; I < All.size(); ++I) {
    const Json &D = Rules[I];
    EXPECT_EQ(D["id"], All[I].Code);
    EXPECT_EQ(D["name"], All[I].Name);
    EXPECT_EQ(D["helpUri"], defaultDocsUrl() + "/rules/" + All[I].Code + ".md");
    EXPECT_EQ(D["defaultConfiguration"]["level"],
              All[I].DefaultSeverity == Severity::Error ? "error" : "warning");
    std::string Page = sourceDir() + "/docs/rules/" + All[I].Code + ".md";
    if (!fs::exists(Page))
      continue; // RegistryTest reports the missing page.
    std::string Text = readFile(Page);
    std::string Summary = D["shortDescription"]["text"];
    EXPECT_FALSE(Summary.empty()) << All[I].Code;
    EXPECT_NE(Text.find("\n" + Summary + "\n"), std::string::npos)
        << All[I].Code << ": summary `" << Summary << "` is not on its page";
    EXPECT_EQ(D["help"]["markdown"], Text) << All[I].Code;
    EXPECT_FALSE(D["fullDescription"]["text"].get<std::string>().empty());
  }

  // The same findings as the JSON format, at the same places.
  Json Ref = referenceFindings();
  const Json &Results = Run["results"];
  ASSERT_EQ(Results.size(), Ref.size());
  bool SawCell = false, SawFix = false, SawRelated = false;
  for (size_t I = 0; I < Results.size(); ++I) {
    const Json &Res = Results[I], &J = Ref[I];
    EXPECT_EQ(Res["ruleId"], J["code"]);
    EXPECT_EQ(Res["message"]["text"], J["message"]);
    EXPECT_EQ(Rules[Res["ruleIndex"].get<size_t>()]["id"], J["code"]);
    const Json &Phys = Res["locations"].front()["physicalLocation"];
    EXPECT_EQ(Phys["artifactLocation"]["uri"], J["filename"]);
    EXPECT_EQ(Phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    const Json &Region = Phys["region"];
    EXPECT_EQ(Region["startLine"], J["location"]["row"]);
    EXPECT_EQ(Region["startColumn"], J["location"]["column"]);
    EXPECT_EQ(Region["endLine"], J["end_location"]["row"]);
    EXPECT_EQ(Region["endColumn"], J["end_location"]["column"]);
    if (!J["cell"].is_null()) {
      SawCell = true;
      EXPECT_EQ(Region["properties"]["cell"], J["cell"]);
      EXPECT_EQ(Region["message"]["text"],
                "cell " + std::to_string(J["cell"].get<int>()));
    }
    if (J["fix"].is_object() && J["cell"].is_null()) {
      SawFix = true;
      ASSERT_TRUE(Res.contains("fixes")) << Res.dump();
      const Json &Change = Res["fixes"].front()["artifactChanges"].front();
      EXPECT_EQ(Change["artifactLocation"]["uri"], J["filename"]);
      const Json &Edits = J["fix"]["edits"];
      ASSERT_EQ(Change["replacements"].size(), Edits.size());
      for (size_t E = 0; E < Edits.size(); ++E) {
        const Json &Rep = Change["replacements"][E];
        EXPECT_EQ(Rep["insertedContent"]["text"], Edits[E]["content"]);
        EXPECT_EQ(Rep["deletedRegion"]["startLine"], Edits[E]["location"]["row"]);
        EXPECT_EQ(Rep["deletedRegion"]["startColumn"],
                  Edits[E]["location"]["column"]);
        EXPECT_EQ(Rep["deletedRegion"]["endColumn"],
                  Edits[E]["end_location"]["column"]);
      }
      EXPECT_EQ(Res["fixes"].front()["description"]["text"], J["fix"]["message"]);
    }
    if (Res.contains("relatedLocations")) {
      for (const Json &L : Res["relatedLocations"]) {
        EXPECT_TRUE(L["message"]["text"].is_string());
        if (L.contains("physicalLocation")) {
          SawRelated = true;
          EXPECT_GE(L["physicalLocation"]["region"]["startLine"].get<int>(), 1);
        }
      }
    }
  }
  EXPECT_TRUE(SawCell && SawFix && SawRelated)
      << "the fixtures should cover cells, fixes and related locations";
}

TEST(GithubFormatTest, OneWorkflowCommandPerFinding) {
  RunResult R = runOnFixtures("github");
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  Json Ref = referenceFindings();
  std::istringstream In(R.Out);
  std::string Line;
  std::regex Command("::(error|warning) file=([^,]+),line=([0-9]+),col=([0-9]+),"
                     "endLine=([0-9]+),endColumn=([0-9]+),title=(PL[0-9]{3})::(.+)");
  size_t I = 0;
  while (std::getline(In, Line)) {
    std::smatch M;
    ASSERT_TRUE(std::regex_match(Line, M, Command)) << Line;
    ASSERT_LT(I, Ref.size());
    const Json &J = Ref[I++];
    EXPECT_EQ(M[2].str(), J["filename"]);
    EXPECT_EQ(std::stoi(M[3]), J["location"]["row"]);
    EXPECT_EQ(std::stoi(M[4]), J["location"]["column"]);
    EXPECT_EQ(std::stoi(M[5]), J["end_location"]["row"]);
    EXPECT_EQ(std::stoi(M[6]), J["end_location"]["column"]);
    EXPECT_EQ(M[7].str(), J["code"]);
    std::string Message = J["message"];
    if (!J["cell"].is_null())
      Message = "cell " + std::to_string(J["cell"].get<int>()) + ": " + Message;
    EXPECT_EQ(M[8].str(), Message);
  }
  EXPECT_EQ(I, Ref.size());
}

TEST(GithubFormatTest, EscapesPropertiesAndNewlines) {
  TempDir T;
  // A comma and a colon in the file name must not end the property.
  std::string F = T.write("a,b:c.py", "def f(:\n");
  RunResult R = runParamlint({"check", "--output-format", "github", F});
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("a%2Cb%3Ac.py,line=1,"), std::string::npos) << R.Out;
}

TEST(JunitFormatTest, PythonParsesOneCasePerFileAndAFailurePerFinding) {
  Json Ref = referenceFindings();
  RunResult R = runOnFixtures("junit");
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  RunResult P = runPython(
      {"-c",
       "import json, sys, xml.etree.ElementTree as ET\n"
       "root = ET.fromstring(sys.stdin.read())\n"
       "assert root.tag == 'testsuites', root.tag\n"
       "cases = []\n"
       "for suite in root.iter('testsuite'):\n"
       "    for case in suite.iter('testcase'):\n"
       "        cases.append({'name': case.get('name'), 'failures': [\n"
       "            {'type': f.get('type'), 'message': f.get('message'),\n"
       "             'text': f.text} for f in case.iter('failure')]})\n"
       "print(json.dumps({'tests': root.get('tests'),\n"
       "                  'failures': root.get('failures'), 'cases': cases}))\n"},
      R.Out);
  ASSERT_EQ(P.ExitCode, 0) << describeRun(P) << "\n" << R.Out;
  Json Parsed = Json::parse(P.Out);
  const Json &Cases = Parsed["cases"];
  ASSERT_EQ(Cases.size(), fixtureInputs().size()) << P.Out;
  EXPECT_EQ(Parsed["tests"], std::to_string(fixtureInputs().size()));
  std::vector<std::string> Sorted = fixtureInputs();
  std::sort(Sorted.begin(), Sorted.end());
  size_t Failures = 0, FailingCases = 0, Next = 0;
  for (size_t I = 0; I < Cases.size(); ++I) {
    EXPECT_EQ(Cases[I]["name"], Sorted[I]);
    FailingCases += !Cases[I]["failures"].empty();
    for (const Json &F : Cases[I]["failures"]) {
      ++Failures;
      // Findings come file by file in the JSON order too.
      ASSERT_LT(Next, Ref.size());
      const Json &J = Ref[Next++];
      EXPECT_EQ(J["filename"], Cases[I]["name"]);
      EXPECT_EQ(F["type"], J["code"]);
      EXPECT_EQ(F["message"], J["code"].get<std::string>() + ": " +
                                  J["message"].get<std::string>());
      EXPECT_NE(F["text"].get<std::string>().find(J["message"].get<std::string>()),
                std::string::npos);
    }
  }
  EXPECT_EQ(Failures, Ref.size());
  EXPECT_EQ(Parsed["failures"], std::to_string(FailingCases));
}

TEST(JunitFormatTest, CleanFileIsAPassingCase) {
  TempDir T;
  std::string F = T.write("clean.py", "x = 1\n");
  RunResult R = runParamlint({"check", "--output-format", "junit", F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("tests=\"1\" failures=\"0\""), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("<testcase name=\"" + F + "\""), std::string::npos) << R.Out;
}

TEST(JsonLinesTest, OneObjectPerLineEqualToTheJsonArray) {
  Json Ref = referenceFindings();
  RunResult R = runOnFixtures("json-lines");
  ASSERT_EQ(R.ExitCode, 1) << describeRun(R);
  std::istringstream In(R.Out);
  std::string Line;
  size_t I = 0;
  while (std::getline(In, Line)) {
    Json J = Json::parse(Line, nullptr, false);
    ASSERT_FALSE(J.is_discarded()) << Line;
    ASSERT_LT(I, Ref.size());
    EXPECT_EQ(J, Ref[I++]);
  }
  EXPECT_EQ(I, Ref.size());
}

TEST(OutputFileTest, WritesTheReportThereAndFailsOnAnUnwritablePath) {
  TempDir T;
  std::string F = T.write("clean.py", "x = 1\n");
  std::string Out = T.file("out.json");
  RunResult R = runParamlint({"check", "--output-format", "json", "-o", Out, F});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(R.Out, "");
  EXPECT_EQ(readFile(Out), "[]\n");
  R = runParamlint({"check", "-o", T.file("no/such/dir/out.txt"), F});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("no/such/dir/out.txt"), std::string::npos) << R.Err;
}

TEST(RuleCommandTest, PrintsThePageOfARule) {
  for (const CheckInfo &Rule : allRules()) {
    std::string Page = sourceDir() + "/docs/rules/" + Rule.Code + ".md";
    if (!fs::exists(Page))
      continue; // RegistryTest reports the missing page.
    RunResult R = runParamlint({"rule", Rule.Code});
    EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
    EXPECT_EQ(R.Out, readFile(Page)) << Rule.Code;
  }
  RunResult Lower = runParamlint({"rule", "pl101"});
  EXPECT_EQ(Lower.ExitCode, 0);
  EXPECT_EQ(Lower.Out, readFile(sourceDir() + "/docs/rules/PL101.md"));
  RunResult ByName = runParamlint({"rule", "loader-writes-unknown-param"});
  EXPECT_EQ(ByName.Out, Lower.Out);
  RunResult Unknown = runParamlint({"rule", "PL999"});
  EXPECT_EQ(Unknown.ExitCode, 2) << describeRun(Unknown);
  EXPECT_NE(Unknown.Err.find("PL999"), std::string::npos);
}

TEST(RuleCommandTest, ListsEveryRuleWithNameAndSummary) {
  RunResult R = runParamlint({"rule"});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  std::istringstream In(R.Out);
  std::string Line;
  std::vector<CheckInfo> All = allRules();
  size_t I = 0;
  while (std::getline(In, Line)) {
    ASSERT_LT(I, All.size()) << Line;
    std::regex Row(std::string("^") + All[I].Code + " +" + All[I].Name + "( +(.*))?$");
    std::smatch M;
    ASSERT_TRUE(std::regex_match(Line, M, Row)) << Line;
    std::string Page = sourceDir() + "/docs/rules/" + All[I].Code + ".md";
    if (fs::exists(Page))
      EXPECT_NE(readFile(Page).find("\n" + M[2].str() + "\n"), std::string::npos)
          << Line;
    ++I;
  }
  EXPECT_EQ(I, All.size());

  RunResult J = runParamlint({"rule", "--output-format", "json"});
  Json Rules = Json::parse(J.Out, nullptr, false);
  ASSERT_TRUE(Rules.is_array()) << describeRun(J);
  EXPECT_EQ(Rules.size(), All.size());
}

TEST(ProgressBarTest, OnlyOnATerminalAndNeverInCi) {
  if (!fs::exists("/usr/bin/script"))
    GTEST_SKIP() << "util-linux `script` (a pseudo-terminal) is not installed";
  TempDir T;
  for (int I = 0; I < 40; ++I)
    T.write("m/f" + std::to_string(I) + ".py", "x = 1\n");
  std::string Cmd = std::string(PARAMLINT_BINARY) + " check " + T.file("m");
  // Under a pseudo-terminal, with no delay: the bar is drawn, then erased
  // before the report.
  RunResult R = runCommand({"/usr/bin/env", "-u", "CI", "PARAMLINT_PROGRESS_DELAY_MS=0",
                            "/usr/bin/script", "-qec", Cmd, "/dev/null"});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("] 40/40 files"), std::string::npos) << R.Out;
  size_t Erase = R.Out.rfind("\r\x1b[K");
  ASSERT_NE(Erase, std::string::npos) << R.Out;
  EXPECT_LT(Erase, R.Out.find("All checks passed!")) << R.Out;
  // CI set: never.
  R = runCommand({"/usr/bin/env", "CI=true", "PARAMLINT_PROGRESS_DELAY_MS=0",
                  "/usr/bin/script", "-qec", Cmd, "/dev/null"});
  EXPECT_EQ(R.Out.find("files"), std::string::npos) << R.Out;
  // A pipe: never.
  R = runCommand({"/usr/bin/env", "-u", "CI", "PARAMLINT_PROGRESS_DELAY_MS=0",
                  PARAMLINT_BINARY, "check", T.file("m")});
  EXPECT_EQ(R.Err, "") << describeRun(R);
}

} // namespace
} // namespace paramlint::test
