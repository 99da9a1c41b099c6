#include "s3/api/aws_chunked.h"

namespace hayloft::s3 {
namespace {
// A size line is at most 15 hex digits, ";chunk-signature=" and 64 hex digits (about 100 bytes);
// a trailer line is a checksum or trailer-signature header. Both bounds are generous.
constexpr std::size_t max_size_line = 256;
constexpr std::size_t max_trailer_line = 4096;
constexpr std::size_t max_trailer = 16384;
constexpr std::string_view signature_ext = "chunk-signature=";

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool is_aws_chunked(const core::header_map& headers) {
  if (auto sha = headers.get("x-amz-content-sha256"); sha && sha->starts_with("STREAMING-")) return true;
  if (auto enc = headers.get("content-encoding")) {
    std::size_t pos = 0;
    while (pos <= enc->size()) {
      auto comma = enc->find(',', pos);
      auto item = trim(enc->substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
      if (core::iequals(item, "aws-chunked")) return true;
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  return false;
}

bool aws_chunked_decoder::end_size_line() {
  std::string_view l = trim(line_);
  auto semi = l.find(';');
  auto hex = trim(l.substr(0, semi));
  if (hex.empty() || hex.size() > 15) return false;
  if (semi != std::string_view::npos) {
    // The one extension aws-chunked defines: a SHA-256 HMAC in lowercase hex.
    auto ext = trim(l.substr(semi + 1));
    if (!ext.starts_with(signature_ext)) return false;
    auto sig = ext.substr(signature_ext.size());
    if (sig.size() != 64 || !is_lower_hex(sig)) return false;
  }
  std::uint64_t n = 0;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return false;
    n = n * 16 + static_cast<std::uint64_t>(v);
  }
  line_.clear();
  if (n == 0) {
    state_ = state::trailer;
    return true;
  }
  remaining_ = n;
  state_ = state::data;
  return true;
}

bool aws_chunked_decoder::end_trailer_line() {
  std::string_view l = trim(line_);
  if (l.empty()) {
    state_ = state::done;
    return true;
  }
  auto colon = l.find(':');
  if (colon == std::string_view::npos) return false;
  trailers_.emplace_back(core::to_lower(trim(l.substr(0, colon))), std::string(trim(l.substr(colon + 1))));
  line_.clear();
  return true;
}

bool aws_chunked_decoder::feed(std::string_view in, const sink& out) {
  std::size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case state::failed: return false;
      case state::done:
        // Only whitespace may follow the end of the stream.
        for (; i < in.size(); ++i)
          if (in[i] != '\r' && in[i] != '\n') {
            state_ = state::failed;
            return false;
          }
        return true;
      case state::size_line:
      case state::trailer: {
        auto nl = in.find('\n', i);
        auto end = nl == std::string_view::npos ? in.size() : nl;
        line_.append(in.substr(i, end - i));
        if (state_ == state::trailer) trailer_bytes_ += end - i;
        if (line_.size() > (state_ == state::size_line ? max_size_line : max_trailer_line) ||
            trailer_bytes_ > max_trailer) {
          state_ = state::failed;
          return false;
        }
        if (nl == std::string_view::npos) return true;
        i = nl + 1;
        bool ok = state_ == state::size_line ? end_size_line() : end_trailer_line();
        if (!ok) {
          state_ = state::failed;
          return false;
        }
        break;
      }
      case state::data: {
        auto n = std::min<std::uint64_t>(remaining_, in.size() - i);
        out(in.substr(i, static_cast<std::size_t>(n)));
        decoded_ += n;
        remaining_ -= n;
        i += static_cast<std::size_t>(n);
        if (remaining_ == 0) {
          state_ = state::data_crlf;
          crlf_seen_ = 0;
        }
        break;
      }
      case state::data_crlf: {
        char want = crlf_seen_ == 0 ? '\r' : '\n';
        if (in[i] != want) {
          state_ = state::failed;
          return false;
        }
        ++i;
        if (++crlf_seen_ == 2) state_ = state::size_line;
        break;
      }
    }
  }
  return state_ != state::failed;
}

bool aws_chunked_decoder::finish() const {
  // Some clients end the trailer section without the final empty line.
  return state_ == state::done || (state_ == state::trailer && line_.empty());
}

std::optional<std::string_view> aws_chunked_decoder::trailer(std::string_view name) const {
  for (const auto& [k, v] : trailers_)
    if (core::iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

}  // namespace hayloft::s3
