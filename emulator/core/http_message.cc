#include "emulator/core/http_message.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace hayloft::core {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::optional<std::string_view> header_map::get(std::string_view name) const {
  for (const auto& [k, v] : entries_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::string_view header_map::value_or(std::string_view name, std::string_view fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

void header_map::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void header_map::erase(std::string_view name) {
  std::erase_if(entries_, [&](const entry& e) { return iequals(e.first, name); });
}

temp_file& temp_file::operator=(temp_file&& o) noexcept {
  if (this != &o) {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
    path_ = std::exchange(o.path_, {});
  }
  return *this;
}

temp_file::~temp_file() {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

std::optional<std::string_view> request::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string request::body_text() const {
  if (!body_in_file()) return body;
  std::ifstream in(body_file.path(), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool url_decode(std::string_view in, std::string& out, bool plus_as_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hexval(in[i + 1]), lo = hexval(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string url_encode(std::string_view in, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (unsigned char c : in) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

bool parse_query(std::string_view in, query_params& out, bool form) {
  std::size_t pos = 0;
  while (pos <= in.size()) {
    auto amp = in.find('&', pos);
    if (amp == std::string_view::npos) amp = in.size();
    auto part = in.substr(pos, amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string k, v;
      if (!url_decode(part.substr(0, eq), k, true)) return false;
      if (eq != std::string_view::npos && !url_decode(part.substr(eq + 1), v, true)) return false;
      (void)form;
      out.emplace_back(std::move(k), std::move(v));
    }
    pos = amp + 1;
  }
  return true;
}

bool parse_target(std::string_view target, request& req) {
  req.target = std::string(target);
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  // Absolute-form targets ("http://host/path") are legal HTTP/1.1.
  if (path.starts_with("http://") || path.starts_with("https://")) {
    auto slash = path.find('/', path.find("//") + 2);
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  req.raw_path = std::string(path);
  req.raw_query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  if (!url_decode(req.raw_path, req.path, false)) return false;
  req.query.clear();
  return parse_query(req.raw_query, req.query, false);
}

}  // namespace hayloft::core
