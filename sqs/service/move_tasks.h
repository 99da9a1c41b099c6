#pragma once
// Message move tasks (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask):
// redriving the messages of a dead-letter queue back to the queues they came from (their
// DeadLetterQueueSourceArn) or to a DestinationArn.
//
// A task moves the messages visible in the source when it starts. Without
// MaxNumberOfMessagesPerSecond it moves them in batches of 500, each batch starting when the
// previous one has committed; with a rate R it moves R messages at once and R more every second
// of the injected clock. Tasks live in memory only: a restart forgets them (the messages they
// have not moved yet stay in the dead-letter queue).
//
// Threading: any thread. `mutex_` (inside the shared state) guards the task list; it is taken
// before a queue's mutex, never after, and never held while a write is submitted.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "sqs/api/model.h"
#include "sqs/service/context.h"
#include "sqs/service/queue.h"

namespace hayloft::sqs {

class move_tasks {
 public:
  struct hooks {
    std::function<std::shared_ptr<queue>(std::string_view arn)> by_arn;
    // True when some queue's RedrivePolicy names this ARN as its dead-letter target.
    std::function<bool(std::string_view arn)> is_dead_letter_queue;
  };

  move_tasks(context& ctx, hooks h);
  ~move_tasks();
  move_tasks(const move_tasks&) = delete;
  move_tasks& operator=(const move_tasks&) = delete;

  result<api::task_handle_result> start(const api::start_message_move_task_request& r);
  result<api::move_tasks_result> list(const api::list_message_move_tasks_request& r);
  result<api::cancel_move_task_result> cancel(const api::cancel_message_move_task_request& r);
  // Forgets every task (reset).
  void clear();
  // Stops all tasks and waits for any tick in progress. Blocking.
  void close();

  struct state;  // shared with timers and commit callbacks (defined in the .cc)

 private:
  std::shared_ptr<state> state_;
};

}  // namespace hayloft::sqs
