#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer::text {

char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  len = 1;
  if (c < 0x80) return c;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0xFFFD;
  char32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  len = n;
  return cp;
}

std::size_t space_at(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) ? 1 : 0;
  std::size_t len = 0;
  char32_t cp = decode_at(s, i, len);
  bool space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
               cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  return space ? len : 0;
}

std::string_view strip(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    auto n = space_at(s, begin);
    if (n == 0) break;
    begin += n;
  }
  // Scan forward to find the end of the last non-space character (UTF-8 cannot be walked
  // backwards by byte value alone without care, so remember the last non-space end).
  std::size_t end = begin;
  for (std::size_t i = begin; i < s.size();) {
    auto n = space_at(s, i);
    if (n) {
      i += n;
    } else {
      std::size_t len = 0;
      decode_at(s, i, len);
      i += len;
      end = i;
    }
  }
  return s.substr(begin, end - begin);
}

std::size_t count_words(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size();) {
    auto n = space_at(s, i);
    if (n) {
      in_word = false;
      i += n;
    } else {
      if (!in_word) ++words;
      in_word = true;
      ++i;
    }
  }
  return words;
}

std::vector<std::string_view> splitlines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t brk = 0;
    if (c == '\r') {
      brk = (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    } else if (c == '\n' || c == '\v' || c == '\f' || c == 0x1C || c == 0x1D || c == 0x1E) {
      brk = 1;
    } else if (c >= 0x80) {
      std::size_t len = 0;
      char32_t cp = decode_at(s, i, len);
      if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        brk = len;
      else {
        i += len;
        continue;
      }
    }
    if (brk) {
      lines.push_back(s.substr(start, i - start));
      i += brk;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + sep.size();
  }
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(from, start);
    if (pos == std::string_view::npos) {
      out.append(s.substr(start));
      return out;
    }
    out.append(s.substr(start, pos - start));
    out.append(to);
    start = pos + from.size();
  }
}

std::size_t length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view prefix(std::string_view s, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) return s.substr(0, i);
      ++count;
    }
  }
  return s;
}

std::string_view suffix(std::string_view s, std::size_t n) {
  std::size_t total = length(s);
  if (total <= n) return s;
  std::size_t skip = total - n, count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == skip) return s.substr(i);
      ++count;
    }
  }
  return {};
}

}  // namespace hayloft::consumer::text
