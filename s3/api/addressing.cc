#include "s3/api/addressing.h"

#include <array>

namespace hayloft::s3 {
namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && core::iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// "us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1": letters, dashes, ending in digits.
bool looks_like_region(std::string_view s) {
  if (s.size() < 4 || !is_digit(s.back())) return false;
  bool dash = false;
  for (char c : s) {
    if (c == '-') dash = true;
    else if (!is_lower(c) && !is_digit(c)) return false;
  }
  return dash;
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

}  // namespace

std::optional<std::string> bucket_from_host(std::string_view host) {
  // Strip the port (IPv6 literals are never virtual hosts).
  if (host.empty() || host.front() == '[') return std::nullopt;
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  std::string_view rest;
  static constexpr std::array<std::string_view, 2> suffixes{".localhost.localstack.cloud", ".localhost"};
  bool matched = false;
  for (auto suffix : suffixes) {
    if (ends_with_ci(host, suffix)) {
      rest = host.substr(0, host.size() - suffix.size());
      matched = true;
      break;
    }
  }
  if (!matched || rest.empty()) return std::nullopt;
  auto lower = core::to_lower(rest);
  std::string_view r = lower;
  // Drop a trailing "s3" or "s3.<region>" label pair; what is left (if anything) is the bucket.
  if (r == "s3") return std::nullopt;
  if (r.starts_with("s3.") && looks_like_region(r.substr(3))) return std::nullopt;
  if (r.ends_with(".s3")) {
    r.remove_suffix(3);
  } else {
    auto pos = r.rfind(".s3.");
    if (pos != std::string_view::npos && looks_like_region(r.substr(pos + 4))) r = r.substr(0, pos);
  }
  if (r.empty()) return std::nullopt;
  return std::string(r);
}

namespace {

// "s3-website", "s3-website-eu-central-1" or "s3-website.eu-central-1" as a host's labels: the
// part before it (the bucket, or empty for path style) when the host names the website endpoint.
std::optional<std::string> website_bucket(std::string_view host) {
  if (host.empty() || host.front() == '[') return std::nullopt;
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  auto lower = core::to_lower(host);
  std::string_view h = lower;
  std::size_t at = h.starts_with("s3-website") ? 0 : h.find(".s3-website");
  if (at == std::string_view::npos) return std::nullopt;
  auto label_start = at == 0 ? 0 : at + 1;
  auto after = h.substr(label_start + 10);  // past "s3-website"
  if (!after.empty() && after.front() != '.' && after.front() != '-') return std::nullopt;
  return std::string(h.substr(0, at));
}

}  // namespace

address resolve_address(const core::request& req) {
  address a;
  auto host = req.headers.get("host");
  if (host) {
    if (auto site = website_bucket(*host)) {
      a.website = true;
      std::string_view path = req.path;
      if (!path.empty() && path.front() == '/') path.remove_prefix(1);
      if (!site->empty()) {
        a.bucket = std::move(*site);
        a.key = std::string(path);
        a.virtual_host = true;
        return a;
      }
      auto slash = path.find('/');
      a.bucket = std::string(path.substr(0, slash));
      if (slash != std::string_view::npos) a.key = std::string(path.substr(slash + 1));
      return a;
    }
  }
  std::optional<std::string> vhost;
  if (host) vhost = bucket_from_host(*host);
  std::string_view path = req.path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (vhost) {
    a.bucket = std::move(*vhost);
    a.key = std::string(path);
    a.virtual_host = true;
    return a;
  }
  auto slash = path.find('/');
  if (slash == std::string_view::npos) {
    a.bucket = std::string(path);
  } else {
    a.bucket = std::string(path.substr(0, slash));
    a.key = std::string(path.substr(slash + 1));
  }
  return a;
}

bool valid_bucket_name(std::string_view n) {
  if (n.size() < 3 || n.size() > 63) return false;
  for (char c : n)
    if (!is_lower(c) && !is_digit(c) && c != '.' && c != '-') return false;
  auto alnum = [](char c) { return is_lower(c) || is_digit(c); };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  if (n.find("..") != std::string_view::npos) return false;
  if (n.find(".-") != std::string_view::npos || n.find("-.") != std::string_view::npos) return false;
  if (is_ipv4(n)) return false;
  for (auto p : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (n.starts_with(p)) return false;
  for (auto s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
    if (n.ends_with(s)) return false;
  return true;
}

std::string signing_region(const core::request& req) {
  std::string_view cred;
  std::string decoded;
  if (auto auth = req.headers.get("authorization")) {
    auto pos = auth->find("Credential=");
    if (pos == std::string_view::npos) return {};
    cred = auth->substr(pos + 11);
    auto end = cred.find_first_of(", ");
    if (end != std::string_view::npos) cred = cred.substr(0, end);
  } else if (auto q = req.param("X-Amz-Credential")) {
    cred = *q;
  } else {
    return {};
  }
  // AKID/date/region/service/aws4_request
  std::array<std::string_view, 5> parts{};
  std::size_t i = 0, start = 0;
  while (i < parts.size()) {
    auto slash = cred.find('/', start);
    parts[i++] = cred.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (i < 4) return {};
  return std::string(parts[2]);
}

}  // namespace hayloft::s3
