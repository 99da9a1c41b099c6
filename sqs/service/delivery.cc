#include "sqs/service/delivery.h"

#include <algorithm>
#include <cstdio>

#include "sqs/service/checksums.h"
#include "sqs/service/receipt.h"

namespace hayloft::sqs {
namespace {

bool wants(const std::vector<std::string>& names, std::string_view n) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return x == "All" || x == n; });
}

bool attribute_selected(const std::vector<std::string>& names, const std::string& n) {
  for (const auto& x : names) {
    if (x == "All" || x == ".*" || x == n) return true;
    if (x.size() > 2 && x.ends_with(".*") && n.starts_with(std::string_view(x).substr(0, x.size() - 1))) return true;
  }
  return false;
}

}  // namespace

std::string sequence_number(std::int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(seq));
  return buf;
}

api::received_message make_received(const message& m, const receive_spec& spec, std::int64_t queue_id, bool fifo) {
  api::received_message out;
  const auto& r = m.row;
  out.message_id = r.message_id;
  out.receipt_handle = encode_receipt({queue_id, r.seq, static_cast<std::uint32_t>(r.receipt_gen)});
  out.md5_of_body = r.md5_body;
  out.body = r.body;
  const auto& names = spec.attribute_names;
  auto add = [&](std::string_view n, std::string v) {
    if (wants(names, n)) out.attributes.emplace_back(std::string(n), std::move(v));
  };
  add("SenderId", r.sender_id);
  add("SentTimestamp", std::to_string(r.sent_ms));
  add("ApproximateReceiveCount", std::to_string(r.receive_count));
  add("ApproximateFirstReceiveTimestamp", std::to_string(r.first_receive_ms));
  if (fifo) add("SequenceNumber", sequence_number(r.seq));
  if (fifo) add("MessageDeduplicationId", r.dedup_id);
  if (!r.group_id.empty()) add("MessageGroupId", r.group_id);
  if (!r.trace_header.empty()) add("AWSTraceHeader", r.trace_header);
  if (!r.dlq_source_arn.empty()) add("DeadLetterQueueSourceArn", r.dlq_source_arn);
  for (const auto& a : m.attributes)
    if (attribute_selected(spec.message_attribute_names, a.name)) out.message_attributes.push_back(a);
  out.md5_of_message_attributes = md5_of_attributes(out.message_attributes);
  return out;
}

}  // namespace hayloft::sqs
