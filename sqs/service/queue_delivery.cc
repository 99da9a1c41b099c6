// queue: taking messages for a receive, long-poll waiters and their timers, expiry, dead-letter
// moves. Everything here runs with the queue's mutex held unless its name says otherwise.
#include <algorithm>

#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"
#include "sqs/service/queue.h"

namespace hayloft::sqs {

void queue::settle_locked(std::int64_t now) {
  index_.settle(now);
  auto expired = index_.sent_before(now - config_.message_retention_period * 1000);
  if (expired.empty()) return;
  for (auto seq : expired) index_.erase(seq);
  // Best effort: a crash before this commits only means the rows expire again after restart.
  ctx_.submit(
      [expired = std::move(expired)](hayloft::store::database& db) -> result<void> {
        for (auto seq : expired) HAYLOFT_TRY(store::delete_message(db, seq));
        return {};
      },
      nullptr);
}

queue::taken queue::take_locked(const receive_spec& spec, std::int64_t now) {
  taken t;
  std::shared_ptr<queue> dlq;
  if (config_.redrive) {
    dlq = dead_letter_.lock();
    if (dlq.get() == this || (dlq && !dlq->open())) dlq.reset();
  }
  std::string group;
  bool have_group = false;
  while (static_cast<std::int64_t>(t.messages.size()) < spec.max_messages) {
    auto seq = index_.next(have_group ? &group : nullptr);
    if (!seq) break;
    auto* m = index_.find(*seq);
    // SQS moves a message once its ReceiveCount exceeds maxReceiveCount: on the receive after
    // the maxReceiveCount-th delivery, instead of delivering it again.
    if (dlq && m->row.receive_count >= config_.redrive->max_receive_count) {
      auto out = index_.erase(*seq);
      t.dead_letter_seqs.push_back(*seq);
      t.to_dead_letter.push_back(readdress(ctx_, std::move(*out), *dlq, arn_, now));
      t.dead_letter = dlq;
      continue;
    }
    auto& r = m->row;
    ++r.receive_count;
    ++r.receipt_gen;
    if (r.first_receive_ms == 0) r.first_receive_ms = now;
    r.last_receive_ms = now;
    index_.set_inflight(*m, now + spec.visibility_timeout * 1000);
    t.updates.push_back({r.seq, r.receive_count, r.first_receive_ms, r.last_receive_ms, r.visible_ms, r.receipt_gen});
    t.messages.push_back(make_received(*m, spec, id_, config_.fifo));
    if (config_.fifo) {
      group = r.group_id;
      have_group = true;
    }
  }
  return t;
}

void queue::commit_receive_locked(taken t, receive_fn done, deferred& after) {
  if (t.dead_letter) {
    std::vector<queue_move> moves;
    moves.push_back({std::move(t.dead_letter), std::move(t.dead_letter_seqs), std::move(t.to_dead_letter)});
    commit_moves(ctx_, std::move(moves), nullptr);
  }
  if (t.updates.empty()) {
    if (done) after.push_back([done] { done(api::receive_result{}); });
    return;
  }
  auto out = std::make_shared<api::receive_result>();
  out->messages = std::move(t.messages);
  auto job = [updates = std::move(t.updates)](hayloft::store::database& db) -> result<void> {
    for (const auto& u : updates) HAYLOFT_TRY(store::update_receive(db, u));
    return {};
  };
  auto on_commit = [out, done](result<void> r) {
    if (!done) return;
    if (!r.ok())
      done(make_error(errc::internal_error, r.err().message));
    else
      done(std::move(*out));
  };
  if (!ctx_.submit(std::move(job), on_commit) && done)
    after.push_back([done] { done(make_error(errc::service_unavailable, "The service is shutting down.")); });
}

void queue::serve_waiters_locked(std::int64_t now, deferred& after) {
  while (!waiters_.empty() && index_.has_receivable()) {
    auto& w = waiters_.front();
    auto t = take_locked(w.spec, now);
    if (t.messages.empty()) {
      // Everything it looked at went to the dead-letter queue; the waiter keeps waiting.
      commit_receive_locked(std::move(t), nullptr, after);
      continue;
    }
    ctx_.clock.cancel(w.timer);
    auto done = std::move(w.done);
    waiters_.pop_front();
    commit_receive_locked(std::move(t), std::move(done), after);
  }
}

void queue::arm_wake_locked() {
  std::optional<std::int64_t> next;
  if (!waiters_.empty() && !closed_) next = index_.next_transition();
  if (wake_timer_ && (!next || *next != wake_at_)) {
    ctx_.clock.cancel(*wake_timer_);
    wake_timer_.reset();
  }
  if (next && !wake_timer_) {
    wake_at_ = *next;
    auto generation = ++wake_generation_;
    wake_timer_ = ctx_.clock.call_at(core::from_unix_ms(*next), [w = weak_from_this(), generation] {
      if (auto q = w.lock()) q->on_wake(generation);
    });
  }
}

void queue::on_wake(std::uint64_t generation) {
  deferred after;
  {
    std::lock_guard lock(mutex_);
    if (generation == wake_generation_) wake_timer_.reset();
    if (closed_) return;
    const auto now = ctx_.now_ms();
    settle_locked(now);
    serve_waiters_locked(now, after);
    arm_wake_locked();
  }
  for (auto& f : after) f();
}

void queue::on_waiter_timeout(std::uint64_t id) {
  deferred after;
  receive_fn expired;
  {
    std::lock_guard lock(mutex_);
    auto find = [&] {
      return std::find_if(waiters_.begin(), waiters_.end(), [id](const waiter& w) { return w.id == id; });
    };
    if (find() == waiters_.end()) return;
    // A message that became visible at this very instant still counts.
    const auto now = ctx_.now_ms();
    settle_locked(now);
    serve_waiters_locked(now, after);
    if (auto it = find(); it != waiters_.end()) {
      expired = std::move(it->done);
      waiters_.erase(it);
    }
    arm_wake_locked();
  }
  for (auto& f : after) f();
  if (expired) expired(api::receive_result{});
}

void queue::on_waiter_cancel(std::uint64_t id) {
  receive_fn withdrawn;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(waiters_.begin(), waiters_.end(), [id](const waiter& w) { return w.id == id; });
    if (it == waiters_.end()) return;  // already served or timed out
    ctx_.clock.cancel(it->timer);
    withdrawn = std::move(it->done);
    waiters_.erase(it);
    arm_wake_locked();
  }
  withdrawn(api::receive_result{});
}

