#include "s3/api/lifecycle.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "s3/api/errors.h"
#include "s3/api/tagging.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

constexpr std::uint64_t min_transition_size = 128 * 1024;

hayloft::error invalid(std::string message) {
  return fail(errc::invalid_argument, std::move(message));
}

// A non-negative decimal integer of at most 9 digits.
std::optional<long long> number(std::string_view s) {
  long long n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || s.size() > 18 || r.ec != std::errc{} || r.ptr != s.data() + s.size())
    return std::nullopt;
  return n;
}

// <name> as a positive day count ("'Days' for Expiration action must be a positive integer").
result<std::optional<int>> days_child(pugi::xml_node parent, std::string_view name,
                                      std::string_view action, bool allow_zero = false) {
  auto n = find_child(parent, name);
  if (!n) return std::optional<int>{};
  auto v = number(n.child_value());
  if (!v) return fail(errc::malformed_xml);
  if (*v < (allow_zero ? 0 : 1) || *v > 2147483647)
    return invalid("'" + std::string(name) + "' for " + std::string(action) +
                   " action must be a positive integer");
  return std::optional<int>(static_cast<int>(*v));
}

result<std::optional<core::time_point>> date_child(pugi::xml_node parent) {
  auto n = find_child(parent, "Date");
  if (!n) return std::optional<core::time_point>{};
  core::time_point t;
  if (!core::parse_iso8601(n.child_value(), t)) return fail(errc::malformed_xml);
  if (core::to_unix_ms(t) % 86400000 != 0) return invalid("'Date' must be at midnight GMT");
  return std::optional<core::time_point>(t);
}

int storage_rank(std::string_view c) {
  constexpr std::string_view order[] = {
      "STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"};
  for (std::size_t i = 0; i < std::size(order); ++i)
    if (c == order[i]) return static_cast<int>(i) + 1;
  return 0;  // STANDARD, REDUCED_REDUNDANCY, EXPRESS_ONEZONE
}

bool transition_class(std::string_view c) { return storage_rank(c) > 0; }

