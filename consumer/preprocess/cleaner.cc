#include "consumer/preprocess/cleaner.h"

#include <algorithm>
#include <set>

#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {

std::string clean_whitespace(std::string_view text_in) {
  std::string out;
  out.reserve(text_in.size());
  auto pages = text::split(text_in, "\f");
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (p) out += '\f';
    auto lines = text::splitlines(pages[p]);
    for (std::size_t l = 0; l < lines.size(); ++l) {
      if (l) out += '\n';
      out.append(text::strip(lines[l]));
    }
  }
  return out;
}

std::string clean_empty_lines(std::string_view text_in) {
  std::string out;
  out.reserve(text_in.size());
  for (std::size_t i = 0; i < text_in.size();) {
    if (text_in[i] != '\n') {
      out += text_in[i++];
      continue;
    }
    std::size_t run = 0;
    while (i + run < text_in.size() && text_in[i + run] == '\n') ++run;
    out.append(run >= 3 ? 2 : run, '\n');
    i += run;
  }
  return out;
}

std::string remove_substrings(std::string_view text_in,
                              const std::vector<std::string>& substrings) {
  std::string out(text_in);
  for (const auto& s : substrings) {
    if (!s.empty()) out = text::replace_all(out, s, "");
  }
  return out;
}

namespace {

// Haystack's _ngram: '\n' and '\t' are glued to the following word for splitting, the space
// inserted for that is removed again in the n-gram.
std::set<std::string> all_ngrams(std::string_view seq, std::size_t min_n, std::size_t max_n) {
  std::string spaced = text::replace_all(text::replace_all(seq, "\n", " \n"), "\t", " \t");
  auto words = text::split(spaced, " ");
  std::set<std::string> out;
  for (std::size_t n = min_n; n < max_n; ++n) {
    if (words.size() < n) break;
    for (std::size_t i = 0; i + n <= words.size(); ++i) {
      std::string gram;
      for (std::size_t k = 0; k < n; ++k) {
        if (k) gram += ' ';
        gram.append(words[i + k]);
      }
      out.insert(text::replace_all(text::replace_all(gram, " \n", "\n"), " \t", "\t"));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> longest_common_ngram(const std::vector<std::string_view>& sequences) {
  std::vector<std::string_view> seqs;
  for (auto s : sequences) {
    if (!s.empty()) seqs.push_back(s);
  }
  if (seqs.empty()) return std::nullopt;
  std::set<std::string> common = all_ngrams(seqs[0], 3, 30);
  for (std::size_t i = 1; i < seqs.size() && !common.empty(); ++i) {
    auto grams = all_ngrams(seqs[i], 3, 30);
    std::set<std::string> kept;
    std::set_intersection(common.begin(), common.end(), grams.begin(), grams.end(),
                          std::inserter(kept, kept.end()));
    common = std::move(kept);
  }
  const std::string* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& g : common) {  // sorted, so the first of the longest is the smallest
    auto len = text::length(g);
    if (!best || len > best_len) {
      best = &g;
      best_len = len;
    }
  }
  if (!best || text::strip(*best).empty()) return std::nullopt;
  return *best;
}

std::vector<std::string> remove_header_footer(std::vector<std::string> pages, std::size_t n_chars,
                                              std::size_t first_pages_to_ignore,
                                              std::size_t last_pages_to_ignore) {
  auto middle = [&](auto edge) {
    std::vector<std::string_view> parts;
    if (pages.size() <= first_pages_to_ignore + last_pages_to_ignore) return parts;
    for (std::size_t i = first_pages_to_ignore; i < pages.size() - last_pages_to_ignore; ++i) {
      parts.push_back(edge(std::string_view(pages[i])));
    }
    return parts;
  };
  auto strip_all = [&](const std::string& found) {
    for (auto& p : pages) p = text::replace_all(p, found, "");
  };
  if (auto header = longest_common_ngram(
          middle([&](std::string_view p) { return text::prefix(p, n_chars); }))) {
    strip_all(*header);
  }
  if (auto footer = longest_common_ngram(
          middle([&](std::string_view p) { return text::suffix(p, n_chars); }))) {
    strip_all(*footer);
  }
  return pages;
}

}  // namespace hayloft::consumer
