#pragma once
// Object Lock documents: the bucket's ObjectLockConfiguration, an object version's Retention and
// LegalHold (parse + render), and the x-amz-object-lock-* request headers. Pure; any thread.
// Parsers go through parse_xml (bounded, no DTD); the caller bounds the byte size.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

struct object_lock_configuration {
  // The default retention new versions get; mode empty when the configuration has no Rule.
  std::string mode;  // "GOVERNANCE" or "COMPLIANCE"
  int days = 0;
  int years = 0;
  bool has_rule() const { return !mode.empty(); }
};
// MalformedXML for a document that is not an ObjectLockConfiguration with ObjectLockEnabled
// "Enabled", a rule without Mode, or with both or neither of Days and Years; InvalidArgument for a
// period that is not a positive integer.
result<object_lock_configuration> parse_object_lock_configuration(std::string_view body);
std::string render_object_lock_configuration(const object_lock_configuration& c);
// The retain-until instant of the default rule for a version created at `now`.
core::time_point default_retain_until(const object_lock_configuration& c, core::time_point now);

struct retention {
  std::string mode;          // empty: no retention (an empty <Retention/> removes it)
  core::time_point until{};  // RetainUntilDate
};
// MalformedXML for bad XML or a Mode without a date (or the reverse); InvalidArgument for an
// unknown mode.
result<retention> parse_retention(std::string_view body);
std::string render_retention(const retention& r);

// <LegalHold><Status>ON|OFF</Status></LegalHold>: true for ON. MalformedXML otherwise.
result<bool> parse_legal_hold(std::string_view body);
std::string render_legal_hold(bool on);

// The lock a write asks for in x-amz-object-lock-mode / -retain-until-date / -legal-hold.
struct lock_headers {
  std::optional<s3::retention> retain;
  std::optional<bool> legal_hold;
  bool any() const { return retain || legal_hold; }
};
// InvalidArgument when only one of mode and date is given, for an unknown mode or legal-hold
// status, an unparsable date, or a date not after `now`.
result<lock_headers> parse_lock_headers(const core::header_map& h, core::time_point now);

// The ISO 8601 form S3 writes retain-until dates in ("2026-01-31T00:00:00.000Z").
std::string lock_date(core::time_point t);

}  // namespace hayloft::s3
