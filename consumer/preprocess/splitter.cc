#include "consumer/preprocess/splitter.h"

#include <algorithm>

#include "consumer/preprocess/sentence_splitter.h"
#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {
namespace {

int count_form_feeds(std::string_view s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\f'));
}

std::string join(const std::vector<std::string_view>& parts, std::size_t begin, std::size_t end,
                 std::string_view sep) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) out.append(sep);
    out.append(parts[i]);
  }
  return out;
}

// Haystack's _count_processed_page_breaks.
int processed_page_breaks(const std::vector<std::string_view>& processed, int split_overlap,
                          const std::vector<std::string_view>& overlapping,
                          std::string_view current) {
  int breaks = 0;
  for (auto s : processed) breaks += count_form_feeds(s);
  if (!processed.empty() && processed.front().starts_with('\f')) --breaks;
  if (split_overlap && !overlapping.empty()) {
    if (overlapping.front().starts_with('\f')) ++breaks;
  } else if (current.starts_with('\f')) {
    ++breaks;
  }
  return breaks;
}

split_result split_respecting_sentences(std::string_view text_in, int split_length,
                                        int split_overlap) {
  split_result out;
  const auto sentences = split_sentences(text_in);
  std::vector<std::string_view> slice;
  int words_in_slice = 0;
  int page = 1;
  auto emit = [&](const std::vector<std::string_view>& s, int at_page) {
    std::string joined = join(s, 0, s.size(), "");
    if (!joined.empty()) out.splits.push_back({std::move(joined), at_page});
  };

  for (auto sentence : sentences) {
    const int words = static_cast<int>(text::count_words(sentence));
    if (words > split_length) ++out.long_sentences;
    if (words_in_slice + words > split_length) {
      if (!slice.empty()) emit(slice, page);
      std::vector<std::string_view> processed;
      if (split_overlap) {
        // Haystack's _get_overlap_from_slice: trailing sentences, never the first one.
        std::vector<std::string_view> overlap;
        int overlap_words = 0;
        std::size_t keep = slice.size();
        for (std::size_t idx = slice.size(); idx-- > 1;) {
          const int len = static_cast<int>(text::count_words(slice[idx]));
          if (overlap_words < split_overlap && len < split_length) {
            overlap.push_back(slice[idx]);
            overlap_words += len;
            keep = idx;
          } else {
            break;
          }
        }
        processed.assign(slice.begin(), slice.begin() + static_cast<std::ptrdiff_t>(keep));
        slice.assign(overlap.rbegin(), overlap.rend());
        words_in_slice = overlap_words;
      } else {
        processed = std::move(slice);
        slice.clear();
        words_in_slice = 0;
      }
      page += processed_page_breaks(processed, split_overlap, slice, sentence);
    }
    slice.push_back(sentence);
    words_in_slice += words;
  }
  if (!slice.empty()) emit(slice, page);
  return out;
}

// more_itertools.windowed(elements, n, step) with the None padding dropped, then joined; the
// page advances by the form feeds in the units a window moves past (_concatenate_units).
split_result concatenate_units(const std::vector<std::string_view>& units, std::string_view sep,
                               int split_length, int split_overlap) {
  split_result out;
  const std::size_t n = static_cast<std::size_t>(split_length);
  const std::size_t step = static_cast<std::size_t>(split_length - split_overlap);
  int page = 1;
  for (std::size_t start = 0; start < units.size(); start += step) {
    const std::size_t end = std::min(units.size(), start + n);
    std::string joined = join(units, start, end, sep);
    if (!joined.empty()) {
      out.splits.push_back({std::move(joined), page});
      const std::size_t processed_end = std::min(end, start + step);
      for (std::size_t k = start; k < processed_end; ++k) page += count_form_feeds(units[k]);
    }
    if (end == units.size()) break;  // the last window reached the end: no further windows
  }
  return out;
}

}  // namespace

split_result split_text(std::string_view text_in, split_unit by, int split_length,
                        int split_overlap, bool respect_sentence_boundary) {
  switch (by) {
    case split_unit::none: {
      split_result out;
      out.splits.push_back({std::string(text_in), 1});
      return out;
    }
    case split_unit::word:
      if (respect_sentence_boundary) {
        return split_respecting_sentences(text_in, split_length, split_overlap);
      }
      return concatenate_units(text::split(text_in, " "), " ", split_length, split_overlap);
    case split_unit::sentence:
      return concatenate_units(split_sentences(text_in), "", split_length, split_overlap);
    case split_unit::passage:
      return concatenate_units(text::split(text_in, "\n\n"), "\n\n", split_length, split_overlap);
  }
  return {};
}

}  // namespace hayloft::consumer
