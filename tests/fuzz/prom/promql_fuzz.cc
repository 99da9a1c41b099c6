// PromQL parse and evaluation through /api/v1/query and /api/v1/query_range, over a fixed store
// of a few counters and gauges on the manual clock. The input is the query; its first byte picks
// the endpoint. Properties: the answer is 200, 400 or 422 (never a 5xx), and its body is valid
// JSON (nlohmann's strict parser also rejects invalid UTF-8) with Prometheus' "status" field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/prom/api.h"
#include "emulator/prom/series_store.h"

namespace {

struct fixture {
  std::unique_ptr<hayloft::core::clock> clock = hayloft::core::make_manual_clock();
  hayloft::prom::series_store store;
  std::unique_ptr<hayloft::prom::api_handler> api;
  std::int64_t now_ms = 0;
  fixture() {
    using hayloft::prom::labels;
    now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->now().time_since_epoch()).count();
    for (int i = 0; i < 40; ++i) {
      const std::int64_t t = now_ms - (40 - i) * 15000;
      store.append(labels{{"__name__", "http_requests_total"}, {"job", "web"}, {"pod", "a"}}, t, i * 3.0);
      store.append(labels{{"__name__", "http_requests_total"}, {"job", "web"}, {"pod", "b"}}, t, i % 7 * 1.0);
      store.append(labels{{"__name__", "queue_depth"}, {"queue", "orders"}}, t, 100.0 - i);
      store.append(labels{{"__name__", "up"}, {"job", "web"}, {"instance", "h\xc3\xa9:9"}}, t, 1);
    }
    api = std::make_unique<hayloft::prom::api_handler>(store, *clock);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  static fixture f;
  const std::string query(reinterpret_cast<const char*>(data) + 1, size - 1);
  hayloft::core::request req;
  req.method = "GET";
  const bool range = data[0] & 1;
  std::string target = std::string(range ? "/api/v1/query_range" : "/api/v1/query") +
                       "?query=" + hayloft::core::url_encode(query);
  const double now_s = static_cast<double>(f.now_ms) / 1000.0;
  if (range)
    target += "&start=" + std::to_string(now_s - 600) + "&end=" + std::to_string(now_s) + "&step=" + std::to_string(15 + data[0] % 60);
  else
    target += "&time=" + std::to_string(now_s);
  if (!hayloft::core::parse_target(target, req)) std::abort();
  hayloft::core::response resp = f.api->serve(req);
  if (resp.status != 200 && resp.status != 400 && resp.status != 422) std::abort();
  auto body = nlohmann::json::parse(resp.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("status")) std::abort();
  return 0;
}
