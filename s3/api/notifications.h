#pragma once
// Bucket notification configuration (Queue, Topic and CloudFunction configurations: SQS is the
// one destination hayloft delivers to; SNS topics and Lambda functions are stored and their
// events only logged), its XML round trip, event matching, and the S3 event message bodies.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

struct filter_rule {
  std::string name;  // "Prefix" or "Suffix" (normalised)
  std::string value;
};

enum class destination_kind { queue, topic, function };

struct queue_configuration {
  destination_kind kind = destination_kind::queue;
  std::string id;
  std::string queue_arn;  // the destination's ARN (an SQS queue, SNS topic or Lambda function)
  std::vector<std::string> events;  // "s3:ObjectCreated:*", ...
  std::vector<filter_rule> rules;
};

struct notification_configuration {
  std::vector<queue_configuration> queues;
  bool event_bridge = false;
  bool empty() const { return queues.empty() && !event_bridge; }
};

// Parses and validates a PutBucketNotificationConfiguration body: MalformedXML for bad XML,
// InvalidArgument for unknown events, bad filter rules or unsupported destinations. Missing Ids
// are generated.
result<notification_configuration> parse_notification_configuration(std::string_view body);
std::string render_notification_configuration(const notification_configuration& c);

// True when an event ("ObjectCreated:Put") on `key` is selected by the configuration.
bool matches(const queue_configuration& c, std::string_view event_name, std::string_view key);

// The key as S3 writes it into event messages: URL-encoded, space as '+', '/' kept.
std::string event_key(std::string_view key);

struct event_record {
  std::string event_name;  // "ObjectCreated:Put", "ObjectRemoved:Delete", ...
  std::string region;
  core::time_point time;
  std::string bucket;
  std::string key;         // raw; encoded on rendering
  std::uint64_t size = 0;
  std::string etag;        // unquoted; omitted for removals
  std::string version_id;  // omitted when empty (buckets that were never versioned)
  std::string sequencer;
  std::string configuration_id;
  std::string request_id;
  std::string host_id;
  std::string source_ip;
};
// {"Records":[{ "eventVersion":"2.1", "eventSource":"aws:s3", ... }]}
std::string render_event(const event_record& e);
// {"Service":"Amazon S3","Event":"s3:TestEvent",...}
std::string render_test_event(std::string_view bucket, core::time_point time, std::string_view request_id,
                              std::string_view host_id);

}  // namespace hayloft::s3
