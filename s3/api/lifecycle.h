#pragma once
// Bucket lifecycle configuration: parsed and validated as S3 validates PutBucketLifecycle-
// Configuration, rendered back, and the pure decisions a lifecycle pass makes (which rule
// selects an object, when an action is due). Pure; any thread. Parsing goes through parse_xml
// (bounded, no DTD); the caller bounds the byte size; at most 1000 rules.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

inline constexpr std::size_t max_lifecycle_rules = 1000;

struct lifecycle_filter {
  std::string prefix;
  std::vector<std::pair<std::string, std::string>> tags;  // every one must be among the object's tags
  std::optional<std::uint64_t> size_greater, size_less;
  bool legacy_prefix = false;  // the rule's top-level <Prefix> (no <Filter>)
  bool use_and = false;        // written as <And>
};

struct lifecycle_transition {
  std::optional<int> days;
  std::optional<core::time_point> date;
  std::string storage_class;
  std::optional<int> newer_noncurrent;  // NoncurrentVersionTransition only
};

struct lifecycle_rule {
  std::string id;
  bool enabled = false;
  lifecycle_filter filter;
  std::optional<int> expiration_days;
  std::optional<core::time_point> expiration_date;
  bool expired_object_delete_marker = false;
  bool has_expired_object_delete_marker = false;  // the element was present (true or false)
  std::vector<lifecycle_transition> transitions;
  std::vector<lifecycle_transition> noncurrent_transitions;  // days = NoncurrentDays
  std::optional<int> noncurrent_expiration_days;
  std::optional<int> noncurrent_newer_versions;
  std::optional<int> abort_multipart_days;
};

struct lifecycle_configuration {
  std::vector<lifecycle_rule> rules;
  // x-amz-transition-default-minimum-object-size: "all_storage_classes_128K" (S3's default) or
  // "varies_by_storage_class".
  std::string minimum_size = "all_storage_classes_128K";
};

// MalformedXML for documents S3 cannot read (unknown Status, a rule with both or neither of
// Filter and Prefix, an Expiration with more than one of Days/Date/ExpiredObjectDeleteMarker,
// more than 1000 rules); InvalidArgument for values S3 refuses (non-positive days, dates not at
// midnight UTC, duplicate or long IDs, transitions to IA before 30 days, expiration not after
// transition); InvalidRequest for a rule with no action or actions a tag filter cannot take.
result<lifecycle_configuration> parse_lifecycle_configuration(std::string_view body);
std::string render_lifecycle_configuration(const lifecycle_configuration& c);
// The stored form: the minimum-size mode on the first line, then the rendered document.
std::string store_lifecycle(const lifecycle_configuration& c);
result<lifecycle_configuration> load_lifecycle(std::string_view stored);

// Whether the rule's filter selects an object with these stored tags (s3/api/tagging.h form).
bool selects(const lifecycle_filter& f, std::string_view key, std::uint64_t size, std::string_view tags);
// S3 rounds "Days after an event" up to the next midnight UTC.
core::time_point due_after_days(core::time_point event, int days);
// Whether a transition to `storage_class` applies to an object of `size` currently in `current`
// (S3's waterfall: only to a colder class; objects below the configuration's minimum size stay,
// unless the rule's filter names an ObjectSizeGreaterThan).
bool transition_applies(const lifecycle_configuration& c, const lifecycle_rule& rule,
                        std::string_view current, std::string_view storage_class,
                        std::uint64_t size);
// x-amz-expiration for a current version (empty when no enabled rule expires it):
// expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="id".
std::string expiration_header(const lifecycle_configuration& c, std::string_view key,
                              std::uint64_t size, std::string_view tags, core::time_point created);

// RestoreObject's RestoreRequest: Days (a positive integer) and the retrieval tier (Standard,
// Bulk or Expedited; GlacierJobParameters/Tier or Tier; Standard when absent). MalformedXML,
// InvalidArgument for Days < 1, NotImplemented for SELECT requests.
struct restore_request {
  int days = 0;
  std::string tier = "Standard";
};
result<restore_request> parse_restore_request(std::string_view body);

}  // namespace hayloft::s3
