#include "emulator/prom/promql_eval.h"

#include <gtest/gtest.h>

#include <cmath>

#include "emulator/prom/errc.h"
#include "emulator/prom/promql_parser.h"

namespace hayloft::prom {
namespace {

constexpr std::int64_t T0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t s = 1000;

labels L(std::vector<labels::entry> e) { return labels(std::move(e)); }

class PromEval : public ::testing::Test {
 protected:
  void add(const labels& l, std::vector<std::pair<std::int64_t, double>> pts) {
    for (auto [t, v] : pts) ASSERT_TRUE(store_.append(l, T0 + t * s, v));
  }
  result<query_value> at(const std::string& q, std::int64_t t_seconds) {
    auto e = parse_promql(q);
    if (!e) return e.err();
    return evaluator(store_).instant(**e, T0 + t_seconds * s);
  }
  double one(const std::string& q, std::int64_t t_seconds) {
    auto v = at(q, t_seconds);
    EXPECT_TRUE(v.ok()) << q << ": " << (v.ok() ? "" : v.err().message);
    if (!v) return NAN;
    if (v->type == value_type::scalar) return v->scalar;
    EXPECT_EQ(v->vector.size(), 1u) << q;
    return v->vector.empty() ? NAN : v->vector[0].v;
  }
  series_store store_;
};

TEST_F(PromEval, RateAcrossACounterReset) {
  // Samples 15 s apart; the one at 0 s is outside the left-open range (0, 60].
  add(L({{"__name__", "c"}}), {{0, 100}, {15, 10}, {30, 20}, {45, 5}, {60, 15}});
  // increase: 15 - 10 + 20 (lost at the reset) = 25 over the 45 s sampled; the first sample
  // is 15 s from the range start, under 1.1 * 15 s, so the range is extrapolated to 60 s.
  // The zero point (45 * 10/25 = 18 s before the first sample) is further than 15 s.
  EXPECT_NEAR(one("increase(c[1m])", 60), 25.0 * 60 / 45, 1e-9);
  EXPECT_NEAR(one("rate(c[1m])", 60), 25.0 * 60 / 45 / 60, 1e-12);
  // irate: the last pair is 5 -> 15.
  EXPECT_NEAR(one("irate(c[1m])", 60), 10.0 / 15, 1e-12);
}

TEST_F(PromEval, IrateTreatsADropAsAReset) {
  add(L({{"__name__", "c"}}), {{30, 7}, {45, 5}, {60, 3}});
  EXPECT_NEAR(one("irate(c[1m])", 60), 3.0 / 15, 1e-12);
  EXPECT_NEAR(one("idelta(c[1m])", 60), -2.0, 1e-12);
}

TEST_F(PromEval, ExtrapolationStopsAtTheCounterZeroPoint) {
  add(L({{"__name__", "c"}}), {{15, 1}, {30, 11}, {45, 21}, {60, 31}});
  // The counter would reach zero 45 * 1/30 = 1.5 s before the first sample.
  EXPECT_NEAR(one("increase(c[1m])", 60), 30.0 * (45 + 1.5) / 45, 1e-9);
}

TEST_F(PromEval, ExtrapolationIsLimitedToHalfAnIntervalAtGaps) {
  // Samples 5 s apart from 40 s: the start is 40 s away, more than 1.1 * 5 s, so the range is
  // extrapolated by only half an interval (2.5 s); the end is 5 s away (< 5.5 s), extrapolated
  // fully. The zero point (15 * 100/20 = 75 s back) does not limit it.
  add(L({{"__name__", "c"}}), {{40, 100}, {45, 105}, {50, 110}, {55, 120}});
  const double sampled = 15, increase = 20;
  EXPECT_NEAR(one("increase(c[1m])", 60), increase * (sampled + 2.5 + 5) / sampled, 1e-9);
  EXPECT_NEAR(one("rate(c[1m])", 60), increase * (sampled + 2.5 + 5) / sampled / 60, 1e-12);
}

TEST_F(PromEval, DeltaHasNoResetHandlingOrZeroClamp) {
  add(L({{"__name__", "g"}}), {{15, 10}, {30, 5}, {45, 20}, {60, 0}});
  EXPECT_NEAR(one("delta(g[1m])", 60), -10.0 * 60 / 45, 1e-9);
}

TEST_F(PromEval, RateNeedsTwoSamples) {
  add(L({{"__name__", "c"}}), {{60, 5}});
  auto v = at("rate(c[1m])", 60);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->vector.empty());
}

TEST_F(PromEval, RateWithOffsetUsesTheShiftedWindow) {
  add(L({{"__name__", "c"}}), {{0, 0}, {15, 15}, {30, 30}, {45, 45}, {60, 60}, {75, 1000}});
  // offset 15s: range (0, 60] as at t=60.
  EXPECT_NEAR(one("rate(c[1m] offset 15s)", 75), 1.0, 1e-12);
}

TEST_F(PromEval, AggregationByLabelOverRates) {
  for (int pod = 0; pod < 3; ++pod) {
    labels l = L({{"__name__", "requests_seconds_count"},
                  {"deployment_name", pod < 2 ? "cifar10" : "other"},
                  {"pod", "p" + std::to_string(pod)}});
    // pod k increases by (k+1) per second, samples every 15 s from 0.
    std::vector<std::pair<std::int64_t, double>> pts;
    for (int t = 0; t <= 60; t += 15) pts.push_back({t, static_cast<double>((pod + 1) * t)});
    add(l, pts);
  }
  // Each series: samples 15..60 in (0, 60], extrapolated to the zero point (15 s before the
  // first sample = exactly the range start), so rate = slope.
  EXPECT_NEAR(one("avg(rate(requests_seconds_count{deployment_name=~\"cifar10\"}[1m]))", 60), 1.5, 1e-12);
  auto by = at("sum by (deployment_name) (rate(requests_seconds_count[1m]))", 60);
  ASSERT_TRUE(by.ok()) << by.err().message;
  ASSERT_EQ(by->vector.size(), 2u);
  EXPECT_EQ(by->vector[0].metric, L({{"deployment_name", "cifar10"}}));
  EXPECT_NEAR(by->vector[0].v, 3.0, 1e-12);
  EXPECT_EQ(by->vector[1].metric, L({{"deployment_name", "other"}}));
  EXPECT_NEAR(by->vector[1].v, 3.0, 1e-12);
  auto without = at("max without (pod) (requests_seconds_count)", 60);
  ASSERT_TRUE(without.ok());
  ASSERT_EQ(without->vector.size(), 2u);
  EXPECT_EQ(without->vector[0].metric, L({{"deployment_name", "cifar10"}}));
  EXPECT_EQ(without->vector[0].v, 120);
  EXPECT_EQ(one("count(requests_seconds_count)", 60), 3);
  EXPECT_EQ(one("min(requests_seconds_count)", 60), 60);
  EXPECT_EQ(one("sum(requests_seconds_count)", 60), 360);
}

TEST_F(PromEval, InstantSelectorLookbackIsFiveMinutesLeftOpen) {
  add(L({{"__name__", "g"}}), {{0, 1}});
  EXPECT_EQ(one("g", 299), 1);
  auto v = at("g", 300);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->vector.empty());
  EXPECT_EQ(one("g offset 1m", 330), 1);
}

