#pragma once
// The splitting half of Haystack 1.x's PreProcessor (split(), _split_by_word_respecting_sent_
// boundary, _split_into_units, _concatenate_units, _count_processed_page_breaks), with its page
// counting on '\f'. Pure functions; callable from any thread.
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::consumer {

enum class split_unit { none, word, sentence, passage };

struct text_split {
  std::string text;
  int page = 1;  // 1-based page of the split's start, counting '\f' from the start of the text
};

struct split_result {
  std::vector<text_split> splits;
  int long_sentences = 0;  // sentences with more words than split_length (Haystack warns)
};

// Splits already-cleaned text. `split_length` > 0; for the non-sentence-respecting paths
// `split_overlap` < `split_length` (callers validate; see validate()).
//  - word + respect_sentence_boundary: whole sentences are accumulated while the word count
//    (Python str.split()) stays <= split_length; a sentence longer than split_length becomes a
//    chunk of its own. With split_overlap, the next chunk starts with the trailing sentences of
//    the previous one, taken from the end while fewer than split_overlap words are taken so far
//    (so the last one taken may cross split_overlap), never the chunk's first sentence and never
//    a sentence of split_length words or more.
//  - word: units are text.split(" "), sentence: sentences (joined with ""), passage:
//    text.split("\n\n"); windows of split_length units advancing by split_length-split_overlap
//    (more_itertools.windowed), joined back with the separator; empty windows are dropped.
//  - none: the text as one split.
split_result split_text(std::string_view text, split_unit by, int split_length, int split_overlap,
                        bool respect_sentence_boundary);

}  // namespace hayloft::consumer
