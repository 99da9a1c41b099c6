#pragma once
// Reads the weights of a TF.js graph model: model.json's weightsManifest (groups of shard
// files, each listing weight names, shapes and dtypes in storage order) and the shard files,
// concatenated in manifest order. Only float32 and int32 weights without quantization are
// supported (what Universal Sentence Encoder lite ships).
//
// Threading: immutable after load; lookups are const and safe from any thread.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::embed {

// A weight inside the loaded buffer. Floats and int32 share the 4-byte-aligned buffer.
struct weight_view {
  const float* data = nullptr;
  std::vector<std::int64_t> shape;
  bool is_int32 = false;
  std::size_t size() const;
};

class tfjs_weights {
 public:
  // Movable, not copyable: the views point into the owned buffer.
  tfjs_weights() = default;
  tfjs_weights(tfjs_weights&&) = default;
  tfjs_weights& operator=(tfjs_weights&&) = default;
  tfjs_weights(const tfjs_weights&) = delete;
  tfjs_weights& operator=(const tfjs_weights&) = delete;

  // errc::model_not_found when model.json or a shard is missing; errc::model_corrupt when the
  // JSON is malformed, a dtype is unsupported, or the shards' total size differs from the
  // manifest's.
  static result<tfjs_weights> load(const std::filesystem::path& model_dir);

  // The float32 weight `name`, which must have exactly `shape`; errc::model_corrupt otherwise.
  result<const float*> floats(std::string_view name, std::vector<std::int64_t> shape) const;
  // The shape of weight `name`.
  result<std::vector<std::int64_t>> shape(std::string_view name) const;
  // A scalar or small vector weight read as numbers (int32 converted to double).
  result<std::vector<double>> values(std::string_view name) const;

  std::size_t weight_count() const { return index_.size(); }
  std::size_t byte_size() const { return buffer_.size() * sizeof(float); }

 private:
  result<const weight_view*> find(std::string_view name) const;

  std::vector<float> buffer_;  // every shard, in order; int32 weights are reinterpreted on read
  std::unordered_map<std::string, weight_view> index_;
};

}  // namespace hayloft::embed
