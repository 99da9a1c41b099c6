// The bucket and object configuration documents and headers of issue 16 on client bytes. The
// first byte picks the parser; the rest is the document or header value. Properties:
//  - parsers answer a value or the errors their headers name, never anything else;
//  - what is stored renders to a document that parses back to the same value, and renderings
//    are safe XML.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "s3/api/bucket_documents.h"
#include "s3/api/bucket_policy.h"
#include "s3/api/bucket_settings.h"
#include "s3/api/cors.h"
#include "s3/api/errors.h"
#include "s3/api/id_configurations.h"
#include "s3/api/tagging.h"
#include "tests/fuzz/s3/checks.h"

using namespace hayloft::s3;
using namespace hayloft::s3::fuzzing;

namespace {

void tagging(std::string_view doc, tag_target target) {
  auto r = parse_tagging(doc, target);
  expect_error(r, {errc::malformed_xml, errc::invalid_tag, errc::bad_request});
  if (!r.ok()) return;
  check(r->size() <= (target == tag_target::object ? max_object_tags : max_bucket_tags));
  auto stored = encode_tags(*r);
  check(decode_tags(stored) == *r);
  check(stored_tag_count(stored) == r->size());
  check(has_all_tags(stored, *r));
  auto text = render_tagging(*r);
  check_safe_output(text);
  auto again = parse_tagging(text, target);
  check(again.ok() && *again == *r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const std::string_view doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0: tagging(doc, tag_target::object); break;
    case 1: tagging(doc, tag_target::bucket); break;
    case 2: {
      auto r = parse_tagging_header(doc);
      expect_error(r, {errc::invalid_argument, errc::invalid_tag, errc::bad_request});
      if (r.ok()) check(decode_tags(encode_tags(*r)) == *r);
      break;
    }
    case 3: {
      auto r = parse_ownership_controls(doc);
      expect_error(r, {errc::malformed_xml});
      if (r.ok()) {
        auto text = render_ownership_controls(*r);
        check_safe_output(text);
        check(parse_ownership_controls(text).value() == *r);
      }
      auto p = parse_public_access_block(doc);
      expect_error(p, {errc::malformed_xml});
      if (p.ok()) {
        auto text = render_public_access_block(*p);
        check_safe_output(text);
        check(render_public_access_block(parse_public_access_block(text).value()) == text);
      }
      break;
    }
    case 6: {
      auto r = parse_bucket_policy(doc, "bkt");
      expect_error(r, {errc::malformed_policy});
      if (!r.ok()) break;
      (void)policy_is_public(*r);
      policy_request req{"s3:GetObject", "arn:aws:s3:::bkt/k", "111122223333", "arn:aws:iam::111122223333:user/u",
                         false, "10.1.2.3", {{"s3:prefix", std::string(doc.substr(0, 16))}}};
      (void)evaluate_policy(*r, req);
      req.account.clear();
      req.source_ip = "::1";
      (void)evaluate_policy(*r, req);
      break;
    }
    case 7: {
      std::string target;
      for (auto parse : {parse_accelerate_configuration, parse_request_payment_configuration,
                         parse_encryption_configuration, parse_website_configuration, parse_replication_configuration}) {
        auto r = parse(doc);
        expect_error(r, {errc::malformed_xml, errc::invalid_argument});
        if (r.ok()) check_safe_output(*r);
      }
      for (auto k : {id_kind::inventory, id_kind::analytics, id_kind::metrics, id_kind::intelligent_tiering}) {
        auto r = parse_id_configuration(k, doc, "id");
        expect_error(r, {errc::malformed_xml, errc::invalid_argument});
        if (r.ok()) check_safe_output(*r);
      }
      auto l = parse_bucket_logging_status(doc, target);
      expect_error(l, {errc::malformed_xml});
      if (l.ok()) check_safe_output(*l);
      break;
    }
    default: {
      auto r = parse_cors_configuration(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_request});
      if (!r.ok()) break;
      check(!r->rules.empty() && r->rules.size() <= max_cors_rules);
      auto text = render_cors_configuration(*r);
      check_safe_output(text);
      auto again = parse_cors_configuration(text);
      check(again.ok() && render_cors_configuration(*again) == text);
      // Matching is total on any origin, method and header list made of the input.
      auto headers = split_header_list(doc.substr(0, 64));
      (void)match_cors(*r, doc.substr(0, 32), "GET", headers);
      (void)match_cors(*r, doc, "PUT", {});
      break;
    }
  }
  return 0;
}
