#include "sqs/service/queue.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"

namespace hayloft::sqs {
namespace {

constexpr std::int64_t kDedupWindowMs = 5 * 60 * 1000;
constexpr std::int64_t kMaxVisibilityMs = 43200LL * 1000;

std::string tags_json(const api::string_map& tags) { return nlohmann::json(tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

hayloft::error gone() { return make_error(errc::queue_does_not_exist, "The specified queue does not exist."); }

hayloft::error handle_error(std::string_view handle, std::string_view reason) {
  return make_error(errc::invalid_parameter_value,
                    "Value " + std::string(handle) + " for parameter ReceiptHandle is invalid. Reason: " + std::string(reason));
}

}  // namespace

queue::queue(context& ctx, const store::queue_row& row, queue_config cfg, api::string_map tags)
    : ctx_(ctx),
      id_(row.id),
      account_(row.account),
      name_(row.name),
      region_(row.region),
      arn_("arn:aws:sqs:" + row.region + ":" + row.account + ":" + row.name),
      created_ms_(row.created_ms),
      config_(std::move(cfg)),
      tags_(std::move(tags)),
      modified_ms_(row.modified_ms),
      index_(config_.fifo) {}

queue::description queue::describe() {
  std::lock_guard lock(mutex_);
  settle_locked(ctx_.now_ms());
  return {config_, tags_, index_.counts(), created_ms_, modified_ms_};
}

message_counts queue::counts() {
  std::lock_guard lock(mutex_);
  settle_locked(ctx_.now_ms());
  return index_.counts();
}

queue_config queue::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

api::string_map queue::tags() const {
  std::lock_guard lock(mutex_);
  return tags_;
}

void queue::set_dead_letter_queue(std::weak_ptr<queue> dlq) {
  std::lock_guard lock(mutex_);
  dead_letter_ = std::move(dlq);
}

void queue::load(message m) {
  std::lock_guard lock(mutex_);
  index_.add(std::move(m), ctx_.now_ms());
}

void queue::load_dedup(const store::dedup_row& d) {
  std::lock_guard lock(mutex_);
  dedup_[d.key] = {d.message_id, d.seq, d.expires_ms};
  dedup_expiry_.emplace(d.expires_ms, d.key);
}

void queue::send(std::vector<outgoing> batch, send_fn done) {
  std::vector<result<api::send_result>> results;
  results.reserve(batch.size());
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(gone());
    done(std::move(results));
    return;
  }
  const auto now = ctx_.now_ms();
  prune_dedup_locked(now);
  auto fresh = std::make_shared<std::vector<message>>();
  std::vector<store::dedup_row> dedups;
  std::vector<std::size_t> fresh_index;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& o = batch[i];
    api::send_result r;
    r.message_id = o.message_id;
    r.md5_of_message_body = o.md5_body;
    r.md5_of_message_attributes = o.md5_attributes;
    r.md5_of_message_system_attributes = o.md5_system_attributes;
    std::string key;
    if (config_.fifo) {
      key = config_.deduplication_scope == "messageGroup" ? o.group_id + '\n' + o.dedup_id : o.dedup_id;
      if (auto it = dedup_.find(key); it != dedup_.end()) {
        r.message_id = it->second.message_id;
        r.sequence_number = sequence_number(it->second.seq);
        results.emplace_back(std::move(r));
        continue;
      }
    }
    message m;
    auto& row = m.row;
    row.seq = ctx_.next_seq();
    row.queue_id = id_;
    row.message_id = o.message_id;
    row.body = std::move(o.body);
    row.md5_body = std::move(o.md5_body);
    row.md5_attributes = std::move(o.md5_attributes);
    row.trace_header = std::move(o.trace_header);
    row.sender_id = std::move(o.sender_id);
    row.group_id = std::move(o.group_id);
    row.dedup_id = std::move(o.dedup_id);
    row.sent_ms = now;
    row.visible_ms = now + o.delay_seconds * 1000;
    m.attributes = std::move(o.attributes);
    if (config_.fifo) {
      r.sequence_number = sequence_number(row.seq);
      dedup_[key] = {row.message_id, row.seq, now + kDedupWindowMs};
      dedup_expiry_.emplace(now + kDedupWindowMs, key);
      dedups.push_back({id_, key, row.message_id, row.seq, now + kDedupWindowMs});
    }
    results.emplace_back(std::move(r));
    fresh_index.push_back(i);
    fresh->push_back(std::move(m));
  }
  if (fresh->empty()) {
    lock.unlock();
    done(std::move(results));
    return;
  }
  const bool prune = config_.fifo && now - dedup_pruned_ms_ > 60'000;
  if (prune) dedup_pruned_ms_ = now;
  auto max_seq = fresh->back().row.seq;
  auto job = [fresh, dedups, max_seq, prune, now](hayloft::store::database& db) -> result<void> {
    for (const auto& m : *fresh) HAYLOFT_TRY(store::insert_message(db, m.row, encode_attributes(m.attributes)));
    for (const auto& d : dedups) HAYLOFT_TRY(store::insert_dedup(db, d));
    if (prune) HAYLOFT_TRY(store::prune_dedup(db, now));
    return store::raise_counter(db, "seq", max_seq);
  };
  auto keys = std::make_shared<std::vector<std::string>>();
  for (const auto& d : dedups) keys->push_back(d.key);
  auto results_ptr = std::make_shared<std::vector<result<api::send_result>>>(std::move(results));
  auto on_commit = [self = shared_from_this(), fresh, keys, fresh_index, results_ptr,
                    done](result<void> r) mutable {
    deferred after;
    {
      std::lock_guard lock(self->mutex_);
      if (!r.ok()) {
        for (const auto& k : *keys) self->dedup_.erase(k);
        for (auto i : fresh_index) (*results_ptr)[i] = make_error(errc::internal_error, r.err().message);
      } else if (!self->closed_) {
        auto now = self->ctx_.now_ms();
        for (auto& m : *fresh) self->index_.add(std::move(m), now);
        self->serve_waiters_locked(now, after);
        self->arm_wake_locked();
      }
    }
    for (auto& f : after) f();
    done(std::move(*results_ptr));
  };
  if (!ctx_.submit(std::move(job), on_commit)) {
    for (const auto& k : *keys) dedup_.erase(k);
    lock.unlock();
    for (auto i : fresh_index) (*results_ptr)[i] = make_error(errc::service_unavailable, "The service is shutting down.");
    done(std::move(*results_ptr));
  }
}

void queue::receive(receive_spec spec, receive_fn done) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      after.push_back([done] { done(gone()); });
    } else {
      const auto now = ctx_.now_ms();
      settle_locked(now);
      auto t = take_locked(spec, now);
      if (t.messages.empty() && spec.wait_seconds > 0) {
        if (t.dead_letter) commit_receive_locked(std::move(t), nullptr, after);
        auto id = ++next_waiter_;
        // The hook may run on another thread at once; it takes mutex_, so it finds the waiter
        // parked below. arm() is false when the caller withdrew before the wait began.
        bool armed = !spec.cancel || spec.cancel->arm([w = weak_from_this(), id] {
          if (auto q = w.lock()) q->on_waiter_cancel(id);
        });
        if (!armed) {
          after.push_back([done] { done(api::receive_result{}); });
        } else {
          auto timer = ctx_.clock.call_at(core::from_unix_ms(now + spec.wait_seconds * 1000),
                                          [w = weak_from_this(), id] {
                                            if (auto q = w.lock()) q->on_waiter_timeout(id);
                                          });
          waiters_.push_back({id, std::move(spec), std::move(done), timer});
          arm_wake_locked();
        }
      } else {
        commit_receive_locked(std::move(t), std::move(done), after);
      }
    }
  }
  for (auto& f : after) f();
}

