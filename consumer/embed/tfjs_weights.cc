#include "consumer/embed/tfjs_weights.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "consumer/embed/embedder.h"

namespace hayloft::embed {

static_assert(std::endian::native == std::endian::little,
              "TF.js weight shards are little-endian; this loader reads them in place");
static_assert(sizeof(float) == 4);

namespace {

error corrupt(const std::string& what) { return {errc::model_corrupt, what}; }

// Shapes and counts come from an untrusted file: refuse absurd ones before multiplying.
constexpr std::int64_t max_elements = std::int64_t{1} << 32;

}  // namespace

std::size_t weight_view::size() const {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

result<tfjs_weights> tfjs_weights::load(const std::filesystem::path& model_dir) {
  const std::filesystem::path json_path = model_dir / "model.json";
  std::ifstream in(json_path, std::ios::binary);
  if (!in) return error{errc::model_not_found, "cannot open " + json_path.string()};
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return corrupt(json_path.string() + " is not JSON");
  auto manifest = doc.find("weightsManifest");
  if (manifest == doc.end() || !manifest->is_array()) {
    return corrupt(json_path.string() + " has no weightsManifest");
  }

  struct entry {
    std::string name;
    std::vector<std::int64_t> shape;
    bool is_int32;
    std::size_t offset;  // in 4-byte words
  };
  std::vector<entry> entries;
  std::vector<std::filesystem::path> shards;
  std::size_t words = 0;
  for (const auto& group : *manifest) {
    if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() ||
        !group.contains("weights") || !group["weights"].is_array()) {
      return corrupt("weightsManifest group lacks paths or weights");
    }
    for (const auto& p : group["paths"]) {
      if (!p.is_string()) return corrupt("shard path is not a string");
      std::filesystem::path rel = p.get<std::string>();
      bool escapes = rel.is_absolute() || rel.empty();
      for (const auto& part : rel) escapes = escapes || part == "..";
      if (escapes) return corrupt("shard path escapes the model directory: " + rel.string());
      shards.push_back(model_dir / rel);
    }
    for (const auto& w : group["weights"]) {
      if (!w.is_object() || !w.contains("name") || !w["name"].is_string() || !w.contains("shape") ||
          !w["shape"].is_array() || !w.contains("dtype") || !w["dtype"].is_string()) {
        return corrupt("malformed weight entry in weightsManifest");
      }
      if (w.contains("quantization")) {
        return corrupt("quantized weight " + w["name"].get<std::string>() + " is not supported");
      }
      const std::string dtype = w["dtype"].get<std::string>();
      if (dtype != "float32" && dtype != "int32") {
        return corrupt("weight dtype " + dtype + " is not supported");
      }
      entry e{w["name"].get<std::string>(), {}, dtype == "int32", words};
      std::int64_t count = 1;
      for (const auto& d : w["shape"]) {
        if (!d.is_number_integer() || d.get<std::int64_t>() < 0 ||
            d.get<std::int64_t>() > max_elements) {
          return corrupt("bad shape for weight " + e.name);
        }
        e.shape.push_back(d.get<std::int64_t>());
        count *= e.shape.back();
        if (count > max_elements) return corrupt("weight " + e.name + " is too large");
      }
      words += static_cast<std::size_t>(count);
      entries.push_back(std::move(e));
    }
  }

  tfjs_weights out;
  out.buffer_.resize(words);
  auto* dest = reinterpret_cast<char*>(out.buffer_.data());
  const std::size_t want = words * sizeof(float);
  std::size_t have = 0;
  for (const auto& shard : shards) {
    std::ifstream s(shard, std::ios::binary);
    if (!s) return error{errc::model_not_found, "cannot open weight shard " + shard.string()};
    std::error_code ec;
    const auto size = std::filesystem::file_size(shard, ec);
    if (ec) return error{errc::model_not_found, "cannot stat weight shard " + shard.string()};
    if (have + size > want) {
      return corrupt("weight shards hold more bytes than the manifest describes (" +
                     shard.string() + ")");
    }
    if (!s.read(dest + have, static_cast<std::streamsize>(size))) {
      return corrupt("short read from " + shard.string());
    }
    have += size;
  }
  if (have != want) {
    return corrupt("weight shards hold " + std::to_string(have) +
                   " bytes, the manifest describes " + std::to_string(want));
  }
  for (auto& e : entries) {
    weight_view v{out.buffer_.data() + e.offset, std::move(e.shape), e.is_int32};
    out.index_.insert_or_assign(std::move(e.name), std::move(v));
  }
  return out;
}

result<const weight_view*> tfjs_weights::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return corrupt("model has no weight " + std::string(name));
  return &it->second;
}

result<const float*> tfjs_weights::floats(std::string_view name,
                                          std::vector<std::int64_t> shape) const {
  auto w = find(name);
  if (!w) return w.err();
  if ((*w)->is_int32) return corrupt("weight " + std::string(name) + " is not float32");
  if ((*w)->shape != shape) {
    std::string got;
    for (auto d : (*w)->shape) got += (got.empty() ? "" : "x") + std::to_string(d);
    std::string expected;
    for (auto d : shape) expected += (expected.empty() ? "" : "x") + std::to_string(d);
    return corrupt("weight " + std::string(name) + " has shape [" + got + "], expected [" +
                   expected + "]");
  }
  return (*w)->data;
}

result<std::vector<std::int64_t>> tfjs_weights::shape(std::string_view name) const {
  auto w = find(name);
  if (!w) return w.err();
  return (*w)->shape;
}

result<std::vector<double>> tfjs_weights::values(std::string_view name) const {
  auto w = find(name);
  if (!w) return w.err();
  const std::size_t n = (*w)->size();
  if (n > 64) return corrupt("weight " + std::string(name) + " is not a small constant");
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if ((*w)->is_int32) {
      std::int32_t v;
      std::memcpy(&v, (*w)->data + i, sizeof v);
      out[i] = v;
    } else {
      out[i] = (*w)->data[i];
    }
  }
  return out;
}

}  // namespace hayloft::embed
