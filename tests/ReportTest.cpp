//===- ReportTest.cpp - `paramlint report`, and the HTML in a browser -----===//
///
/// \file
/// The naming-consistency report of the bundled example in its three
/// formats; the HTML must be one self-contained file (no network
/// references, no scripts) and must render in headless Chromium: a
/// screenshot is taken and the rendered DOM must hold the title, the table
/// rows and the SVG picture.
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

const char *const Example = "examples/gpt2-swap";

TEST(ReportTest, JsonHasConventionsModelsLoadersAndFindings) {
  RunResult R = runParamlint({"report", "--isolated", "--format", "json", Example},
                             "", sourceDir());
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  Json J = Json::parse(R.Out, nullptr, false);
  ASSERT_TRUE(J.is_object()) << R.Out;
  ASSERT_EQ(J["conventions"].size(), 1u) << J["conventions"].dump();
  const Json &LN = J["conventions"][0];
  EXPECT_EQ(LN["class"], "torch.nn.LayerNorm");
  EXPECT_EQ(LN["scale"], "weight");
  EXPECT_EQ(LN["shift"], "bias");
  EXPECT_EQ(LN["users"].size(), 3u);
  // torch's own semantics: biased variance, eps 1e-5 inside the sqrt.
  ASSERT_EQ(LN["variants"].size(), 1u) << LN.dump();
  std::string Variant = LN["variants"][0];
  EXPECT_NE(Variant.find("LayerNorm"), std::string::npos) << Variant;
  EXPECT_NE(Variant.find("biased"), std::string::npos) << Variant;
  EXPECT_EQ(Variant.find("unbiased"), std::string::npos) << Variant;
  EXPECT_NE(Variant.find("inside sqrt"), std::string::npos) << Variant;
  ASSERT_EQ(J["models"].size(), 1u);
  EXPECT_EQ(J["models"][0]["name"], "GPTModel");
  ASSERT_EQ(J["loaders"].size(), 1u);
  const Json &L = J["loaders"][0];
  EXPECT_EQ(L["function"], "load_weights_into_gpt");
  EXPECT_EQ(L["total"], J["models"][0]["keys"].size());
  EXPECT_LT(L["written"].get<int>(), L["total"].get<int>());
  EXPECT_EQ(L["unknown_names"], 6);
  ASSERT_FALSE(J["findings"].empty());
  EXPECT_EQ(J["findings"][0]["code"], "PL101");
  EXPECT_EQ(J["findings"][0]["findings"].size(), 6u);
  EXPECT_NE(J["dot"].get<std::string>().find("digraph"), std::string::npos);
}

TEST(ReportTest, MarkdownHasEverySection) {
  RunResult R = runParamlint({"report", "--isolated", "--format", "md", Example},
                             "", sourceDir());
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  for (const char *Section : {"## Norm conventions", "## Models", "## Loaders",
                              "## Findings", "### PL101", "## Graph", "```dot"})
    EXPECT_NE(R.Out.find(Section), std::string::npos) << Section;
  EXPECT_NE(R.Out.find("| `torch.nn.LayerNorm` | library | `weight` | `bias` | library | "
                       "LayerNorm("),
            std::string::npos)
      << R.Out;
}

/// Writes the HTML report of the example into T; returns its path.
std::string writeHtml(const TempDir &T) {
  std::string Out = T.file("report.html");
  RunResult R = runParamlint({"report", "--isolated", "--format", "html", "-o",
                              Out, Example},
                             "", sourceDir());
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  return Out;
}

TEST(ReportTest, HtmlIsOneSelfContainedFileAndTheDotIsBesideIt) {
  TempDir T;
  std::string Html = readFile(writeHtml(T));
  EXPECT_NE(Html.find("<svg"), std::string::npos);
  EXPECT_EQ(Html.find("<!DOCTYPE svg"), std::string::npos);
  // Namespace names are not fetched; anything else with a scheme would be.
  std::string Stripped = std::regex_replace(
      Html, std::regex(R"(xmlns(:\w+)?="[^"]*")"), "");
  EXPECT_EQ(Stripped.find("http:"), std::string::npos);
  EXPECT_EQ(Stripped.find("https:"), std::string::npos);
  EXPECT_EQ(Stripped.find("<script"), std::string::npos);
  EXPECT_EQ(Stripped.find("<link"), std::string::npos);
  EXPECT_EQ(Stripped.find("src="), std::string::npos);
  EXPECT_EQ(Stripped.find("url("), std::string::npos);
  std::string Dot = readFile(T.file("report.dot"));
  EXPECT_EQ(Dot.rfind("digraph", 0), 0u) << Dot.substr(0, 100);
}

TEST(ReportTest, HtmlRendersInHeadlessChromium) {
  if (!fs::exists("/usr/bin/chromium"))
    GTEST_SKIP() << "Debian's chromium is not installed (scripts/bootstrap.sh --test)";
  TempDir T;
  std::string Html = writeHtml(T);
  std::vector<std::string> Browser{"/usr/bin/chromium", "--headless", "--no-sandbox",
                                   "--disable-gpu", "--user-data-dir=" + T.file("profile")};
  std::vector<std::string> Shot = Browser;
  Shot.push_back("--window-size=1280,2000");
  Shot.push_back("--screenshot=" + T.file("report.png"));
  Shot.push_back("file://" + Html);
  RunResult R = runCommand(Shot);
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  std::string Png = readFile(T.file("report.png"));
  ASSERT_GT(Png.size(), 10000u) << "a blank page would compress to almost nothing";
  EXPECT_EQ(Png.substr(1, 3), "PNG");

  std::vector<std::string> Dom = Browser;
  Dom.push_back("--dump-dom");
  Dom.push_back("file://" + Html);
  R = runCommand(Dom);
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("<title>paramlint report</title>"), std::string::npos);
  std::regex Row("<tr>");
  auto Rows = std::distance(std::sregex_iterator(R.Out.begin(), R.Out.end(), Row),
                            std::sregex_iterator());
  // Header + rows of the conventions, key (22 keys) and loader tables.
  EXPECT_GE(Rows, 2 + 23 + 2);
  EXPECT_NE(R.Out.find("<svg"), std::string::npos);
  EXPECT_NE(R.Out.find("load_weights_into_gpt"), std::string::npos);
  EXPECT_NE(R.Out.find("class=\"node\""), std::string::npos) << "graph nodes drawn";
}

} // namespace
} // namespace paramlint::test
