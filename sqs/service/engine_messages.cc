// engine: the message operations (SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
// ChangeMessageVisibility(Batch)) and their request validation.
#include <mutex>
#include <set>

#include "emulator/core/hash.h"
#include "emulator/core/ids.h"
#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"
#include "sqs/service/engine.h"
#include "sqs/service/message_rules.h"

namespace hayloft::sqs {
namespace {

hayloft::error invalid(std::string message) { return make_error(errc::invalid_parameter_value, std::move(message)); }

hayloft::error invalid_value(std::string_view param, std::int64_t v, std::string_view reason) {
  return invalid("Value " + std::to_string(v) + " for parameter " + std::string(param) + " is invalid. Reason: " +
                 std::string(reason));
}

bool fifo_id_ok(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && !std::ispunct(static_cast<unsigned char>(ch))) return false;
  return true;
}

bool batch_id_ok(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  for (char ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') return false;
  return true;
}

// Validates one SendMessage entry against the queue and builds what the queue stores.
result<queue::outgoing> prepare(const api::send_entry& e, const queue_config& cfg, const std::string& sender,
                                const std::string& trace_header) {
  if (!e.message_body || e.message_body->empty())
    return make_error(errc::missing_parameter, "The request must contain the parameter MessageBody.");
  // Sizes before content: nothing of an oversized message is looked at.
  if (message_size(e) > cfg.maximum_message_size)
    return invalid("One or more parameters are invalid. Reason: Message must be shorter than " +
                   std::to_string(cfg.maximum_message_size) + " bytes.");
  if (e.message_attributes.size() > 10)
    return invalid("Number of message attributes [" + std::to_string(e.message_attributes.size()) +
                   "] exceeds the allowed maximum [10].");
  if (!valid_message_characters(*e.message_body))
    return make_error(errc::invalid_message_contents, std::string(invalid_characters_message));
  std::set<std::string> seen;
  for (const auto& a : e.message_attributes) {
    HAYLOFT_TRY(check_attribute(a));
    if (!seen.insert(a.name).second) return invalid("Message (user) attribute '" + a.name + "' was specified twice.");
  }
  queue::outgoing o;
  o.delay_seconds = cfg.delay_seconds;
  if (e.delay_seconds) {
    if (*e.delay_seconds < 0 || *e.delay_seconds > 900)
      return invalid_value("DelaySeconds", *e.delay_seconds, "DelaySeconds must be >= 0 and <= 900.");
    if (cfg.fifo && *e.delay_seconds != 0)
      return invalid_value("DelaySeconds", *e.delay_seconds,
                           "The request include parameter that is not valid for this queue type.");
    if (!cfg.fifo) o.delay_seconds = *e.delay_seconds;
  }
  for (const auto& a : e.message_system_attributes) {
    if (a.name != "AWSTraceHeader") return invalid("Message system attribute name '" + a.name + "' is invalid.");
    if (a.data_type != "String" || a.string_value.empty())
      return invalid("Message system attribute 'AWSTraceHeader' must be of type String with a non-empty value.");
    o.trace_header = a.string_value;
  }
  if (o.trace_header.empty()) o.trace_header = trace_header;
  if (e.message_group_id) {
    if (!fifo_id_ok(*e.message_group_id))
      return invalid("Value " + *e.message_group_id +
                     " for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric "
                     "and punctuation characters. 1 to 128 in length.");
    o.group_id = *e.message_group_id;
  }
  if (e.message_deduplication_id) {
    if (!cfg.fifo)
      return invalid("Value " + *e.message_deduplication_id +
                     " for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that "
                     "is not valid for this queue type.");
    if (!fifo_id_ok(*e.message_deduplication_id))
      return invalid("Value " + *e.message_deduplication_id +
                     " for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only "
                     "include alphanumeric and punctuation characters. 1 to 128 in length.");
    o.dedup_id = *e.message_deduplication_id;
  }
  if (cfg.fifo) {
    if (o.group_id.empty())
      return make_error(errc::missing_parameter, "The request must contain the parameter MessageGroupId.");
    if (o.dedup_id.empty()) {
      if (!cfg.content_based_deduplication)
        return invalid(
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
            "explicitly");
      o.dedup_id = core::sha256_hex(*e.message_body);
    }
  }
  o.message_id = core::uuid4();
  o.body = *e.message_body;
  o.md5_body = core::md5_hex(o.body);
  o.attributes = e.message_attributes;
  std::sort(o.attributes.begin(), o.attributes.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  o.md5_attributes = md5_of_attributes(o.attributes);
  o.md5_system_attributes = md5_of_attributes(e.message_system_attributes);
  o.sender_id = sender;
  return o;
}

// The batch-level rules shared by the three batch operations.
result<void> check_batch(const std::vector<std::string>& ids, std::string_view entry_type) {
  if (ids.empty())
    return make_error(errc::empty_batch_request,
                      "There should be at least one " + std::string(entry_type) + " in the request.");
  if (ids.size() > 10)
    return make_error(errc::too_many_entries_in_batch_request,
                      "Maximum number of entries per request are 10. You have sent " + std::to_string(ids.size()) + ".");
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!batch_id_ok(id))
      return make_error(errc::invalid_batch_entry_id,
                        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can "
                        "be at most 80 letters long.");
    if (!seen.insert(id).second) return make_error(errc::batch_entry_ids_not_distinct, "Id " + id + " repeated.");
  }
  return {};
}

api::batch_error_entry batch_error(const std::string& id, const hayloft::error& e) {
  const auto& w = wire(e.code);
  return {id, w.sender_fault, std::string(w.query_code), e.message};
}

// Collects the per-entry outcomes of DeleteMessageBatch / ChangeMessageVisibilityBatch.
struct id_batch {
  explicit id_batch(std::vector<std::string> entry_ids, reply_fn d)
      : ids(std::move(entry_ids)), outcomes(ids.size()), left(ids.size()), done(std::move(d)) {}
  void set(std::size_t i, std::optional<hayloft::error> e) {
    bool last;
    {
      std::lock_guard lock(mutex);
      outcomes[i] = std::move(e);
      last = --left == 0;
    }
    if (!last) return;
    api::id_batch_result out;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (outcomes[k])
        out.failed.push_back(batch_error(ids[k], *outcomes[k]));
      else
        out.successful.push_back(ids[k]);
    }
    done(api::result_body{std::move(out)});
  }
  std::vector<std::string> ids;
  std::mutex mutex;  // guards outcomes, left
  std::vector<std::optional<hayloft::error>> outcomes;
  std::size_t left;
  reply_fn done;
};

