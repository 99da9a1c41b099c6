#include "consumer/convert/markdown.h"

#include <cctype>
#include <optional>
#include <vector>

#include "consumer/convert/entities.h"

namespace hayloft::consumer {
namespace {

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

bool is_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

// Up to three leading spaces are allowed before block markers.
size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string process_inline(std::string_view s);

// Finds the ']' closing the '[' at s[open], honouring nesting, escapes and code spans.
std::optional<size_t> closing_bracket(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '[') {
      ++depth;
    } else if (s[i] == ']') {
      if (--depth == 0) return i;
    }
  }
  return std::nullopt;
}

// After "](": skips a destination and optional title up to the balancing ')'.
std::optional<size_t> closing_paren(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      if (--depth == 0) return i;
    } else if (s[i] == '\n') {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Tries a link or image at s[i] ('[' or "!["). On success appends its visible text and returns
// the index after it.
std::optional<size_t> try_link(std::string_view s, size_t i, std::string& out) {
  size_t open = s[i] == '!' ? i + 1 : i;
  auto close = closing_bracket(s, open);
  if (!close) return std::nullopt;
  auto text = s.substr(open + 1, *close - open - 1);
  size_t after = *close + 1;
  if (after < s.size() && s[after] == '(') {
    auto end = closing_paren(s, after);
    if (!end) return std::nullopt;
    out += process_inline(text);
    return *end + 1;
  }
  if (after < s.size() && s[after] == '[') {
    auto end = closing_bracket(s, after);
    if (!end) return std::nullopt;
    out += process_inline(text);
    return *end + 1;
  }
  return std::nullopt;
}

// Tries an autolink or an inline HTML tag/comment at s[i] == '<'.
std::optional<size_t> try_angle(std::string_view s, size_t i, std::string& out) {
  if (s.substr(i).starts_with("<!--")) {
    auto end = s.find("-->", i + 4);
    if (end == std::string_view::npos) return std::nullopt;
    return end + 3;
  }
  auto end = s.find('>', i + 1);
  if (end == std::string_view::npos) return std::nullopt;
  auto inner = s.substr(i + 1, end - i - 1);
  if (inner.empty() || inner.find_first_of(" \t\n<") != std::string_view::npos) {
    // A tag with attributes: <a href="x">. Must start like a tag name.
    if (inner.empty() || !(std::isalpha(static_cast<unsigned char>(inner[0])) || inner[0] == '/'))
      return std::nullopt;
    if (inner.find('<') != std::string_view::npos) return std::nullopt;
    return end + 1;
  }
  auto colon = inner.find(':');
  if ((colon != std::string_view::npos && colon > 1 &&
       std::isalpha(static_cast<unsigned char>(inner[0]))) ||
      inner.find('@') != std::string_view::npos) {
    out += inner;  // autolink: the address is the visible text
    return end + 1;
  }
  if (std::isalpha(static_cast<unsigned char>(inner[0])) || inner[0] == '/') return end + 1;
  return std::nullopt;
}

// Emphasis delimiter runs: '*' and "~~" go unless surrounded by spaces on both sides; '_' goes
// only at a word boundary so snake_case survives.
bool drop_delimiter_run(std::string_view s, size_t start, size_t len, char c) {
  char before = start == 0 ? ' ' : s[start - 1];
  char after = start + len >= s.size() ? ' ' : s[start + len];
  bool left_flanking = !is_space(after);
  bool right_flanking = !is_space(before);
  if (!left_flanking && !right_flanking) return false;
  if (c == '_') return !(is_word(before) && is_word(after));
  if (c == '~') return len >= 2;
  return true;
}

std::string process_inline(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && is_punct(s[i + 1])) {
      out += s[i + 1];
      i += 2;
      continue;
    }
    if (c == '`') {
      size_t n = 0;
      while (i + n < s.size() && s[i + n] == '`') ++n;
      std::string_view fence = s.substr(i, n);
      size_t search = i + n;
      std::optional<size_t> close;
      while ((search = s.find(fence, search)) != std::string_view::npos) {
        size_t run = 0;
        while (search + run < s.size() && s[search + run] == '`') ++run;
        if (run == n) {
          close = search;
          break;
        }
        search += run;
      }
      if (!close) {
        out.append(fence);
        i += n;
        continue;
      }
      auto code = s.substr(i + n, *close - i - n);
      if (code.size() >= 2 && code.front() == ' ' && code.back() == ' ' && !is_blank(code)) {
        code = code.substr(1, code.size() - 2);
      }
      out.append(code);
      i = *close + n;
      continue;
    }
    if ((c == '[') || (c == '!' && i + 1 < s.size() && s[i + 1] == '[')) {
      if (auto next = try_link(s, i, out)) {
        i = *next;
        continue;
      }
      out += c;
      ++i;
      continue;
    }
    if (c == '<') {
      if (auto next = try_angle(s, i, out)) {
        i = *next;
        continue;
      }
    }
    if (c == '*' || c == '_' || c == '~') {
      size_t n = 0;
      while (i + n < s.size() && s[i + n] == c) ++n;
      if (!drop_delimiter_run(s, i, n, c)) out.append(s.substr(i, n));
      i += n;
      continue;
    }
    out += c;
    ++i;
  }
  return decode_entities(out);
}

