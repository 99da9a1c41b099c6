#include "consumer/preprocess/sentence_splitter.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "consumer/preprocess/text_utils.h"

namespace hayloft::consumer {
namespace {

// Never end a sentence: these precede a name or an example.
constexpr std::array<std::string_view, 30> kTitleAbbreviations = {
    "mr",   "mrs",  "ms",   "mx",  "dr",  "prof", "rev", "hon", "st",  "gen",
    "col",  "lt",   "capt", "sgt", "maj", "cmdr", "adm", "gov", "sen", "rep",
    "pres", "supt", "insp", "vs",  "e.g", "eg",   "i.e", "ie",  "cf",  "viz"};

// End a sentence only before a capitalised word ("No. 5" and "etc. and" continue, "I said
// no. We left." ends).
constexpr std::array<std::string_view, 68> kOtherAbbreviations = {
    "etc",  "inc",  "ltd",  "co",   "corp", "llc", "plc",    "jr",   "sr",  "bros", "u.s",  "u.k",
    "a.m",  "p.m",  "jan",  "feb",  "mar",  "apr", "jun",    "jul",  "aug", "sep",  "sept", "oct",
    "nov",  "dec",  "mon",  "tue",  "wed",  "thu", "fri",    "sat",  "sun", "ave",  "blvd", "rd",
    "dept", "univ", "assn", "est",  "al",   "ft",  "oz",     "lb",   "lbs", "min",  "max",  "hr",
    "hrs",  "km",   "cm",   "kg",   "no",   "nos", "vol",    "vols", "pp",  "ch",   "sec",  "art",
    "para", "op",   "fig",  "figs", "eq",   "eqs", "approx", "ca"};

bool terminator(char c) { return c == '.' || c == '?' || c == '!'; }

// Closing quote or bracket at s[i]; returns its byte length or 0.
std::size_t closer_at(std::string_view s, std::size_t i) {
  char c = s[i];
  if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') return 1;
  for (std::string_view u : {"\xe2\x80\x9d", "\xe2\x80\x99", "\xc2\xbb"}) {  // ” ’ »
    if (s.substr(i).starts_with(u)) return u.size();
  }
  return 0;
}

// Opening quote or bracket at s[i]; returns its byte length or 0.
std::size_t opener_at(std::string_view s, std::size_t i) {
  char c = s[i];
  if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{') return 1;
  for (std::string_view u : {"\xe2\x80\x9c", "\xe2\x80\x98", "\xc2\xab"}) {  // “ ‘ «
    if (s.substr(i).starts_with(u)) return u.size();
  }
  return 0;
}

enum class letter_case { upper, lower, other };

// Case of the first letter-like character of the word at s[i], after opening punctuation.
letter_case next_case(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    auto n = opener_at(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i >= s.size()) return letter_case::other;
  std::size_t len = 0;
  char32_t cp = text::decode_at(s, i, len);
  if (u_isupper(static_cast<UChar32>(cp)) || u_istitle(static_cast<UChar32>(cp))) {
    return letter_case::upper;
  }
  if (u_islower(static_cast<UChar32>(cp))) return letter_case::lower;
  return letter_case::other;
}

bool contains(auto const& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

bool is_number(std::string_view w) {
  bool digit = false;
  for (char c : w) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digit = true;
    else if (c != ',' && c != '.' && c != '-')
      return false;
  }
  return digit;
}

// "u.s", "a.m", "e.g": letters separated by single periods.
bool dotted_acronym(std::string_view w) {
  if (w.size() < 3) return false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    bool letter_pos = i % 2 == 0;
    if (letter_pos ? !std::isalpha(static_cast<unsigned char>(w[i])) : w[i] != '.') return false;
  }
  return w.size() % 2 == 1;
}

// Does the single '.' at `dot` end a sentence? `sentence_start` bounds the word scan and
// `next` is where the following word starts.
bool period_ends_sentence(std::string_view s, std::size_t sentence_start, std::size_t dot,
                          std::size_t next) {
  // The word is what follows the last whitespace before the dot; look back at most 64 bytes so
  // long runs of non-final periods stay linear.
  std::size_t lo = std::max(sentence_start, dot > 64 ? dot - 64 : std::size_t{0});
  while (lo < dot && (static_cast<unsigned char>(s[lo]) & 0xC0) == 0x80) ++lo;
  std::size_t begin = lo;
  for (std::size_t k = lo; k < dot;) {
    auto n = text::space_at(s, k);
    if (n) {
      k += n;
      begin = k;
    } else {
      ++k;
    }
  }
  while (begin < dot && opener_at(s, begin)) begin += opener_at(s, begin);
  std::string word(s.substr(begin, dot - begin));
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (word.empty()) return true;
  std::string_view tail = word;
  if (auto hyphen = tail.rfind('-'); hyphen != std::string_view::npos)
    tail.remove_prefix(hyphen + 1);

  const letter_case after = next_case(s, next);
  if (contains(kTitleAbbreviations, word) || contains(kTitleAbbreviations, tail)) return false;
  if (contains(kOtherAbbreviations, word) || contains(kOtherAbbreviations, tail) ||
      dotted_acronym(word)) {
    return after == letter_case::upper;
  }
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return false;
  if (is_number(word)) return after != letter_case::lower;
  return true;
}

}  // namespace

std::vector<std::string_view> split_sentences(std::string_view s) {
  std::vector<std::string_view> sentences;
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    if (!terminator(s[i])) {
      ++i;
      continue;
    }
    const std::size_t run_begin = i;
    while (i < s.size() && terminator(s[i])) ++i;
    const std::size_t run_end = i;
    while (i < s.size()) {
      auto n = closer_at(s, i);
      if (n == 0) break;
      i += n;
    }
    if (i >= s.size() || text::space_at(s, i) == 0) continue;
    std::size_t next = i;
    while (next < s.size()) {
      auto n = text::space_at(s, next);
      if (n == 0) break;
      next += n;
    }
    if (next >= s.size()) break;  // only whitespace follows: it stays with the last sentence

    const auto run = s.substr(run_begin, run_end - run_begin);
    bool ends;
    if (run.find_first_of("?!") != std::string_view::npos) {
      ends = true;
    } else if (run.size() >= 2) {
      ends = next_case(s, next) == letter_case::upper;
    } else {
      ends = period_ends_sentence(s, start, run_begin, next);
    }
    if (ends) {
      sentences.push_back(s.substr(start, next - start));
      start = next;
    }
    i = next;
  }
  if (start < s.size()) sentences.push_back(s.substr(start));
  return sentences;
}

}  // namespace hayloft::consumer
