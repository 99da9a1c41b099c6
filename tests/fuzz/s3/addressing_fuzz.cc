// Addressing: Host header, request target and x-amz-copy-source, as a client sends them.
// Input: "host\ntarget\ncopy-source\nauthorization". Properties:
//  - a virtual-host bucket is non-empty and lowercase; path style splits the path exactly;
//  - a bucket name that passes valid_bucket_name obeys the length and character rules;
//  - a copy source that parses re-parses to the same bucket and key from its own encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/core/http_message.h"
#include "s3/api/addressing.h"
#include "s3/service/copy_source.h"

namespace {
using namespace hayloft;

void check(bool ok) {
  if (!ok) std::abort();
}

std::string_view field(std::string_view& s) {
  auto nl = s.find('\n');
  auto f = s.substr(0, nl);
  s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto host = field(in), target = field(in), copy = field(in), auth = field(in);

  if (auto b = s3::bucket_from_host(host)) {
    check(!b->empty());
    for (char c : *b) check(!(c >= 'A' && c <= 'Z'));
  }
  core::request req;
  req.method = "GET";
  if (!core::parse_target(target, req)) return 0;
  req.headers.add("Host", std::string(host));
  if (!auth.empty()) req.headers.add("Authorization", std::string(auth));
  auto a = s3::resolve_address(req);
  if (!a.virtual_host) {
    std::string_view path = req.path;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    check(a.key.empty() ? path == a.bucket || path == a.bucket + "/" : path == a.bucket + "/" + a.key);
  }
  if (s3::valid_bucket_name(a.bucket)) {
    check(a.bucket.size() >= 3 && a.bucket.size() <= 63);
    for (char c : a.bucket) check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-');
  }
  (void)s3::signing_region(req);

  auto src = s3::detail::parse_copy_source(copy);
  if (src.ok()) {
    check(!src->bucket.empty() && !src->key.empty());
    auto again = s3::detail::parse_copy_source("/" + core::url_encode(src->bucket) + "/" +
                                               core::url_encode(src->key, true));
    check(again.ok() && again->bucket == src->bucket && again->key == src->key);
  }
  return 0;
}
