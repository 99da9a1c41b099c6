#include "emulator/app/dashboard_binding.h"

#include <algorithm>
#include <future>

#include "emulator/core/logging.h"

namespace hayloft::app {
namespace {

// Every queue URL, following ListQueues pages.
std::vector<std::string> queue_urls(sqs::service& sqs) {
  std::vector<std::string> urls;
  std::string token;
  do {
    sqs::api::list_queues_request req;
    req.max_results = 1000;
    req.next_token = token;
    std::promise<result<sqs::api::result_body>> p;
    auto f = p.get_future();
    sqs.execute(sqs::api::call{.operation = sqs::api::op::list_queues, .input = req},
                [&p](result<sqs::api::result_body> r) { p.set_value(std::move(r)); });
    auto r = f.get();
    if (!r.ok()) {
      spdlog::debug("dashboard: ListQueues failed: {}", r.err().message);
      break;
    }
    const auto* page = std::get_if<sqs::api::queue_urls_result>(&*r);
    if (!page) break;
    urls.insert(urls.end(), page->queue_urls.begin(), page->queue_urls.end());
    token = page->next_token;
  } while (!token.empty());
  return urls;
}

// Object count and bytes per bucket, from S3's typed usage call.
std::vector<dashboard::bucket_figures> bucket_figures(s3::service& s3) {
  std::vector<dashboard::bucket_figures> out;
  auto usage = s3.usage();
  if (!usage.ok()) {
    spdlog::debug("dashboard: bucket usage unavailable: {}", usage.err().message);
    return out;
  }
  for (const auto& u : *usage)
    out.push_back({u.bucket.name, u.bucket.region, u.bucket.created, u.objects, u.bytes});
  return out;
}

nlohmann::json items(orchestrator::controller& c, const char* kind) {
  auto r = c.get(kind, "*", "");
  if (!r.ok()) return nlohmann::json::array();
  return (*r)["items"];
}

}  // namespace

std::vector<dashboard::queue_figures> list_queue_figures(sqs::service& sqs) {
  std::vector<dashboard::queue_figures> out;
  for (const auto& url : queue_urls(sqs)) {
    auto name = dashboard::queue_name_from_url(url);
    auto c = sqs.queue_counts(name);
    if (!c.ok()) continue;  // deleted since the listing
    out.push_back({name, c->visible, c->not_visible, c->delayed});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

dashboard::dashboard::snapshot_provider make_snapshot_provider(dashboard_services services) {
  return [services](dashboard::detail d) {
    dashboard::snapshot s;
    s.queues = list_queue_figures(services.sqs);
    s.deployments = items(services.orchestrator, "deployments");
    s.scaled_objects = items(services.orchestrator, "scaledobjects");
    if (d == dashboard::detail::full) {
      s.buckets = bucket_figures(services.s3);
      s.pods = items(services.orchestrator, "pods");
      s.events = items(services.orchestrator, "events");
    }
    return s;
  };
}

dashboard::dashboard::options dashboard_options(const core::clock& clock) {
  using namespace std::chrono_literals;
  dashboard::dashboard::options o;
  auto per_half_real_second =
      std::chrono::duration_cast<core::duration>(std::chrono::duration<double>(clock.rate() * 0.5));
  o.interval = std::max<core::duration>(2s, per_half_real_second);
  o.window = std::max<core::duration>(10min, o.interval * 150);
  return o;
}

void add_queue_metrics(core::metrics_registry& metrics, sqs::service& sqs) {
  metrics.describe(
      "hayloft_sqs_messages", "gauge",
      "Messages per queue by state: visible, in_flight (received, not deleted) and delayed.");
  metrics.add_collector([&sqs](std::vector<core::sample>& out) {
    for (const auto& q : list_queue_figures(sqs)) {
      out.push_back({"hayloft_sqs_messages",
                     {{"queue", q.name}, {"state", "visible"}},
                     static_cast<double>(q.visible)});
      out.push_back({"hayloft_sqs_messages",
                     {{"queue", q.name}, {"state", "in_flight"}},
                     static_cast<double>(q.in_flight)});
      out.push_back({"hayloft_sqs_messages",
                     {{"queue", q.name}, {"state", "delayed"}},
                     static_cast<double>(q.delayed)});
    }
  });
}

}  // namespace hayloft::app
