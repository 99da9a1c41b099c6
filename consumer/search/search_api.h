#pragma once
// The admin API of the document store: GET /_hayloft/search and GET /_hayloft/docs.
//
//   /_hayloft/search?q=TEXT&top_k=3&index=default&prefix=KEYPREFIX&bucket=B
//     -> {"query", "index", "model", "took_ms", "results": [{"score", "text", "meta": {...}}]}
//   /_hayloft/docs?index=default
//     -> {"indexes": [{"name", "model", "dimension", "files", "chunks"}], "files": [...]}
//   A shared store (PostgreSQL) that cannot be reached answers 503 ServiceUnavailable with the
//   reason; S3, SQS and the orchestrator are not affected.
//   DELETE /_hayloft/docs?index=I&bucket=B&key=K  -> removes an object's documents
//
// Threading: handle() is called on an I/O thread and posts the embedding and the search to the
// blocking pool.
#include "consumer/docstore/document_store.h"
#include "consumer/embed/embedder.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"

namespace hayloft::consumer {

class search_api {
 public:
  search_api(document_store& docs, const embed::embedder& embedder, core::task_runner& pool);
  // `name` is the admin route: "search" or "docs".
  void handle(const std::string& name, core::request req, core::completion done);
  // The same, blocking on the caller's thread (`hayloft search --docstore ...` without a server).
  core::response respond(const std::string& name, const core::request& req);

 private:
  core::response search(const core::request& req);
  core::response docs(const core::request& req);

  document_store& docs_;
  const embed::embedder& embedder_;
  core::task_runner& pool_;
};

}  // namespace hayloft::consumer
