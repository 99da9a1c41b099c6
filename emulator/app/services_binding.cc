#include "emulator/app/services_binding.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "orchestrator/controller/api.h"
#include "orchestrator/services/proxy.h"

namespace hayloft::app {
namespace svc = orchestrator::services;
using json = nlohmann::json;

namespace {

std::vector<svc::endpoint> to_endpoints(const std::vector<orchestrator::service_endpoint>& in) {
  std::vector<svc::endpoint> out;
  for (const auto& e : in) out.push_back({e.pod, e.port});
  return out;
}

// One `hayloft port-forward`: its listeners, what they resolve, and the response body that keeps
// them open. The body sends one JSON line, then nothing until the client goes (cancel) or
// hayloft closes it (reset, stop).
class forward_session final : public core::body_stream, public std::enable_shared_from_this<forward_session> {
 public:
  struct port {
    std::string remote;  // as asked (service port or container port, number or name)
    std::unique_ptr<svc::proxy_manager::forward> handle;
  };
  forward_session(std::string ns, std::string target, std::vector<port> ports, std::string first_line)
      : ns_(std::move(ns)), target_(std::move(target)), ports_(std::move(ports)), first_(std::move(first_line)) {}

  void next(deliver_fn deliver) override {
    std::unique_lock lock(mutex_);
    if (!first_.empty()) {
      std::string line = std::move(first_);
      first_.clear();
      lock.unlock();
      deliver(std::move(line), false);
      return;
    }
    if (closed_) {
      lock.unlock();
      deliver({}, true);
      return;
    }
    waiting_ = std::move(deliver);
  }
  void cancel() override { close(); }
  void close() {
    deliver_fn d;
    std::vector<port> gone;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      d = std::move(waiting_);
      gone = std::move(ports_);
    }
    gone.clear();  // closes the listeners
    if (d) d({}, true);
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  // Re-resolves the endpoints (pods come and go; a deployment's pods are replaced).
  void refresh(orchestrator::controller& ctl) {
    std::lock_guard lock(mutex_);
    for (auto& p : ports_) {
      auto r = ctl.forward_endpoints(ns_, target_, p.remote);
      p.handle->update(r ? to_endpoints(r->endpoints) : std::vector<svc::endpoint>{});
    }
  }

 private:
  const std::string ns_, target_;
  mutable std::mutex mutex_;  // guards ports_, first_, waiting_, closed_
  std::vector<port> ports_;
  std::string first_;
  deliver_fn waiting_;
  bool closed_ = false;
};

core::response error_json(unsigned status, std::string_view code, const std::string& message) {
  return orchestrator::error_response(status, code, message);
}

}  // namespace

struct services_binding::impl {
  impl(orchestrator::controller& c, core::metrics_registry& m) : ctl(c), proxy({}, &m) {}
  orchestrator::controller& ctl;
  svc::proxy_manager proxy;

  std::mutex sync_mutex;  // serialises sync()
  std::mutex mutex;       // guards forwards, stopping
  std::condition_variable wake;
  std::list<std::weak_ptr<forward_session>> forwards;
  bool stopping = false;
  std::thread ticker;

  void sync() {
    std::lock_guard lock(sync_mutex);
    std::vector<svc::listener_spec> specs;
    for (const auto& s : ctl.services()) {
      for (const auto& p : s.ports) {
        std::int32_t listen = s.type == "LoadBalancer" ? p.port : s.type == "NodePort" ? p.node_port : 0;
        if (listen <= 0 || listen > 65535) continue;
        svc::listener_spec spec;
        spec.namespace_name = s.namespace_name;
        spec.service = s.name;
        spec.port_name = p.name.empty() ? std::to_string(p.port) : p.name;
        spec.port = static_cast<std::uint16_t>(listen);
        spec.endpoints = to_endpoints(p.endpoints);
        specs.push_back(std::move(spec));
      }
    }
    for (const auto& f : proxy.sync(specs))
      ctl.record_service_event(f.spec.namespace_name, f.spec.service, "Warning", "FailedToListen",
                               "port " + f.spec.port_name + ": " + f.message);
    std::vector<std::shared_ptr<forward_session>> live;
    {
      std::lock_guard l(mutex);
      for (auto it = forwards.begin(); it != forwards.end();) {
        auto s = it->lock();
        if (!s || s->closed()) {
          it = forwards.erase(it);
          continue;
        }
        live.push_back(std::move(s));
        ++it;
      }
    }
    for (auto& s : live) s->refresh(ctl);
  }