void queue::remove(const receipt& r, std::string_view handle, done_fn done) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      after.push_back([done] { done(gone()); });
    } else {
      const auto now = ctx_.now_ms();
      settle_locked(now);
      auto* m = index_.find(r.seq);
      if (!m) {
        after.push_back([done] { done(result<void>{}); });
      } else if (config_.fifo && (m->where != message::state::inflight || m->row.receipt_gen != r.generation)) {
        after.push_back([done, e = handle_error(handle, "The receipt handle has expired.")] { done(e); });
      } else {
        index_.erase(r.seq);
        if (config_.fifo) {
          serve_waiters_locked(now, after);
          arm_wake_locked();
        }
        auto seq = r.seq;
        if (!ctx_.submit([seq](hayloft::store::database& db) { return store::delete_message(db, seq); }, done))
          after.push_back([done] { done(make_error(errc::service_unavailable, "The service is shutting down.")); });
      }
    }
  }
  for (auto& f : after) f();
}

void queue::change_visibility(const receipt& r, std::string_view handle, std::int64_t timeout_seconds, done_fn done) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    const auto now = ctx_.now_ms();
    auto fail = [&](hayloft::error e) { after.push_back([done, e = std::move(e)] { done(e); }); };
    if (closed_) {
      fail(gone());
    } else {
      settle_locked(now);
      auto* m = index_.find(r.seq);
      if (!m) {
        fail(handle_error(handle, "Message does not exist or is not available for visibility timeout change."));
      } else if (m->where != message::state::inflight) {
        fail(make_error(errc::message_not_inflight, "The specified message isn't in flight."));
      } else if (m->row.receipt_gen != r.generation) {
        fail(handle_error(handle, "The receipt handle has expired."));
      } else if (now + timeout_seconds * 1000 - m->row.last_receive_ms > kMaxVisibilityMs) {
        fail(make_error(errc::invalid_parameter_value,
                        "Value " + std::to_string(timeout_seconds) +
                            " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the "
                            "message is beyond the limit [43200 seconds]"));
      } else {
        if (timeout_seconds == 0) {
          index_.set_visible(*m, now);
          serve_waiters_locked(now, after);
        } else {
          index_.set_inflight(*m, now + timeout_seconds * 1000);
        }
        arm_wake_locked();
        auto seq = r.seq;
        auto visible = m->row.visible_ms;
        if (!ctx_.submit([seq, visible](hayloft::store::database& db) { return store::update_visibility(db, seq, visible); },
                         done))
          fail(make_error(errc::service_unavailable, "The service is shutting down."));
      }
    }
  }
  for (auto& f : after) f();
}

