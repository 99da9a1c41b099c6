#include "emulator/core/json_text.h"
#include "emulator/app/admin.h"

#include <nlohmann/json.hpp>

namespace hayloft::app {
namespace {

// Invalid UTF-8 in anything echoed (a path, a name) is replaced, never thrown on.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace


core::response json_response(unsigned status, const std::string& body) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = body;
  return r;
}

core::response json_error(unsigned status, const std::string& code, const std::string& message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  return json_response(status, dump(j) + "\n");
}

admin_service::admin_service(core::clock& clock, core::task_runner& blocking) : clock_(clock), blocking_(blocking) {}

core::response admin_service::render_error(const core::request&, const core::aws_error& err) const {
  return json_error(err.status, err.code, err.message);
}

core::response admin_service::health() const {
  nlohmann::json services = nlohmann::json::object();
  for (const auto& s : services_) services[s] = "running";
  nlohmann::json j = {
      {"status", "running"},
      {"version", HAYLOFT_VERSION},
      {"edition", "hayloft"},
      {"services", services},
      {"uptime_seconds",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()},
      {"clock", {{"kind", clock_.kind()}, {"rate", clock_.rate()}, {"now", core::iso8601(clock_.now())}}},
  };
  return json_response(200, dump(j) + "\n");
}

void admin_service::clock_route(core::request req, core::completion done) {
  auto describe = [this] {
    nlohmann::json j = {{"kind", clock_.kind()}, {"rate", clock_.rate()}, {"now", core::iso8601(clock_.now())},
                        {"unix_ms", core::to_unix_ms(clock_.now())}};
    return j;
  };
  if (req.method == "GET") return done(json_response(200, dump(describe()) + "\n"));
  if (req.method != "POST") return done(json_error(405, "MethodNotAllowed", "use GET or POST"));
  auto body = nlohmann::json::parse(req.body_text(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("advance") || !body["advance"].is_string())
    return done(json_error(400, "BadRequest", R"(expected {"advance": "30s"})"));
  core::duration d;
  if (!core::parse_duration(body["advance"].get<std::string>(), d) || d < core::duration::zero())
    return done(json_error(400, "BadRequest", "cannot parse duration " + dump(body["advance"])));
  if (clock_.kind() != "manual")
    return done(json_error(409, "Conflict", "the clock is " + clock_.kind() + "; start hayloft with --clock manual to advance it"));
  // advance() runs every timer due in the span before returning: keep it off the I/O threads.
  blocking_.post([this, d, done = std::move(done), describe] {
    clock_.advance(d);
    done(json_response(200, dump(describe()) + "\n"));
  });
}

void admin_service::handle(core::request req, core::completion done) {
  std::string_view path = req.path;
  if (path.starts_with("/_localstack/")) path = path.substr(12);  // "/health", "/init", ...
  else path = path.substr(std::string_view("/_hayloft").size());
  if (path.starts_with("/")) path.remove_prefix(1);
  auto name = std::string(path.substr(0, path.find('/')));
  if (req.body_size > admin_body_limit)
    return done(json_error(413, "RequestEntityTooLarge",
                           "request body of " + std::to_string(req.body_size) + " bytes exceeds the limit of " +
                               std::to_string(admin_body_limit) + " bytes"));
  if (!req.body_in_file()) {
    auto first = req.body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (req.body[first] == '{' || req.body[first] == '[') &&
        !json_depth_within(req.body, admin_json_depth))
      return done(json_error(400, "BadRequest",
                             "request body nests deeper than " + std::to_string(admin_json_depth) + " levels"));
  }
  if (name == "health" || name.empty()) return done(health());
  if (name == "clock") return clock_route(std::move(req), std::move(done));
  if (name == "reset") {
    if (req.method != "POST") return done(json_error(405, "MethodNotAllowed", "POST /_hayloft/reset"));
    blocking_.post([this, done = std::move(done)] {
      nlohmann::json reset = nlohmann::json::array();
      for (auto& [service, fn] : resets_) {
        fn();
        reset.push_back(service);
      }
      done(json_response(200, dump(nlohmann::json({{"reset", reset}})) + "\n"));
    });
    return;
  }
  if (auto it = routes_.find(name); it != routes_.end()) return it->second(std::move(req), std::move(done));
  done(json_error(404, "NotFound", "no admin route /_hayloft/" + name));
}

}  // namespace hayloft::app
