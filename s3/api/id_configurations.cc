#include "s3/api/id_configurations.h"

#include <charconv>
#include <optional>

#include "s3/api/errors.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::optional<int> int_of(const std::string& s) {
  int n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return n;
}

result<void> check_inventory(pugi::xml_node root) {
  auto dest = find_child(find_child(root, "Destination"), "S3BucketDestination");
  auto format = child_text(dest, "Format");
  auto enabled = child_text(root, "IsEnabled");
  auto versions = child_text(root, "IncludedObjectVersions");
  auto frequency = child_text(find_child(root, "Schedule"), "Frequency");
  if (!dest || !std::string_view(child_text(dest, "Bucket")).starts_with("arn:aws:s3:::") ||
      (format != "CSV" && format != "ORC" && format != "Parquet") || (enabled != "true" && enabled != "false") ||
      (versions != "All" && versions != "Current") || (frequency != "Daily" && frequency != "Weekly"))
    return fail(errc::malformed_xml);
  return {};
}

result<void> check_intelligent_tiering(pugi::xml_node root) {
  auto status = child_text(root, "Status");
  if (status != "Enabled" && status != "Disabled") return fail(errc::malformed_xml);
  int tierings = 0;
  for (auto t : root.children()) {
    if (t.type() != pugi::node_element || local_name(t) != "Tiering") continue;
    if (++tierings > 2) return fail(errc::malformed_xml);
    auto tier = child_text(t, "AccessTier");
    auto days = int_of(child_text(t, "Days"));
    if ((tier != "ARCHIVE_ACCESS" && tier != "DEEP_ARCHIVE_ACCESS") || !days) return fail(errc::malformed_xml);
    if (tier == "ARCHIVE_ACCESS" && (*days < 90 || *days > 730))
      return fail(errc::invalid_argument, "The ARCHIVE_ACCESS tier needs Days between 90 and 730");
    if (tier == "DEEP_ARCHIVE_ACCESS" && (*days < 180 || *days > 730))
      return fail(errc::invalid_argument, "The DEEP_ARCHIVE_ACCESS tier needs Days between 180 and 730");
  }
  if (tierings == 0) return fail(errc::malformed_xml);
  return {};
}

}  // namespace

std::string_view id_kind_param(id_kind k) {
  switch (k) {
    case id_kind::inventory: return "inventory";
    case id_kind::analytics: return "analytics";
    case id_kind::metrics: return "metrics";
    case id_kind::intelligent_tiering: return "intelligent-tiering";
  }
  return {};
}

std::string_view id_kind_element(id_kind k) {
  switch (k) {
    case id_kind::inventory: return "InventoryConfiguration";
    case id_kind::analytics: return "AnalyticsConfiguration";
    case id_kind::metrics: return "MetricsConfiguration";
    case id_kind::intelligent_tiering: return "IntelligentTieringConfiguration";
  }
  return {};
}

std::string_view id_kind_list_root(id_kind k) {
  switch (k) {
    case id_kind::inventory: return "ListInventoryConfigurationsResult";
    case id_kind::analytics: return "ListBucketAnalyticsConfigurationResult";
    case id_kind::metrics: return "ListMetricsConfigurationsResult";
    case id_kind::intelligent_tiering: return "ListBucketIntelligentTieringConfigurationsOutput";
  }
  return {};
}

result<std::string> parse_id_configuration(id_kind k, std::string_view body, std::string_view id) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc)) return fail(errc::malformed_xml);
  auto root = doc.document_element();
  if (local_name(root) != id_kind_element(k)) return fail(errc::malformed_xml);
  auto doc_id = child_text(root, "Id");
  if (!valid_id(doc_id) || doc_id != id) return fail(errc::invalid_argument, "Document ID does not match the specified configuration ID.");
  switch (k) {
    case id_kind::inventory: HAYLOFT_TRY(check_inventory(root)); break;
    case id_kind::analytics:
      if (!find_child(root, "StorageClassAnalysis")) return fail(errc::malformed_xml);
      break;
    case id_kind::metrics: break;
    case id_kind::intelligent_tiering: HAYLOFT_TRY(check_intelligent_tiering(root)); break;
  }
  auto text = save_xml(doc);
  // Without the declaration: list results embed the document.
  if (text.starts_with("<?xml")) text.erase(0, text.find("?>") + 2);
  return text;
}

}  // namespace hayloft::s3
