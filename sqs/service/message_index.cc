#include "sqs/service/message_index.h"

namespace hayloft::sqs {

void message_index::add(message m, std::int64_t now_ms) {
  auto seq = m.row.seq;
  auto [it, inserted] = messages_.emplace(seq, std::move(m));
  if (!inserted) return;
  auto& msg = it->second;
  by_sent_.emplace(msg.row.sent_ms, seq);
  if (msg.row.visible_ms > now_ms) {
    if (msg.row.receive_count > 0) {
      msg.where = message::state::inflight;
      inflight_.emplace(msg.row.visible_ms, seq);
      if (fifo_) {
        ++groups_[msg.row.group_id].inflight;
        refresh_group(msg.row.group_id);
      }
    } else {
      msg.where = message::state::delayed;
      delayed_.emplace(msg.row.visible_ms, seq);
    }
    return;
  }
  insert_visible(msg);
}

message* message_index::find(std::int64_t seq) {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

std::optional<message> message_index::erase(std::int64_t seq) {
  auto it = messages_.find(seq);
  if (it == messages_.end()) return std::nullopt;
  auto& m = it->second;
  remove_current(m);
  by_sent_.erase({m.row.sent_ms, seq});
  if (fifo_) {
    auto g = groups_.find(m.row.group_id);
    if (g != groups_.end() && g->second.visible.empty() && g->second.inflight == 0) {
      if (g->second.ready_key) ready_.erase({*g->second.ready_key, g->first});
      groups_.erase(g);
    }
  }
  message out = std::move(m);
  messages_.erase(it);
  return out;
}

void message_index::clear() {
  messages_.clear();
  delayed_.clear();
  inflight_.clear();
  visible_.clear();
  by_sent_.clear();
  groups_.clear();
  ready_.clear();
  fifo_visible_ = 0;
}

void message_index::settle(std::int64_t now_ms) {
  while (!delayed_.empty() && delayed_.begin()->first <= now_ms) {
    auto seq = delayed_.begin()->second;
    set_visible(messages_.at(seq), delayed_.begin()->first);
  }
  while (!inflight_.empty() && inflight_.begin()->first <= now_ms) {
    auto seq = inflight_.begin()->second;
    set_visible(messages_.at(seq), inflight_.begin()->first);
  }
}

std::vector<std::int64_t> message_index::sent_before(std::int64_t cutoff_ms) const {
  std::vector<std::int64_t> out;
  for (auto it = by_sent_.begin(); it != by_sent_.end() && it->first <= cutoff_ms; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::int64_t> message_index::next(const std::string* group) const {
  if (!fifo_) {
    if (visible_.empty()) return std::nullopt;
    return visible_.begin()->second;
  }
  if (group) {
    auto g = groups_.find(*group);
    if (g != groups_.end() && !g->second.visible.empty()) return *g->second.visible.begin();
  }
  if (ready_.empty()) return std::nullopt;
  return ready_.begin()->first;
}

void message_index::set_inflight(message& m, std::int64_t deadline_ms) {
  if (m.where == message::state::inflight) {
    inflight_.erase({m.row.visible_ms, m.row.seq});
    m.row.visible_ms = deadline_ms;
    inflight_.emplace(deadline_ms, m.row.seq);
    return;
  }
  remove_current(m);
  m.where = message::state::inflight;
  m.row.visible_ms = deadline_ms;
  inflight_.emplace(deadline_ms, m.row.seq);
  if (fifo_) {
    ++groups_[m.row.group_id].inflight;
    refresh_group(m.row.group_id);
  }
}

void message_index::set_visible(message& m, std::int64_t now_ms) {
  if (m.where == message::state::visible) return;
  remove_current(m);
  m.row.visible_ms = now_ms;
  insert_visible(m);
}

message_counts message_index::counts() const {
  return {fifo_ ? fifo_visible_ : static_cast<std::int64_t>(visible_.size()),
          static_cast<std::int64_t>(inflight_.size()), static_cast<std::int64_t>(delayed_.size())};
}

std::optional<std::int64_t> message_index::next_transition() const {
  std::optional<std::int64_t> t;
  if (!delayed_.empty()) t = delayed_.begin()->first;
  if (!inflight_.empty() && (!t || inflight_.begin()->first < *t)) t = inflight_.begin()->first;
  return t;
}

void message_index::insert_visible(message& m) {
  m.where = message::state::visible;
  if (!fifo_) {
    visible_.emplace(m.row.visible_ms, m.row.seq);
    return;
  }
  groups_[m.row.group_id].visible.insert(m.row.seq);
  ++fifo_visible_;
  refresh_group(m.row.group_id);
}

void message_index::remove_visible(message& m) {
  if (!fifo_) {
    visible_.erase({m.row.visible_ms, m.row.seq});
    return;
  }
  auto& g = groups_[m.row.group_id];
  if (g.visible.erase(m.row.seq) > 0) --fifo_visible_;
  refresh_group(m.row.group_id);
}

void message_index::remove_current(message& m) {
  switch (m.where) {
    case message::state::delayed:
      delayed_.erase({m.row.visible_ms, m.row.seq});
      break;
    case message::state::visible:
      remove_visible(m);
      break;
    case message::state::inflight:
      inflight_.erase({m.row.visible_ms, m.row.seq});
      if (fifo_) {
        auto& g = groups_[m.row.group_id];
        --g.inflight;
        refresh_group(m.row.group_id);
      }
      break;
  }
}

void message_index::refresh_group(const std::string& name) {
  auto& g = groups_[name];
  if (g.ready_key) {
    ready_.erase({*g.ready_key, name});
    g.ready_key.reset();
  }
  if (g.inflight == 0 && !g.visible.empty()) {
    g.ready_key = *g.visible.begin();
    ready_.emplace(*g.ready_key, name);
  }
}

}  // namespace hayloft::sqs
