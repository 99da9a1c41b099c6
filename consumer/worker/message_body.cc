#include "consumer/worker/message_body.h"

#include <nlohmann/json.hpp>

#include "emulator/core/http_message.h"

namespace hayloft::consumer {

result<std::vector<object_ref>> parse_message_body(std::string_view body, const std::string& default_bucket) {
  auto invalid = [](std::string msg) {
    return hayloft::error{std::make_error_code(std::errc::invalid_argument), std::move(msg)};
  };
  std::string_view trimmed = body;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n' || trimmed.front() == '\r' || trimmed.front() == '\t'))
    trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == '\t'))
    trimmed.remove_suffix(1);
  if (trimmed.empty()) return invalid("empty message body");
  if (trimmed.front() == '{') {
    auto j = nlohmann::json::parse(trimmed, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (j.value("Event", "") == "s3:TestEvent") return std::vector<object_ref>{};
      if (j.contains("Records") && j["Records"].is_array()) {
        std::vector<object_ref> out;
        for (const auto& r : j["Records"]) {
          const auto* s3 = r.contains("s3") ? &r["s3"] : nullptr;
          if (!s3 || !s3->contains("bucket") || !s3->contains("object") || !(*s3)["bucket"].contains("name") ||
              !(*s3)["object"].contains("key") || !(*s3)["bucket"]["name"].is_string() || !(*s3)["object"]["key"].is_string())
            return invalid("S3 event record without s3.bucket.name and s3.object.key");
          std::string key;
          if (!core::url_decode((*s3)["object"]["key"].get<std::string>(), key, true))
            return invalid("S3 event key is not valid URL encoding");
          std::string event = r.value("eventName", "");
          out.push_back({(*s3)["bucket"]["name"].get<std::string>(), std::move(key), event.starts_with("ObjectRemoved")});
        }
        return out;
      }
    }
  }
  return std::vector<object_ref>{{default_bucket, std::string(trimmed), false}};
}

}  // namespace hayloft::consumer
