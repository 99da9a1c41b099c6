#include "emulator/http/aws_client.h"

#include <algorithm>
#include <cstdlib>

#include "emulator/core/hash.h"
#include "emulator/core/http_message.h"
#include "emulator/http/auth/canonical.h"
#include "emulator/http/auth/sigv4.h"

namespace hayloft::http {
namespace {

class aws_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "hayloft.http.aws"; }
  std::string message(int c) const override {
    switch (static_cast<aws_errc>(c)) {
      case aws_errc::service:
        return "AWS service error";
      case aws_errc::bad_response:
        return "unexpected AWS response";
    }
    return "unknown AWS client error";
  }
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string first_set(std::initializer_list<std::string> values, std::string fallback) {
  for (const auto& v : values)
    if (!v.empty()) return v;
  return fallback;
}

std::string amazon_domain(const std::string& region) {
  return region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

}  // namespace

const std::error_category& aws_category() {
  static const aws_category_impl c;
  return c;
}

std::string unquote_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

aws_config aws_config::from_env(const std::string& endpoint_flag, const std::string& region_flag) {
  aws_config c;
  c.endpoint = first_set({endpoint_flag, env("AWS_ENDPOINT_URL"), env("AWS_ENDPOINT")}, "");
  c.region = first_set({region_flag, env("AWS_REGION"), env("AWS_DEFAULT_REGION")}, "us-east-1");
  c.credentials.access_key_id = first_set({env("AWS_ACCESS_KEY_ID")}, "test");
  c.credentials.secret_access_key = first_set({env("AWS_SECRET_ACCESS_KEY")}, "test");
  c.credentials.session_token = env("AWS_SESSION_TOKEN");
  c.http.ca_file = env("AWS_CA_BUNDLE");
  return c;
}

void sign_v4(std::string_view method, std::string_view raw_path, std::string_view raw_query,
             header_list& headers, std::string_view payload_sha256_hex,
             const aws_credentials& credentials, std::string_view region, std::string_view service,
             core::time_point now) {
  const std::string amz_date = auth::sigv4::format_amz_date(now);
  headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty())
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  if (service == "s3")
    headers.emplace_back("X-Amz-Content-Sha256", std::string(payload_sha256_hex));

  // Lowercased names, sorted; repeated headers joined with ',' in the order sent.
  std::map<std::string, std::string> canon;
  for (const auto& [k, v] : headers) {
    auto& slot = canon[core::to_lower(k)];
    if (!slot.empty()) slot.push_back(',');
    slot += auth::collapse_spaces(v);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [k, v] : canon) {
    canonical_headers += k + ":" + v + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += k;
  }
  const std::string uri = service == "s3" ? auth::canonical_uri_s3(raw_path).front()
                                          : auth::canonical_uri_generic(raw_path);
  const std::string query = auth::canonical_query(raw_query).front();
  const auth::sigv4::credential_scope scope{credentials.access_key_id, amz_date.substr(0, 8),
                                            std::string(region), std::string(service)};
  const std::string creq = auth::sigv4::canonical_request(method, uri, query, canonical_headers,
                                                          signed_headers, payload_sha256_hex);
  const std::string sts = auth::sigv4::string_to_sign(amz_date, scope.scope(), creq);
  const std::string key = auth::sigv4::signing_key(credentials.secret_access_key, scope.date,
                                                   scope.region, scope.service);
  headers.emplace_back("Authorization", std::string(auth::sigv4::algorithm) +
                                            " Credential=" + credentials.access_key_id + "/" +
                                            scope.scope() + ", SignedHeaders=" + signed_headers +
                                            ", Signature=" + auth::sigv4::signature(key, sts));
}

aws_client::aws_client(aws_config config, core::clock* clock)
    : config_(std::move(config)), clock_(clock) {
  if (!clock_) {
    own_clock_ = core::make_system_clock();
    clock_ = own_clock_.get();
  }
  // Build the main endpoints' clients now, so a bad CA bundle fails at construction.
  client_for(sqs_endpoint());
  client_for(s3_endpoint());
}

aws_client::~aws_client() = default;

std::string aws_client::sqs_endpoint() const {
  if (!config_.endpoint.empty()) return config_.endpoint;
  return "https://sqs." + config_.region + "." + amazon_domain(config_.region);
}

std::string aws_client::s3_endpoint() const {
  if (!config_.endpoint.empty()) return config_.endpoint;
  return "https://s3." + config_.region + "." + amazon_domain(config_.region);
}

