#include "tests/sqs/harness.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <map>
#include <stdexcept>

#include "emulator/core/ids.h"

namespace hayloft::sqs::testing {
namespace {

std::string scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

void flatten_attributes(core::query_params& out, const std::string& prefix, const nlohmann::json& attrs) {
  int i = 0;
  for (const auto& [name, v] : attrs.items()) {
    auto p = prefix + "." + std::to_string(++i) + ".";
    out.emplace_back(p + "Name", name);
    for (const auto& [k, x] : v.items()) out.emplace_back(p + "Value." + k, scalar(x));
  }
}

void flatten_map(core::query_params& out, const std::string& prefix, const nlohmann::json& m, const char* key,
                 const char* value) {
  int i = 0;
  for (const auto& [k, v] : m.items()) {
    auto p = prefix + "." + std::to_string(++i) + ".";
    out.emplace_back(p + key, k);
    out.emplace_back(p + value, scalar(v));
  }
}

void flatten_list(core::query_params& out, const std::string& prefix, const nlohmann::json& l) {
  int i = 0;
  for (const auto& v : l) out.emplace_back(prefix + "." + std::to_string(++i), scalar(v));
}

void flatten(core::query_params& out, const std::string& op, const std::string& prefix, const nlohmann::json& params) {
  for (const auto& [k, v] : params.items()) {
    const auto p = prefix + (prefix.empty() ? "" : ".");
    if (k == "Attributes") flatten_map(out, p + "Attribute", v, "Name", "Value");
    else if (k == "tags" || k == "Tags") flatten_map(out, p + "Tag", v, "Key", "Value");
    else if (k == "AttributeNames") flatten_list(out, p + "AttributeName", v);
    else if (k == "MessageSystemAttributeNames") flatten_list(out, p + "MessageSystemAttributeName", v);
    else if (k == "MessageAttributeNames") flatten_list(out, p + "MessageAttributeName", v);
    else if (k == "TagKeys") flatten_list(out, p + "TagKey", v);
    else if (k == "AWSAccountIds") flatten_list(out, p + "AWSAccountId", v);
    else if (k == "Actions") flatten_list(out, p + "ActionName", v);
    else if (k == "MessageAttributes") flatten_attributes(out, p + "MessageAttribute", v);
    else if (k == "MessageSystemAttributes") flatten_attributes(out, p + "MessageSystemAttribute", v);
    else if (k == "Entries") {
      int i = 0;
      for (const auto& e : v) flatten(out, op, p + op + "RequestEntry." + std::to_string(++i), e);
    } else {
      out.emplace_back(p + k, scalar(v));
    }
  }
}

std::string form_encode(const core::query_params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += core::url_encode(k) + "=" + core::url_encode(v);
  }
  return out;
}

// Scalars to strings; empty lists and maps dropped.
nlohmann::json stringify(const nlohmann::json& v) {
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, x] : v.items()) {
      auto s = stringify(x);
      if ((s.is_array() || s.is_object()) && s.empty()) continue;
      out[k] = std::move(s);
    }
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : v) out.push_back(stringify(x));
    return out;
  }
  if (v.is_string()) return v;
  return v.dump();
}

nlohmann::json xml_struct(const pugi::xml_node& node, const std::string& op) {
  nlohmann::json out = nlohmann::json::object();
  for (auto child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string name = child.name();
    if (name == "QueueUrl" && (op == "ListQueues" || op == "ListDeadLetterSourceQueues")) {
      out[op == "ListQueues" ? "QueueUrls" : "queueUrls"].push_back(child.text().get());
    } else if (name == "Message" && op == "ReceiveMessage") {
      out["Messages"].push_back(xml_struct(child, op));
    } else if (name == "Attribute") {
      out["Attributes"][child.child("Name").text().get()] = child.child("Value").text().get();
    } else if (name == "Tag") {
      out["Tags"][child.child("Key").text().get()] = child.child("Value").text().get();
    } else if (name == "MessageAttribute") {
      out["MessageAttributes"][child.child("Name").text().get()] = xml_struct(child.child("Value"), op);
    } else if (name.ends_with("BatchResultEntry")) {
      out["Successful"].push_back(xml_struct(child, op));
    } else if (name == "BatchResultErrorEntry") {
      out["Failed"].push_back(xml_struct(child, op));
    } else if (name == "Results") {
      out["Results"].push_back(xml_struct(child, op));
    } else if (child.first_child().type() == pugi::node_element) {
      out[name] = xml_struct(child, op);
    } else {
      out[name] = child.text().get();
    }
  }
  return out;
}

}  // namespace

core::request make_request(api::protocol proto, const std::string& op, const nlohmann::json& params,
                           const std::string& path) {
  core::request req;
  req.method = "POST";
  req.target = path;
  core::parse_target(path, req);
  req.headers.add("Host", "localhost:4566");
  req.host = "localhost";
  req.request_id = core::uuid4();
  if (proto == api::protocol::json) {
    req.headers.add("X-Amz-Target", "AmazonSQS." + op);
    req.headers.add("Content-Type", "application/x-amz-json-1.0");
    req.body = params.dump();
  } else {
    core::query_params form{{"Action", op}, {"Version", "2012-11-05"}};
    flatten(form, op, "", params);
    req.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    req.body = form_encode(form);
  }
  req.body_size = req.body.size();
  return req;
}

