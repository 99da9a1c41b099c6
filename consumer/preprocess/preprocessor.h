#pragma once
// Haystack 1.x PreProcessor for hayloft: clean, then split converted documents into chunks.
// Pure function of its arguments; callable from any pipeline pool thread.
#include <span>
#include <string>
#include <vector>

#include "consumer/convert/document.h"
#include "consumer/preprocess/errc.h"
#include "consumer/preprocess/splitter.h"
#include "emulator/core/result.h"

namespace hayloft::consumer {

// The PreProcessor parameters. The defaults are hayloft's (DESIGN.md: split_by word, length
// 250, overlap 20, sentence boundaries respected); haystack_defaults() gives Haystack's
// constructor defaults, which apply to parameters a pipeline YAML leaves out.
struct preprocessor_config {
  bool clean_whitespace = true;
  bool clean_header_footer = false;
  bool clean_empty_lines = true;
  std::vector<std::string> remove_substrings;
  split_unit split_by = split_unit::word;
  int split_length = 250;
  int split_overlap = 20;
  bool split_respect_sentence_boundary = true;
  std::string language = "en";   // only English sentence rules exist; kept for reporting
  bool add_page_number = false;  // set meta.page from '\f' counting when the source has none
};

// Haystack 1.15's PreProcessor() defaults: split_length 200, split_overlap 0, the rest as above.
preprocessor_config haystack_defaults();

// Rejects what Haystack rejects: split_length < 1 when splitting ("split_length needs be set"),
// split_respect_sentence_boundary with split_by other than word ("only compatible with
// split_by='word'"), negative overlap, and split_overlap >= split_length on the windowed paths
// (more_itertools.windowed raises there).
result<void> validate(const preprocessor_config& config);

struct chunk {
  std::string text;
  doc_meta meta;        // member and content type of the source; page as described below
  int split_id = 0;     // Haystack's meta["_split_id"]: index among the splits of one source doc
  int chunk_index = 0;  // index among all chunks of this preprocess() call (one object)
};

struct preprocess_output {
  std::vector<chunk> chunks;
  int long_sentences = 0;  // sentences longer than split_length, each a chunk of its own
};

// Cleans each document (header/footer first when enabled, across the pages of one PDF, i.e. a
// run of consecutive docs with the same member and page numbers; then whitespace, empty lines,
// substrings), splits it, and numbers the chunks. A chunk's meta.page is the source page plus
// the '\f' page breaks before the chunk's start when the source has a page; else that 1-based
// count if add_page_number; else empty. Chunks keep Haystack's text exactly (trailing spaces of
// sentences included, whitespace-only chunks not dropped). Logs one warning per call when a
// sentence is longer than split_length. Errors: invalid_config from validate().
result<preprocess_output> preprocess(std::span<const converted_doc> docs,
                                     const preprocessor_config& config);

// Cleaning steps of one text, in Haystack's order (without header/footer removal).
std::string clean_text(std::string_view text, const preprocessor_config& config);

}  // namespace hayloft::consumer