  void close_forwards() {
    std::list<std::weak_ptr<forward_session>> all;
    {
      std::lock_guard l(mutex);
      all.swap(forwards);
    }
    for (auto& w : all)
      if (auto s = w.lock()) s->close();
  }
};

services_binding::services_binding(orchestrator::controller& ctl, core::metrics_registry& metrics)
    : impl_(std::make_shared<impl>(ctl, metrics)) {}

services_binding::~services_binding() { stop(); }

void services_binding::start() {
  impl_->ticker = std::thread([i = impl_.get()] {
    std::unique_lock lock(i->mutex);
    while (!i->stopping) {
      lock.unlock();
      i->sync();
      lock.lock();
      i->wake.wait_for(lock, std::chrono::seconds(1), [i] { return i->stopping; });
    }
  });
}

void services_binding::sync() {
  {
    std::lock_guard l(impl_->mutex);
    if (impl_->stopping) return;
  }
  impl_->sync();
}

void services_binding::reset() {
  impl_->close_forwards();
  impl_->proxy.close_all();
}

void services_binding::stop() {
  {
    std::lock_guard l(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->ticker.joinable()) impl_->ticker.join();
  impl_->close_forwards();
  impl_->proxy.stop();
}

void services_binding::handle_port_forward(core::request req, core::completion done) {
  auto param = [&](std::string_view k) {
    auto v = req.param(k);
    return v ? std::string(*v) : std::string();
  };
  std::string ns = param("namespace"), target = param("target"), ports = param("ports"), address = param("address");
  if (address.empty()) address = "127.0.0.1";
  if (ns.empty()) ns = "default";
  if (target.empty() || ports.empty())
    return done(error_json(400, "BadRequest", "TYPE/NAME and list of ports are required for port-forward"));
  if (address != "127.0.0.1" && address != "localhost")
    return done(error_json(400, "BadRequest", "hayloft listens on loopback only: --address must be 127.0.0.1 or localhost"));
  std::vector<forward_session::port> opened;
  json lines = json::array();
  std::size_t start = 0;
  while (start <= ports.size()) {
    std::size_t comma = ports.find(',', start);
    if (comma == std::string::npos) comma = ports.size();
    std::string spec = ports.substr(start, comma - start);
    start = comma + 1;
    if (spec.empty()) continue;
    // kubectl's forms: "8080:80", "80" (same port locally), ":80" (a random local port).
    std::string local, remote;
    if (auto colon = spec.find(':'); colon != std::string::npos) {
      local = spec.substr(0, colon);
      remote = spec.substr(colon + 1);
    } else {
      local = remote = spec;
    }
    bool local_ok = local.empty() || (local.size() <= 5 && std::all_of(local.begin(), local.end(), ::isdigit) &&
                                      std::stoi(local) <= 65535);
    if (!local_ok || remote.empty()) return done(error_json(400, "BadRequest", "Error parsing local port '" + local + "'"));
    auto r = impl_->ctl.forward_endpoints(ns, target, remote);
    if (!r) {
      unsigned status = r.err().message.find("not found") != std::string::npos ? 404 : 400;
      return done(error_json(status, status == 404 ? "NotFound" : "BadRequest", r.err().message));
    }
    svc::listener_spec ls;
    ls.namespace_name = ns;
    ls.service = target;
    ls.port_name = remote;
    ls.host = "127.0.0.1";
    ls.port = local.empty() ? 0 : static_cast<std::uint16_t>(std::stoi(local));
    ls.endpoints = to_endpoints(r->endpoints);
    auto f = impl_->proxy.open_forward(ls);
    if (!f)
      return done(error_json(409, "Conflict", "Unable to listen on port " + local + ": " + f.err().message));
    lines.push_back({{"address", "127.0.0.1"}, {"local", (*f)->port()}, {"remote", r->remote}});
    opened.push_back({remote, std::move(*f)});
  }
  if (opened.empty()) return done(error_json(400, "BadRequest", "TYPE/NAME and list of ports are required for port-forward"));
  auto session = std::make_shared<forward_session>(ns, target, std::move(opened), json{{"forwarding", lines}}.dump() + "\n");
  {
    std::lock_guard l(impl_->mutex);
    if (impl_->stopping) return done(error_json(503, "ServiceUnavailable", "hayloft is stopping"));
    impl_->forwards.push_back(session);
  }
  core::response res;
  res.status = 200;
  res.headers.set("Content-Type", "application/x-ndjson");
  res.stream = session;
  done(std::move(res));
}

}  // namespace hayloft::app
