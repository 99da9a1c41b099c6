// The embedding server's /metrics text: requests_seconds with deployment_name, Triton's
// counters, the backlog gauges; and the Deployment name derived from a pod name.
#include "consumer/serving/server_metrics.h"

#include <gtest/gtest.h>

namespace hayloft::serving {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(ServingMetrics, RendersRequestHistogramAndTritonCounters) {
  std::size_t pending = 3;
  model_info m;
  server_metrics sm(m, "cifar10", [&pending] { return pending; });
  sm.request_done(200, 0.004, 150, 2);
  sm.request_done(200, 0.020, 50, 1);
  sm.request_done(400, 0.001, 0, 0);
  sm.request_done(503, 0.001, 0, 0);
  sm.executed();
  auto text = sm.render();
  EXPECT_TRUE(has_line(text, R"(requests_seconds_count{code="200",deployment_name="cifar10",model="use-lite"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(requests_seconds_count{code="400",deployment_name="cifar10",model="use-lite"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(requests_seconds_bucket{code="200",deployment_name="cifar10",model="use-lite",le="0.005"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_request_success{model="use-lite",version="1"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_request_failure{model="use-lite",reason="OTHER",version="1"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_request_failure{model="use-lite",reason="REJECTED",version="1"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_request_failure{model="use-lite",reason="BACKEND",version="1"} 0)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_count{model="use-lite",version="1"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_exec_count{model="use-lite",version="1"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_queue_duration_us{model="use-lite",version="1"} 200)")) << text;
  EXPECT_TRUE(has_line(text, R"(nv_inference_pending_request_count{model="use-lite",version="1"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(inference_queue_size{deployment_name="cifar10",model="use-lite"} 3)")) << text;
  EXPECT_NE(text.find("# TYPE requests_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("# TYPE nv_inference_pending_request_count gauge"), std::string::npos);
  pending = 0;
  EXPECT_TRUE(has_line(sm.render(), R"(inference_queue_size{deployment_name="cifar10",model="use-lite"} 0)"));
}

TEST(ServingMetrics, DeploymentOfPod) {
  EXPECT_EQ(deployment_of_pod("embedding-server-5f7d9c8b4-x2k4q"), "embedding-server");
  EXPECT_EQ(deployment_of_pod("web-7d9f-abcde"), "web");
  EXPECT_EQ(deployment_of_pod("standalone"), "standalone");
  EXPECT_EQ(deployment_of_pod("a-b"), "a-b");
  EXPECT_EQ(deployment_of_pod("web-7d9f-abcde", "override"), "override");
}

}  // namespace
}  // namespace hayloft::serving
