#pragma once
// The SQS semantics behind sqs::service: the registry of queues and one handler per
// operation, from a parsed api::call to an api::result_body. Internal to sqs/service.
//
// Threading: any thread. `registry_mutex_` (shared for lookups, exclusive for create/delete/
// reset) guards the queue map only; it is held for a map lookup or insertion, never while a
// queue's mutex is held by the same thread in the other order (registry -> queue is allowed,
// queue -> registry is not). Replies run on the calling thread, the store's writer thread or
// the clock's timer thread, never under a lock.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "emulator/core/result.h"
#include "sqs/api/model.h"
#include "sqs/service/context.h"
#include "sqs/service/move_tasks.h"
#include "sqs/service/queue.h"

namespace hayloft::sqs {

using reply_fn = std::function<void(result<api::result_body>)>;

class engine {
 public:
  engine(hayloft::store::state_store& st, core::clock& clk, options o);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Applies the schema and rebuilds every queue's index from state.db. Blocking (start-up).
  result<void> load();
  void execute(api::call c, reply_fn done);

  result<message_counts> counts(std::string_view queue_url_or_name);
  result<std::string> queue_url(std::string_view name, std::string_view host) const;
  std::shared_ptr<queue> by_arn(std::string_view arn) const;
  // Deletes every queue and message. Blocking.
  result<void> reset();
  // Answers every pending long poll with no messages (returns how many); queues stay open.
  std::size_t release_waiters();
  // Drops every queue from memory (closing it) and loads them again from state.db. Blocking.
  result<void> reload();
  // Answers pending long polls, stops timers and waits for writes in flight. Blocking.
  void close();

  const options& opts() const { return ctx_.opts; }
  context& ctx() { return ctx_; }

  // Resolves a QueueUrl (any host; "/account/name"; LocalStack's "/queue/region/account/name")
  // or a bare queue name to a live queue.
  result<std::shared_ptr<queue>> resolve(const api::call& c, std::string_view url) const;
  std::string url_of(const queue& q, std::string_view host) const;

 private:
  void create_queue(const api::call& c, const api::create_queue_request& r, reply_fn done);
  void get_queue_url(const api::call& c, const api::get_queue_url_request& r, reply_fn done);
  void list_queues(const api::call& c, const api::list_queues_request& r, reply_fn done);
  void delete_queue(const api::call& c, const api::queue_request& r, reply_fn done);
  void get_queue_attributes(const api::call& c, const api::get_queue_attributes_request& r, reply_fn done);
  void set_queue_attributes(const api::call& c, const api::set_queue_attributes_request& r, reply_fn done);
  void list_dead_letter_source_queues(const api::call& c, const api::list_dead_letter_source_queues_request& r,
                                      reply_fn done);
  void add_permission(const api::call& c, const api::add_permission_request& r, reply_fn done);
  void remove_permission(const api::call& c, const api::remove_permission_request& r, reply_fn done);
  // Defined in engine_messages.cc.
  void send_message(const api::call& c, api::send_message_request r, reply_fn done);
  void send_message_batch(const api::call& c, api::send_message_batch_request r, reply_fn done);
  void receive_message(const api::call& c, const api::receive_message_request& r, reply_fn done);
  void delete_message(const api::call& c, const api::delete_message_request& r, reply_fn done);
  void delete_message_batch(const api::call& c, const api::delete_message_batch_request& r, reply_fn done);
  void change_message_visibility(const api::call& c, const api::change_message_visibility_request& r, reply_fn done);
  void change_message_visibility_batch(const api::call& c, const api::change_message_visibility_batch_request& r,
                                       reply_fn done);

  // RedrivePolicy: the target must exist, be of the same type as the queue, and allow the
  // queue (`source_arn`) by its RedriveAllowPolicy.
  result<void> check_redrive(const queue_config& cfg, std::string_view value, std::string_view source_arn);
  // Points every queue whose RedrivePolicy names `q` at it (after create or load).
  void link_dead_letter_sources(const std::shared_ptr<queue>& q);
  bool is_dead_letter_queue(std::string_view arn) const;
  std::shared_ptr<queue> lookup(std::string_view account, std::string_view name) const;

  context ctx_;
  mutable std::shared_mutex registry_mutex_;  // guards queues_ and deleted_
  std::map<std::string, std::shared_ptr<queue>> queues_;  // "account/name", ordered for ListQueues
  std::map<std::string, std::int64_t> deleted_;           // "account/name" -> deletion time (ms)
  std::atomic<std::int64_t> next_queue_id_{0};
  move_tasks tasks_;
  bool closed_ = false;
};

}  // namespace hayloft::sqs
