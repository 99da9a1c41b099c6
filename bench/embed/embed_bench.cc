// Embedder benchmark: chunks/s and GFLOP/s of use-lite on 250-word chunks, against the sgemm
// peak of this machine measured in the same run with the same number of threads.
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "consumer/embed/use_lite.h"

namespace {

using namespace hayloft::embed;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Prose of the kind the consumer indexes; chunks are 250-word slices starting at different
// words, so no two chunks of a batch are the same text.
constexpr std::string_view prose =
    "The indexing consumer receives a message from the queue, downloads the object it names "
    "from the bucket, and converts the document to plain text. Reports, manuals and web pages "
    "arrive as PDF, HTML or Markdown, and archives are unpacked so that every member is read. "
    "The text is split into passages of about two hundred and fifty words that overlap by "
    "twenty words, and sentence boundaries are respected so that no passage ends in the middle "
    "of a thought. Each passage is embedded into a vector of five hundred and twelve numbers "
    "by a small transformer that was trained to place sentences with similar meanings near "
    "each other. The vectors are written to the document store together with the passage, the "
    "bucket, the key and the version of the object, and only then is the message deleted, so "
    "that a crash never loses work and a redelivered message never duplicates documents. When "
    "the queue is empty the deployment scales back to zero after a cooldown period, and the "
    "laptop is quiet again. Later, a question typed into the search box is embedded the same "
    "way, and the passages whose vectors point in the most similar direction are returned with "
    "their scores. Quarterly revenue grew by twelve percent while operating costs fell, and the "
    "board approved a new budget for research. The museum opened a wing for modern sculpture, "
    "and visitors queued around the block on the first weekend. Heavy rain is expected in the "
    "northern valleys tomorrow, with strong winds along the coast and snow on the highest "
    "peaks. To reset your password, open the account settings, choose security, and follow the "
    "link that is sent to your registered email address within a few minutes. ";

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) words.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

std::vector<std::string> make_chunks(std::size_t count, std::size_t words_per_chunk) {
  const auto words = words_of(prose);
  std::vector<std::string> chunks;
  for (std::size_t c = 0; c < count; ++c) {
    std::string chunk;
    for (std::size_t w = 0; w < words_per_chunk; ++w) {
      if (w) chunk += ' ';
      chunk += words[(c * 37 + w) % words.size()];
    }
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

// `threads` workers each running single-threaded sgemm at once: the ceiling of the embedder's
// execution model (one core per forward pass).
double sgemm_peak(std::size_t threads, std::size_t m, std::size_t n, std::size_t k,
                  double seconds) {
  std::vector<double> rates(threads);
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
      auto run = [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m),
                    static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a.data(),
                    static_cast<blasint>(k), b.data(), static_cast<blasint>(n), 0.0f, c.data(),
                    static_cast<blasint>(n));
      };
      run();
      std::size_t iterations = 0;
      const auto t0 = clock_type::now();
      do {
        run();
        ++iterations;
      } while (seconds_since(t0) < seconds);
      rates[t] = 2.0 * static_cast<double>(m * n * k) * static_cast<double>(iterations) /
                 seconds_since(t0) / 1e9;
    });
  }
  for (auto& w : workers) w.join();
  double total = 0;
  for (double r : rates) total += r;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3.0;
  std::size_t threads = 0;
  std::filesystem::path model_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (flag == "--threads")
      threads = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    else if (flag == "--model-dir")
      model_dir = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--seconds S] [--threads N] [--model-dir DIR]\n", argv[0]);
      return 2;
    }
  }
  if (model_dir.empty()) {
    auto found = find_model_dir();
    if (!found) {
      std::fprintf(stderr, "%s\n", found.err().message.c_str());
      return 1;
    }
    model_dir = *found;
  }
  use_lite_options options;
  options.threads = threads;
  auto loaded = use_lite::load(model_dir, options);
  if (!loaded) {
    std::fprintf(stderr, "cannot load the model: %s\n", loaded.err().message.c_str());
    return 1;
  }
  const use_lite& model = **loaded;
  const std::size_t workers = model.threads();
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  std::printf("OpenBLAS core: %s%s%s; embedder compute threads: %zu\n", openblas_get_corename(),
              coretype ? ", OPENBLAS_CORETYPE=" : "", coretype ? coretype : "", workers);

  const double peak_square = sgemm_peak(workers, 1024, 1024, 1024, 1.5);
  std::printf("sgemm peak, %zu thread(s) x single-threaded OpenBLAS, 1024^3: %.1f GFLOP/s\n",
              workers, peak_square);
  std::printf(
      "each row's peak: 1024x1536x512 (the FFN's shape) measured just before that row, so\n"
      "that other load on the machine affects both numbers alike\n\n");

  std::printf("%-6s %-10s %-13s %-9s %-11s %-10s %-9s\n", "batch", "chunks/s", "tokens/chunk",
              "GFLOP/s", "peak GF/s", "% of peak", "ms/batch");
  for (std::size_t batch : {1, 8, 32}) {
    const auto chunks = make_chunks(batch * 4, 250);
    std::size_t tokens = 0;
    double flops_per_round[4] = {0, 0, 0, 0};
    for (std::size_t round = 0; round < 4; ++round) {
      std::vector<std::size_t> lengths;
      for (std::size_t c = 0; c < batch; ++c) {
        const auto ids = model.vocabulary().encode(chunks[round * batch + c]);
        tokens += ids.size();
        for (const auto& w : model.windows(ids.size())) lengths.push_back(w.length);
      }
      flops_per_round[round] = encoder::flops(lengths);
    }
    const double peak = sgemm_peak(workers, 1024, 1536, 512, 1.0);
    // Warm up (workspace growth), then run whole rounds until the time is up.
    (void)model.embed(std::span(chunks).subspan(0, batch));
    std::size_t done = 0;
    double flops = 0;
    const auto t0 = clock_type::now();
    do {
      const std::size_t round = (done / batch) % 4;
      auto r = model.embed(std::span(chunks).subspan(round * batch, batch));
      if (!r) {
        std::fprintf(stderr, "embed failed: %s\n", r.err().message.c_str());
        return 1;
      }
      done += batch;
      flops += flops_per_round[round];
    } while (seconds_since(t0) < seconds);
    const double elapsed = seconds_since(t0);
    const double gflops = flops / elapsed / 1e9;
    std::printf("%-6zu %-10.1f %-13.0f %-9.1f %-11.1f %-10.0f %-9.1f\n", batch,
                static_cast<double>(done) / elapsed,
                static_cast<double>(tokens) / static_cast<double>(batch * 4), gflops, peak,
                100.0 * gflops / peak,
                1000.0 * elapsed / (static_cast<double>(done) / static_cast<double>(batch)));
  }
  return 0;
}