result<lifecycle_filter> parse_filter(pugi::xml_node rule) {
  lifecycle_filter f;
  auto filter = find_child(rule, "Filter");
  auto legacy = find_child(rule, "Prefix");
  if (filter && legacy) return fail(errc::malformed_xml);
  if (legacy) {
    f.legacy_prefix = true;
    f.prefix = legacy.child_value();
    return f;
  }
  if (!filter) return f;  // a rule without a filter applies to every object
  auto read_size = [](pugi::xml_node parent, std::string_view name,
                      std::optional<std::uint64_t>& out) -> result<void> {
    if (auto n = find_child(parent, name)) {
      auto v = number(n.child_value());
      if (!v || *v < 0) return fail(errc::malformed_xml);
      out = static_cast<std::uint64_t>(*v);
    }
    return {};
  };
  auto read_tag = [&](pugi::xml_node t) -> result<void> {
    if (!find_child(t, "Key")) return fail(errc::malformed_xml);
    f.tags.emplace_back(child_text(t, "Key"), child_text(t, "Value"));
    return {};
  };
  int kinds = 0;
  for (auto c : filter.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = local_name(c);
    ++kinds;
    if (name == "Prefix") {
      f.prefix = c.child_value();
    } else if (name == "Tag") {
      HAYLOFT_TRY(read_tag(c));
    } else if (name == "ObjectSizeGreaterThan") {
      HAYLOFT_TRY(read_size(filter, name, f.size_greater));
    } else if (name == "ObjectSizeLessThan") {
      HAYLOFT_TRY(read_size(filter, name, f.size_less));
    } else if (name == "And") {
      f.use_and = true;
      for (auto a : c.children()) {
        if (a.type() != pugi::node_element) continue;
        auto an = local_name(a);
        if (an == "Prefix")
          f.prefix = a.child_value();
        else if (an == "Tag")
          HAYLOFT_TRY(read_tag(a));
        else if (an == "ObjectSizeGreaterThan")
          HAYLOFT_TRY(read_size(c, an, f.size_greater));
        else if (an == "ObjectSizeLessThan")
          HAYLOFT_TRY(read_size(c, an, f.size_less));
        else
          return fail(errc::malformed_xml);
      }
    } else {
      return fail(errc::malformed_xml);
    }
  }
  // A Filter holds one condition; several are written inside <And>.
  if (kinds > 1) return fail(errc::malformed_xml);
  if (f.size_greater && f.size_less && *f.size_greater >= *f.size_less)
    return invalid("ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
  return f;
}

result<lifecycle_transition> parse_transition(pugi::xml_node n, bool noncurrent) {
  lifecycle_transition t;
  std::string_view action = noncurrent ? "NoncurrentVersionTransition" : "Transition";
  auto days = days_child(n, noncurrent ? "NoncurrentDays" : "Days", action, true);
  if (!days.ok()) return days.err();
  t.days = *days;
  if (!noncurrent) {
    auto date = date_child(n);
    if (!date.ok()) return date.err();
    t.date = *date;
  } else {
    auto newer = days_child(n, "NewerNoncurrentVersions", action);
    if (!newer.ok()) return newer.err();
    t.newer_noncurrent = *newer;
  }
  if (t.days.has_value() == t.date.has_value() && !noncurrent) return fail(errc::malformed_xml);
  if (noncurrent && !t.days) return fail(errc::malformed_xml);
  t.storage_class = child_text(n, "StorageClass");
  if (!transition_class(t.storage_class)) return fail(errc::malformed_xml);
  if (t.days && *t.days < 30 &&
      (t.storage_class == "STANDARD_IA" || t.storage_class == "ONEZONE_IA"))
    return invalid(
        "'" + std::string(noncurrent ? "NoncurrentDays" : "Days") + "' in " + std::string(action) +
        " action must be greater than or equal to 30 for storageClass '" + t.storage_class + "'");
  return t;
}

result<void> parse_expiration(pugi::xml_node n, lifecycle_rule& r) {
  auto days = days_child(n, "Days", "Expiration");
  if (!days.ok()) return days.err();
  r.expiration_days = *days;
  auto date = date_child(n);
  if (!date.ok()) return date.err();
  r.expiration_date = *date;
  if (auto m = find_child(n, "ExpiredObjectDeleteMarker")) {
    std::string_view v = m.child_value();
    if (v != "true" && v != "false") return fail(errc::malformed_xml);
    r.has_expired_object_delete_marker = true;
    r.expired_object_delete_marker = v == "true";
  }
  int given = (r.expiration_days ? 1 : 0) + (r.expiration_date ? 1 : 0) +
              (r.has_expired_object_delete_marker ? 1 : 0);
  if (given != 1) return fail(errc::malformed_xml);
  return {};
}

result<lifecycle_rule> parse_rule(pugi::xml_node n) {
  lifecycle_rule r;
  r.id = child_text(n, "ID");
  if (r.id.size() > 255) return invalid("ID length should not exceed allowed limit of 255");
  auto status = child_text(n, "Status");
  if (status != "Enabled" && status != "Disabled") return fail(errc::malformed_xml);
  r.enabled = status == "Enabled";
  auto filter = parse_filter(n);
  if (!filter.ok()) return filter.err();
  r.filter = std::move(*filter);
  bool any_action = false;
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = local_name(c);
    if (name == "Expiration") {
      HAYLOFT_TRY(parse_expiration(c, r));
    } else if (name == "Transition" || name == "NoncurrentVersionTransition") {
      auto t = parse_transition(c, name != "Transition");
      if (!t.ok()) return t.err();
      (name == "Transition" ? r.transitions : r.noncurrent_transitions).push_back(std::move(*t));
    } else if (name == "NoncurrentVersionExpiration") {
      auto days = days_child(c, "NoncurrentDays", "NoncurrentVersionExpiration");
      if (!days.ok()) return days.err();
      if (!*days) return fail(errc::malformed_xml);
      r.noncurrent_expiration_days = *days;
      auto newer = days_child(c, "NewerNoncurrentVersions", "NoncurrentVersionExpiration");
      if (!newer.ok()) return newer.err();
      r.noncurrent_newer_versions = *newer;
    } else if (name == "AbortIncompleteMultipartUpload") {
      auto days = days_child(c, "DaysAfterInitiation", "AbortIncompleteMultipartUpload");
      if (!days.ok()) return days.err();
      if (!*days) return fail(errc::malformed_xml);
      r.abort_multipart_days = *days;
    } else if (name != "ID" && name != "Status" && name != "Filter" && name != "Prefix") {
      return fail(errc::malformed_xml);
    } else {
      continue;
    }
    any_action = true;
  }
  if (!any_action)
    return fail(errc::invalid_request, "At least one action needs to be specified in a rule");
  bool tagged = !r.filter.tags.empty();
  if (tagged && r.abort_multipart_days)
    return fail(errc::invalid_request,
                "Tag-based filter cannot be used with AbortIncompleteMultipartUpload action");
  if (tagged && r.expired_object_delete_marker)
    return fail(errc::invalid_request,
                "Tag-based filter cannot be used with ExpiredObjectDeleteMarker action");
  for (const auto& t : r.transitions)
    if (r.expiration_days && t.days && *r.expiration_days <= *t.days)
      return invalid("'Days' in the Expiration action for filter '" + r.filter.prefix +
                     "' must be greater than 'Days' in the Transition action");
  return r;
}