reply normalise(api::protocol proto, const std::string& op, const core::response& r) {
  reply out;
  out.status = r.status;
  out.raw = r;
  if (proto == api::protocol::json) {
    EXPECT_EQ(r.headers.value_or("content-type", ""), "application/x-amz-json-1.0");
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    if (r.status != 200) {
      out.type = j.value("__type", "");
      out.message = j.value("message", "");
      std::string q(r.headers.value_or("x-amzn-query-error", ""));
      auto semi = q.find(';');
      out.code = q.substr(0, semi);
      if (semi != std::string::npos) out.fault = q.substr(semi + 1);
      return out;
    }
    out.body = stringify(j);
    return out;
  }
  EXPECT_EQ(r.headers.value_or("content-type", ""), "text/xml");
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(r.body.data(), r.body.size());
  EXPECT_TRUE(parsed) << r.body;
  if (r.status != 200) {
    auto root = doc.child("ErrorResponse");
    EXPECT_STREQ(root.attribute("xmlns").value(), "http://queue.amazonaws.com/doc/2012-11-05/");
    out.code = root.child("Error").child("Code").text().get();
    out.message = root.child("Error").child("Message").text().get();
    out.fault = root.child("Error").child("Type").text().get();
    EXPECT_FALSE(std::string(root.child("RequestId").text().get()).empty());
    return out;
  }
  auto root = doc.child((op + "Response").c_str());
  EXPECT_TRUE(root) << r.body;
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://queue.amazonaws.com/doc/2012-11-05/");
  EXPECT_FALSE(std::string(root.child("ResponseMetadata").child("RequestId").text().get()).empty());
  out.body = stringify(xml_struct(root.child((op + "Result").c_str()), op));
  return out;
}

temp_dir::temp_dir() : path(std::filesystem::temp_directory_path() / ("hayloft-sqs-" + core::random_hex(6))) {}
temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

harness::harness(sqs::options opts, bool durable) : opts_(std::move(opts)), durable_(durable) {
  clock_ = core::make_manual_clock();
  open();
}

harness::~harness() {
  service_.reset();
  store_.reset();
}

void harness::open() {
  auto s = hayloft::store::state_store::open({.dir = dir_.path, .durable = durable_});
  if (!s.ok()) throw std::runtime_error(s.err().message);
  store_ = std::move(s).value();
  service_ = std::make_unique<sqs::service>(*store_, *clock_, opts_);
}

void harness::restart() {
  service_.reset();
  store_.reset();
  open();
}

std::shared_future<reply> harness::start(api::protocol proto, const std::string& op, const nlohmann::json& params) {
  auto p = std::make_shared<std::promise<reply>>();
  std::shared_future<reply> f = p->get_future().share();
  service_->handle(make_request(proto, op, params),
                   [p, proto, op](core::response r) { p->set_value(normalise(proto, op, r)); });
  return f;
}

reply harness::call(api::protocol proto, const std::string& op, const nlohmann::json& params,
                    const std::string& path) {
  auto p = std::make_shared<std::promise<reply>>();
  auto f = p->get_future();
  service_->handle(make_request(proto, op, params, path),
                   [p, proto, op](core::response r) { p->set_value(normalise(proto, op, r)); });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << op << " did not complete";
    return {};
  }
  return f.get();
}

std::string harness::create_queue(const std::string& name, const nlohmann::json& attributes) {
  nlohmann::json p{{"QueueName", name}};
  if (!attributes.empty()) p["Attributes"] = attributes;
  auto r = call(api::protocol::json, "CreateQueue", p);
  EXPECT_TRUE(r.ok()) << r.code << ": " << r.message;
  return r.body.value("QueueUrl", "");
}

std::string harness::send(const std::string& url, const std::string& body, nlohmann::json extra) {
  extra["QueueUrl"] = url;
  extra["MessageBody"] = body;
  auto r = call(api::protocol::json, "SendMessage", extra);
  EXPECT_TRUE(r.ok()) << r.code << ": " << r.message;
  return r.body.value("MessageId", "");
}

nlohmann::json harness::receive(const std::string& url, nlohmann::json extra) {
  extra["QueueUrl"] = url;
  auto r = call(api::protocol::json, "ReceiveMessage", extra);
  EXPECT_TRUE(r.ok()) << r.code << ": " << r.message;
  return r.body.value("Messages", nlohmann::json::array());
}

sqs::message_counts harness::counts(const std::string& queue) {
  auto c = service_->queue_counts(queue);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : sqs::message_counts{};
}

void harness::advance(std::chrono::milliseconds d) {
  clock_->advance(d);
  flush();
}

void harness::flush() {
  // Completions can submit further writes (a send's commit serving a long poll): two rounds.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(store_->write([](hayloft::store::database&) { return result<void>{}; }).ok());
}

bool ready(const std::shared_future<reply>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace hayloft::sqs::testing
