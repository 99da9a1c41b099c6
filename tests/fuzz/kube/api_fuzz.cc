// Whole requests through the Kubernetes front door (kube_api::handle) over a controller on the
// manual clock, as kubectl or a hostile client sends them. Input: byte 0 picks the method, byte 1
// the Content-Type, then the path and query (after /_hayloft/k8s) up to a newline, then the body.
// Properties: never a 5xx except the 500s the real API server gives (strategicpatch's plain
// errors, an unparsable resourceVersion); every JSON answer parses (valid UTF-8); streams
// (watches, followed logs) are cancelled and closed, so nothing leaks between inputs.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/store/state_store.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/kube/kube_api.h"
#include "orchestrator/pods/workload.h"

namespace {

using namespace hayloft;

class no_queues final : public orchestrator::queue_metrics {
 public:
  result<orchestrator::queue_counts> counts(std::string_view) override { return orchestrator::queue_counts{3, 0, 0}; }
};

struct fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("hayloft-fuzz-kube-" + std::to_string(::getpid()));
  std::unique_ptr<hayloft::store::state_store> state;
  std::unique_ptr<core::clock> clock = core::make_manual_clock();
  no_queues queues;
  orchestrator::pods::workload_registry workloads;
  std::unique_ptr<orchestrator::controller> ctl;
  std::unique_ptr<orchestrator::kube::kube_api> api;

  fixture() {
    std::filesystem::create_directories(dir);
    orchestrator::pods::add_test_workloads(workloads);
    auto opened = hayloft::store::state_store::open({dir / "data", false});
    if (!opened) std::abort();
    state = std::move(*opened);
    orchestrator::options o;
    o.log_dir = dir / "logs";
    o.shutdown_grace_cap = std::chrono::milliseconds(500);
    o.workload_start_wait = std::chrono::milliseconds(50);
    ctl = std::make_unique<orchestrator::controller>(*state, *clock, queues, workloads, o);
    api = std::make_unique<orchestrator::kube::kube_api>(*ctl, *clock, orchestrator::kube::api_options{std::chrono::milliseconds(0)});
    ctl->set_loop_listener(api->loop_listener());
    if (!ctl->start()) std::abort();
    for (const char* body : {R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"indexing"}})"}) {
      core::request req;
      req.method = "POST";
      core::parse_target(std::string(orchestrator::kube::kube_api::prefix) + "/api/v1/namespaces", req);
      req.headers.add("Content-Type", "application/json");
      req.body = body;
      req.body_size = req.body.size();
      api->handle(std::move(req), [](core::response) {});
    }
  }
};

bool known_server_error(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("message") || !body["message"].is_string()) return false;
  const std::string& m = body["message"].get_ref<const std::string&>();
  return (m.rfind("unknown patch type: ", 0) == 0 || m == "merging lists cannot yet be specified in the patch" ||
          m == "delete patch type with no merge key defined" || m.rfind("resourceVersion: Invalid value: ", 0) == 0) &&
         !body.contains("reason");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 128 * 1024) return 0;
  static fixture f;
  static const char* methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  static const char* types[] = {"application/json", "application/yaml", "application/strategic-merge-patch+json",
                                "application/merge-patch+json", "application/json-patch+json",
                                "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf", ""};
  core::request req;
  req.method = methods[data[0] % 6];
  const std::string req_method = req.method;
  const std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  const auto nl = rest.find('\n');
  const std::string target = rest.substr(0, nl);
  if (!core::parse_target(std::string(orchestrator::kube::kube_api::prefix) + target, req)) return 0;
  if (const char* t = types[data[1] % 8]; *t) req.headers.add("Content-Type", t);
  req.headers.add("Accept", data[1] & 0x80 ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json");
  if (nl != std::string::npos) req.body = rest.substr(nl + 1);
  req.body_size = req.body.size();
  core::response resp;
  f.api->handle(std::move(req), [&](core::response r) { resp = std::move(r); });
  if (resp.stream) {
    resp.stream->cancel();
    bool done = false;
    for (int i = 0; i < 1000 && !done; ++i) resp.stream->next([&](std::string, bool d) { done = d; });
    if (!done) std::abort();
    f.api->tick();  // drops the closed watch or follow
  }
  auto body = nlohmann::json::parse(resp.body, nullptr, false);
  const bool is_json = resp.headers.value_or("content-type", "").find("json") != std::string::npos;
  auto fail = [&](const char* why) {
    std::fprintf(stderr, "%s: %s %s -> %u\n%s\n", why, req_method.c_str(), target.c_str(), resp.status, resp.body.c_str());
    std::abort();
  };
  if (is_json && !resp.stream && body.is_discarded()) fail("a JSON answer that does not parse");
  if (resp.status >= 500 && !known_server_error(body)) fail("a server error the API server would not give");
  return 0;
}
