#include "emulator/testing/stack.h"

#include <stdexcept>

#include "emulator/app/application.h"
#include "emulator/core/http_message.h"
#include "emulator/core/logging.h"
#include "emulator/http/aws_client.h"
#include "emulator/http/client.h"

namespace hayloft::testing {

struct stack::impl {
  std::unique_ptr<app::application> app;
  std::string endpoint;
  std::uint16_t port = 0;
  std::unique_ptr<http::client> client;
  std::unique_ptr<http::aws_client> aws;
};

stack::stack(stack_options opts) : impl_(std::make_unique<impl>()) {
  core::init_logging(opts.log_level);
  app::up_options up;
  up.host = "127.0.0.1";
  up.port = 0;
  up.in_memory = true;
  up.log_level = opts.log_level;
  up.clock = opts.manual_clock ? "manual" : "system";
  up.embedder = opts.embedder;
  up.apply_paths = opts.apply;
  up.apply_namespace = opts.apply_namespace;
  up.config_file = opts.config_file;
  up.snapshot = opts.snapshot;
  impl_->app = std::make_unique<app::application>(std::move(up));
  impl_->port = impl_->app->start();
  impl_->endpoint = "http://127.0.0.1:" + std::to_string(impl_->port);
  impl_->client = std::make_unique<http::client>(impl_->endpoint, std::chrono::seconds(60));
  http::aws_config cfg;
  cfg.endpoint = impl_->endpoint;
  cfg.region = opts.region;
  impl_->aws = std::make_unique<http::aws_client>(cfg);
}

stack::~stack() {
  impl_->aws.reset();
  impl_->client.reset();
  impl_->app->stop();
}

const std::string& stack::endpoint() const { return impl_->endpoint; }
std::uint16_t stack::port() const { return impl_->port; }
http::aws_client& stack::aws() { return *impl_->aws; }

nlohmann::json stack::admin(std::string_view method, std::string_view target, const std::string& body) {
  auto r = impl_->client->request(std::string(method), std::string(target), body);
  if (!r.ok()) throw std::runtime_error("hayloft " + std::string(target) + ": " + r.err().message);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 400) {
    std::string message = r->body;
    if (!j.is_discarded() && j.contains("error")) message = j["error"].value("message", r->body);
    throw std::runtime_error("hayloft " + std::string(target) + ": HTTP " + std::to_string(r->status) + ": " + message);
  }
  return j.is_discarded() ? nlohmann::json(r->body) : j;
}

void stack::reset() { admin("POST", "/_hayloft/reset"); }

nlohmann::json stack::snapshot(std::string_view name) {
  return admin("POST", "/_hayloft/snapshots", nlohmann::json{{"name", std::string(name)}}.dump());
}

nlohmann::json stack::restore(std::string_view name) {
  if (name.find('/') != std::string_view::npos)
    throw std::runtime_error("stack::restore takes a snapshot name; start a stack from a folder with stack_options::snapshot");
  return admin("POST", "/_hayloft/snapshots/" + core::url_encode(name) + "/restore");
}

void stack::advance(std::string_view duration) {
  admin("POST", "/_hayloft/clock", nlohmann::json{{"advance", std::string(duration)}}.dump());
}

nlohmann::json stack::apply(const std::string& yaml, std::string_view ns) {
  std::string target = "/_hayloft/apply";
  if (!ns.empty()) target += "?namespace=" + core::url_encode(ns);
  return admin("POST", target, yaml);
}

int stack::replicas(std::string_view deployment, std::string_view ns) {
  auto j = admin("GET", "/_hayloft/get?kind=deployment&namespace=" + core::url_encode(ns) +
                            "&name=" + core::url_encode(deployment));
  const auto& obj = j.contains("object") ? j["object"] : j;
  return obj.value("/spec/replicas"_json_pointer, 0);
}

}  // namespace hayloft::testing
