// The bucket and object configuration documents of issue 15 on client bytes: versioning, Object
// Lock configuration, retention, legal hold, lifecycle configuration and restore requests. The
// first byte picks the parser; the rest is the document. Properties:
//  - parsers answer a value or the errors their headers name, never anything else;
//  - what is stored (lock and lifecycle configurations) renders to a document that parses back
//    to the same rendering, and renderings are safe XML.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/core/utf8.h"
#include "s3/api/documents.h"
#include "s3/api/errors.h"
#include "s3/api/lifecycle.h"
#include "s3/api/object_lock.h"
#include "s3/api/results.h"
#include "tests/fuzz/s3/checks.h"

using namespace hayloft::s3;
using namespace hayloft::s3::fuzzing;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const std::string_view doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto r = parse_versioning_configuration(doc);
      expect_error(r, {errc::malformed_xml, errc::illegal_versioning_configuration});
      if (r.ok()) check_safe_output(render_versioning_configuration(r->status, r->mfa_delete));
      break;
    }
    case 1: {
      auto r = parse_object_lock_configuration(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_argument});
      if (r.ok()) {
        auto text = render_object_lock_configuration(*r);
        check_safe_output(text);
        auto again = parse_object_lock_configuration(text);
        check(again.ok() && render_object_lock_configuration(*again) == text);
      }
      break;
    }
    case 2: {
      auto r = parse_retention(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_argument});
      if (r.ok() && !r->mode.empty()) check_safe_output(render_retention(*r));
      expect_error(parse_legal_hold(doc), {errc::malformed_xml});
      break;
    }
    case 3:
    case 4: {
      auto r = parse_lifecycle_configuration(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_argument, errc::invalid_request});
      if (r.ok()) {
        check(!r->rules.empty() && r->rules.size() <= max_lifecycle_rules);
        auto stored = store_lifecycle(*r);
        auto loaded = load_lifecycle(stored);
        check(loaded.ok());
        auto text = render_lifecycle_configuration(*loaded);
        check_safe_output(text);
        check(text == render_lifecycle_configuration(*r));
        for (const auto& rule : r->rules) (void)selects(rule.filter, doc.substr(0, 64), size, doc.substr(0, 32));
        (void)expiration_header(*r, doc.substr(0, 64), size, doc.substr(0, 32), hayloft::core::from_unix_ms(0));
      }
      break;
    }
    default: {
      auto r = parse_restore_request(doc);
      expect_error(r, {errc::malformed_xml, errc::invalid_argument, errc::not_implemented});
      if (r.ok()) check(r->days >= 1);
      break;
    }
  }
  return 0;
}