TEST_F(PromEval, StaleMarkerEndsASeries) {
  add(L({{"__name__", "g"}}), {{0, 1}, {15, stale_nan()}});
  EXPECT_EQ(one("g", 10), 1);
  auto v = at("g", 20);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->vector.empty());
  EXPECT_EQ(one("count_over_time(g[1m])", 20), 1);
}

TEST_F(PromEval, VectorScalarArithmeticAndComparison) {
  add(L({{"__name__", "x"}, {"pod", "a"}}), {{0, 10}});
  add(L({{"__name__", "x"}, {"pod", "b"}}), {{0, 30}});
  auto v = at("x * 2 + 1", 0);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->vector.size(), 2u);
  EXPECT_EQ(v->vector[0].metric, L({{"pod", "a"}}));  // the name is dropped
  EXPECT_EQ(v->vector[0].v, 21);
  EXPECT_EQ(v->vector[1].v, 61);
  auto minus = at("100 - x", 0);
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(minus->vector[0].v, 90);
  auto gt = at("x > 20", 0);
  ASSERT_TRUE(gt.ok());
  ASSERT_EQ(gt->vector.size(), 1u);
  EXPECT_EQ(gt->vector[0].metric, L({{"__name__", "x"}, {"pod", "b"}}));  // filters keep the name
  EXPECT_EQ(gt->vector[0].v, 30);
  auto lt = at("20 > x", 0);
  ASSERT_TRUE(lt.ok());
  ASSERT_EQ(lt->vector.size(), 1u);
  EXPECT_EQ(lt->vector[0].v, 10);  // the vector's value, though the scalar is on the left
  auto b = at("x > bool 20", 0);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->vector.size(), 2u);
  EXPECT_EQ(b->vector[0].v, 0);
  EXPECT_EQ(b->vector[1].v, 1);
  EXPECT_EQ(b->vector[1].metric, L({{"pod", "b"}}));
  EXPECT_EQ(one("-2 ^ 2", 0), -4);
  EXPECT_EQ(one("(1 + 2) * 3 % 4", 0), 1);
  EXPECT_EQ(one("2 > bool 1", 0), 1);
  EXPECT_TRUE(std::isinf(one("1 / 0", 0)));
  EXPECT_EQ(one("scalar(sum(x)) / 4", 0), 10);
  EXPECT_EQ(one("sum(-x)", 0), -40);
}

