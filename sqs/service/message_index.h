#pragma once
// The in-memory index of one queue's messages, rebuilt from sqs_messages at start-up so that a
// receive never scans a table:
//   delayed   ordered by the instant they become visible
//   visible   standard: ordered by the instant they became visible (then sequence);
//             FIFO: per message group in sequence order, plus the set of groups that are not
//             blocked (no message in flight) ordered by their oldest message
//   in flight ordered by visibility deadline
//   by_sent   every message by SentTimestamp, for MessageRetentionPeriod
// Time is passed in (milliseconds since the epoch); the index never reads a clock.
// Not thread-safe: owned by a queue and used under that queue's mutex.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sqs/api/model.h"
#include "sqs/service/counts.h"
#include "sqs/store/schema.h"

namespace hayloft::sqs {

struct message {
  enum class state { delayed, visible, inflight };
  store::message_row row;  // row.attributes is left empty in memory; see `attributes`
  std::vector<api::message_attribute> attributes;  // sorted by name
  state where = state::visible;
};

class message_index {
 public:
  explicit message_index(bool fifo) : fifo_(fifo) {}

  // Adds a message, classified by row.visible_ms against now: not yet visible and never
  // received -> delayed; not yet visible and received -> in flight; otherwise visible.
  void add(message m, std::int64_t now_ms);
  message* find(std::int64_t seq);
  // Removes a message wherever it is; nullopt when absent.
  std::optional<message> erase(std::int64_t seq);
  void clear();

  // Moves delayed and in-flight messages whose instant has come to visible.
  void settle(std::int64_t now_ms);
  // Sequence numbers of messages sent at or before `cutoff_ms` (retention), oldest first.
  std::vector<std::int64_t> sent_before(std::int64_t cutoff_ms) const;

  // The next message a receive may take. FIFO: the oldest visible message of `group` when
  // given and not empty, else the head of the oldest unblocked group. Standard: the message
  // visible longest.
  std::optional<std::int64_t> next(const std::string* group = nullptr) const;
  // In flight until deadline_ms (from visible, or a new deadline while in flight).
  void set_inflight(message& m, std::int64_t deadline_ms);
  // Visible again now (ChangeMessageVisibility to 0, expiry).
  void set_visible(message& m, std::int64_t now_ms);

  message_counts counts() const;
  // The earliest instant a delayed or in-flight message becomes visible.
  std::optional<std::int64_t> next_transition() const;
  bool has_receivable() const { return next().has_value(); }
  std::size_t size() const { return messages_.size(); }
  bool fifo() const { return fifo_; }

 private:
  struct group_state {
    std::set<std::int64_t> visible;
    int inflight = 0;
    std::optional<std::int64_t> ready_key;  // head seq while listed in ready_
  };
  void insert_visible(message& m);
  void remove_visible(message& m);
  void remove_current(message& m);  // from the container of m.where
  void refresh_group(const std::string& g);

  bool fifo_;
  std::unordered_map<std::int64_t, message> messages_;
  std::set<std::pair<std::int64_t, std::int64_t>> delayed_;   // (visible_ms, seq)
  std::set<std::pair<std::int64_t, std::int64_t>> inflight_;  // (deadline, seq)
  std::set<std::pair<std::int64_t, std::int64_t>> visible_;   // standard: (visible_ms, seq)
  std::set<std::pair<std::int64_t, std::int64_t>> by_sent_;   // (sent_ms, seq)
  std::unordered_map<std::string, group_state> groups_;       // FIFO
  std::set<std::pair<std::int64_t, std::string>> ready_;      // FIFO: (head seq, group)
  std::int64_t fifo_visible_ = 0;
};

}  // namespace hayloft::sqs
