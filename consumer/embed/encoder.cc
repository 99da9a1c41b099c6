#include "consumer/embed/encoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "consumer/embed/blas.h"
#include "consumer/embed/embedder.h"

namespace hayloft::embed {
namespace {

constexpr std::size_t embed_dim = 256;
constexpr std::size_t hidden_dim = 512;
constexpr std::size_t ffn_dim = 1536;

// Weight names in the TF.js graph.
const std::string kona = "module_apply_default/Encoder_en/KonaTransformer/";
const std::string encode = kona + "Encode/";
const std::string stack = encode + "TransformerStack/";

std::string layer(const std::string& base, int i) {
  return base + "Layer_" + std::to_string(i) + "/TransformerLayer/";
}
std::string concat(const std::string& name) { return name + "/ConcatPartitions/concat"; }

// C[rows x n] (ldc) = A[rows x k] (lda) * B[k x n] + beta * C.
void gemm(std::size_t rows, std::size_t n, std::size_t k, const float* a, std::size_t lda,
          const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
  blas::sgemm(false, rows, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

// Every row of m[rows x n] += bias (or = bias when `assign`).
void add_bias(float* m, std::size_t rows, std::size_t n, const float* bias, bool assign) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = m + r * n;
    if (assign) {
      std::copy(bias, bias + n, row);
    } else {
      for (std::size_t j = 0; j < n; ++j) row[j] += bias[j];
    }
  }
}

void layer_norm(const float* x, std::size_t rows, std::size_t n, const float* scale,
                const float* bias, float eps, float* y) {
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* in = x + r * n;
    float* out = y + r * n;
    float mean = 0;
    for (std::size_t j = 0; j < n; ++j) mean += in[j];
    mean *= inv_n;
    float var = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const float d = in[j] - mean;
      var += d * d;
    }
    var *= inv_n;
    const float rs = 1.0f / std::sqrt(var + eps);
    for (std::size_t j = 0; j < n; ++j) out[j] = (in[j] - mean) * rs * scale[j] + bias[j];
  }
}

void softmax_rows(float* m, std::size_t rows, std::size_t n) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = m + r * n;
    const float top = *std::max_element(row, row + n);
    float sum = 0;
    for (std::size_t j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - top);
      sum += row[j];
    }
    const float inv = 1.0f / sum;
    for (std::size_t j = 0; j < n; ++j) row[j] *= inv;
  }
}