client& aws_client::client_for(const std::string& endpoint) {
  std::lock_guard lock(clients_mutex_);
  auto& slot = clients_[endpoint];
  if (!slot) slot = std::make_unique<client>(endpoint, config_.http);
  return *slot;
}

result<nlohmann::json> aws_client::sqs_call(std::string_view action, const nlohmann::json& body,
                                            abort_signal* abort) {
  client& c = client_for(sqs_endpoint());
  client_request req;
  req.method = "POST";
  req.target = "/";
  req.body = body.dump();
  req.headers = {{"Host", c.parts().host_header()},
                 {"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "AmazonSQS." + std::string(action)}};
  sign_v4(req.method, c.parts().prefix + req.target, "", req.headers, core::sha256_hex(req.body),
          config_.credentials, config_.region, "sqs", clock_->now());
  auto r = c.send(req, abort);
  if (!r.ok()) return r.err();
  auto j =
      r->body.empty() ? nlohmann::json::object() : nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 300) {
    std::string code, message;
    if (!j.is_discarded() && j.is_object()) {
      code = j.value("__type", "");
      if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
      message = j.value("message", j.value("Message", ""));
    }
    if (code.empty()) {
      code = r->header("x-amzn-query-error");
      code = code.substr(0, code.find(';'));
    }
    if (code.empty()) code = "HTTP" + std::to_string(r->status);
    if (message.empty()) message = r->body.substr(0, 200);
    return hayloft::error{make_error_code(aws_errc::service),
                          code + ": " + message + " (HTTP " + std::to_string(r->status) + ")"};
  }
  if (j.is_discarded() || !j.is_object())
    return hayloft::error{
        make_error_code(aws_errc::bad_response),
        "SQS " + std::string(action) + " answered with something that is not a JSON object"};
  return j;
}

namespace {
hayloft::error missing(std::string_view action, std::string_view field) {
  return {make_error_code(aws_errc::bad_response),
          "SQS " + std::string(action) + " reply has no " + std::string(field)};
}
}  // namespace

result<std::string> aws_client::get_queue_url(const std::string& queue_name) {
  auto r = sqs_call("GetQueueUrl", {{"QueueName", queue_name}});
  if (!r.ok()) return r.err();
  if (!r->contains("QueueUrl") || !(*r)["QueueUrl"].is_string())
    return missing("GetQueueUrl", "QueueUrl");
  return (*r)["QueueUrl"].get<std::string>();
}

result<std::string> aws_client::send_message(const std::string& queue_url,
                                             const std::string& body) {
  auto r = sqs_call("SendMessage", {{"QueueUrl", queue_url}, {"MessageBody", body}});
  if (!r.ok()) return r.err();
  if (!r->contains("MessageId") || !(*r)["MessageId"].is_string())
    return missing("SendMessage", "MessageId");
  return (*r)["MessageId"].get<std::string>();
}

result<std::vector<sqs_message>> aws_client::receive_message(const std::string& queue_url,
                                                             int max_messages,
                                                             std::chrono::seconds wait,
                                                             abort_signal* abort) {
  nlohmann::json body = {{"QueueUrl", queue_url},
                         {"MaxNumberOfMessages", max_messages},
                         {"WaitTimeSeconds", wait.count()},
                         {"AttributeNames", {"ApproximateReceiveCount"}}};
  auto r = sqs_call("ReceiveMessage", body, abort);
  if (!r.ok()) return r.err();
  std::vector<sqs_message> out;
  if (!r->contains("Messages")) return out;
  const auto& list = (*r)["Messages"];
  if (!list.is_array()) return missing("ReceiveMessage", "Messages array");
  for (const auto& m : list) {
    if (!m.is_object() || !m.contains("ReceiptHandle") || !m["ReceiptHandle"].is_string())
      return missing("ReceiveMessage", "ReceiptHandle");
    sqs_message msg;
    msg.message_id = m.value("MessageId", "");
    msg.receipt_handle = m["ReceiptHandle"].get<std::string>();
    msg.body = m.value("Body", "");
    if (m.contains("Attributes") && m["Attributes"].is_object()) {
      auto count = m["Attributes"].value("ApproximateReceiveCount", "1");
      msg.receive_count = std::max(1, std::atoi(count.c_str()));
    }
    out.push_back(std::move(msg));
  }
  return out;
}

result<void> aws_client::delete_message(const std::string& queue_url,
                                        const std::string& receipt_handle) {
  auto r = sqs_call("DeleteMessage", {{"QueueUrl", queue_url}, {"ReceiptHandle", receipt_handle}});
  if (!r.ok()) return r.err();
  return {};
}

}  // namespace hayloft::http