void render_filter(pugi::xml_node rule, const lifecycle_filter& f) {
  if (f.legacy_prefix) {
    xml_writer::child(rule, "Prefix", f.prefix);
    return;
  }
  auto filter = xml_writer::node(rule, "Filter");
  auto target = f.use_and ? xml_writer::node(filter, "And") : filter;
  if (f.use_and || !f.prefix.empty() || (f.tags.empty() && !f.size_greater && !f.size_less))
    xml_writer::child(target, "Prefix", f.prefix);
  for (const auto& [k, v] : f.tags) {
    auto t = xml_writer::node(target, "Tag");
    xml_writer::child(t, "Key", k);
    xml_writer::child(t, "Value", v);
  }
  if (f.size_greater) xml_writer::child(target, "ObjectSizeGreaterThan", *f.size_greater);
  if (f.size_less) xml_writer::child(target, "ObjectSizeLessThan", *f.size_less);
}

std::string midnight_date(core::time_point t) {
  auto s = core::iso8601(t);  // "2026-01-31T00:00:00.000Z"
  return s.substr(0, 19) + "Z";
}

}  // namespace

result<lifecycle_configuration> parse_lifecycle_configuration(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "LifecycleConfiguration")
    return fail(errc::malformed_xml);
  lifecycle_configuration out;
  std::set<std::string> ids;
  for (auto c : doc.document_element().children()) {
    if (c.type() != pugi::node_element) continue;
    if (local_name(c) != "Rule") return fail(errc::malformed_xml);
    if (out.rules.size() == max_lifecycle_rules) return fail(errc::malformed_xml);
    auto rule = parse_rule(c);
    if (!rule.ok()) return rule.err();
    if (!rule->id.empty() && !ids.insert(rule->id).second)
      return invalid("Rule ID must be unique. Found same ID for more than one rule");
    out.rules.push_back(std::move(*rule));
  }
  if (out.rules.empty()) return fail(errc::malformed_xml);
  // S3 names rules that have no ID (with a name no other rule has).
  std::size_t next = 1;
  for (auto& r : out.rules) {
    while (r.id.empty()) {
      auto candidate = "rule-" + std::to_string(next++);
      if (ids.insert(candidate).second) r.id = std::move(candidate);
    }
  }
  return out;
}

std::string render_lifecycle_configuration(const lifecycle_configuration& c) {
  xml_writer w("LifecycleConfiguration");
  for (const auto& r : c.rules) {
    auto n = xml_writer::node(w.root(), "Rule");
    if (r.expiration_days || r.expiration_date || r.has_expired_object_delete_marker) {
      auto e = xml_writer::node(n, "Expiration");
      if (r.expiration_days)
        xml_writer::child(e, "Days", static_cast<std::uint64_t>(*r.expiration_days));
      if (r.expiration_date) xml_writer::child(e, "Date", midnight_date(*r.expiration_date));
      if (r.has_expired_object_delete_marker)
        xml_writer::child(e, "ExpiredObjectDeleteMarker",
                          r.expired_object_delete_marker ? "true" : "false");
    }
    xml_writer::child(n, "ID", r.id);
    render_filter(n, r.filter);
    xml_writer::child(n, "Status", r.enabled ? "Enabled" : "Disabled");
    for (const auto& t : r.transitions) {
      auto e = xml_writer::node(n, "Transition");
      if (t.date) xml_writer::child(e, "Date", midnight_date(*t.date));
      if (t.days) xml_writer::child(e, "Days", static_cast<std::uint64_t>(*t.days));
      xml_writer::child(e, "StorageClass", t.storage_class);
    }
    for (const auto& t : r.noncurrent_transitions) {
      auto e = xml_writer::node(n, "NoncurrentVersionTransition");
      xml_writer::child(e, "NoncurrentDays", static_cast<std::uint64_t>(t.days.value_or(0)));
      xml_writer::child(e, "StorageClass", t.storage_class);
      if (t.newer_noncurrent)
        xml_writer::child(e, "NewerNoncurrentVersions",
                          static_cast<std::uint64_t>(*t.newer_noncurrent));
    }
    if (r.noncurrent_expiration_days) {
      auto e = xml_writer::node(n, "NoncurrentVersionExpiration");
      xml_writer::child(e, "NoncurrentDays",
                        static_cast<std::uint64_t>(*r.noncurrent_expiration_days));
      if (r.noncurrent_newer_versions)
        xml_writer::child(e, "NewerNoncurrentVersions",
                          static_cast<std::uint64_t>(*r.noncurrent_newer_versions));
    }
    if (r.abort_multipart_days) {
      auto e = xml_writer::node(n, "AbortIncompleteMultipartUpload");
      xml_writer::child(e, "DaysAfterInitiation",
                        static_cast<std::uint64_t>(*r.abort_multipart_days));
    }
  }
  return w.str();
}

