// aws-chunked bodies. Even first byte: the rest is a raw stream from a client, fed in pieces;
// the decoder must accept or refuse, never crash, and what it passes on is counted exactly.
// Odd first byte: the rest is a payload that is encoded here (chunk sizes, signatures and a
// trailer chosen from the input) and decoded with arbitrary splits: it must come back exactly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "s3/api/aws_chunked.h"

namespace {
using hayloft::s3::aws_chunked_decoder;

void check(bool ok) {
  if (!ok) std::abort();
}

// A small deterministic generator seeded from the input.
struct rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

std::string hex(std::uint64_t n) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(n));
  return buf;
}

void raw_stream(std::string_view in, std::size_t split) {
  aws_chunked_decoder d;
  std::uint64_t passed = 0;
  auto sink = [&](std::string_view s) { passed += s.size(); };
  bool ok = true;
  for (std::size_t i = 0; i < in.size() && ok; i += split) ok = d.feed(in.substr(i, split), sink);
  check(passed == d.decoded_size());
  check(passed <= in.size());
  if (!ok) check(!d.feed("0\r\n\r\n", sink));  // a failed decoder stays failed
}

void round_trip(std::string_view payload, std::uint64_t seed) {
  rng r{seed | 1};
  std::string encoded;
  const bool signed_chunks = r.next() % 2;
  const std::string sig(64, "0123456789abcdef"[r.next() % 16]);
  auto size_line = [&](std::size_t n) {
    encoded += hex(n);
    if (signed_chunks) encoded += ";chunk-signature=" + sig;
    encoded += "\r\n";
  };
  std::size_t pos = 0;
  while (pos < payload.size()) {
    std::size_t n = 1 + r.next() % (payload.size() - pos);
    size_line(n);
    encoded.append(payload.substr(pos, n));
    encoded += "\r\n";
    pos += n;
  }
  size_line(0);
  const bool trailer = r.next() % 2;
  if (trailer) encoded += "x-amz-checksum-crc32:AAAAAA==\r\n";
  const bool final_crlf = !trailer || r.next() % 2;
  if (final_crlf) encoded += "\r\n";

  aws_chunked_decoder d;
  std::string out;
  auto sink = [&](std::string_view s) { out.append(s); };
  std::size_t i = 0;
  while (i < encoded.size()) {
    std::size_t n = 1 + r.next() % 64;
    check(d.feed(std::string_view(encoded).substr(i, n), sink));
    i += n;
  }
  check(d.finish());
  check(out == payload);
  check(d.decoded_size() == payload.size());
  if (trailer) check(d.trailer("x-amz-checksum-crc32") == std::optional<std::string_view>("AAAAAA=="));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 256 * 1024) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (data[0] % 2 == 0) {
    raw_stream(rest, 1 + data[1]);
  } else {
    std::uint64_t seed = data[1];
    for (std::size_t i = 0; i < rest.size() && i < 8; ++i) seed = seed * 131 + static_cast<unsigned char>(rest[i]);
    round_trip(rest, seed);
  }
  return 0;
}
