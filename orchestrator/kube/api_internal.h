#pragma once
// Internals of kube_api shared by its .cc files: the parsed request and the handlers of each
// verb. Not part of the library's interface.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "orchestrator/kube/kube_api.h"
#include "orchestrator/kube/resources.h"
#include "orchestrator/kube/status.h"
#include "orchestrator/kube/stream.h"
#include "orchestrator/kube/tracker.h"

namespace hayloft::orchestrator::kube {

// A request for a resource: /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]].
struct resource_request {
  const resource* res = nullptr;
  std::string namespace_name;  // "" when the path names none
  std::string name;
  std::string subresource;
  const core::request* req = nullptr;
  std::string param(std::string_view k) const { return std::string(req->param(k).value_or("")); }
  bool flag(std::string_view k) const {
    auto v = req->param(k);
    return v && (*v == "true" || *v == "1");
  }
};

// A followed log: polled by the ticker until its container stops or the client goes away.
struct log_follow {
  std::shared_ptr<queued_stream> stream;
  controller::log_query query;
  std::uint64_t offset = 0;
};

struct kube_api::impl {
  impl(controller& c, core::clock& k) : ctl(c), clock(k), objects(c, k) {}
  controller& ctl;
  core::clock& clock;
  tracker objects;

  std::mutex follows_mutex;  // guards follows
  std::vector<log_follow> follows;

  std::mutex ticker_mutex;  // guards stopping
  std::condition_variable ticker_cv;
  bool stopping = false;
  std::thread ticker;

  core::response serve(const core::request& req);
  core::response serve_resource(resource_request& rr);

  // api_reads.cc
  core::response get(const resource_request& rr);
  core::response list(const resource_request& rr);
  core::response watch(const resource_request& rr);
  // api_writes.cc
  core::response create(const resource_request& rr);
  core::response update(const resource_request& rr);
  core::response patch(const resource_request& rr);
  core::response remove(const resource_request& rr);
  core::response get_scale(const resource_request& rr);
  core::response update_scale(const resource_request& rr, bool is_patch);
  // api_logs.cc
  core::response logs(const resource_request& rr);
  // api_metrics.cc: metrics.k8s.io
  core::response metrics(const resource_request& rr);
  void poll_follows();
};

// The object in the version a request asked for (autoscaling/v1 HPAs are converted from v2).
json served_form(const resource& r, const json& obj);
// "Deployment" -> "DeploymentList".
std::string list_kind(const resource& r);

}  // namespace hayloft::orchestrator::kube