std::string store_lifecycle(const lifecycle_configuration& c) {
  return c.minimum_size + "\n" + render_lifecycle_configuration(c);
}

result<lifecycle_configuration> load_lifecycle(std::string_view stored) {
  auto nl = stored.find('\n');
  if (nl == std::string_view::npos)
    return fail(errc::internal_error, "stored lifecycle configuration is corrupt");
  auto c = parse_lifecycle_configuration(stored.substr(nl + 1));
  if (!c.ok()) return c.err();
  c->minimum_size = std::string(stored.substr(0, nl));
  return c;
}

bool selects(const lifecycle_filter& f, std::string_view key, std::uint64_t size, std::string_view tags) {
  if (!key.starts_with(f.prefix)) return false;
  if (!has_all_tags(tags, f.tags)) return false;
  if (f.size_greater && size <= *f.size_greater) return false;
  if (f.size_less && size >= *f.size_less) return false;
  return true;
}

core::time_point due_after_days(core::time_point event, int days) {
  constexpr std::int64_t day_ms = 86400000;
  // The clock counts nanoseconds in 64 bits (to April 2262); S3 sets no upper bound on Days, so a
  // due date past the clock's range is held at its last whole day (found by s3_config_xml: Days
  // 2999899 overflowed the conversion).
  const std::int64_t last_ms = core::to_unix_ms(core::time_point::max()) / day_ms * day_ms - day_ms;
  auto ms = core::to_unix_ms(event);
  if (days > 0 && static_cast<std::int64_t>(days) > (last_ms - ms) / day_ms) return core::from_unix_ms(last_ms);
  ms += static_cast<std::int64_t>(days) * day_ms;
  auto rounded = (ms + day_ms - 1) / day_ms * day_ms;
  return core::from_unix_ms(std::min(rounded, last_ms));
}

bool transition_applies(const lifecycle_configuration& c, const lifecycle_rule& rule,
                        std::string_view current, std::string_view storage_class,
                        std::uint64_t size) {
  if (storage_rank(storage_class) <= storage_rank(current)) return false;
  if (rule.filter.size_greater) return true;
  bool minimum = c.minimum_size != "varies_by_storage_class" || storage_rank(storage_class) <= 4;
  return !minimum || size >= min_transition_size;
}

std::string expiration_header(const lifecycle_configuration& c, std::string_view key,
                              std::uint64_t size, std::string_view tags, core::time_point created) {
  std::optional<core::time_point> best;
  std::string id;
  for (const auto& r : c.rules) {
    if (!r.enabled || !selects(r.filter, key, size, tags)) continue;
    std::optional<core::time_point> due;
    if (r.expiration_days)
      due = due_after_days(created, *r.expiration_days);
    else if (r.expiration_date)
      due = r.expiration_date;
    if (due && (!best || *due < *best)) {
      best = due;
      id = r.id;
    }
  }
  if (!best) return {};
  // The rule id is client text: percent-encoded, as S3 writes it, so the header stays one line.
  return "expiry-date=\"" + core::http_date(*best) + "\", rule-id=\"" +
         core::url_encode(id, false) + "\"";
}

result<restore_request> parse_restore_request(std::string_view body) {
  restore_request out;
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "RestoreRequest")
    return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (find_child(root, "Type") || find_child(root, "SelectParameters") ||
      find_child(root, "OutputLocation"))
    return fail(errc::not_implemented, "SELECT restore requests are not implemented by hayloft");
  auto days = number(child_text(root, "Days"));
  if (!days) return fail(errc::malformed_xml);
  if (*days < 1 || *days > 2147483647)
    return invalid("The Days element must be a positive integer");
  out.days = static_cast<int>(*days);
  std::string tier = child_text(find_child(root, "GlacierJobParameters"), "Tier");
  if (tier.empty()) tier = child_text(root, "Tier");
  if (!tier.empty()) out.tier = tier;
  if (out.tier != "Standard" && out.tier != "Bulk" && out.tier != "Expedited")
    return fail(errc::malformed_xml);
  return out;
}

}  // namespace hayloft::s3