TEST_F(PromEval, VectorVectorOneToOneMatching) {
  add(L({{"__name__", "a"}, {"cluster_name", "x"}, {"pod", "p1"}}), {{0, 10}});
  add(L({{"__name__", "a"}, {"cluster_name", "x"}, {"pod", "p2"}}), {{0, 20}});
  add(L({{"__name__", "b"}, {"cluster_name", "x"}, {"pod", "p1"}}), {{0, 2}});
  add(L({{"__name__", "b"}, {"cluster_name", "x"}, {"pod", "p2"}}), {{0, 4}});
  add(L({{"__name__", "b"}, {"cluster_name", "x"}, {"pod", "p3"}}), {{0, 8}});
  add(L({{"__name__", "c"}, {"job", "j"}, {"pod", "p1"}}), {{0, 5}});
  auto div = at("a / b", 0);
  ASSERT_TRUE(div.ok()) << div.err().message;
  ASSERT_EQ(div->vector.size(), 2u);  // p3 has no partner
  EXPECT_EQ(div->vector[0].metric, L({{"cluster_name", "x"}, {"pod", "p1"}}));
  EXPECT_EQ(div->vector[0].v, 5);
  EXPECT_EQ(div->vector[1].v, 5);
  EXPECT_EQ(one("avg(a{cluster_name=\"x\"}) / avg(b{cluster_name=\"x\"})", 0), 15.0 / (14.0 / 3));
  auto on = at("a + on(pod) c", 0);
  ASSERT_TRUE(on.ok()) << on.err().message;
  ASSERT_EQ(on->vector.size(), 1u);
  EXPECT_EQ(on->vector[0].metric, L({{"pod", "p1"}}));
  EXPECT_EQ(on->vector[0].v, 15);
  auto ign = at("a - ignoring(cluster_name, job) c", 0);
  ASSERT_TRUE(ign.ok()) << ign.err().message;
  ASSERT_EQ(ign->vector.size(), 1u);
  EXPECT_EQ(ign->vector[0].metric, L({{"pod", "p1"}}));
  EXPECT_EQ(ign->vector[0].v, 5);
  auto cmp = at("b > a", 0);
  ASSERT_TRUE(cmp.ok());
  EXPECT_TRUE(cmp->vector.empty());
  auto cmp2 = at("a >= bool on(pod) b", 0);
  ASSERT_TRUE(cmp2.ok());
  ASSERT_EQ(cmp2->vector.size(), 2u);
  EXPECT_EQ(cmp2->vector[0].metric, L({{"pod", "p1"}}));
  EXPECT_EQ(cmp2->vector[0].v, 1);
}

