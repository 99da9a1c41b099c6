#include "consumer/search/search_api.h"

#include <chrono>
#include <nlohmann/json.hpp>

namespace hayloft::consumer {
namespace {

core::response json(unsigned status, const nlohmann::json& body) {
  core::response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = body.dump() + "\n";
  return r;
}

core::response error(unsigned status, const std::string& code, const std::string& message) {
  return json(status, {{"error", {{"code", code}, {"message", message}}}});
}

// A store error as a response: 503 when the database is unreachable (retry later).
core::response store_error(unsigned status, const std::string& code, const hayloft::error& e) {
  if (e.code == make_error_code(docstore_errc::unavailable)) return error(503, "ServiceUnavailable", e.message);
  return error(status, code, e.message);
}

}  // namespace

search_api::search_api(document_store& docs, const embed::embedder& embedder, core::task_runner& pool)
    : docs_(docs), embedder_(embedder), pool_(pool) {}

void search_api::handle(const std::string& name, core::request req, core::completion done) {
  auto shared = std::make_shared<core::request>(std::move(req));
  pool_.post([this, name, shared, done = std::move(done)] {
    done(respond(name, *shared));
  });
}

core::response search_api::respond(const std::string& name, const core::request& req) {
  return name == "search" ? search(req) : docs(req);
}

core::response search_api::search(const core::request& req) {
  if (req.method != "GET" && req.method != "POST") return error(405, "MethodNotAllowed", "use GET /_hayloft/search?q=...");
  auto q = req.param("q");
  if (!q || q->empty()) return error(400, "BadRequest", "missing query parameter q");
  std::size_t top_k = 3;
  if (auto k = req.param("top_k")) {
    try {
      auto v = std::stol(std::string(*k));
      if (v < 1 || v > 1000) throw std::out_of_range("top_k");
      top_k = static_cast<std::size_t>(v);
    } catch (const std::exception&) {
      return error(400, "BadRequest", "top_k must be an integer from 1 to 1000");
    }
  }
  auto started = std::chrono::steady_clock::now();
  auto v = embedder_.embed_one(std::string(*q));
  if (!v.ok()) return error(400, "BadRequest", "cannot embed the query: " + v.err().message);
  document_store::query dq;
  dq.index = std::string(req.param("index").value_or("default"));
  dq.vector = std::move(v).value();
  dq.model = std::string(embedder_.name());
  dq.top_k = top_k;
  dq.key_prefix = std::string(req.param("prefix").value_or(""));
  dq.bucket = std::string(req.param("bucket").value_or(""));
  auto hits = docs_.search(dq);
  if (!hits.ok()) return store_error(409, "Conflict", hits.err());
  nlohmann::json results = nlohmann::json::array();
  for (const auto& h : *hits) {
    nlohmann::json meta = {{"bucket", h.bucket}, {"key", h.key}, {"etag", h.etag}, {"chunk", h.chunk_index}};
    if (h.page) meta["page"] = *h.page;
    if (!h.member.empty()) meta["member"] = h.member;
    results.push_back({{"score", h.score}, {"text", h.text}, {"meta", meta}});
  }
  double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return json(200, {{"query", *q}, {"index", dq.index}, {"model", dq.model}, {"took_ms", took}, {"results", results}});
}

core::response search_api::docs(const core::request& req) {
  std::string index(req.param("index").value_or("default"));
  if (req.method == "DELETE") {
    auto bucket = req.param("bucket");
    auto key = req.param("key");
    if (!bucket || !key) return error(400, "BadRequest", "DELETE needs bucket and key");
    auto r = docs_.remove(req.has_param("index") ? index : std::string(), std::string(*bucket), std::string(*key));
    if (!r.ok()) return store_error(500, "InternalError", r.err());
    return json(200, {{"removed", {{"bucket", *bucket}, {"key", *key}}}});
  }
  if (req.method != "GET") return error(405, "MethodNotAllowed", "use GET or DELETE");
  auto idx = docs_.indexes();
  if (!idx.ok()) return store_error(500, "InternalError", idx.err());
  auto files = docs_.files(index);
  if (!files.ok()) return store_error(500, "InternalError", files.err());
  nlohmann::json out = {{"index", index}, {"indexes", nlohmann::json::array()}, {"files", nlohmann::json::array()}};
  for (const auto& i : *idx)
    out["indexes"].push_back({{"name", i.name}, {"model", i.model}, {"dimension", i.dimension}, {"files", i.files}, {"chunks", i.chunks}});
  for (const auto& f : *files)
    out["files"].push_back({{"bucket", f.bucket}, {"key", f.key}, {"etag", f.etag}, {"chunks", f.chunks}, {"indexed_at", f.indexed_at}});
  return json(200, out);
}

}  // namespace hayloft::consumer
