// hayloft_search_bench [--sizes 10000,100000] [--dim 512] [--queries 50] [--docstore URL]
// Exact cosine search latency of the document store at several index sizes: fills an index
// with random unit vectors (in files of 10 chunks, as the consumer writes them), then times
// `queries` searches (top_k 3) and prints the median, p90 and max. The first search of an index
// also loads its in-memory mirror; that load is reported on its own.
// With --docstore postgresql://..., the shared store: "load ms" is then a new reader's catch-up
// (bulk load of every vector from PostgreSQL), and each search also fetches the k texts.
// bench/docstore/run.sh starts a PostgreSQL for it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "consumer/docstore/pg_store.h"
#include "consumer/docstore/sqlite_store.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/store/state_store.h"

using namespace hayloft;
using clk = std::chrono::steady_clock;

namespace {

std::vector<float> unit_vector(std::mt19937& rng, std::size_t dim) {
  std::normal_distribution<float> n;
  std::vector<float> v(dim);
  double norm = 0;
  for (auto& x : v) {
    x = n(rng);
    norm += double(x) * x;
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

double ms_since(clk::time_point t) { return std::chrono::duration<double, std::milli>(clk::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{10000, 100000};
  std::size_t dim = 512, queries = 50;
  std::string docstore;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--sizes") {
      sizes.clear();
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::stoul(item));
    } else if (a == "--dim") {
      dim = std::stoul(v);
    } else if (a == "--docstore") {
      docstore = v;
    } else if (a == "--queries") {
      queries = std::stoul(v);
    } else {
      std::fprintf(stderr, "usage: %s [--sizes 10000,100000] [--dim 512] [--queries 50]\n", argv[0]);
      return 2;
    }
  }
  auto dir = std::filesystem::temp_directory_path() / ("hayloft-search-bench-" + core::random_hex(4));
  auto clock = core::make_system_clock();
  std::mt19937 rng(42);
  std::printf("%-10s %12s %12s %10s %10s %10s\n", "chunks", "fill s", "load ms", "p50 ms", "p90 ms", "max ms");
  for (auto n : sizes) {
    std::filesystem::create_directories(dir);
    {
      auto st = store::state_store::open({.dir = dir, .durable = false});
      if (!st.ok()) return std::fprintf(stderr, "store: %s\n", st.err().message.c_str()), 1;
      std::unique_ptr<consumer::document_store> writer;
      if (docstore.empty()) writer = std::make_unique<consumer::sqlite_document_store>(**st, *clock);
      else writer = std::make_unique<consumer::pg_document_store>(consumer::pg_store_options{.conninfo = docstore}, *clock);
      auto& docs_w = *writer;
      if (auto r = docs_w.migrate(); !r.ok()) return std::fprintf(stderr, "migrate: %s\n", r.err().message.c_str()), 1;
      if (!docstore.empty()) (void)docs_w.reset();
      auto fill_start = clk::now();
      for (std::size_t f = 0; f * 10 < n; ++f) {
        std::vector<consumer::chunk_record> chunks;
        for (std::size_t c = 0; c < 10 && f * 10 + c < n; ++c)
          chunks.push_back({"chunk " + std::to_string(c) + " of file " + std::to_string(f), int(c), {}, {},
                            unit_vector(rng, dim)});
        consumer::source_ref src{"bench", "bucket", "file-" + std::to_string(f) + ".txt", "etag"};
        if (auto r = docs_w.replace_sync(src, "bench", std::move(chunks)); !r.ok())
          return std::fprintf(stderr, "replace: %s\n", r.err().message.c_str()), 1;
      }
      double fill = ms_since(fill_start) / 1000;
      consumer::document_store::query q{"bench", unit_vector(rng, dim), "bench", 3, {}, {}};
      auto load_start = clk::now();
      std::unique_ptr<consumer::pg_document_store> reader;
      if (!docstore.empty()) {
        reader = std::make_unique<consumer::pg_document_store>(consumer::pg_store_options{.conninfo = docstore}, *clock);
        if (auto r = reader->start_reader(); !r.ok()) return std::fprintf(stderr, "reader: %s\n", r.err().message.c_str()), 1;
      }
      consumer::document_store& docs = reader ? static_cast<consumer::document_store&>(*reader) : docs_w;
      if (auto r = docs.search(q); !r.ok()) return std::fprintf(stderr, "search: %s\n", r.err().message.c_str()), 1;
      double load = ms_since(load_start);
      std::vector<double> times;
      for (std::size_t i = 0; i < queries; ++i) {
        q.vector = unit_vector(rng, dim);
        auto t = clk::now();
        auto r = docs.search(q);
        times.push_back(ms_since(t));
        if (!r.ok() || r->size() != 3) return std::fprintf(stderr, "search returned no hits\n"), 1;
      }
      std::sort(times.begin(), times.end());
      std::printf("%-10zu %12.1f %12.1f %10.2f %10.2f %10.2f\n", n, fill, load, times[times.size() / 2],
                  times[times.size() * 9 / 10], times.back());
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}
