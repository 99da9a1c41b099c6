#pragma once
// The Universal Sentence Encoder lite network (the "KonaTransformer" of its TF.js graph) as a
// forward pass over BLAS: token ids in, one L2-normalised 512-d vector per sequence out.
//
//   x  = 2 * Emb[id] + [sin(p * inv), cos(p * inv)]        Emb 8002x256, p = position
//   layer 0: h = Dense(x) + Attn(LN(x))  (256 -> 512, 4 heads of 64); h += FFN(LN(h))
//   layer 1: h += Attn(LN(h))            (512, 4 heads of 128);       h += FFN(LN(h))
//   FFN 512 -> 1536 ReLU -> 512; LayerNorm eps from the graph (1e-6), pre-norm, none at the end
//   out = l2_normalise(tanh(Dense(mean over the sequence's tokens of h)))   512 -> 512
//
// Sequences are packed, not padded: the token rows of every sequence of a batch are stacked
// into one matrix for the per-token layers (one GEMM per layer for the whole batch), and
// attention runs per sequence over its own rows only. That is what the graph's padding mask
// computes (padded keys get a -1e9 bias, padded rows are dropped from the mean) without
// spending arithmetic on padding.
//
// Threading: an encoder is immutable after create(); forward() is const and reentrant as long
// as each concurrent call has its own workspace. It runs on the calling thread; BLAS calls are
// whatever the BLAS library does (use_lite runs it single-threaded, see use_lite.h).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "consumer/embed/tfjs_weights.h"
#include "emulator/core/result.h"

namespace hayloft::embed {

// Scratch buffers for one forward pass at a time; they grow to the largest batch seen.
struct encoder_workspace {
  std::vector<float> x, h, normed, qkv, att, ffn, scores, pooled;
};

class encoder {
 public:
  static constexpr std::size_t output_dim = 512;

  // Movable, not copyable: the layer pointers point into the owned weights.
  encoder(encoder&&) = default;
  encoder& operator=(encoder&&) = default;
  encoder(const encoder&) = delete;
  encoder& operator=(const encoder&) = delete;

  // Takes the weights and checks every tensor the network needs (names, shapes, the constants
  // it relies on); errc::model_corrupt when the graph is not the one described above.
  static result<encoder> create(tfjs_weights weights);

  // The longest sequence the model reads (its ClipToMaxLength constant, 128).
  std::size_t max_tokens() const { return max_tokens_; }
  std::size_t vocab_size() const { return vocab_; }

  // Embeds each sequence into out[i * output_dim, (i + 1) * output_dim). Preconditions (callers
  // guarantee, they are not client input): every id < vocab_size(), every sequence at most
  // max_tokens() long, `out` holds seqs.size() * output_dim floats. A sequence of length 0
  // gets l2_normalise(tanh(bias)), what the graph gives an empty row of a batch.
  void forward(std::span<const std::span<const std::int32_t>> seqs, float* out,
               encoder_workspace& ws) const;

  // Floating-point operations of forward() for sequences of these lengths (2 per multiply-add;
  // matrix products only, elementwise work is a few percent and not counted).
  static double flops(std::span<const std::size_t> lengths);

 private:
  struct attention_block {
    std::size_t d_in = 0, d_att = 0, heads = 0;
    float scale = 0;
    const float *ln_scale = nullptr, *ln_bias = nullptr;
    const float *qkv = nullptr, *qkv_bias = nullptr;  // d_in x 3*d_att (q | k | v)
    const float *out = nullptr, *out_bias = nullptr;  // d_att x hidden
  };
  struct ffn_block {
    const float *ln_scale = nullptr, *ln_bias = nullptr;
    const float *w1 = nullptr, *b1 = nullptr;  // hidden x ffn
    const float *w2 = nullptr, *b2 = nullptr;  // ffn x hidden
  };

  encoder() = default;
  // h += Attn(LN(src)) over the packed rows; `offsets` delimit the sequences.
  void attend(const attention_block& b, const float* src, std::span<const std::size_t> offsets,
              float* h, encoder_workspace& ws) const;
  void feed_forward(const ffn_block& b, std::size_t rows, float* h, encoder_workspace& ws) const;

  tfjs_weights weights_;
  std::size_t vocab_ = 0, max_tokens_ = 0;
  float eps_ = 0, l2_floor_ = 0;
  const float* embeddings_ = nullptr;  // vocab x 256
  std::vector<float> timing_;          // max_tokens x 256: [sin(p*inv), cos(p*inv)]
  const float *adjust_ = nullptr, *adjust_bias_ = nullptr;  // layer 0 residual 256 -> 512
  attention_block attention_[2];
  ffn_block ffn_[2];
  const float *tanh_ = nullptr, *tanh_bias_ = nullptr;  // 512 x 512
};

}  // namespace hayloft::embed
