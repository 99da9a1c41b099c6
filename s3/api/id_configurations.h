#pragma once
// The configurations a bucket holds several of, each under an id: Inventory, Analytics, Metrics
// and IntelligentTiering. Parsed and validated as S3 does, stored as canonical XML, listed in id
// order. Pure; any thread. Documents go through parse_xml (bounded, no DTD); the caller bounds
// the byte size.
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::s3 {

enum class id_kind { inventory, analytics, metrics, intelligent_tiering };

// The query parameter ("inventory", ...), the document's root element ("InventoryConfiguration")
// and the list result's root ("ListInventoryConfigurationsResult").
std::string_view id_kind_param(id_kind k);
std::string_view id_kind_element(id_kind k);
std::string_view id_kind_list_root(id_kind k);

inline constexpr std::size_t max_id_configurations = 1000;  // per kind and bucket (S3's limit)

// Validates the document for `id` (the ?id= parameter): InvalidArgument when the document's Id
// differs or is not 1-64 characters of letters, digits, '-', '_' and '.'; MalformedXML for a
// document that is not of its kind or misses what S3 requires (an inventory Destination bucket
// ARN, Format CSV/ORC/Parquet, IsEnabled, IncludedObjectVersions All/Current and a Daily/Weekly
// Schedule; an analytics StorageClassAnalysis; an intelligent-tiering Status and 1-2 Tierings
// of ARCHIVE_ACCESS (>= 90 days) / DEEP_ARCHIVE_ACCESS (>= 180 days), InvalidArgument below).
// Returns the canonical document, without an XML declaration (lists embed it).
result<std::string> parse_id_configuration(id_kind k, std::string_view body, std::string_view id);

}  // namespace hayloft::s3
