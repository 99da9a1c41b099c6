#include "sqs/service/queue_config.h"

#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

#include "sqs/api/errors.h"
#include "sqs/api/input.h"

namespace hayloft::sqs {
namespace {

// Policy quotas of the developer guide ("Amazon SQS policy quotas"): 8,192 bytes, 7 actions per
// statement. Policies are documents of a handful of levels; deeper JSON is refused unparsed.
constexpr std::size_t kMaxPolicyBytes = 8192;
constexpr std::size_t kMaxActionsPerStatement = 7;
constexpr int kMaxAttributeJsonDepth = 32;

constexpr std::array<std::string_view, 21> kKnown{
    "All",
    "Policy",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
    "ApproximateNumberOfMessagesDelayed",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "RedriveAllowPolicy",
};

hayloft::error bad_value(std::string_view name, std::string_view reason = {}) {
  std::string m = "Invalid value for the parameter " + std::string(name) + ".";
  if (!reason.empty()) m += " Reason: " + std::string(reason);
  return make_error(errc::invalid_attribute_value, std::move(m));
}

hayloft::error unknown(std::string_view name) {
  return make_error(errc::invalid_attribute_name, "Unknown Attribute " + std::string(name) + ".");
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> to_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

result<std::int64_t> ranged(std::string_view name, std::string_view v, std::int64_t lo, std::int64_t hi) {
  auto i = to_int(v);
  if (!i || *i < lo || *i > hi) return bad_value(name);
  return *i;
}

hayloft::error bad_redrive(std::string_view value, std::string_view reason) {
  return make_error(errc::invalid_parameter_value, "Value " + std::string(value) +
                                                       " for parameter RedrivePolicy is invalid. Reason: " +
                                                       std::string(reason));
}

result<std::optional<redrive_policy>> parse_redrive(std::string_view v) {
  if (v.empty()) return std::optional<redrive_policy>{};
  if (!api::json_depth_within(v, kMaxAttributeJsonDepth)) return bad_redrive(v, "Redrive policy is not a valid JSON map.");
  auto j = nlohmann::json::parse(v, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_redrive(v, "Redrive policy is not a valid JSON map.");
  redrive_policy p;
  auto arn = j.find("deadLetterTargetArn");
  if (arn == j.end() || !arn->is_string())
    return bad_redrive(v, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  p.dead_letter_target_arn = arn->get<std::string>();
  auto count = j.find("maxReceiveCount");
  if (count == j.end()) return bad_redrive(v, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  std::optional<std::int64_t> n;
  if (count->is_number_integer()) n = count->get<std::int64_t>();
  if (count->is_string()) n = to_int(count->get_ref<const std::string&>());
  if (!n || *n < 1 || *n > 1000)
    return bad_redrive(v, "Invalid value for maxReceiveCount: " + (count->is_string() ? count->get<std::string>() : count->dump()) +
                              ", valid values are from 1 to 1000 both inclusive.");
  p.max_receive_count = *n;
  for (const auto& [k, _] : j.items())
    if (k != "deadLetterTargetArn" && k != "maxReceiveCount")
      return bad_redrive(v, "Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].");
  return std::optional<redrive_policy>(p);
}

result<std::string> parse_redrive_allow(std::string_view v) {
  if (v.empty()) return std::string();
  auto fail = [&] { return bad_value("RedriveAllowPolicy"); };
  if (!api::json_depth_within(v, kMaxAttributeJsonDepth)) return fail();
  auto j = nlohmann::json::parse(v, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail();
  auto perm = j.find("redrivePermission");
  if (perm == j.end() || !perm->is_string()) return fail();
  const auto& p = perm->get_ref<const std::string&>();
  if (p != "allowAll" && p != "denyAll" && p != "byQueue") return fail();
  auto arns = j.find("sourceQueueArns");
  if (p == "byQueue") {
    if (arns == j.end() || !arns->is_array() || arns->empty() || arns->size() > 10) return fail();
    for (const auto& a : *arns)
      if (!a.is_string()) return fail();
  } else if (arns != j.end() && !(arns->is_array() && arns->empty())) {
    return fail();
  }
  return j.dump();
}

std::size_t count_of(const nlohmann::json& v) {
  if (v.is_array()) return v.size();
  return v.is_null() ? 0 : 1;
}

result<std::string> parse_policy(std::string_view v, bool quotas) {
  if (v.empty()) return std::string();
  if (quotas && v.size() > kMaxPolicyBytes)
    return make_error(errc::over_limit, "Submitted policy is over max allowed size.");
  if (!api::json_depth_within(v, kMaxAttributeJsonDepth)) return bad_value("Policy");
  auto j = nlohmann::json::parse(v, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_value("Policy");
  if (quotas) {
    auto st = j.find("Statement");
    if (st != j.end()) {
      auto check = [](const nlohmann::json& s) -> result<void> {
        if (!s.is_object()) return {};
        std::size_t n = 0;
        if (auto a = s.find("Action"); a != s.end()) n += count_of(*a);
        if (auto a = s.find("NotAction"); a != s.end()) n += count_of(*a);
        if (n > kMaxActionsPerStatement)
          return make_error(errc::over_limit, std::to_string(n) +
                                                  " actions were found in a statement from the submitted policy, max "
                                                  "allowed is " +
                                                  std::to_string(kMaxActionsPerStatement));
        return {};
      };
      if (st->is_array()) {
        for (const auto& s : *st) HAYLOFT_TRY(check(s));
      } else {
        HAYLOFT_TRY(check(*st));
      }
    }
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

result<void> apply_one(queue_config& c, const std::string& k, const std::string& v, std::int64_t max_size,
                       bool stored) {
  if (k == "VisibilityTimeout") {
    auto r = ranged(k, v, 0, 43200);
    if (!r.ok()) return r.err();
    c.visibility_timeout = *r;
  } else if (k == "MaximumMessageSize") {
    auto r = ranged(k, v, 1024, max_size);
    if (!r.ok()) return r.err();
    c.maximum_message_size = *r;
  } else if (k == "MessageRetentionPeriod") {
    auto r = ranged(k, v, 60, 1209600);
    if (!r.ok()) return r.err();
    c.message_retention_period = *r;
  } else if (k == "DelaySeconds") {
    auto r = ranged(k, v, 0, 900);
    if (!r.ok()) return r.err();
    c.delay_seconds = *r;
  } else if (k == "ReceiveMessageWaitTimeSeconds") {
    auto r = ranged(k, v, 0, 20);
    if (!r.ok()) return r.err();
    c.receive_message_wait_time_seconds = *r;
  } else if (k == "RedrivePolicy") {
    auto r = parse_redrive(v);
    if (!r.ok()) return r.err();
    c.redrive = *r;
  } else if (k == "RedriveAllowPolicy") {
    auto r = parse_redrive_allow(v);
    if (!r.ok()) return r.err();
    c.redrive_allow_policy = *r;
  } else if (k == "Policy") {
    auto r = parse_policy(v, !stored);
    if (!r.ok()) return r.err();
    c.policy = *r;
  } else if (k == "ContentBasedDeduplication") {
    auto b = to_bool(v);
    if (!b) return bad_value(k);
    c.content_based_deduplication = *b;
  } else if (k == "DeduplicationScope") {
    if (v != "queue" && v != "messageGroup") return bad_value(k);
    c.deduplication_scope = v;
  } else if (k == "FifoThroughputLimit") {
    if (v != "perQueue" && v != "perMessageGroupId") return bad_value(k);
    c.fifo_throughput_limit = v;
  } else if (k == "SqsManagedSseEnabled") {
    auto b = to_bool(v);
    if (!b) return bad_value(k);
    c.sqs_managed_sse = *b;
  } else if (k == "KmsMasterKeyId") {
    c.kms_master_key_id = v;
  } else if (k == "KmsDataKeyReusePeriodSeconds") {
    auto r = ranged(k, v, 60, 86400);
    if (!r.ok()) return r.err();
    c.kms_data_key_reuse_period_seconds = *r;
  } else {
    return unknown(k);
  }
  return {};
}

bool fifo_only(std::string_view k) {
  return k == "ContentBasedDeduplication" || k == "DeduplicationScope" || k == "FifoThroughputLimit";
}

}  // namespace

bool is_queue_attribute(std::string_view name) {
  if (name == "SqsManagedSseEnabled") return true;
  for (auto k : kKnown)
    if (k == name) return true;
  return false;
}

result<std::string> canonical_policy(std::string_view policy) { return parse_policy(policy, true); }

result<void> apply_attributes(queue_config& cfg, const api::string_map& attributes, bool creating,
                              std::int64_t max_message_size, bool stored) {
  queue_config c = cfg;
  if (auto f = attributes.find("FifoQueue"); f != attributes.end()) {
    auto b = to_bool(f->second);
    if (!creating) {
      if (!b || *b != cfg.fifo) return bad_value("FifoQueue", "Modifying queue type is not supported.");
    } else {
      if (!b) return bad_value("FifoQueue");
      c.fifo = *b;
    }
  }
  for (const auto& [k, v] : attributes) {
    if (k == "FifoQueue") continue;
    if (fifo_only(k) && !c.fifo) return unknown(k);
    HAYLOFT_TRY(apply_one(c, k, v, max_message_size, stored));
  }
  if (c.fifo && c.fifo_throughput_limit == "perMessageGroupId" && c.deduplication_scope != "messageGroup")
    return bad_value("FifoThroughputLimit",
                     "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.");
  cfg = std::move(c);
  return {};
}

std::string redrive_policy_json(const redrive_policy& p) {
  nlohmann::ordered_json j;
  j["deadLetterTargetArn"] = p.dead_letter_target_arn;
  j["maxReceiveCount"] = p.max_receive_count;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> settable_attributes(const queue_config& c) {
  std::vector<std::pair<std::string, std::string>> out{
      {"VisibilityTimeout", std::to_string(c.visibility_timeout)},
      {"MaximumMessageSize", std::to_string(c.maximum_message_size)},
      {"MessageRetentionPeriod", std::to_string(c.message_retention_period)},
      {"DelaySeconds", std::to_string(c.delay_seconds)},
      {"ReceiveMessageWaitTimeSeconds", std::to_string(c.receive_message_wait_time_seconds)},
  };
  if (!c.policy.empty()) out.emplace_back("Policy", c.policy);
  if (c.redrive) out.emplace_back("RedrivePolicy", redrive_policy_json(*c.redrive));
  if (!c.redrive_allow_policy.empty()) out.emplace_back("RedriveAllowPolicy", c.redrive_allow_policy);
  out.emplace_back("SqsManagedSseEnabled", c.sqs_managed_sse ? "true" : "false");
  if (!c.kms_master_key_id.empty()) {
    out.emplace_back("KmsMasterKeyId", c.kms_master_key_id);
    out.emplace_back("KmsDataKeyReusePeriodSeconds", std::to_string(c.kms_data_key_reuse_period_seconds));
  }
  if (c.fifo) {
    out.emplace_back("FifoQueue", "true");
    out.emplace_back("ContentBasedDeduplication", c.content_based_deduplication ? "true" : "false");
    out.emplace_back("DeduplicationScope", c.deduplication_scope);
    out.emplace_back("FifoThroughputLimit", c.fifo_throughput_limit);
  }
  return out;
}

std::string to_json(const queue_config& cfg) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : settable_attributes(cfg)) j[k] = v;
  // Never throws on a value that is not UTF-8 (a query-protocol KmsMasterKeyId can be any bytes).
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

result<queue_config> config_from_json(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(errc::internal_error, "corrupt queue attributes");
  api::string_map m;
  for (const auto& [k, v] : j.items())
    if (v.is_string()) m[k] = v.get<std::string>();
  queue_config c;
  // Stored values were validated when set (perhaps under older limits): accept them as they are.
  HAYLOFT_TRY(apply_attributes(c, m, true, std::int64_t{1} << 40, true));
  return c;
}

}  // namespace hayloft::sqs
