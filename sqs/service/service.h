#pragma once
// sqs::service: hayloft's SQS, on the edge and in process.
//
// On the edge it is a core::request_handler for both wire protocols (AWS JSON 1.0 with
// `X-Amz-Target: AmazonSQS.<Op>`, and the query protocol with `Action=<Op>`), answering each in
// the protocol it was asked in. In process it offers the same operations as typed calls (the
// consumer's send/receive/delete, the orchestrator's queue_counts, S3's event notifications).
//
// Threading. handle() and every typed call may be called from any thread, I/O threads
// included: none of them blocks. Writes go through the state_store's group commit and each
// request completes from the store's writer thread after its commit; a long poll holds no
// thread and completes from whichever thread makes a message available (a send's commit, a
// clock timer). Callbacks and completions run exactly once, on one of those threads, never
// under a lock of this service; they must be short. Each queue is guarded by its own mutex;
// the registry of queues by a shared mutex held only for lookups.
//
// Construction loads every queue and message from state.db (blocking, start-up only); the
// destructor answers pending long polls with no messages and waits for writes in flight, and
// must run before the store and clock are destroyed.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"
#include "sqs/api/model.h"
#include "sqs/service/context.h"
#include "sqs/service/counts.h"

namespace hayloft::sqs {

class engine;

class service final : public core::request_handler {
 public:
  // Throws std::runtime_error when the SQS state cannot be loaded.
  service(hayloft::store::state_store& store, core::clock& clock, options opts = {});
  ~service() override;
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  template <class T>
  using callback = std::function<void(result<T>)>;

  // Any operation as a typed call: same semantics, same errors as on the wire.
  void execute(api::call c, callback<api::result_body> done);

  // The consumer's operations. `queue` is a queue URL or a queue name.
  void send(std::string queue, api::send_entry entry, callback<api::send_result> done);
  // With request.wait_time_seconds > 0, `done` runs when messages arrive or the wait is over.
  void receive(api::receive_message_request request, callback<api::receive_result> done);
  void delete_message(std::string queue, std::string receipt_handle, callback<void> done);
  void change_visibility(std::string queue, std::string receipt_handle, std::int64_t timeout_seconds,
                         callback<void> done);
  // "http://<host>/<account>/<name>"; `host` defaults to options.default_host.
  result<std::string> get_queue_url(std::string_view queue_name, std::string_view host = {}) const;

  // The orchestrator's view: exact counts, no HTTP, no write; cheap (one queue lock).
  result<message_counts> queue_counts(std::string_view queue) const;

  // S3 event notifications: sends `body` to the queue `arn:aws:sqs:<region>:<account>:<name>`.
  void deliver(std::string_view queue_arn, std::string body, callback<api::send_result> done);
  // Whether deliver() to this ARN would be accepted (the queue exists and is not FIFO). Cheap.
  bool accepts_events(std::string_view queue_arn) const;

  // POST /_hayloft/reset: deletes every queue and message. Blocking (not on an I/O thread).
  result<void> reset();

  // Snapshots (emulator/app/snapshots.h). Answers every pending long poll with no messages, as
  // after a purge, and returns how many; the queues stay open. Cheap; any thread.
  std::size_t release_waiters();
  // After the database was replaced (a restore): closes every queue (long polls still pending
  // get no messages) and loads queues and messages from state.db again. Blocking.
  result<void> reload();

  const options& opts() const;

 private:
  std::unique_ptr<engine> engine_;
};

}  // namespace hayloft::sqs