void grow(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace

result<encoder> encoder::create(tfjs_weights weights) {
  HAYLOFT_TRY(blas::load());  // forward() multiplies through OpenBLAS, loaded on first use
  encoder e;
  e.weights_ = std::move(weights);
  const tfjs_weights& w = e.weights_;

  auto scalar = [&](const std::string& name) -> result<double> {
    auto v = w.values(name);
    if (!v) return v.err();
    if (v->size() != 1) return error{errc::model_corrupt, name + " is not a scalar"};
    return (*v)[0];
  };
  // Weights are fetched in one place so a wrong model fails at load with the tensor's name.
  error failure{};
  auto take = [&](const std::string& name, std::vector<std::int64_t> shape) -> const float* {
    if (failure.code) return nullptr;
    auto p = w.floats(name, std::move(shape));
    if (!p) {
      failure = p.err();
      return nullptr;
    }
    return *p;
  };

  auto max_tokens = scalar(kona + "ClipToMaxLength/Less/y");
  if (!max_tokens) return max_tokens.err();
  if (*max_tokens < 1 || *max_tokens > 4096)
    return error{errc::model_corrupt, "implausible maximum length"};
  e.max_tokens_ = static_cast<std::size_t>(*max_tokens);
  // The graph's mask is `id > default_value`; with -1 every real id, unknown (0) included, is
  // a token. Anything else would change which tokens count.
  auto fill = scalar(encode + "SparseToDense/default_value");
  if (!fill) return fill.err();
  if (*fill != -1) return error{errc::model_corrupt, "unexpected SparseToDense default value"};
  auto eps = scalar(stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x");
  if (!eps) return eps.err();
  e.eps_ = static_cast<float>(*eps);
  auto floor = scalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y");
  if (!floor) return floor.err();
  e.l2_floor_ = static_cast<float>(*floor);

  auto emb_shape = w.shape("module/Embeddings_en");
  if (!emb_shape) return emb_shape.err();
  if (emb_shape->size() != 2 || (*emb_shape)[0] < 1) {
    return error{errc::model_corrupt, "embedding table is not a matrix"};
  }
  e.vocab_ = static_cast<std::size_t>((*emb_shape)[0]);
  e.embeddings_ = take("module/Embeddings_en", {static_cast<std::int64_t>(e.vocab_), embed_dim});
  const float* inv =
      take(stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", {1, embed_dim / 2});
  e.adjust_ = take(concat(layer(encode, 0) + "dense/kernel"), {embed_dim, hidden_dim});
  e.adjust_bias_ = take(concat(layer(encode, 0) + "dense/bias"), {hidden_dim});
  for (int i = 0; i < 2; ++i) {
    attention_block& a = e.attention_[i];
    a.d_in = i == 0 ? embed_dim : hidden_dim;
    a.d_att = a.d_in;
    const std::string l = layer(encode, i);
    const std::string module_l = "module/Encoder_en/KonaTransformer/Encode/Layer_" +
                                 std::to_string(i) + "/TransformerLayer/";
    const auto d_in = static_cast<std::int64_t>(a.d_in);
    a.ln_scale = take(concat(l + "layer_prepostprocess/layer_norm/layer_norm_scale"), {d_in});
    a.ln_bias = take(concat(l + "layer_prepostprocess/layer_norm/layer_norm_bias"), {d_in});
    a.qkv = take(module_l + "MultiheadAttention/qkv_transform_single/kernel/part_0",
                 {1, 1, d_in, 3 * d_in});
    a.qkv_bias = take(concat(l + "MultiheadAttention/qkv_transform_single/bias"), {3 * d_in});
    a.out = take(module_l + "MultiheadAttention/output_transform_single/kernel/part_0",
                 {1, 1, d_in, hidden_dim});
    a.out_bias = take(concat(l + "MultiheadAttention/output_transform_single/bias"), {hidden_dim});

    ffn_block& f = e.ffn_[i];
    f.ln_scale =
        take(concat(l + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale"), {hidden_dim});
    f.ln_bias =
        take(concat(l + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias"), {hidden_dim});
    const std::string stack_l = layer(stack, i);
    f.w1 = take(stack_l + "FFN/conv1/Tensordot/Reshape_1", {hidden_dim, ffn_dim});
    f.b1 = take(concat(l + "FFN/conv1/bias"), {ffn_dim});
    f.w2 = take(stack_l + "FFN/conv2/Tensordot/Reshape_1", {ffn_dim, hidden_dim});
    f.b2 = take(concat(l + "FFN/conv2/bias"), {hidden_dim});
    if (failure.code) return failure;

    auto scale = scalar(stack_l + "MultiheadAttention/mul/y");
    if (!scale) return scale.err();
    a.scale = static_cast<float>(*scale);
    auto split = w.values(stack_l + "MultiheadAttention/Const");
    if (!split) return split.err();
    if (*split != std::vector<double>(3, static_cast<double>(a.d_att))) {
      return error{errc::model_corrupt, "unexpected q/k/v split in layer " + std::to_string(i)};
    }
    auto head_dim =
        scalar(stack_l + "MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3");
    if (!head_dim) return head_dim.err();
    if (*head_dim < 1 || static_cast<std::size_t>(*head_dim) > a.d_att ||
        a.d_att % static_cast<std::size_t>(*head_dim) != 0) {
      return error{errc::model_corrupt, "unexpected head size in layer " + std::to_string(i)};
    }
    a.heads = a.d_att / static_cast<std::size_t>(*head_dim);
  }
  e.tanh_ = take("module/Encoder_en/hidden_layers/tanh_layer_0/weights", {hidden_dim, hidden_dim});
  e.tanh_bias_ = take("module/Encoder_en/hidden_layers/tanh_layer_0/bias", {hidden_dim});
  if (failure.code) return failure;

  // The timing signal depends on the position only: tabulate it once, in float like the graph.
  e.timing_.resize(e.max_tokens_ * embed_dim);
  for (std::size_t p = 0; p < e.max_tokens_; ++p) {
    for (std::size_t j = 0; j < embed_dim / 2; ++j) {
      const float angle = static_cast<float>(p) * inv[j];
      e.timing_[p * embed_dim + j] = std::sin(angle);
      e.timing_[p * embed_dim + embed_dim / 2 + j] = std::cos(angle);
    }
  }
  return e;
}

void encoder::attend(const attention_block& b, const float* src,
                     std::span<const std::size_t> offsets, float* h, encoder_workspace& ws) const {
  const std::size_t rows = offsets.back();
  const std::size_t d = b.d_att, dh = d / b.heads, ld = 3 * d;
  grow(ws.normed, rows * b.d_in);
  grow(ws.qkv, rows * ld);
  grow(ws.att, rows * d);
  layer_norm(src, rows, b.d_in, b.ln_scale, b.ln_bias, eps_, ws.normed.data());
  add_bias(ws.qkv.data(), rows, ld, b.qkv_bias, true);
  gemm(rows, ld, b.d_in, ws.normed.data(), b.d_in, b.qkv, ld, 1.0f, ws.qkv.data(), ld);

  for (std::size_t s = 0; s + 1 < offsets.size(); ++s) {
    const std::size_t first = offsets[s], len = offsets[s + 1] - first;
    if (len == 0) continue;
    grow(ws.scores, len * len);
    for (std::size_t head = 0; head < b.heads; ++head) {
      const float* q = ws.qkv.data() + first * ld + head * dh;
      const float* k = q + d;
      const float* v = q + 2 * d;
      blas::sgemm(true, len, len, dh, b.scale, q, ld, k, ld, 0.0f, ws.scores.data(), len);
      softmax_rows(ws.scores.data(), len, len);
      gemm(len, dh, len, ws.scores.data(), len, v, ld, 0.0f, ws.att.data() + first * d + head * dh,
           d);
    }
  }
  add_bias(h, rows, hidden_dim, b.out_bias, false);
  gemm(rows, hidden_dim, d, ws.att.data(), d, b.out, hidden_dim, 1.0f, h, hidden_dim);
}

void encoder::feed_forward(const ffn_block& b, std::size_t rows, float* h,
                           encoder_workspace& ws) const {
  grow(ws.normed, rows * hidden_dim);
  grow(ws.ffn, rows * ffn_dim);
  layer_norm(h, rows, hidden_dim, b.ln_scale, b.ln_bias, eps_, ws.normed.data());
  add_bias(ws.ffn.data(), rows, ffn_dim, b.b1, true);
  gemm(rows, ffn_dim, hidden_dim, ws.normed.data(), hidden_dim, b.w1, ffn_dim, 1.0f, ws.ffn.data(),
       ffn_dim);
  for (std::size_t i = 0; i < rows * ffn_dim; ++i) ws.ffn[i] = std::max(ws.ffn[i], 0.0f);
  add_bias(h, rows, hidden_dim, b.b2, false);
  gemm(rows, hidden_dim, ffn_dim, ws.ffn.data(), ffn_dim, b.w2, hidden_dim, 1.0f, h, hidden_dim);
}

void encoder::forward(std::span<const std::span<const std::int32_t>> seqs, float* out,
                      encoder_workspace& ws) const {
  std::vector<std::size_t> offsets{0};
  offsets.reserve(seqs.size() + 1);
  for (const auto& s : seqs) offsets.push_back(offsets.back() + s.size());
  const std::size_t rows = offsets.back();

  grow(ws.x, rows * embed_dim);
  grow(ws.h, rows * hidden_dim);
  // Input: the graph adds the embedding to (embedding + timing signal).
  float* x = ws.x.data();
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    for (std::size_t p = 0; p < seqs[s].size(); ++p) {
      const float* emb = embeddings_ + static_cast<std::size_t>(seqs[s][p]) * embed_dim;
      const float* t = timing_.data() + p * embed_dim;
      float* row = x + (offsets[s] + p) * embed_dim;
      for (std::size_t j = 0; j < embed_dim; ++j) row[j] = 2.0f * emb[j] + t[j];
    }
  }

  float* h = ws.h.data();
  // Layer 0 widens the residual stream with a dense projection of its input.
  add_bias(h, rows, hidden_dim, adjust_bias_, true);
  gemm(rows, hidden_dim, embed_dim, x, embed_dim, adjust_, hidden_dim, 1.0f, h, hidden_dim);
  attend(attention_[0], x, offsets, h, ws);
  feed_forward(ffn_[0], rows, h, ws);
  attend(attention_[1], h, offsets, h, ws);
  feed_forward(ffn_[1], rows, h, ws);

  // Masked mean over each sequence's rows, then tanh(Dense) and L2 normalisation.
  grow(ws.pooled, seqs.size() * hidden_dim);
  float* pooled = ws.pooled.data();
  std::fill(pooled, pooled + seqs.size() * hidden_dim, 0.0f);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    float* acc = pooled + s * hidden_dim;
    for (std::size_t r = offsets[s]; r < offsets[s + 1]; ++r) {
      const float* row = h + r * hidden_dim;
      for (std::size_t j = 0; j < hidden_dim; ++j) acc[j] += row[j];
    }
    const float inv = 1.0f / static_cast<float>(std::max<std::size_t>(seqs[s].size(), 1));
    for (std::size_t j = 0; j < hidden_dim; ++j) acc[j] *= inv;
  }
  add_bias(out, seqs.size(), output_dim, tanh_bias_, true);
  gemm(seqs.size(), output_dim, hidden_dim, pooled, hidden_dim, tanh_, output_dim, 1.0f, out,
       output_dim);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    float* v = out + s * output_dim;
    float sq = 0;
    for (std::size_t j = 0; j < output_dim; ++j) {
      v[j] = std::tanh(v[j]);
      sq += v[j] * v[j];
    }
    const float rs = 1.0f / std::sqrt(std::max(sq, l2_floor_));
    for (std::size_t j = 0; j < output_dim; ++j) v[j] *= rs;
  }
}

double encoder::flops(std::span<const std::size_t> lengths) {
  // Multiply-adds per token of the per-token layers: layer 0 (residual dense, qkv, output,
  // FFN) and layer 1 (qkv, output, FFN).
  constexpr double per_token = embed_dim * hidden_dim + embed_dim * 3 * embed_dim +
                               embed_dim * hidden_dim + 2.0 * hidden_dim * ffn_dim +
                               hidden_dim * 3 * hidden_dim + hidden_dim * hidden_dim +
                               2.0 * hidden_dim * ffn_dim;
  double macs = 0;
  for (std::size_t len : lengths) {
    const double l = static_cast<double>(len);
    macs += l * per_token;
    // Attention scores and weighted values: 2 * len^2 * width per layer.
    macs += 2.0 * l * l * (embed_dim + hidden_dim);
    macs += static_cast<double>(hidden_dim * output_dim);  // the tanh layer
  }
  return 2.0 * macs;
}

}  // namespace hayloft::embed