void queue::purge(done_fn done) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    const auto now = ctx_.now_ms();
    if (closed_) {
      after.push_back([done] { done(gone()); });
    } else if (ctx_.opts.delay_purge_retry && last_purge_ms_ != 0 && now - last_purge_ms_ < 60'000) {
      after.push_back([done, n = name_] {
        done(make_error(errc::purge_queue_in_progress,
                        "Only one PurgeQueue operation on " + n + " is allowed every 60 seconds."));
      });
    } else {
      last_purge_ms_ = now;
      index_.clear();
      arm_wake_locked();
      auto id = id_;
      if (!ctx_.submit([id](hayloft::store::database& db) { return store::purge_queue(db, id); }, done))
        after.push_back([done] { done(make_error(errc::service_unavailable, "The service is shutting down.")); });
    }
  }
  for (auto& f : after) f();
}

void queue::modify(std::function<result<void>(queue_config&, api::string_map&)> change, done_fn done) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      after.push_back([done] { done(gone()); });
    } else {
      auto cfg = config_;
      auto tags = tags_;
      auto r = change(cfg, tags);
      if (!r.ok()) {
        after.push_back([done, r] { done(r); });
      } else {
        auto attrs = to_json(cfg);
        if (attrs != to_json(config_)) modified_ms_ = ctx_.now_ms();
        config_ = std::move(cfg);
        tags_ = std::move(tags);
        auto job = [id = id_, attrs, tj = tags_json(tags_), modified = modified_ms_](hayloft::store::database& db) {
          return store::update_queue(db, id, attrs, tj, modified);
        };
        if (!ctx_.submit(std::move(job), done))
          after.push_back([done] { done(make_error(errc::service_unavailable, "The service is shutting down.")); });
      }
    }
  }
  for (auto& f : after) f();
}

void queue::destroy(done_fn done) {
  std::vector<waiter> dropped;
  bool submitted = false;
  bool was_closed = false;
  {
    std::lock_guard lock(mutex_);
    was_closed = closed_;
    if (!closed_) {
      dropped = drop_waiters_locked();
      index_.clear();
      auto id = id_;
      submitted = ctx_.submit([id](hayloft::store::database& db) { return store::delete_queue(db, id); }, done);
    }
  }
  for (auto& w : dropped) w.done(api::receive_result{});
  if (was_closed) done(gone());
  else if (!submitted) done(make_error(errc::service_unavailable, "The service is shutting down."));
}

void queue::close() {
  std::vector<waiter> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped = drop_waiters_locked();
  }
  for (auto& w : dropped) w.done(api::receive_result{});
}

std::size_t queue::release_waiters() {
  std::vector<waiter> released;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : waiters_) {
      ctx_.clock.cancel(w.timer);
      released.push_back(std::move(w));
    }
    waiters_.clear();
    arm_wake_locked();
  }
  for (auto& w : released) w.done(api::receive_result{});
  return released.size();
}

std::vector<message> queue::take_visible(std::size_t n) {
  std::lock_guard lock(mutex_);
  std::vector<message> out;
  if (closed_) return out;
  settle_locked(ctx_.now_ms());
  std::string group;
  bool have_group = false;
  while (out.size() < n) {
    auto seq = index_.next(have_group ? &group : nullptr);
    if (!seq) break;
    auto m = index_.erase(*seq);
    group = m->row.group_id;
    have_group = config_.fifo;
    out.push_back(std::move(*m));
  }
  return out;
}

void queue::accept(std::vector<message> moved) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    const auto now = ctx_.now_ms();
    for (auto& m : moved) index_.add(std::move(m), now);
    serve_waiters_locked(now, after);
    arm_wake_locked();
  }
  for (auto& f : after) f();
}

}  // namespace hayloft::sqs
