#include "emulator/core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <cstdio>
#include <stdexcept>

namespace hayloft::core {
namespace {

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

struct crc32c_table {
  std::uint32_t t[8][256];
  crc32c_table() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
};

struct crc64_table {
  std::uint64_t t[256];
  crc64_table() {
    const std::uint64_t poly = 0x9a6c9329ac4bc9b5ULL;  // reflected CRC-64/NVME polynomial
    for (std::uint64_t i = 0; i < 256; ++i) {
      std::uint64_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
      t[i] = c;
    }
  }
};

}  // namespace

std::string md5_raw(std::string_view d) { return digest(EVP_md5(), d); }
std::string sha1_raw(std::string_view d) { return digest(EVP_sha1(), d); }
std::string sha256_raw(std::string_view d) { return digest(EVP_sha256(), d); }
std::string hmac_sha256_raw(std::string_view k, std::string_view d) { return hmac(EVP_sha256(), k, d); }
std::string hmac_sha1_raw(std::string_view k, std::string_view d) { return hmac(EVP_sha1(), k, d); }
std::string md5_hex(std::string_view d) { return to_hex(md5_raw(d)); }
std::string sha256_hex(std::string_view d) { return to_hex(sha256_raw(d)); }

std::uint32_t crc32(std::string_view data, std::uint32_t prev) {
  uLong c = prev;
  while (!data.empty()) {
    auto n = static_cast<uInt>(std::min<std::size_t>(data.size(), 1u << 30));
    c = ::crc32(c, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(c);
}

std::uint32_t crc32c(std::string_view data, std::uint32_t prev) {
  static const crc32c_table tab;
  std::uint32_t c = ~prev;
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  while (n >= 8) {
    std::uint32_t lo = c ^ (p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24);
    c = tab.t[7][lo & 0xFF] ^ tab.t[6][(lo >> 8) & 0xFF] ^ tab.t[5][(lo >> 16) & 0xFF] ^ tab.t[4][lo >> 24] ^
        tab.t[3][p[4]] ^ tab.t[2][p[5]] ^ tab.t[1][p[6]] ^ tab.t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) c = (c >> 8) ^ tab.t[0][(c ^ *p++) & 0xFF];
  return ~c;
}

std::uint64_t crc64nvme(std::string_view data, std::uint64_t prev) {
  static const crc64_table tab;
  std::uint64_t c = ~prev;
  for (unsigned char b : data) c = (c >> 8) ^ tab.t[(c ^ b) & 0xFF];
  return ~c;
}

std::string to_hex(std::string_view raw) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  out.clear();
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string base64_encode(std::string_view raw) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(raw[k]); };
  for (; i + 2 < raw.size(); i += 3) {
    std::uint32_t v = b(i) << 16 | b(i + 1) << 8 | b(i + 2);
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i + 1 == raw.size()) {
    std::uint32_t v = b(i) << 16;
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == raw.size()) {
    std::uint32_t v = b(i) << 16 | b(i + 1) << 8;
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string be_bytes(std::uint64_t v, int n) {
  std::string out(static_cast<std::size_t>(n), '\0');
  for (int i = n - 1; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
  return out;
}

incremental_hash::incremental_hash(kind k) : ctx_(EVP_MD_CTX_new()) {
  const EVP_MD* md = k == kind::md5 ? EVP_md5() : k == kind::sha1 ? EVP_sha1() : EVP_sha256();
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), md, nullptr);
}
incremental_hash::~incremental_hash() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void incremental_hash::update(std::string_view d) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), d.data(), d.size());
}
std::string incremental_hash::final_raw() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace hayloft::core

namespace hayloft::core {
std::string md5_hex_of_file(const std::filesystem::path& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) return {};
  incremental_hash h(incremental_hash::kind::md5);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) h.update(std::string_view(buf, n));
  std::fclose(f);
  return to_hex(h.final_raw());
}
}  // namespace hayloft::core