struct fence {
  char ch;
  size_t len;
};

std::optional<fence> fence_open(std::string_view line) {
  size_t ind = indent_of(line);
  if (ind > 3) return std::nullopt;
  auto rest = line.substr(ind);
  if (rest.empty() || (rest[0] != '`' && rest[0] != '~')) return std::nullopt;
  size_t n = 0;
  while (n < rest.size() && rest[n] == rest[0]) ++n;
  if (n < 3) return std::nullopt;
  if (rest[0] == '`' && rest.substr(n).find('`') != std::string_view::npos) return std::nullopt;
  return fence{rest[0], n};
}

bool fence_close(std::string_view line, const fence& f) {
  size_t ind = indent_of(line);
  if (ind > 3) return false;
  auto rest = line.substr(ind);
  size_t n = 0;
  while (n < rest.size() && rest[n] == f.ch) ++n;
  return n >= f.len && is_blank(rest.substr(n));
}

// "---", "***", "___" (three or more, spaces allowed between).
bool thematic_break(std::string_view line) {
  if (indent_of(line) > 3) return false;
  auto t = trim(line);
  if (t.empty() || (t[0] != '-' && t[0] != '*' && t[0] != '_')) return false;
  size_t count = 0;
  for (char c : t) {
    if (c == t[0])
      ++count;
    else if (c != ' ' && c != '\t')
      return false;
  }
  return count >= 3;
}

// "===" or "---" under a paragraph line.
bool setext_underline(std::string_view line) {
  if (indent_of(line) > 3) return false;
  auto t = trim(line);
  if (t.empty() || (t[0] != '=' && t[0] != '-')) return false;
  for (char c : t) {
    if (c != t[0]) return false;
  }
  return true;
}

bool reference_definition(std::string_view line) {
  if (indent_of(line) > 3) return false;
  auto t = trim(line);
  if (t.empty() || t[0] != '[') return false;
  auto close = t.find("]:");
  return close != std::string_view::npos && close > 1 && !trim(t.substr(close + 2)).empty();
}

// "# Title ##" -> "Title"; nullopt if not an ATX heading.
std::optional<std::string_view> atx_heading(std::string_view line) {
  if (indent_of(line) > 3) return std::nullopt;
  auto t = line.substr(indent_of(line));
  size_t n = 0;
  while (n < t.size() && t[n] == '#') ++n;
  if (n == 0 || n > 6 || (n < t.size() && t[n] != ' ' && t[n] != '\t')) return std::nullopt;
  auto content = trim(t.substr(n));
  size_t end = content.size();
  while (end > 0 && content[end - 1] == '#') --end;
  if (end == 0 || content[end - 1] == ' ' || content[end - 1] == '\t')
    content = trim(content.substr(0, end));
  return content;
}

// Removes "> " quote markers, then a list marker ("- ", "* ", "+ ", "1. ", "1) ") and a task box.
// Sets `list_item` when a marker was removed.
std::string_view strip_containers(std::string_view line, bool& list_item) {
  list_item = false;
  for (;;) {
    size_t ind = indent_of(line);
    if (ind <= 3 && ind < line.size() && line[ind] == '>') {
      line.remove_prefix(ind + 1);
      if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      continue;
    }
    break;
  }
  size_t ind = 0;
  while (ind < line.size() && (line[ind] == ' ' || line[ind] == '\t')) ++ind;
  auto rest = line.substr(ind);
  size_t marker = 0;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+')) {
    marker = 1;
  } else {
    while (marker < rest.size() && marker < 9 &&
           std::isdigit(static_cast<unsigned char>(rest[marker])))
      ++marker;
    if (marker == 0 || marker >= rest.size() || (rest[marker] != '.' && rest[marker] != ')')) {
      marker = 0;
    } else {
      ++marker;
    }
  }
  if (marker > 0 && marker < rest.size() && (rest[marker] == ' ' || rest[marker] == '\t')) {
    list_item = true;
    rest = rest.substr(marker + 1);
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (rest.starts_with("[ ] ") || rest.starts_with("[x] ") || rest.starts_with("[X] ")) {
      rest.remove_prefix(4);
    }
    return rest;
  }
  return line;
}

