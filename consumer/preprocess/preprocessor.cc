#include "consumer/preprocess/preprocessor.h"

#include <spdlog/spdlog.h>

#include "consumer/preprocess/cleaner.h"
#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {
namespace {

error invalid(std::string why) {
  return {make_error_code(preprocess_errc::invalid_config), std::move(why)};
}

bool same_pdf_run(const converted_doc& a, const converted_doc& b) {
  return a.meta.page && b.meta.page && a.meta.member == b.meta.member &&
         a.meta.content_type == b.meta.content_type;
}

std::vector<std::string> split_pages(std::string_view text_in) {
  std::vector<std::string> pages;
  for (auto p : text::split(text_in, "\f")) pages.emplace_back(p);
  return pages;
}

std::string join_pages(const std::vector<std::string>& pages) {
  std::string out;
  for (std::size_t k = 0; k < pages.size(); ++k) {
    if (k) out += '\f';
    out += pages[k];
  }
  return out;
}

// Header/footer removal over the pages of each PDF (runs of consecutive paged docs of one
// member), or over the '\f'-separated pages of a single doc.
std::vector<std::string> without_headers_footers(std::span<const converted_doc> docs) {
  std::vector<std::string> texts;
  texts.reserve(docs.size());
  for (std::size_t i = 0; i < docs.size();) {
    std::size_t end = i + 1;
    while (end < docs.size() && same_pdf_run(docs[i], docs[end])) ++end;
    if (end - i > 1) {
      std::vector<std::string> pages;
      for (std::size_t k = i; k < end; ++k) pages.push_back(docs[k].text);
      for (auto& p : remove_header_footer(std::move(pages))) texts.push_back(std::move(p));
    } else {
      texts.push_back(join_pages(remove_header_footer(split_pages(docs[i].text))));
    }
    i = end;
  }
  return texts;
}

}  // namespace

preprocessor_config haystack_defaults() {
  preprocessor_config c;
  c.split_length = 200;
  c.split_overlap = 0;
  return c;
}

result<void> validate(const preprocessor_config& c) {
  if (c.split_by == split_unit::none) return {};
  if (c.split_length < 1) return invalid("split_length needs be set (>= 1) when using split_by");
  if (c.split_overlap < 0) return invalid("split_overlap must not be negative");
  if (c.split_respect_sentence_boundary && c.split_by != split_unit::word) {
    return invalid("split_respect_sentence_boundary=True is only compatible with split_by='word'");
  }
  if (!c.split_respect_sentence_boundary && c.split_overlap >= c.split_length) {
    return invalid("split_overlap (" + std::to_string(c.split_overlap) +
                   ") must be smaller than split_length (" + std::to_string(c.split_length) + ")");
  }
  return {};
}

std::string clean_text(std::string_view text_in, const preprocessor_config& c) {
  std::string out(text_in);
  if (c.clean_whitespace) out = clean_whitespace(out);
  if (c.clean_empty_lines) out = clean_empty_lines(out);
  if (!c.remove_substrings.empty()) out = remove_substrings(out, c.remove_substrings);
  return out;
}

result<preprocess_output> preprocess(std::span<const converted_doc> docs,
                                     const preprocessor_config& c) {
  HAYLOFT_TRY(validate(c));
  preprocess_output out;
  std::vector<std::string> texts;
  if (c.clean_header_footer) texts = without_headers_footers(docs);

  for (std::size_t d = 0; d < docs.size(); ++d) {
    const converted_doc& doc = docs[d];
    std::string cleaned = clean_text(c.clean_header_footer ? texts[d] : doc.text, c);
    auto split = split_text(cleaned, c.split_by, c.split_length, c.split_overlap,
                            c.split_respect_sentence_boundary);
    out.long_sentences += split.long_sentences;
    int split_id = 0;
    for (auto& s : split.splits) {
      chunk ch;
      ch.text = std::move(s.text);
      ch.meta = doc.meta;
      if (doc.meta.page) {
        ch.meta.page = *doc.meta.page + s.page - 1;
      } else if (c.add_page_number) {
        ch.meta.page = s.page;
      }
      ch.split_id = split_id++;
      ch.chunk_index = static_cast<int>(out.chunks.size());
      out.chunks.push_back(std::move(ch));
    }
  }
  if (out.long_sentences > 0) {
    spdlog::warn(
        "preprocess: {} sentence(s) longer than split_length {} became chunks of their own",
        out.long_sentences, c.split_length);
  }
  return out;
}

}  // namespace hayloft::consumer
