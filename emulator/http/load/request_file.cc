#include "emulator/http/load/request_file.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hayloft::http::load {
namespace {
using json = nlohmann::json;

class category : public std::error_category {
 public:
  const char* name() const noexcept override { return "load"; }
  std::string message(int c) const override {
    switch (static_cast<errc>(c)) {
      case errc::bad_request_file: return "bad request file";
      case errc::bad_options: return "bad load options";
      case errc::unreachable: return "target unreachable";
    }
    return "load error";
  }
};

result<request_spec> parse_one(const json& j) {
  auto fail = [](std::string m) -> result<request_spec> { return error{errc::bad_request_file, std::move(m)}; };
  if (!j.is_object()) return fail("expected a JSON object");
  request_spec s;
  bool has_content_type = false;
  for (const auto& [key, v] : j.items()) {
    if (key == "name" || key == "method" || key == "path") {
      if (!v.is_string() || v.get<std::string>().empty()) return fail("\"" + key + "\" must be a non-empty string");
      (key == "name" ? s.name : key == "method" ? s.method : s.path) = v.get<std::string>();
    } else if (key == "headers") {
      if (!v.is_object()) return fail("\"headers\" must be an object of strings");
      for (const auto& [hn, hv] : v.items()) {
        if (!hv.is_string()) return fail("header \"" + hn + "\" must be a string");
        if (hn.empty() || hn.find_first_of(":\r\n ") != std::string::npos) return fail("bad header name \"" + hn + "\"");
        if (hv.get<std::string>().find_first_of("\r\n") != std::string::npos) return fail("header \"" + hn + "\" has a line break");
        auto lower = hn;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "content-type") has_content_type = true;
        s.headers.emplace_back(hn, hv.get<std::string>());
      }
    } else if (key == "body") {
      s.body = v.is_string() ? v.get<std::string>() : v.dump();
    } else if (key == "weight") {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 1000)
        return fail("\"weight\" must be an integer from 1 to 1000");
      s.weight = v.get<unsigned>();
    } else {
      return fail("unknown field \"" + key + "\"");
    }
  }
  if (!j.contains("path")) return fail("\"path\" is required");
  if (s.path.front() != '/') return fail("\"path\" must start with '/'");
  if (s.path.find_first_of(" \r\n") != std::string::npos) return fail("\"path\" must be percent-encoded");
  if (s.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) return fail("bad method \"" + s.method + "\"");
  if (j.contains("body") && !j["body"].is_string() && !has_content_type)
    s.headers.emplace_back("Content-Type", "application/json");
  if (s.name.empty()) s.name = s.method + " " + s.path;
  return s;
}
}  // namespace

const std::error_category& load_category() {
  static category c;
  return c;
}

result<std::vector<request_spec>> parse_request_lines(std::string_view text) {
  std::vector<request_spec> out;
  std::size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return error{errc::bad_request_file, "line " + std::to_string(line_no) + ": not valid JSON"};
    auto s = parse_one(j);
    if (!s.ok()) return error{errc::bad_request_file, "line " + std::to_string(line_no) + ": " + s.err().message};
    out.push_back(std::move(*s));
  }
  if (out.empty()) return error{errc::bad_request_file, "no requests"};
  return out;
}

result<std::vector<request_spec>> read_request_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error{errc::bad_request_file, "cannot read " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  auto r = parse_request_lines(ss.str());
  if (!r.ok()) return error{r.code(), path + ": " + r.err().message};
  return r;
}

const std::vector<std::string>& kserve_sentences() {
  static const std::vector<std::string> sentences{
      "How do I scale a model server on a laptop?",
      "How do I reset my password?",
      "The queue length drives the number of consumer replicas.",
      "Upload the quarterly report to the documents bucket.",
      "Which pods are ready to receive traffic?",
      "Latency grows when every replica is busy.",
      "A sentence embedder maps text to a vector of 512 numbers.",
      "Where can I find the invoice from last March?",
  };
  return sentences;
}

result<std::vector<std::string>> read_kserve_texts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return error{errc::bad_request_file, "cannot read " + path};
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.size() > (1u << 20)) return error{errc::bad_request_file, path + ": a line is longer than 1 MiB"};
    out.push_back(std::move(line));
  }
  if (out.empty()) return error{errc::bad_request_file, path + ": no sentence (one per line)"};
  return out;
}

std::vector<request_spec> kserve_requests(const std::string& model, const std::vector<std::string>& texts, unsigned batch) {
  const auto& sentences = texts.empty() ? kserve_sentences() : texts;
  batch = std::max(batch, 1u);
  std::vector<request_spec> out;
  for (std::size_t first = 0; first < sentences.size(); ++first) {
    json data = json::array();
    for (unsigned k = 0; k < batch; ++k) data.push_back(sentences[(first + k) % sentences.size()]);
    json body = {{"inputs", {{{"name", "text"}, {"shape", {batch}}, {"datatype", "BYTES"}, {"data", std::move(data)}}}}};
    request_spec s;
    s.name = "infer " + model;
    s.method = "POST";
    s.path = "/v2/models/" + model + "/infer";
    s.headers = {{"Content-Type", "application/json"}};
    s.body = body.dump();
    out.push_back(std::move(s));
  }
  return out;
}

request_cycle::request_cycle(const std::vector<request_spec>& specs) {
  // Smooth weighted round robin over one full period (sum of weights, capped).
  std::uint64_t total = 0;
  for (const auto& s : specs) total += s.weight;
  std::vector<std::int64_t> current(specs.size(), 0);
  for (std::uint64_t n = 0; n < total; ++n) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      current[i] += specs[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= static_cast<std::int64_t>(total);
    order_.push_back(best);
  }
  if (order_.empty()) order_.push_back(0);
}

}  // namespace hayloft::http::load
