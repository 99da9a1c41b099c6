// The engine's whole state at once: the load at start-up, close, reset, and the reload after a
// snapshot restore replaced the database under it.
#include <future>
#include <mutex>
#include <thread>

#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"
#include "sqs/service/engine.h"
#include "sqs/service/engine_keys.h"

namespace hayloft::sqs {

result<void> engine::load() {
  HAYLOFT_TRY(ctx_.store.migrate(store::migrations()));
  auto rd = ctx_.store.reader();
  std::unordered_map<std::int64_t, std::shared_ptr<queue>> by_id;
  result<void> queues_ok;
  std::vector<std::int64_t> orphans;
  auto on_queues = [&](const std::vector<store::queue_row>& rows) {
    std::unique_lock lock(registry_mutex_);
    for (const auto& row : rows) {
      auto cfg = config_from_json(row.attributes_json);
      if (!cfg.ok()) {
        queues_ok = cfg.err();
        return;
      }
      auto q = std::make_shared<queue>(ctx_, row, std::move(*cfg), parse_tags(row.tags_json));
      queues_[key_of(row.account, row.name)] = q;
      by_id[row.id] = q;
    }
  };
  auto each_message = [&](store::message_row&& row) {
    auto it = by_id.find(row.queue_id);
    message m;
    if (!queues_ok.ok() || it == by_id.end() || !decode_attributes(row.attributes, m.attributes)) {
      orphans.push_back(row.seq);
      return;
    }
    row.attributes.clear();
    m.row = std::move(row);
    it->second->load(std::move(m));
  };
  auto snap = store::load(*rd, ctx_.now_ms(), on_queues, each_message);
  if (!snap.ok()) return snap.err();
  if (!queues_ok.ok()) return queues_ok.err();
  for (const auto& d : snap->dedup)
    if (auto it = by_id.find(d.queue_id); it != by_id.end()) it->second->load_dedup(d);
  ctx_.raise_seq(snap->seq_high_water);
  next_queue_id_ = snap->queue_id_high_water;
  for (auto& [id, q] : by_id) link_dead_letter_sources(q);
  if (!orphans.empty()) {
    HAYLOFT_TRY(ctx_.store.write([&orphans](hayloft::store::database& db) -> result<void> {
      for (auto seq : orphans) HAYLOFT_TRY(store::delete_message(db, seq));
      return {};
    }));
  }
  return {};
}

void engine::close() {
  std::vector<std::shared_ptr<queue>> all;
  {
    std::unique_lock lock(registry_mutex_);
    if (closed_) return;
    closed_ = true;
    for (auto& [k, q] : queues_) all.push_back(q);
  }
  tasks_.close();
  for (auto& q : all) q->close();
  ctx_.close();
  std::unique_lock lock(registry_mutex_);
  queues_.clear();
}

result<void> engine::reset() {
  std::vector<std::shared_ptr<queue>> all;
  {
    std::unique_lock lock(registry_mutex_);
    for (auto& [k, q] : queues_) all.push_back(q);
    queues_.clear();
    deleted_.clear();
  }
  tasks_.clear();
  for (auto& q : all) q->close();
  std::promise<result<void>> p;
  auto f = p.get_future();
  if (!ctx_.submit([](hayloft::store::database& db) { return store::reset(db); },
                   [&p](result<void> r) { p.set_value(std::move(r)); }))
    return make_error(errc::service_unavailable, "The service is shutting down.");
  return f.get();
}

std::size_t engine::release_waiters() {
  std::vector<std::shared_ptr<queue>> all;
  {
    std::shared_lock lock(registry_mutex_);
    for (auto& [k, q] : queues_) all.push_back(q);
  }
  std::size_t n = 0;
  for (auto& q : all) n += q->release_waiters();
  return n;
}

result<void> engine::reload() {
  std::vector<std::shared_ptr<queue>> all;
  {
    std::unique_lock lock(registry_mutex_);
    if (closed_) return make_error(errc::service_unavailable, "The service is shutting down.");
    for (auto& [k, q] : queues_) all.push_back(q);
    queues_.clear();
    deleted_.clear();
  }
  tasks_.clear();
  for (auto& q : all) q->close();
  // Freeing the old queues' messages is a tenth of a restore's SQS time: done on a thread of its
  // own, after the new state is in (the old queues are closed and unreachable).
  auto loaded = load();
  std::thread([old = std::move(all)]() mutable { old.clear(); }).detach();
  return loaded;
}

}  // namespace hayloft::sqs
