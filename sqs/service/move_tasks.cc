#include "sqs/service/move_tasks.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "sqs/api/errors.h"
#include "sqs/api/input.h"

namespace hayloft::sqs {
namespace {

constexpr std::int64_t kBatch = 500;

struct task {
  std::string id;
  std::string handle;
  std::string source_arn;
  std::string destination_arn;
  std::optional<std::int64_t> rate;
  std::int64_t moved = 0;
  std::int64_t to_move = 0;
  std::string status = "RUNNING";
  std::string failure;
  std::int64_t started_ms = 0;
  std::optional<core::clock::timer_id> timer;
};

hayloft::error not_found(std::string_view what) {
  return make_error(errc::resource_not_found,
                    "The resource that you specified for the " + std::string(what) + " parameter doesn't exist.");
}

}  // namespace

struct move_tasks::state {
  state(context& c, hooks hk) : ctx(c), h(std::move(hk)) {}
  context& ctx;
  hooks h;
  std::mutex mutex;  // guards everything below
  std::condition_variable idle;
  std::vector<std::shared_ptr<task>> tasks;
  bool closed = false;
  int active = 0;  // ticks in progress
};

namespace {

void tick(const std::shared_ptr<move_tasks::state>& s, const std::shared_ptr<task>& t);

void schedule(const std::shared_ptr<move_tasks::state>& s, const std::shared_ptr<task>& t) {
  std::weak_ptr<move_tasks::state> w = s;
  t->timer = s->ctx.clock.call_after(std::chrono::seconds(1), [w, t] {
    if (auto st = w.lock()) tick(st, t);
  });
}

// Moves the next batch of `t`. Runs on the caller's thread (start), the clock's timer thread
// (rate-limited tasks) or the store's writer thread (the next batch after a commit).
void tick(const std::shared_ptr<move_tasks::state>& s, const std::shared_ptr<task>& t) {
  std::vector<queue_move> moves;
  std::int64_t count = 0;
  std::shared_ptr<queue> source;
  std::vector<message> unplaced;  // handed back to the source after the lock is released
  {
    std::lock_guard lock(s->mutex);
    if (s->closed || t->status != "RUNNING") return;
    ++s->active;
    t->timer.reset();
    auto finish = [&](std::string status, std::string failure = {}) {
      t->status = std::move(status);
      t->failure = std::move(failure);
    };
    source = s->h.by_arn(t->source_arn);
    auto n = std::min(t->to_move - t->moved, t->rate.value_or(kBatch));
    std::vector<message> taken;
    if (!source) {
      finish("FAILED", "AWS.SimpleQueueService.NonExistentQueue");
    } else if (n <= 0 || (taken = source->take_visible(static_cast<std::size_t>(n))).empty()) {
      finish("COMPLETED");
    } else {
      const auto now = s->ctx.now_ms();
      std::map<std::string, std::size_t> slot;  // destination ARN -> index in moves
      for (auto& m : taken) {
        const auto& arn = t->destination_arn.empty() ? m.row.dlq_source_arn : t->destination_arn;
        auto dest = arn.empty() ? nullptr : s->h.by_arn(arn);
        if (!dest) {
          unplaced.push_back(std::move(m));
          continue;
        }
        auto [it, fresh] = slot.emplace(arn, moves.size());
        if (fresh) moves.push_back({dest, {}, {}});
        auto& mv = moves[it->second];
        mv.old_seqs.push_back(m.row.seq);
        mv.messages.push_back(readdress(s->ctx, std::move(m), *dest, "", now));
        ++count;
      }
      if (!unplaced.empty()) finish("FAILED", "CouldNotDetermineMessageSource");
    }
  }
  // Still stored in the source: hand them back untouched (outside the task lock: accept() may
  // answer long polls).
  if (!unplaced.empty()) source->accept(std::move(unplaced));
  // Still counted as active: close() must not let the context go while this submits.
  auto done_ticking = [&s] {
    std::lock_guard lock(s->mutex);
    if (--s->active == 0) s->idle.notify_all();
  };
  if (moves.empty()) {
    done_ticking();
    return;
  }
  std::weak_ptr<move_tasks::state> w = s;
  commit_moves(s->ctx, std::move(moves), [w, t, count](result<void> r) {
    auto st = w.lock();
    if (!st) return;
    bool next = false;
    {
      std::lock_guard lock(st->mutex);
      if (!r.ok()) {
        t->status = "FAILED";
        t->failure = "InternalError";
        return;
      }
      t->moved += count;
      if (st->closed || t->status != "RUNNING") return;
      if (t->moved >= t->to_move) {
        t->status = "COMPLETED";
        return;
      }
      if (t->rate)
        schedule(st, t);
      else
        next = true;
    }
    if (next) tick(st, t);
  });
  done_ticking();
}

std::string make_handle(const std::string& id, const std::string& source_arn) {
  nlohmann::json j{{"taskId", id}, {"sourceArn", source_arn}};
  return core::base64_encode(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<std::pair<std::string, std::string>> parse_handle(std::string_view handle) {
  // Our handles are base64 of {"taskId":..., "sourceArn":...}: a few hundred bytes, two levels.
  if (handle.size() > 4096) return std::nullopt;
  std::string raw;
  if (!core::base64_decode(handle, raw)) return std::nullopt;
  if (!api::json_depth_within(raw, 2)) return std::nullopt;
  auto j = nlohmann::json::parse(raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto id = j.find("taskId");
  auto arn = j.find("sourceArn");
  if (id == j.end() || arn == j.end() || !id->is_string() || !arn->is_string()) return std::nullopt;
  return std::make_pair(id->get<std::string>(), arn->get<std::string>());
}

}  // namespace

move_tasks::move_tasks(context& ctx, hooks h) : state_(std::make_shared<state>(ctx, std::move(h))) {}

move_tasks::~move_tasks() { close(); }

result<api::task_handle_result> move_tasks::start(const api::start_message_move_task_request& r) {
  auto& s = *state_;
  auto source = s.h.by_arn(r.source_arn);
  if (!source) return not_found("SourceArn");
  if (!s.h.is_dead_letter_queue(r.source_arn))
    return make_error(errc::invalid_parameter_value, "Source queue must be configured as a Dead Letter Queue.");
  if (!r.destination_arn.empty() && !s.h.by_arn(r.destination_arn)) return not_found("DestinationArn");
  if (r.max_number_of_messages_per_second &&
      (*r.max_number_of_messages_per_second < 1 || *r.max_number_of_messages_per_second > 500))
    return make_error(errc::invalid_parameter_value,
                      "Value " + std::to_string(*r.max_number_of_messages_per_second) +
                          " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
  auto t = std::make_shared<task>();
  {
    std::lock_guard lock(s.mutex);
    if (s.closed) return make_error(errc::service_unavailable, "The service is shutting down.");
    for (const auto& other : s.tasks)
      if (other->source_arn == r.source_arn && other->status == "RUNNING")
        return make_error(errc::invalid_parameter_value,
                          "There is already a task running. Only one active task is allowed for a source queue arn "
                          "at a given time.");
    t->id = core::uuid4();
    t->handle = make_handle(t->id, r.source_arn);
    t->source_arn = r.source_arn;
    t->destination_arn = r.destination_arn;
    t->rate = r.max_number_of_messages_per_second;
    t->to_move = source->counts().visible;
    t->started_ms = s.ctx.now_ms();
    s.tasks.push_back(t);
  }
  tick(state_, t);
  return api::task_handle_result{t->handle};
}

result<api::move_tasks_result> move_tasks::list(const api::list_message_move_tasks_request& r) {
  auto& s = *state_;
  if (!s.h.by_arn(r.source_arn)) return not_found("SourceArn");
  auto max = r.max_results.value_or(1);
  if (max < 1 || max > 10)
    return make_error(errc::invalid_parameter_value, "Value " + std::to_string(max) +
                                                         " for parameter MaxResults is invalid. Reason: Must be "
                                                         "between 1 and 10.");
  api::move_tasks_result out;
  std::lock_guard lock(s.mutex);
  for (auto it = s.tasks.rbegin(); it != s.tasks.rend() && static_cast<std::int64_t>(out.results.size()) < max; ++it) {
    const auto& t = **it;
    if (t.source_arn != r.source_arn) continue;
    api::move_task_entry e;
    if (t.status == "RUNNING") e.task_handle = t.handle;
    e.status = t.status;
    e.source_arn = t.source_arn;
    e.destination_arn = t.destination_arn;
    e.max_number_of_messages_per_second = t.rate;
    e.approximate_number_of_messages_moved = t.moved;
    e.approximate_number_of_messages_to_move = t.to_move;
    e.failure_reason = t.failure;
    e.started_timestamp = t.started_ms;
    out.results.push_back(std::move(e));
  }
  return out;
}

result<api::cancel_move_task_result> move_tasks::cancel(const api::cancel_message_move_task_request& r) {
  auto& s = *state_;
  auto parsed = parse_handle(r.task_handle);
  if (!parsed) return make_error(errc::invalid_parameter_value, "Value for parameter TaskHandle is invalid.");
  if (!s.h.by_arn(parsed->second)) return not_found("SourceArn");
  std::lock_guard lock(s.mutex);
  for (auto& t : s.tasks) {
    if (t->id != parsed->first) continue;
    if (t->status != "RUNNING") break;
    t->status = "CANCELLED";
    if (t->timer) s.ctx.clock.cancel(*t->timer);
    t->timer.reset();
    return api::cancel_move_task_result{t->moved};
  }
  return make_error(errc::resource_not_found, "Task does not exist.");
}

void move_tasks::clear() {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  for (auto& t : s.tasks) {
    if (t->timer) s.ctx.clock.cancel(*t->timer);
    t->status = "CANCELLED";
  }
  s.tasks.clear();
}

void move_tasks::close() {
  auto& s = *state_;
  std::unique_lock lock(s.mutex);
  s.closed = true;
  for (auto& t : s.tasks)
    if (t->timer) s.ctx.clock.cancel(*t->timer);
  s.idle.wait(lock, [&] { return s.active == 0; });
}

}  // namespace hayloft::sqs
