// Every S3 request document parser, and the response writer, on client bytes. The first byte
// picks the parser; the rest is the document. Properties:
//  - parsers answer a value or MalformedXML/MalformedACLError/InvalidArgument, never anything else;
//  - DeleteObjects never yields more than 1000 keys, and each key is valid UTF-8;
//  - what a parser accepts and hayloft stores (ACL, notification configuration) reads back the same;
//  - any key, rendered into a listing, gives a document without raw bytes XML cannot carry, and with
//    encoding-type=url one that parse_xml accepts and whose Key decodes back to the key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/core/http_message.h"
#include "emulator/core/utf8.h"
#include "s3/api/acl.h"
#include "s3/api/documents.h"
#include "s3/api/errors.h"
#include "s3/api/notifications.h"
#include "s3/api/results.h"
#include "s3/api/xml_writer.h"
#include "tests/fuzz/s3/checks.h"

namespace {
using namespace hayloft::s3;
using namespace hayloft::s3::fuzzing;

void listing(std::string_view key) {
  list_objects_result r;
  r.v2 = true;
  r.bucket = "b";
  r.prefix = std::string(key.substr(0, key.size() / 2));
  r.contents.push_back({std::string(key), hayloft::core::from_unix_ms(0), "\"e\"", 1});
  r.common_prefixes.push_back(std::string(key));
  check_safe_output(render_list_objects(r));
  r.url_encoding = true;
  auto xml = render_list_objects(r);
  check_safe_output(xml);
  check(xml.find("&#") == std::string::npos);
  pugi::xml_document doc;
  check(parse_xml(xml, doc));
  auto contents = find_child(doc.document_element(), "Contents");
  std::string decoded;
  check(hayloft::core::url_decode(child_text(contents, "Key"), decoded) && decoded == key);
  check_safe_output(render_error_xml("NoSuchKey", "m", {{"Key", std::string(key)}}, key, "r", "h"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const std::string_view doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0: expect_error(parse_create_bucket(doc), {errc::malformed_xml}); break;
    case 1: {
      auto r = parse_delete(doc);
      expect_error(r, {errc::malformed_xml});
      if (r.ok()) {
        check(!r->keys.empty() && r->keys.size() <= max_delete_keys);
        for (const auto& k : r->keys) check(hayloft::core::valid_utf8(k));
        {
          std::vector<deleted_entry> deleted;
          for (std::size_t i = 0; i < r->keys.size(); ++i) deleted.push_back({r->keys[i], r->version_ids[i], false, {}});
          check_safe_output(render_delete_result(deleted, {}));
        }
      }
      break;
    }
    case 2: {
      auto r = parse_complete_multipart(doc);
      expect_error(r, {errc::malformed_xml});
      break;
    }
    case 3: {
      auto r = parse_access_control_policy(doc);
      expect_error(r, {errc::malformed_acl, errc::access_denied, errc::invalid_argument,
                       errc::unresolvable_grant_by_email_address});
      if (r.ok()) {
        auto stored = store_acl(*r);
        check_safe_output(stored);
        auto again = parse_access_control_policy(stored);
        check(again.ok() && store_acl(*again) == stored);
        (void)owner_only(stored);
        (void)grants_public(stored);
      }
      break;
    }
    case 4: {
      auto r = parse_notification_configuration(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_argument});
      if (r.ok()) {
        auto text = render_notification_configuration(*r);
        check_safe_output(text);
        auto again = parse_notification_configuration(text);
        check(again.ok() && render_notification_configuration(*again) == text);
      }
      break;
    }
    case 5: {
      pugi::xml_document d;
      if (parse_xml(doc, d)) check(acceptable_xml_text(doc) && d.document_element());
      break;
    }
    default: listing(doc.substr(0, 2048)); break;
  }
  return 0;
}