hayloft::error invalid_handle(std::string_view handle) {
  return make_error(errc::receipt_handle_is_invalid,
                    "The input receipt handle \"" + std::string(handle) + "\" is not a valid receipt handle.");
}

result<receipt> decode_for(const queue& q, std::string_view handle) {
  auto r = decode_receipt(handle);
  if (!r || r->queue_id != q.id()) return invalid_handle(handle);
  return *r;
}

result<void> check_visibility(std::int64_t v) {
  if (v < 0 || v > 43200) return invalid_value("VisibilityTimeout", v, "Must be between 0 and 43200, if provided.");
  return {};
}

}  // namespace

void engine::send_message(const api::call& c, api::send_message_request r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto o = prepare(r.entry, (*q)->config(), ctx_.opts.account_id, c.trace_header);
  if (!o.ok()) return done(o.err());
  std::vector<queue::outgoing> batch;
  batch.push_back(std::move(*o));
  (*q)->send(std::move(batch), [done](std::vector<result<api::send_result>> results) {
    auto& r0 = results.front();
    if (!r0.ok()) return done(r0.err());
    done(api::result_body{std::move(r0).value()});
  });
}

void engine::send_message_batch(const api::call& c, api::send_message_batch_request r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  std::vector<std::string> ids;
  std::int64_t total = 0;
  for (const auto& e : r.entries) {
    ids.push_back(e.id);
    total += message_size(e);
  }
  if (auto ok = check_batch(ids, "SendMessageBatchRequestEntry"); !ok.ok()) return done(ok.err());
  if (total > ctx_.opts.max_message_size)
    return done(make_error(errc::batch_request_too_long,
                           "Batch requests cannot be longer than " + std::to_string(ctx_.opts.max_message_size) +
                               " bytes. You have sent " + std::to_string(total) + " bytes."));
  auto cfg = (*q)->config();
  auto out = std::make_shared<api::send_batch_result>();
  std::vector<queue::outgoing> batch;
  std::vector<std::string> batch_ids;
  for (const auto& e : r.entries) {
    auto o = prepare(e, cfg, ctx_.opts.account_id, c.trace_header);
    if (!o.ok()) {
      out->failed.push_back(batch_error(e.id, o.err()));
      continue;
    }
    batch.push_back(std::move(*o));
    batch_ids.push_back(e.id);
  }
  if (batch.empty()) return done(api::result_body{std::move(*out)});
  (*q)->send(std::move(batch), [out, batch_ids, done](std::vector<result<api::send_result>> results) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        out->failed.push_back(batch_error(batch_ids[i], results[i].err()));
        continue;
      }
      auto s = std::move(results[i]).value();
      s.id = batch_ids[i];
      out->successful.push_back(std::move(s));
    }
    done(api::result_body{std::move(*out)});
  });
}