TEST_F(PromEval, ManyToManyIsAnExecutionError) {
  add(L({{"__name__", "a"}, {"pod", "p1"}, {"c", "1"}}), {{0, 1}});
  add(L({{"__name__", "b"}, {"pod", "p1"}, {"c", "1"}}), {{0, 1}});
  add(L({{"__name__", "b"}, {"pod", "p1"}, {"c", "2"}}), {{0, 1}});
  add(L({{"__name__", "a"}, {"pod", "p1"}, {"c", "2"}}), {{0, 1}});
  auto v = at("a / on(pod) b", 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.err().code, make_error_code(errc::execution));
  EXPECT_NE(v.err().message.find("many-to-many matching not allowed"), std::string::npos);
  auto lhs_dup = at("a / on(pod) sum by (pod) (b)", 0);
  ASSERT_FALSE(lhs_dup.ok());
  EXPECT_NE(lhs_dup.err().message.find("multiple matches for labels"), std::string::npos);
  auto same = at("rate({__name__=~\"a|b\"}[1m])", 0);
  ASSERT_TRUE(same.ok());  // fewer than two samples each: no elements, no clash
  auto clash = at("-{__name__=~\"a|b\"}", 0);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.err().message.find("same labelset"), std::string::npos);
}

TEST_F(PromEval, OverTimeFunctions) {
  add(L({{"__name__", "g"}, {"k", "v"}}), {{10, 4}, {20, 8}, {30, 6}});
  EXPECT_EQ(one("avg_over_time(g[1m])", 30), 6);
  EXPECT_EQ(one("max_over_time(g[1m])", 30), 8);
  EXPECT_EQ(one("min_over_time(g[1m])", 30), 4);
  EXPECT_EQ(one("sum_over_time(g[1m])", 30), 18);
  EXPECT_EQ(one("count_over_time(g[1m])", 30), 3);
  auto last = at("last_over_time(g[1m])", 30);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->vector[0].metric.name(), "g");
  EXPECT_EQ(one("abs(g - 10)", 30), 4);
  EXPECT_EQ(one("time()", 30), static_cast<double>(T0) / 1000 + 30);
}

TEST_F(PromEval, RangeQueryStepsAndMatrix) {
  add(L({{"__name__", "g"}}), {{0, 1}, {60, 2}, {120, 3}});
  auto e = parse_promql("g * 10");
  ASSERT_TRUE(e.ok());
  auto r = evaluator(store_).range(**e, T0, T0 + 120 * s, 30 * s);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->size(), 1u);
  const auto& pts = (*r)[0].points;
  ASSERT_EQ(pts.size(), 5u);
  EXPECT_EQ(pts[0].v, 10);
  EXPECT_EQ(pts[1].v, 10);
  EXPECT_EQ(pts[2].v, 20);
  EXPECT_EQ(pts[4].v, 30);
  auto m = parse_promql("g[2m]");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(evaluator(store_).range(**m, T0, T0 + 60 * s, 30 * s).ok());
  auto inst = evaluator(store_).instant(**m, T0 + 120 * s);
  ASSERT_TRUE(inst.ok());
  ASSERT_EQ(inst->matrix.size(), 1u);
  EXPECT_EQ(inst->matrix[0].points.size(), 2u);  // (0, 120]: 60 and 120
}

}  // namespace
}  // namespace hayloft::prom