std::vector<queue::waiter> queue::drop_waiters_locked() {
  closed_ = true;
  open_ = false;
  if (wake_timer_) {
    ctx_.clock.cancel(*wake_timer_);
    wake_timer_.reset();
  }
  std::vector<waiter> out;
  for (auto& w : waiters_) {
    ctx_.clock.cancel(w.timer);
    out.push_back(std::move(w));
  }
  waiters_.clear();
  return out;
}

void queue::prune_dedup_locked(std::int64_t now) {
  while (!dedup_expiry_.empty() && dedup_expiry_.begin()->first <= now) {
    auto [at, key] = *dedup_expiry_.begin();
    dedup_expiry_.erase(dedup_expiry_.begin());
    auto it = dedup_.find(key);
    if (it != dedup_.end() && it->second.expires_ms == at) dedup_.erase(it);
  }
}

message readdress(context& ctx, message m, const queue& dest, std::string dlq_source_arn, std::int64_t now) {
  auto& r = m.row;
  r.seq = ctx.next_seq();
  r.queue_id = dest.id();
  r.receive_count = 0;
  r.first_receive_ms = 0;
  r.last_receive_ms = 0;
  r.receipt_gen = 0;
  r.visible_ms = now;
  r.dlq_source_arn = std::move(dlq_source_arn);
  m.where = message::state::visible;
  return m;
}

void commit_moves(context& ctx, std::vector<queue_move> moves, std::function<void(result<void>)> done) {
  auto shared = std::make_shared<std::vector<queue_move>>(std::move(moves));
  auto job = [shared](hayloft::store::database& db) -> result<void> {
    std::int64_t max_seq = 0;
    for (const auto& mv : *shared) {
      for (auto seq : mv.old_seqs) HAYLOFT_TRY(store::delete_message(db, seq));
      for (const auto& m : mv.messages) {
        HAYLOFT_TRY(store::insert_message(db, m.row, encode_attributes(m.attributes)));
        max_seq = std::max(max_seq, m.row.seq);
      }
    }
    return store::raise_counter(db, "seq", max_seq);
  };
  auto on_commit = [shared, done](result<void> r) {
    if (r.ok())
      for (auto& mv : *shared) mv.destination->accept(std::move(mv.messages));
    if (done) done(std::move(r));
  };
  if (!ctx.submit(std::move(job), on_commit) && done)
    done(make_error(errc::service_unavailable, "The service is shutting down."));
}

}  // namespace hayloft::sqs
