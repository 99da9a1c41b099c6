#pragma once
// Rule-based English sentence splitter standing in for NLTK's punkt (which Haystack's
// PreProcessor uses with a patched period-context regex so that no whitespace is lost).
// Pure function; callable from any thread.
#include <string_view>
#include <vector>

namespace hayloft::consumer {

// Splits `text` into sentences that concatenate back to `text` exactly: the whitespace after a
// sentence belongs to that sentence (as in Haystack's patched punkt), leading whitespace to the
// first one. Rules:
//  - a candidate end is a run of '.', '?' or '!', optionally followed by closing quotes or
//    brackets (" ' ) ] } ” ’ »), then whitespace; text running to the end is the last sentence;
//  - '?' and '!' always end a sentence; newlines alone never do (as punkt);
//  - a single '.' ends a sentence unless the word before it is
//      * a title-like abbreviation (Mr, Mrs, Dr, Prof, St, Gen, e.g., i.e., cf, vs, ...),
//      * another known abbreviation (etc, Inc, Ltd, Jan, a.m., U.S., No, Fig, Vol, ...) or a
//        dotted acronym and the next word does not start with a capital letter,
//      * a single letter (an initial: "J. R. R. Tolkien"),
//      * a number and the next word starts in lower case ("see fig 3. below");
//  - an ellipsis ("..", "...") ends a sentence only before a capitalised word.
// Deviation from punkt: no statistics learnt from a corpus, so unknown abbreviations followed by
// a capitalised word split, and "end.Next" (no space) never splits.
std::vector<std::string_view> split_sentences(std::string_view text);

}  // namespace hayloft::consumer