bool table_separator(std::string_view t) {
  if (t.find('|') == std::string_view::npos || t.find('-') == std::string_view::npos) return false;
  for (char c : t) {
    if (c != '|' && c != '-' && c != ':' && c != ' ' && c != '\t') return false;
  }
  return true;
}

// "| a | b |" -> "a\tb" (escaped pipes stay in the cell).
std::string table_row(std::string_view t) {
  if (t.starts_with('|')) t.remove_prefix(1);
  if (t.ends_with('|') && !t.ends_with("\\|")) t.remove_suffix(1);
  std::string out;
  std::string cell;
  auto flush = [&] {
    if (!out.empty()) out += '\t';
    out += process_inline(trim(cell));
    cell.clear();
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == '|') {
      cell += "\\|";
      ++i;
    } else if (t[i] == '|') {
      flush();
    } else {
      cell += t[i];
    }
  }
  flush();
  return out;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= s.size()) {
    auto nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < s.size()) lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

size_t front_matter_end(const std::vector<std::string_view>& lines) {
  if (lines.empty() || trim(lines[0]) != "---") return 0;
  for (size_t i = 1; i < lines.size() && i < 200; ++i) {
    auto t = trim(lines[i]);
    if (t == "---" || t == "...") return i + 1;
  }
  return 0;
}

}  // namespace

std::string markdown_to_text(std::string_view utf8) {
  auto lines = split_lines(utf8);
  std::vector<std::string> out;
  std::optional<fence> in_fence;
  bool prev_paragraph = false;  // the previous line was paragraph text (setext candidate)
  bool in_list = false;         // indented lines continue a list item, not a code block
  bool prev_blank = true;

  bool in_comment = false;  // inside a multi-line <!-- ... --> block
  std::string joined;       // a line with a comment removed, kept alive for `line`
  for (size_t i = front_matter_end(lines); i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!in_fence) {
      if (in_comment) {
        auto close = line.find("-->");
        if (close == std::string_view::npos) continue;
        line.remove_prefix(close + 3);
        in_comment = false;
        if (is_blank(line)) continue;
      }
      auto open = line.rfind("<!--");
      if (open != std::string_view::npos && line.find("-->", open + 4) == std::string_view::npos) {
        in_comment = true;
        joined.assign(line.substr(0, open));
        line = joined;
        if (is_blank(line)) continue;
      }
    }
    if (in_fence) {
      if (fence_close(line, *in_fence)) {
        in_fence.reset();
      } else {
        out.emplace_back(line);
      }
      continue;
    }
    if (auto f = fence_open(line)) {
      in_fence = f;
      prev_paragraph = false;
      prev_blank = false;
      continue;
    }
    if (is_blank(line)) {
      out.emplace_back();
      prev_paragraph = false;
      prev_blank = true;
      continue;
    }
    bool indented = line.starts_with("    ") || line.starts_with('\t');
    if (indented && !in_list && (prev_blank || !prev_paragraph)) {
      out.emplace_back(line.substr(line[0] == '\t' ? 1 : 4));  // indented code: verbatim
      prev_blank = false;
      prev_paragraph = false;
      continue;
    }
    const bool after_blank = prev_blank;
    prev_blank = false;
    if (prev_paragraph && setext_underline(line)) {
      prev_paragraph = false;
      continue;
    }
    if (thematic_break(line)) {
      out.emplace_back();
      prev_paragraph = false;
      in_list = false;
      continue;
    }
    if (reference_definition(line)) continue;
    if (auto heading = atx_heading(line)) {
      out.push_back(process_inline(*heading));
      prev_paragraph = false;
      in_list = false;
      continue;
    }
    bool list_item = false;
    auto content = strip_containers(line, list_item);
    if (list_item) {
      in_list = true;
    } else if (!indented && after_blank) {
      in_list = false;  // a new unindented paragraph ends the list
    }
    auto t = trim(content);
    if (table_separator(t)) {
      prev_paragraph = false;
      continue;
    }
    std::string text;
    if (t.starts_with('|') && t.size() > 1) {
      text = table_row(t);
    } else {
      std::string_view body = t;
      if (body.ends_with('\\')) body.remove_suffix(1);  // hard line break marker
      text = process_inline(trim(body));
    }
    out.push_back(std::move(text));
    prev_paragraph = true;
  }

  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '\n';
    result += out[i];
  }
  return result;
}

}  // namespace hayloft::consumer
