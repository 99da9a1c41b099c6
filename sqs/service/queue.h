#pragma once
// One queue: its attributes, tags, message index, FIFO deduplication window and long-poll
// waiters, all guarded by the queue's own mutex (`mutex_`). There is no lock above it on the
// message path.
//
// Threading. Every public member may be called from any thread. Callbacks (`done`) are called
// exactly once, never while the queue's mutex is held: from the calling thread for immediate
// answers, from the store's writer thread after a commit, or from the clock's timer thread
// (long-poll expiry). A thread holds at most one queue mutex at a time, and never takes the
// service's registry lock while holding one.
//
// Durability. Every change is submitted to the state_store (group commit) while the mutex is
// held, so the commit order of one queue's writes is the order in which they were decided;
// the caller's `done` runs after the commit. Sends enter the index only once committed, so a
// receive never returns a message that a crash could lose.
//
// Lifetime. Queues are shared_ptr-owned: the registry holds them, and commits and timers in
// flight keep a queue alive (timers through weak_ptr) after DeleteQueue removed it. The
// context must outlive every queue; the service closes all queues and drains the context's
// writes before it goes away.
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"
#include "sqs/api/model.h"
#include "sqs/service/context.h"
#include "sqs/service/delivery.h"
#include "sqs/service/message_index.h"
#include "sqs/service/queue_config.h"
#include "sqs/service/receipt.h"

namespace hayloft::sqs {

class queue : public std::enable_shared_from_this<queue> {
 public:
  using done_fn = std::function<void(result<void>)>;
  using receive_fn = std::function<void(result<api::receive_result>)>;
  using send_fn = std::function<void(std::vector<result<api::send_result>>)>;

  // A validated message to enqueue; the queue assigns sequence, timestamps and delivery state.
  struct outgoing {
    std::string message_id;
    std::string body;
    std::string md5_body;
    std::vector<api::message_attribute> attributes;  // sorted by name
    std::string md5_attributes;
    std::string md5_system_attributes;
    std::string trace_header;
    std::string sender_id;
    std::string group_id;
    std::string dedup_id;  // FIFO: explicit or content-based
    std::int64_t delay_seconds = 0;
  };

  struct description {
    queue_config config;
    api::string_map tags;
    message_counts counts;
    std::int64_t created_ms = 0;
    std::int64_t modified_ms = 0;
  };

  queue(context& ctx, const store::queue_row& row, queue_config cfg, api::string_map tags);
  queue(const queue&) = delete;
  queue& operator=(const queue&) = delete;

  std::int64_t id() const { return id_; }
  const std::string& account() const { return account_; }
  const std::string& name() const { return name_; }
  const std::string& region() const { return region_; }
  const std::string& arn() const { return arn_; }
  // False once deleted or shut down (readable without the queue's mutex).
  bool open() const { return open_.load(); }

  description describe();
  message_counts counts();
  queue_config config() const;
  api::string_map tags() const;
  // The queue RedrivePolicy points at (resolved by the service; empty when it does not exist).
  void set_dead_letter_queue(std::weak_ptr<queue> dlq);

  // Start-up only, before the queue is shared.
  void load(message m);
  void load_dedup(const store::dedup_row& d);

  // SendMessage(Batch): results in batch order. Duplicates inside a FIFO queue's 5-minute
  // deduplication window succeed with the original MessageId and are not enqueued again.
  void send(std::vector<outgoing> batch, send_fn done);
  // ReceiveMessage; with spec.wait_seconds > 0 and nothing receivable, waits (no thread held)
  // until a message arrives, a delayed or in-flight message becomes visible, or time is up.
  void receive(receive_spec spec, receive_fn done);
  // DeleteMessage: ok for a handle of a message already gone. FIFO refuses stale handles.
  // `handle` is the client's text, quoted in error messages.
  void remove(const receipt& r, std::string_view handle, done_fn done);
  void change_visibility(const receipt& r, std::string_view handle, std::int64_t timeout_seconds, done_fn done);
  void purge(done_fn done);
  // Applies `change` to copies of the attributes and tags and persists the result.
  void modify(std::function<result<void>(queue_config&, api::string_map&)> change, done_fn done);
  // DeleteQueue: persists the deletion; pending long polls return no messages.
  void destroy(done_fn done);
  // Shutdown: stops timers and answers pending long polls; persists nothing.
  void close();
  // Answers pending long polls with no messages (returns how many); the queue stays open.
  std::size_t release_waiters();

