#include "s3/api/object_lock.h"

#include <charconv>

#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

bool valid_mode(std::string_view m) { return m == "GOVERNANCE" || m == "COMPLIANCE"; }

// A positive decimal integer of at most 9 digits (larger periods overflow any date S3 takes).
std::optional<int> positive(std::string_view s) {
  int n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || s.size() > 9 || r.ec != std::errc{} || r.ptr != s.data() + s.size() || n <= 0)
    return std::nullopt;
  return n;
}

}  // namespace

result<object_lock_configuration> parse_object_lock_configuration(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "ObjectLockConfiguration")
    return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (child_text(root, "ObjectLockEnabled") != "Enabled") return fail(errc::malformed_xml);
  object_lock_configuration out;
  auto rule = find_child(root, "Rule");
  if (!rule) return out;
  auto def = find_child(rule, "DefaultRetention");
  if (!def) return fail(errc::malformed_xml);
  out.mode = child_text(def, "Mode");
  auto days = find_child(def, "Days"), years = find_child(def, "Years");
  if (out.mode.empty() || (days && years) || (!days && !years)) return fail(errc::malformed_xml);
  if (!valid_mode(out.mode)) return fail(errc::malformed_xml);
  auto n = positive(days ? days.child_value() : years.child_value());
  if (!n)
    return fail(errc::invalid_argument,
                "Default retention period must be a positive integer value.");
  (days ? out.days : out.years) = *n;
  // S3's ceiling: 100 years (36500 days).
  if (out.days > 36500 || out.years > 100)
    return fail(errc::invalid_argument, "Default retention period is too large.");
  return out;
}

std::string render_object_lock_configuration(const object_lock_configuration& c) {
  xml_writer w("ObjectLockConfiguration");
  w.child("ObjectLockEnabled", "Enabled");
  if (c.has_rule()) {
    auto def = xml_writer::node(xml_writer::node(w.root(), "Rule"), "DefaultRetention");
    xml_writer::child(def, "Mode", c.mode);
    if (c.days > 0) xml_writer::child(def, "Days", static_cast<std::uint64_t>(c.days));
    if (c.years > 0) xml_writer::child(def, "Years", static_cast<std::uint64_t>(c.years));
  }
  return w.str();
}

core::time_point default_retain_until(const object_lock_configuration& c, core::time_point now) {
  // A year is 365 days here, as S3 counts default retention years.
  return now + std::chrono::hours(24) * (c.days + 365 * c.years);
}

result<retention> parse_retention(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "Retention")
    return fail(errc::malformed_xml);
  auto root = doc.document_element();
  retention out;
  auto mode = find_child(root, "Mode"), date = find_child(root, "RetainUntilDate");
  if (!mode && !date) return out;
  if (!mode || !date) return fail(errc::malformed_xml);
  out.mode = mode.child_value();
  if (!valid_mode(out.mode)) return fail(errc::malformed_xml);
  if (!core::parse_iso8601(date.child_value(), out.until)) return fail(errc::malformed_xml);
  return out;
}

std::string render_retention(const retention& r) {
  xml_writer w("Retention");
  w.child("Mode", r.mode);
  w.child("RetainUntilDate", lock_date(r.until));
  return w.str();
}

result<bool> parse_legal_hold(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "LegalHold")
    return fail(errc::malformed_xml);
  auto status = child_text(doc.document_element(), "Status");
  if (status != "ON" && status != "OFF") return fail(errc::malformed_xml);
  return status == "ON";
}

std::string render_legal_hold(bool on) {
  xml_writer w("LegalHold");
  w.child("Status", on ? "ON" : "OFF");
  return w.str();
}

result<lock_headers> parse_lock_headers(const core::header_map& h, core::time_point now) {
  lock_headers out;
  auto mode = h.get("x-amz-object-lock-mode");
  auto until = h.get("x-amz-object-lock-retain-until-date");
  if (mode || until) {
    if (!mode || !until)
      return fail(
          errc::invalid_argument,
          "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
    if (!valid_mode(*mode)) return fail(errc::invalid_argument, "Unknown wormMode directive.");
    retention r;
    r.mode = std::string(*mode);
    if (!core::parse_iso8601(*until, r.until))
      return fail(errc::invalid_argument,
                  "The retain until date must be provided in ISO 8601 format");
    if (r.until <= now)
      return fail(errc::invalid_argument, "The retain until date must be in the future!");
    out.retain = std::move(r);
  }
  if (auto hold = h.get("x-amz-object-lock-legal-hold")) {
    if (*hold != "ON" && *hold != "OFF")
      return fail(errc::invalid_argument, "Legal Hold must be either of 'ON' or 'OFF'");
    out.legal_hold = *hold == "ON";
  }
  return out;
}

std::string lock_date(core::time_point t) { return core::iso8601(t); }

}  // namespace hayloft::s3
