#pragma once
// Markdown to plain text. Pure function; callable from any thread.
#include <string>
#include <string_view>

namespace hayloft::consumer {

// Strips Markdown syntax and keeps what a reader sees, line by line:
//  - ATX (# Title #) and setext (Title / ===) headings keep their text;
//  - emphasis (*, **, _, __, ~~) markers are removed; intraword underscores (snake_case) stay;
//  - links and images keep their text/alt ([text](url), [text][ref], ![alt](src)); reference
//    definitions ([ref]: url) are dropped; autolinks (<https://...>) keep the address;
//  - code: fenced blocks (``` / ~~~) and indented blocks keep their lines verbatim, inline `code`
//    keeps its content verbatim (no markup stripping inside);
//  - block quotes, list markers and task boxes are removed, thematic breaks become blank lines,
//    table rows become tab-separated cells and the |---| row is dropped;
//  - inline HTML tags and comments (also multi-line ones) are removed and entities (&amp;,
//    &#169;, ...) decoded;
//  - a leading YAML front matter block (--- ... ---) is dropped.
// Deviation from Haystack's MarkdownConverter: that one removes code blocks by default
// (remove_code_snippets=True); hayloft keeps code, which is searchable content.
std::string markdown_to_text(std::string_view utf8);

}  // namespace hayloft::consumer
