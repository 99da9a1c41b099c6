#include "emulator/core/ids.h"

#include <sys/random.h>

#include <cerrno>
#include <random>

#include "emulator/core/hash.h"

namespace hayloft::core {
namespace {
// The kernel's CSPRNG (getrandom(2)): no OpenSSL DRBG, whose first use loads every provider
// and costs megabytes of resident memory in an otherwise idle process.
std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    auto r = ::getrandom(out.data() + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  if (got < n) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    for (std::size_t i = got; i < n; ++i) out[i] = static_cast<char>(rng());
  }
  return out;
}
}  // namespace

std::string random_hex(std::size_t bytes) { return to_hex(random_bytes(bytes)); }

std::string uuid4() {
  auto b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  auto h = to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out(16, '0');
  auto v = rng();
  for (auto& c : out) {
    c = chars[v % 36];
    v /= 36;
    if (v == 0) v = rng();
  }
  return out;
}

std::string random_token(std::size_t bytes) {
  auto s = base64_encode(random_bytes(bytes));
  for (auto& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

}  // namespace hayloft::core
