// GetObjectAttributes: what HeadObject and ListParts tell, for any version, in one document.
#include <algorithm>
#include <charconv>

#include "s3/api/xml_writer.h"
#include "s3/service/engine.h"

namespace hayloft::s3::detail {
namespace {

constexpr std::string_view attribute_names[] = {"ETag", "Checksum", "ObjectParts", "StorageClass",
                                                "ObjectSize"};

// x-amz-object-attributes: a comma-separated list of attribute names; bit i is attribute_names[i].
result<unsigned> requested_attributes(const core::request& req) {
  auto header = req.headers.get("x-amz-object-attributes");
  unsigned bits = 0;
  std::string_view rest = header.value_or("");
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      unsigned found = 0;
      for (std::size_t i = 0; i < std::size(attribute_names); ++i)
        if (item == attribute_names[i]) found = 1u << i;
      if (!found) return fail(errc::invalid_argument, "Invalid attribute name specified.");
      bits |= found;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (bits == 0)
    return fail(errc::invalid_request,
                "The x-amz-object-attributes header specifying the attributes to be retrieved is "
                "either missing or empty");
  return bits;
}

result<int> header_int(const core::request& req, std::string_view name, int fallback, int max) {
  auto v = req.headers.get(name);
  if (!v) return fallback;
  int n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || r.ec != std::errc{} || r.ptr != v->data() + v->size() || n < 0)
    return fail(errc::invalid_argument,
                "Provided " + std::string(name) + " not an integer or within integer range");
  return std::min(n, max);
}

struct stored_part {
  int number = 0;
  std::uint64_t size = 0;
  std::string checksum;
};

std::vector<stored_part> parts_of(std::string_view list) {
  std::vector<stored_part> out;
  while (!list.empty()) {
    auto nl = list.find('\n');
    auto line = list.substr(0, nl);
    auto a = line.find(' ');
    auto b = line.find(' ', a + 1);
    if (a != std::string_view::npos && b != std::string_view::npos) {
      stored_part p;
      std::from_chars(line.data(), line.data() + a, p.number);
      std::from_chars(line.data() + a + 1, line.data() + b, p.size);
      p.checksum = std::string(line.substr(b + 1));
      out.push_back(std::move(p));
    }
    if (nl == std::string_view::npos) break;
    list.remove_prefix(nl + 1);
  }
  return out;
}

void object_parts(pugi::xml_node root, const object_row& row, int marker, int max_parts) {
  auto n = xml_writer::node(root, "ObjectParts");
  xml_writer::child(n, "PartsCount", static_cast<std::uint64_t>(row.parts));
  auto alg = static_cast<checksum_algorithm>(row.checksum_alg);
  // S3 lists the parts only of objects uploaded with an additional checksum.
  if (alg == checksum_algorithm::none) return;
  auto parts = parts_of(row.part_list);
  std::vector<const stored_part*> page;
  bool truncated = false;
  for (const auto& p : parts) {
    if (p.number <= marker) continue;
    if (static_cast<int>(page.size()) == max_parts) {
      truncated = true;
      break;
    }
    page.push_back(&p);
  }
  xml_writer::child(n, "PartNumberMarker", static_cast<std::uint64_t>(marker));
  if (!page.empty())
    xml_writer::child(n, "NextPartNumberMarker", static_cast<std::uint64_t>(page.back()->number));
  xml_writer::child(n, "MaxParts", static_cast<std::uint64_t>(max_parts));
  xml_writer::child(n, "IsTruncated", truncated ? "true" : "false");
  for (const auto* p : page) {
    auto part = xml_writer::node(n, "Part");
    xml_writer::child(part, "PartNumber", static_cast<std::uint64_t>(p->number));
    xml_writer::child(part, "Size", p->size);
    if (!p->checksum.empty())
      xml_writer::child(part, "Checksum" + std::string(algorithm_name(alg)), p->checksum);
  }
}

}  // namespace

void get_object_attributes(engine& e, call_ptr c) {
  auto wanted = requested_attributes(c->req);
  if (!wanted.ok()) return e.reply_error(*c, wanted.err());
  auto max_parts = header_int(c->req, "x-amz-max-parts", 1000, 1000);
  if (!max_parts.ok()) return e.reply_error(*c, max_parts.err());
  auto marker = header_int(c->req, "x-amz-part-number-marker", 0, 10000);
  if (!marker.ok()) return e.reply_error(*c, marker.err());
  auto row = read_version(e, *c, false);
  if (!row.ok()) return e.reply_error(*c, row.err());
  auto bucket = e.cached_bucket(c->addr.bucket);
  if (!bucket.ok()) return e.reply_error(*c, bucket.err());
  bool versioned = *bucket && !(*bucket)->versioning.empty();
  auto want = [&](int i) { return (*wanted & (1u << i)) != 0; };
  xml_writer w("GetObjectAttributesResponse");
  if (want(0)) {
    std::string_view etag = row->etag;
    if (etag.size() >= 2 && etag.front() == '"') etag = etag.substr(1, etag.size() - 2);
    w.child("ETag", etag);
  }
  auto alg = static_cast<checksum_algorithm>(row->checksum_alg);
  if (want(1) && alg != checksum_algorithm::none && !row->checksum.empty()) {
    auto n = xml_writer::node(w.root(), "Checksum");
    xml_writer::child(n, "Checksum" + std::string(algorithm_name(alg)), row->checksum);
    if (!row->checksum_type.empty()) xml_writer::child(n, "ChecksumType", row->checksum_type);
  }
  if (want(2) && row->parts > 0) object_parts(w.root(), *row, *marker, *max_parts);
  if (want(3)) w.child("StorageClass", row->storage_class);
  if (want(4)) xml_writer::child(w.root(), "ObjectSize", row->size);
  core::response r;
  r.headers.add("Content-Type", "application/xml");
  r.headers.add("Last-Modified", core::http_date(core::from_unix_ms(row->modified_ms)));
  add_version_headers(r, *row, versioned);
  r.body = w.str();
  e.reply(*c, std::move(r));
}

}  // namespace hayloft::s3::detail