void engine::receive_message(const api::call& c, const api::receive_message_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto cfg = (*q)->config();
  receive_spec spec;
  spec.max_messages = r.max_number_of_messages.value_or(1);
  if (spec.max_messages < 1 || spec.max_messages > 10)
    return done(invalid_value("MaxNumberOfMessages", spec.max_messages, "Must be between 1 and 10, if provided."));
  spec.wait_seconds = r.wait_time_seconds.value_or(cfg.receive_message_wait_time_seconds);
  if (spec.wait_seconds < 0 || spec.wait_seconds > 20)
    return done(invalid_value("WaitTimeSeconds", spec.wait_seconds, "Must be >= 0 and <= 20, if provided."));
  spec.visibility_timeout = r.visibility_timeout.value_or(cfg.visibility_timeout);
  if (auto ok = check_visibility(spec.visibility_timeout); !ok.ok()) return done(ok.err());
  spec.attribute_names = r.attribute_names;
  spec.message_attribute_names = r.message_attribute_names;
  spec.cancel = r.canceller;
  (*q)->receive(std::move(spec), [done](result<api::receive_result> res) {
    if (!res.ok()) return done(res.err());
    done(api::result_body{std::move(res).value()});
  });
}

void engine::delete_message(const api::call& c, const api::delete_message_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto h = decode_for(**q, r.receipt_handle);
  if (!h.ok()) return done(h.err());
  (*q)->remove(*h, r.receipt_handle, [done](result<void> res) {
    if (!res.ok()) return done(res.err());
    done(api::result_body{api::empty_result{}});
  });
}

void engine::delete_message_batch(const api::call& c, const api::delete_message_batch_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  std::vector<std::string> ids;
  for (const auto& e : r.entries) ids.push_back(e.id);
  if (auto ok = check_batch(ids, "DeleteMessageBatchRequestEntry"); !ok.ok()) return done(ok.err());
  auto join = std::make_shared<id_batch>(std::move(ids), std::move(done));
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const auto& e = r.entries[i];
    auto h = decode_for(**q, e.receipt_handle);
    if (!h.ok()) {
      join->set(i, h.err());
      continue;
    }
    (*q)->remove(*h, e.receipt_handle, [join, i](result<void> res) {
      join->set(i, res.ok() ? std::nullopt : std::optional<hayloft::error>(res.err()));
    });
  }
}

void engine::change_message_visibility(const api::call& c, const api::change_message_visibility_request& r,
                                       reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto timeout = r.visibility_timeout.value_or(0);
  if (auto ok = check_visibility(timeout); !ok.ok()) return done(ok.err());
  auto h = decode_for(**q, r.receipt_handle);
  if (!h.ok()) return done(h.err());
  (*q)->change_visibility(*h, r.receipt_handle, timeout, [done](result<void> res) {
    if (!res.ok()) return done(res.err());
    done(api::result_body{api::empty_result{}});
  });
}

void engine::change_message_visibility_batch(const api::call& c,
                                             const api::change_message_visibility_batch_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  std::vector<std::string> ids;
  for (const auto& e : r.entries) ids.push_back(e.id);
  if (auto ok = check_batch(ids, "ChangeMessageVisibilityBatchRequestEntry"); !ok.ok()) return done(ok.err());
  auto join = std::make_shared<id_batch>(std::move(ids), std::move(done));
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    const auto& e = r.entries[i];
    auto timeout = e.visibility_timeout.value_or(0);
    if (auto ok = check_visibility(timeout); !ok.ok()) {
      join->set(i, ok.err());
      continue;
    }
    auto h = decode_for(**q, e.receipt_handle);
    if (!h.ok()) {
      join->set(i, h.err());
      continue;
    }
    (*q)->change_visibility(*h, e.receipt_handle, timeout, [join, i](result<void> res) {
      join->set(i, res.ok() ? std::nullopt : std::optional<hayloft::error>(res.err()));
    });
  }
}

}  // namespace hayloft::sqs
