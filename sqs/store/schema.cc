#include "sqs/store/schema.h"

namespace hayloft::sqs::store {

using hayloft::store::database;
using hayloft::store::statement;

const hayloft::store::migration_set& migrations() {
  static const hayloft::store::migration_set m{
      "sqs",
      {R"sql(
CREATE TABLE sqs_queues(
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  UNIQUE(account, name));
CREATE TABLE sqs_messages(
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  md5_body TEXT NOT NULL,
  attributes BLOB NOT NULL,
  md5_attributes TEXT NOT NULL,
  trace_header TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  dlq_source_arn TEXT NOT NULL,
  sent_ms INTEGER NOT NULL,
  visible_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  first_receive_ms INTEGER NOT NULL,
  last_receive_ms INTEGER NOT NULL,
  receipt_gen INTEGER NOT NULL);
CREATE INDEX sqs_messages_by_queue ON sqs_messages(queue_id);
CREATE TABLE sqs_dedup(
  queue_id INTEGER NOT NULL,
  dedup_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY(queue_id, dedup_key));
CREATE TABLE sqs_counters(
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL);
)sql"}};
  return m;
}

namespace {

result<statement*> prepare(database& db, const std::string& sql) { return db.cached(sql); }

#define SQS_STMT(var, db, sql)   \
  auto var##_r = prepare(db, sql); \
  if (!var##_r.ok()) return var##_r.err(); \
  statement& var = **var##_r

}  // namespace

result<snapshot> load(database& db, std::int64_t now_ms,
                      const std::function<void(const std::vector<queue_row>&)>& on_queues,
                      const std::function<void(message_row&&)>& each_message) {
  snapshot out;
  {
    SQS_STMT(st, db,
             "SELECT id, account, name, region, attributes, tags, created_ms, modified_ms FROM sqs_queues ORDER BY id");
    for (;;) {
      auto row = st.step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      out.queues.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.int64(6),
                            st.int64(7)});
    }
  }
  on_queues(out.queues);
  {
    SQS_STMT(st, db,
             "SELECT seq, queue_id, message_id, body, md5_body, attributes, md5_attributes, trace_header, sender_id, "
             "group_id, dedup_id, dlq_source_arn, sent_ms, visible_ms, receive_count, first_receive_ms, "
             "last_receive_ms, receipt_gen FROM sqs_messages ORDER BY seq");
    for (;;) {
      auto row = st.step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      message_row m;
      m.seq = st.int64(0);
      m.queue_id = st.int64(1);
      m.message_id = st.text(2);
      m.body = st.blob(3);
      m.md5_body = st.text(4);
      m.attributes = st.blob(5);
      m.md5_attributes = st.text(6);
      m.trace_header = st.text(7);
      m.sender_id = st.text(8);
      m.group_id = st.text(9);
      m.dedup_id = st.text(10);
      m.dlq_source_arn = st.text(11);
      m.sent_ms = st.int64(12);
      m.visible_ms = st.int64(13);
      m.receive_count = st.int64(14);
      m.first_receive_ms = st.int64(15);
      m.last_receive_ms = st.int64(16);
      m.receipt_gen = st.int64(17);
      out.seq_high_water = std::max(out.seq_high_water, m.seq);
      each_message(std::move(m));
    }
  }
  {
    SQS_STMT(st, db, "SELECT queue_id, dedup_key, message_id, seq, expires_ms FROM sqs_dedup WHERE expires_ms > ?1");
    st.bind(1, now_ms);
    for (;;) {
      auto row = st.step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      out.dedup.push_back({st.int64(0), st.text(1), st.text(2), st.int64(3), st.int64(4)});
    }
  }
  {
    SQS_STMT(st, db, "SELECT key, value FROM sqs_counters");
    for (;;) {
      auto row = st.step();
      if (!row.ok()) return row.err();
      if (!*row) break;
      if (st.text_view(0) == "seq") out.seq_high_water = st.int64(1);
      if (st.text_view(0) == "queue_id") out.queue_id_high_water = st.int64(1);
    }
  }
  for (const auto& q : out.queues) out.queue_id_high_water = std::max(out.queue_id_high_water, q.id);
  for (const auto& d : out.dedup) out.seq_high_water = std::max(out.seq_high_water, d.seq);
  return out;
}

result<void> insert_queue(database& db, const queue_row& q) {
  SQS_STMT(st, db,
           "INSERT INTO sqs_queues(id, account, name, region, attributes, tags, created_ms, modified_ms) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  st.bind(1, q.id).bind(2, q.account).bind(3, q.name).bind(4, q.region).bind(5, q.attributes_json);
  st.bind(6, q.tags_json).bind(7, q.created_ms).bind(8, q.modified_ms);
  HAYLOFT_TRY(st.run());
  return raise_counter(db, "queue_id", q.id);
}

result<void> update_queue(database& db, std::int64_t id, const std::string& attributes_json,
                          const std::string& tags_json, std::int64_t modified_ms) {
  SQS_STMT(st, db, "UPDATE sqs_queues SET attributes = ?2, tags = ?3, modified_ms = ?4 WHERE id = ?1");
  st.bind(1, id).bind(2, attributes_json).bind(3, tags_json).bind(4, modified_ms);
  return st.run();
}

result<void> delete_queue(database& db, std::int64_t id) {
  HAYLOFT_TRY(purge_queue(db, id));
  {
    SQS_STMT(st, db, "DELETE FROM sqs_dedup WHERE queue_id = ?1");
    st.bind(1, id);
    HAYLOFT_TRY(st.run());
  }
  SQS_STMT(st, db, "DELETE FROM sqs_queues WHERE id = ?1");
  st.bind(1, id);
  return st.run();
}

result<void> purge_queue(database& db, std::int64_t id) {
  SQS_STMT(st, db, "DELETE FROM sqs_messages WHERE queue_id = ?1");
  st.bind(1, id);
  return st.run();
}

result<void> insert_message(database& db, const message_row& m, std::string_view attributes) {
  SQS_STMT(st, db,
           "INSERT INTO sqs_messages(seq, queue_id, message_id, body, md5_body, attributes, md5_attributes, "
           "trace_header, sender_id, group_id, dedup_id, dlq_source_arn, sent_ms, visible_ms, receive_count, "
           "first_receive_ms, last_receive_ms, receipt_gen) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
  st.bind(1, m.seq).bind(2, m.queue_id).bind(3, m.message_id).bind_blob(4, m.body).bind(5, m.md5_body);
  st.bind_blob(6, attributes).bind(7, m.md5_attributes).bind(8, m.trace_header).bind(9, m.sender_id);
  st.bind(10, m.group_id).bind(11, m.dedup_id).bind(12, m.dlq_source_arn).bind(13, m.sent_ms);
  st.bind(14, m.visible_ms).bind(15, m.receive_count).bind(16, m.first_receive_ms).bind(17, m.last_receive_ms);
  st.bind(18, m.receipt_gen);
  return st.run();
}

result<void> delete_message(database& db, std::int64_t seq) {
  SQS_STMT(st, db, "DELETE FROM sqs_messages WHERE seq = ?1");
  st.bind(1, seq);
  return st.run();
}

result<void> update_receive(database& db, const delivery_row& m) {
  SQS_STMT(st, db,
           "UPDATE sqs_messages SET receive_count = ?2, first_receive_ms = ?3, last_receive_ms = ?4, "
           "visible_ms = ?5, receipt_gen = ?6 WHERE seq = ?1");
  st.bind(1, m.seq).bind(2, m.receive_count).bind(3, m.first_receive_ms).bind(4, m.last_receive_ms);
  st.bind(5, m.visible_ms).bind(6, m.receipt_gen);
  return st.run();
}

result<void> update_visibility(database& db, std::int64_t seq, std::int64_t visible_ms) {
  SQS_STMT(st, db, "UPDATE sqs_messages SET visible_ms = ?2 WHERE seq = ?1");
  st.bind(1, seq).bind(2, visible_ms);
  return st.run();
}

result<void> insert_dedup(database& db, const dedup_row& d) {
  SQS_STMT(st, db,
           "INSERT OR REPLACE INTO sqs_dedup(queue_id, dedup_key, message_id, seq, expires_ms) "
           "VALUES(?1, ?2, ?3, ?4, ?5)");
  st.bind(1, d.queue_id).bind(2, d.key).bind(3, d.message_id).bind(4, d.seq).bind(5, d.expires_ms);
  return st.run();
}

result<void> prune_dedup(database& db, std::int64_t now_ms) {
  SQS_STMT(st, db, "DELETE FROM sqs_dedup WHERE expires_ms <= ?1");
  st.bind(1, now_ms);
  return st.run();
}

result<void> raise_counter(database& db, const std::string& key, std::int64_t value) {
  SQS_STMT(st, db,
           "INSERT INTO sqs_counters(key, value) VALUES(?1, ?2) "
           "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)");
  st.bind(1, key).bind(2, value);
  return st.run();
}

result<void> reset(database& db) {
  HAYLOFT_TRY(db.exec("DELETE FROM sqs_messages"));
  HAYLOFT_TRY(db.exec("DELETE FROM sqs_dedup"));
  return db.exec("DELETE FROM sqs_queues");
}

}  // namespace hayloft::sqs::store