  // Message moves (dead-letter redrive, move tasks): removes up to n visible messages, oldest
  // first, and returns them; `accept` adds moved messages whose move has committed.
  std::vector<message> take_visible(std::size_t n);
  void accept(std::vector<message> moved);

 private:
  struct waiter {
    std::uint64_t id;
    receive_spec spec;
    receive_fn done;
    core::clock::timer_id timer;
  };
  struct taken {
    std::vector<api::received_message> messages;
    std::vector<store::delivery_row> updates;
    std::vector<std::int64_t> dead_letter_seqs;  // moved out of the index ...
    std::vector<message> to_dead_letter;         // ... and re-addressed to `dead_letter`
    std::shared_ptr<queue> dead_letter;
  };
  struct dedup_entry {
    std::string message_id;
    std::int64_t seq;
    std::int64_t expires_ms;
  };
  using deferred = std::vector<std::function<void()>>;

  void settle_locked(std::int64_t now);
  taken take_locked(const receive_spec& spec, std::int64_t now);
  // Submits the receive's writes (and dead-letter moves); `done` (may be empty) gets the
  // messages after the commit.
  void commit_receive_locked(taken t, receive_fn done, deferred& after);
  void serve_waiters_locked(std::int64_t now, deferred& after);
  void arm_wake_locked();
  void on_wake(std::uint64_t generation);
  void on_waiter_timeout(std::uint64_t id);
  void on_waiter_cancel(std::uint64_t id);
  // Marks the queue closed, stops its timers and hands back the pending waiters.
  std::vector<waiter> drop_waiters_locked();
  void prune_dedup_locked(std::int64_t now);

  context& ctx_;
  const std::int64_t id_;
  const std::string account_, name_, region_, arn_;
  const std::int64_t created_ms_;

  mutable std::mutex mutex_;  // guards every member below
  queue_config config_;
  api::string_map tags_;
  std::int64_t modified_ms_;
  message_index index_;
  std::weak_ptr<queue> dead_letter_;
  std::unordered_map<std::string, dedup_entry> dedup_;
  std::set<std::pair<std::int64_t, std::string>> dedup_expiry_;
  std::int64_t dedup_pruned_ms_ = 0;
  std::list<waiter> waiters_;
  std::uint64_t next_waiter_ = 0;
  std::optional<core::clock::timer_id> wake_timer_;
  std::int64_t wake_at_ = 0;
  std::uint64_t wake_generation_ = 0;  // identifies the armed wake timer
  std::int64_t last_purge_ms_ = 0;
  bool closed_ = false;
  std::atomic<bool> open_{true};  // mirrors !closed_ for lock-free readers
};

// Moves messages into other queues in one transaction: each source row is deleted and a row
// for its new queue inserted; once committed each destination accepts its messages. `moves`
// holds messages already re-addressed (see readdress). `done` may be empty; it runs on the
// writer thread, or at once (with service_unavailable) when the service is shutting down.
struct queue_move {
  std::shared_ptr<queue> destination;
  std::vector<std::int64_t> old_seqs;
  std::vector<message> messages;
};
void commit_moves(context& ctx, std::vector<queue_move> moves, std::function<void(result<void>)> done);
// A copy of `m` addressed to `dest` under a fresh sequence number, never received.
message readdress(context& ctx, message m, const queue& dest, std::string dlq_source_arn, std::int64_t now);

}  // namespace hayloft::sqs
