#include "emulator/prom/promql_parser.h"

#include <gtest/gtest.h>

#include "emulator/prom/errc.h"

namespace hayloft::prom {
namespace {

TEST(PromParser, ParsesTheIssueShapes) {
  for (const char* q : {
           "avg(rate(requests_seconds_count{deployment_name=~\"cifar10\"}[1m]))",
           "avg(a{cluster_name=\"x\"}) / avg(b{cluster_name=\"x\"})",
           "sum by (pod) (rate(http_requests_total{code!=\"500\", method!~\"GET|HEAD\"}[5m] offset 1m))",
           "sum(rate(x[1m])) by (job)",
           "count without (instance) (up == 1)",
           "a + on(pod) b",
           "a - ignoring(job) b",
           "-x ^ 2",
           "1 + 2 * 3",
           "x > bool 3",
           "{__name__=~\"jetstream_.*\"}",
           "max_over_time(x[10m]) # comment",
           "scalar(sum(x)) * vector(2)",
           "0x1F + 1e3 + .5 + Inf - NaN",
       }) {
    auto r = parse_promql(q);
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.err().message);
  }
}

TEST(PromParser, StructureAndPrecedence) {
  auto r = parse_promql("1 + 2 * 3 ^ 2 ^ 1");
  ASSERT_TRUE(r.ok());
  const expr& e = **r;
  ASSERT_EQ(e.k, expr::kind::binary);
  EXPECT_EQ(e.op, binary_op::add);
  ASSERT_EQ(e.args[1]->k, expr::kind::binary);
  EXPECT_EQ(e.args[1]->op, binary_op::mul);
  const expr& pow = *e.args[1]->args[1];
  EXPECT_EQ(pow.op, binary_op::pow);
  EXPECT_EQ(pow.args[1]->k, expr::kind::binary);  // right-associative

  auto s = parse_promql("sum without (a, b) (rate(x{y=\"z\"}[90s] offset 2m))");
  ASSERT_TRUE(s.ok()) << s.err().message;
  EXPECT_EQ((*s)->k, expr::kind::aggregate);
  EXPECT_TRUE((*s)->without);
  EXPECT_EQ((*s)->grouping, (std::vector<std::string>{"a", "b"}));
  const expr& call = *(*s)->args[0];
  EXPECT_EQ(call.text, "rate");
  EXPECT_EQ(call.args[0]->range_ms, 90000);
  EXPECT_EQ(call.args[0]->offset_ms, 120000);
  EXPECT_EQ(call.args[0]->matchers.size(), 2u);
}

TEST(PromParser, Durations) {
  EXPECT_EQ(*parse_prom_duration("5m"), 300000);
  EXPECT_EQ(*parse_prom_duration("1h30m"), 5400000);
  EXPECT_EQ(*parse_prom_duration("250ms"), 250);
  EXPECT_EQ(*parse_prom_duration("1d"), 86400000);
  EXPECT_FALSE(parse_prom_duration("5").ok());
  EXPECT_FALSE(parse_prom_duration("30m1h").ok());
  EXPECT_FALSE(parse_prom_duration("1.5m").ok());
  EXPECT_FALSE(parse_prom_duration("").ok());
}

TEST(PromParser, UnsupportedConstructsAreNamed) {
  struct row {
    const char* q;
    const char* says;
  };
  const row rows[] = {
      {"histogram_quantile(0.9, rate(x_bucket[5m]))", "unsupported function histogram_quantile"},
      {"topk(3, x)", "unsupported aggregation topk"},
      {"quantile(0.5, x)", "unsupported aggregation quantile"},
      {"a and b", "unsupported binary operator and"},
      {"a or b", "unsupported binary operator or"},
      {"a * on(x) group_left b", "unsupported vector matching modifier group_left"},
      {"rate(x[5m:1m])", "unsupported subquery"},
      {"x @ 100", "unsupported @ modifier"},
      {"label_replace(x, \"a\", \"b\", \"c\", \"d\")", "unsupported function label_replace"},
  };
  for (const auto& r : rows) {
    auto p = parse_promql(r.q);
    ASSERT_FALSE(p.ok()) << r.q;
    EXPECT_EQ(p.err().code, make_error_code(errc::unsupported)) << r.q;
    EXPECT_NE(p.err().message.find(r.says), std::string::npos) << r.q << " -> " << p.err().message;
  }
}

TEST(PromParser, MalformedQueriesAreBadData) {
  struct row {
    const char* q;
    const char* says;
  };
  const row rows[] = {
      {"", "no expression found"},
      {"sum(", "unexpected end of input"},
      {"rate(x)", "expected type range vector in call to function \"rate\", got instant vector"},
      {"x[5m] + 1", "binary expression must contain only scalar and instant vector types"},
      {"{a=\"\"}", "vector selector must contain at least one non-empty matcher"},
      {"{a=~\".*\"}", "vector selector must contain at least one non-empty matcher"},
      {"foo{__name__=\"bar\"}", "metric name must not be set twice"},
      {"1 > 2", "comparisons between scalars must use BOOL modifier"},
      {"x + bool y", "bool modifier can only be used on comparison operators"},
      {"nosuchfn(x)", "unknown function with name \"nosuchfn\""},
      {"x{a=~\"(\"}", "error parsing regexp"},
      {"x{a=\"1\"", "unexpected end of input"},
      {"x[5x]", "not a valid duration string"},
      {"sum(x, y)", "wrong number of arguments"},
      {"1 + on(a) x", "vector matching only allowed between instant vectors"},
      {"rate(x[1m], 2)", "expected 1 argument(s)"},
      {"x y", "unexpected character 'y'"},
      {"\"unterminated", "unterminated quoted string"},
  };
  for (const auto& r : rows) {
    auto p = parse_promql(r.q);
    ASSERT_FALSE(p.ok()) << r.q;
    EXPECT_EQ(p.err().code, make_error_code(errc::bad_data)) << r.q << " -> " << p.err().message;
    EXPECT_NE(p.err().message.find(r.says), std::string::npos) << r.q << " -> " << p.err().message;
  }
}

TEST(PromParser, SelectorOnly) {
  auto m = parse_selector("up{job=\"a\"}");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size(), 2u);
  EXPECT_FALSE(parse_selector("sum(up)").ok());
  EXPECT_FALSE(parse_selector("up[5m]").ok());
}

}  // namespace
}  // namespace hayloft::prom
