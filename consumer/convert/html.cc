#include "consumer/convert/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "consumer/convert/errc.h"
#include "consumer/convert/text_decode.h"

namespace hayloft::consumer {
namespace {

void init_libxml_once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

struct doc_closer {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The charset named by a <meta charset=...> or <meta http-equiv ... content="...charset=...">
// in the first 2 KiB, or "" if none.
std::string declared_charset(std::string_view bytes) {
  auto head = lower(bytes.substr(0, 2048));
  for (size_t pos = head.find("<meta"); pos != std::string::npos;
       pos = head.find("<meta", pos + 5)) {
    auto end = head.find('>', pos);
    if (end == std::string::npos) break;
    auto tag = std::string_view(head).substr(pos, end - pos);
    auto cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    size_t i = cs + 7;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '=' || tag[i] == '"' || tag[i] == '\''))
      ++i;
    size_t j = i;
    while (j < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[j])) || tag[j] == '-' ||
                              tag[j] == '_' || tag[j] == '.' || tag[j] == ':'))
      ++j;
    if (j > i) return std::string(tag.substr(i, j - i));
  }
  return {};
}

enum class block { none, line, paragraph };

block block_kind(std::string_view name) {
  static const char* const paragraph[] = {"p",  "h1",  "h2",         "h3",     "h4",     "h5",
                                          "h6", "pre", "blockquote", "table",  "ul",     "ol",
                                          "dl", "hr",  "title",      "figure", "address"};
  static const char* const line[] = {
      "div",     "li",      "tr",         "dt",     "dd",     "section",  "article", "header",
      "footer",  "nav",     "aside",      "main",   "form",   "fieldset", "legend",  "details",
      "summary", "caption", "figcaption", "center", "body",   "html",     "tbody",   "thead",
      "tfoot",   "option",  "hgroup",     "menu",   "dialog", "noframes"};
  for (auto* p : paragraph) {
    if (name == p) return block::paragraph;
  }
  for (auto* l : line) {
    if (name == l) return block::line;
  }
  return block::none;
}

bool skipped_element(std::string_view name) {
  static const char* const skipped[] = {"script", "style",  "noscript", "template", "svg",
                                        "iframe", "object", "embed",    "canvas",   "math"};
  return std::any_of(std::begin(skipped), std::end(skipped),
                     [&](const char* s) { return name == s; });
}

class text_builder {
 public:
  void request_break(int newlines) { pending_newlines_ = std::max(pending_newlines_, newlines); }
  void line_break() { pending_newlines_ = std::min(2, pending_newlines_ + 1); }
  void request_tab() { pending_tab_ = true; }

  void text(std::string_view s, bool verbatim) {
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      bool nbsp = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0;
      if (verbatim) {
        flush();
        if (nbsp) {
          out_ += ' ';
          ++i;
        } else {
          out_ += static_cast<char>(c);
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || nbsp) {
        pending_space_ = true;
        if (nbsp) ++i;
        continue;
      }
      flush();
      out_ += static_cast<char>(c);
    }
  }

  std::string finish() {
    // Trailing spaces on each line and blank lines at either end go.
    std::string cleaned;
    size_t start = 0;
    while (start <= out_.size()) {
      auto nl = out_.find('\n', start);
      auto line = std::string_view(out_).substr(
          start, nl == std::string::npos ? std::string::npos : nl - start);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      cleaned.append(line);
      if (nl == std::string::npos) break;
      cleaned += '\n';
      start = nl + 1;
    }
    while (!cleaned.empty() && cleaned.back() == '\n') cleaned.pop_back();
    return cleaned;
  }

 private:
  void flush() {
    if (out_.empty()) {
      pending_newlines_ = 0;
      pending_space_ = pending_tab_ = false;
      return;
    }
    if (pending_newlines_ > 0) {
      out_.append(static_cast<size_t>(pending_newlines_), '\n');
    } else if (pending_tab_) {
      out_ += '\t';
    } else if (pending_space_ && out_.back() != '\n') {
      out_ += ' ';
    }
    pending_newlines_ = 0;
    pending_space_ = pending_tab_ = false;
  }

  std::string out_;
  int pending_newlines_ = 0;
  bool pending_space_ = false;
  bool pending_tab_ = false;
};

std::string_view node_name(const xmlNode* n) {
  return n->name ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view();
}

bool previous_cell(const xmlNode* n) {
  for (const xmlNode* p = n->prev; p; p = p->prev) {
    if (p->type != XML_ELEMENT_NODE) continue;
    auto name = node_name(p);
    return name == "td" || name == "th";
  }
  return false;
}

// Iterative walk (documents can nest deeply); `exit` entries close elements.
void walk(const xmlNode* root, text_builder& out) {
  struct frame {
    const xmlNode* node;
    bool exit;
    bool pre;
  };
  std::vector<frame> stack{{root, false, false}};
  while (!stack.empty()) {
    frame f = stack.back();
    stack.pop_back();
    const xmlNode* n = f.node;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out.text(reinterpret_cast<const char*>(n->content), f.pre);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    auto name = node_name(n);
    auto kind = block_kind(name);
    if (f.exit) {
      if (kind != block::none) out.request_break(kind == block::paragraph ? 2 : 1);
      continue;
    }
    if (skipped_element(name) || xmlHasProp(n, reinterpret_cast<const xmlChar*>("hidden")))
      continue;
    if (name == "br") {
      out.line_break();
      continue;
    }
    if ((name == "td" || name == "th") && previous_cell(n)) out.request_tab();
    if (kind != block::none) out.request_break(kind == block::paragraph ? 2 : 1);
    bool pre = f.pre || name == "pre" || name == "textarea" || name == "listing";
    stack.push_back({n, true, f.pre});
    std::vector<const xmlNode*> children;
    for (const xmlNode* c = n->children; c; c = c->next) children.push_back(c);
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      stack.push_back({*it, false, pre});
  }
}

}  // namespace

result<std::string> html_to_text(std::string_view bytes) {
  auto charset = declared_charset(bytes);
  auto decoded = decode_text(bytes, decode_options{charset, true});
  if (!decoded) return decoded.err();
  const std::string& utf8 = decoded->text;
  if (utf8.empty()) return std::string();
  if (utf8.size() > static_cast<size_t>(INT_MAX)) {
    return error{make_error_code(convert_errc::input_too_large), "html larger than 2 GiB"};
  }
  init_libxml_once();
  std::unique_ptr<xmlDoc, doc_closer> doc(
      htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                         HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC));
  if (!doc) return std::string();
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return std::string();
  text_builder out;
  walk(root, out);
  return out.finish();
}

}  // namespace hayloft::consumer
