#pragma once
// SQS's tables in state.db and every statement the service runs against them.
//
//   sqs_queues    one row per queue: identity, settable attributes (JSON), tags (JSON).
//   sqs_messages  one row per message that has not been deleted: content plus the delivery
//                 state that must survive a restart (visible_ms, receive count, receipt
//                 generation). Whether a message is delayed, visible or in flight is derived
//                 from visible_ms and receive_count at load time.
//   sqs_dedup     FIFO deduplication ids still inside their 5-minute window.
//   sqs_counters  high-water marks (message sequence, queue id) so numbers are never reused
//                 after a restart, even when the rows that used them are gone.
//
// Write functions run inside a state_store job (writer thread); load() runs on any connection.
// No SQL appears outside this file.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/store/sqlite.h"

namespace hayloft::sqs::store {

const hayloft::store::migration_set& migrations();

struct queue_row {
  std::int64_t id = 0;
  std::string account;
  std::string name;
  std::string region;
  std::string attributes_json;  // {"VisibilityTimeout":"30",...}
  std::string tags_json;        // {"k":"v"}
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
};

struct message_row {
  std::int64_t seq = 0;  // unique across all queues, never reused
  std::int64_t queue_id = 0;
  std::string message_id;
  std::string body;
  std::string md5_body;
  std::string attributes;  // encoded message attributes (opaque here; filled by load())
  std::string md5_attributes;
  std::string trace_header;
  std::string sender_id;
  std::string group_id;
  std::string dedup_id;
  std::string dlq_source_arn;
  std::int64_t sent_ms = 0;
  std::int64_t visible_ms = 0;  // not receivable before this instant (delay or visibility timeout)
  std::int64_t receive_count = 0;
  std::int64_t first_receive_ms = 0;
  std::int64_t last_receive_ms = 0;
  std::int64_t receipt_gen = 0;  // bumped by every receive; part of each receipt handle
};

// The part of a message row a receive changes.
struct delivery_row {
  std::int64_t seq = 0;
  std::int64_t receive_count = 0;
  std::int64_t first_receive_ms = 0;
  std::int64_t last_receive_ms = 0;
  std::int64_t visible_ms = 0;
  std::int64_t receipt_gen = 0;
};

struct dedup_row {
  std::int64_t queue_id = 0;
  std::string key;  // dedup id, or "<group>\n<dedup id>" with DeduplicationScope=messageGroup
  std::string message_id;
  std::int64_t seq = 0;
  std::int64_t expires_ms = 0;
};

struct snapshot {
  std::vector<queue_row> queues;
  std::vector<dedup_row> dedup;
  std::int64_t seq_high_water = 0;
  std::int64_t queue_id_high_water = 0;
};

// Everything but the messages, which load() hands to `each_message` one row at a time in seq
// order, after the queues are read (`on_queues` sees them first), so that a start-up or a
// snapshot restore builds its queues without a second copy of every message.
result<snapshot> load(hayloft::store::database& db, std::int64_t now_ms,
                      const std::function<void(const std::vector<queue_row>&)>& on_queues,
                      const std::function<void(message_row&&)>& each_message);

result<void> insert_queue(hayloft::store::database& db, const queue_row& q);
result<void> update_queue(hayloft::store::database& db, std::int64_t id, const std::string& attributes_json,
                          const std::string& tags_json, std::int64_t modified_ms);
// Deletes the queue, its messages and its dedup entries.
result<void> delete_queue(hayloft::store::database& db, std::int64_t id);
result<void> purge_queue(hayloft::store::database& db, std::int64_t id);

// `attributes` replaces m.attributes (the caller keeps attributes decoded in memory).
result<void> insert_message(hayloft::store::database& db, const message_row& m, std::string_view attributes);
result<void> delete_message(hayloft::store::database& db, std::int64_t seq);
// Records a receive: the new receive count, timestamps, visibility deadline and generation.
result<void> update_receive(hayloft::store::database& db, const delivery_row& d);
result<void> update_visibility(hayloft::store::database& db, std::int64_t seq, std::int64_t visible_ms);

result<void> insert_dedup(hayloft::store::database& db, const dedup_row& d);
result<void> prune_dedup(hayloft::store::database& db, std::int64_t now_ms);

// Raises a high-water mark ("seq", "queue_id"); never lowers it.
result<void> raise_counter(hayloft::store::database& db, const std::string& key, std::int64_t value);

// Empties every SQS table (POST /_hayloft/reset). Counters are kept so ids stay unique.
result<void> reset(hayloft::store::database& db);

}  // namespace hayloft::sqs::store
