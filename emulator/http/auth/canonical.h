#pragma once
// Canonical forms shared by the SigV4 and SigV2 verifiers: URI paths, query strings and header
// values rebuilt from the request exactly as the client sent it (raw path, raw query, header
// values). Pure functions over their arguments; safe from any thread.
//
// A client may encode a request in more than one legal way (a '~' sent as %7E, a space as '+'),
// and what it signed is its own canonical form, not necessarily ours. So the path and query
// builders return every distinct plausible candidate, the strict AWS form first; the verifier
// accepts a signature that matches any of them. Each candidate is still bound to this request's
// bytes, so accepting several costs one HMAC each and no security.
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"

namespace hayloft::http::auth {

// One query parameter as it appeared on the wire: name and value still percent-encoded.
struct raw_param {
  std::string_view name;
  std::string_view value;
  bool has_equals = false;
};

// Splits a raw query ("a=1&b&c=%20") into its parameters; empty components are skipped.
std::vector<raw_param> split_raw_query(std::string_view raw_query);

// Percent-decodes without turning '+' into a space (AWS signing treats '+' literally).
// Returns false on a malformed escape.
bool decode_component(std::string_view in, std::string& out);

// The first parameter called `name` (compared after decoding), decoded; false when absent or
// undecodable.
bool find_param(std::string_view raw_query, std::string_view name, std::string& value);

// Canonical URI for S3: each '/'-separated segment of the raw path decoded and re-encoded once
// (RFC 3986 unreserved set kept, uppercase hex), no dot-segment or slash normalisation.
// Candidates: the strict form, then the raw path as sent (what botocore signs) if different.
std::vector<std::string> canonical_uri_s3(std::string_view raw_path);

// Canonical URI for every other service: dot segments removed and repeated slashes collapsed
// (as the AWS SigV4 test suite requires), then the path as sent encoded once more ('%' becomes
// %25: the "double encoding" of non-S3 services).
std::string canonical_uri_generic(std::string_view raw_path);

// Canonical query string: parameters URI-encoded, sorted by name then value, joined with '&';
// a parameter without a value becomes "name=". `exclude` (a decoded name, e.g.
// "X-Amz-Signature") is left out. Candidates: strict ('+' is a literal plus), '+' read as a
// space, and the raw pairs sorted as sent; duplicates removed, strict first.
std::vector<std::string> canonical_query(std::string_view raw_query, std::string_view exclude = {});

// Value of one canonical header: every value of `name` in request order, each trimmed with
// runs of spaces and tabs collapsed to one space, joined with ','. Falls back to req.host for
// a missing Host header. `found` is false when the request has no such header.
std::string canonical_header_value(const core::request& req, std::string_view name, bool& found);

// Trims and collapses internal runs of whitespace to single spaces.
std::string collapse_spaces(std::string_view v);

// A request timestamp as clients send it in Date / x-amz-date: RFC 1123 with "GMT" or a
// numeric zone ("Tue, 27 Mar 2007 19:36:42 +0000"), the other HTTP-date forms, or ISO 8601.
bool parse_request_date(std::string_view s, core::time_point& out);

// Constant-time comparison of two signatures (hex or base64 text). Exact: AWS signatures are
// lowercase hex or base64, and a case-folded copy is not the signature that was issued.
bool signatures_equal(std::string_view a, std::string_view b);

}  // namespace hayloft::http::auth
