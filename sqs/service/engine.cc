#include "sqs/service/engine.h"

#include <mutex>

#include <nlohmann/json.hpp>

#include "emulator/core/hash.h"
#include "sqs/api/errors.h"
#include "sqs/service/checksums.h"
#include "sqs/service/engine_keys.h"

namespace hayloft::sqs {

std::string key_of(std::string_view account, std::string_view name) {
  return std::string(account) + "/" + std::string(name);
}

api::string_map parse_tags(const std::string& json) {
  api::string_map out;
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

namespace {

hayloft::error no_such_queue(const api::call& c) {
  return make_error(errc::queue_does_not_exist, c.proto == api::protocol::query
                                                    ? "The specified queue does not exist for this wsdl version."
                                                    : "The specified queue does not exist.");
}

bool name_chars_ok(std::string_view s) {
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') return false;
  return true;
}

result<void> check_queue_name(std::string_view name, bool fifo) {
  constexpr std::string_view suffix = ".fifo";
  if (fifo) {
    if (!name.ends_with(suffix) || name.size() > 80 || name.size() == suffix.size() ||
        !name_chars_ok(name.substr(0, name.size() - suffix.size())))
      return make_error(errc::invalid_parameter_value,
                        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                        "must end with .fifo suffix and be 1 to 80 in length.");
    return {};
  }
  if (name.empty() || name.size() > 80 || !name_chars_ok(name))
    return make_error(errc::invalid_parameter_value,
                      "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  return {};
}

result<void> check_tags(const api::string_map& existing, const api::string_map& added, std::string_view queue) {
  auto total = existing;
  for (const auto& [k, v] : added) {
    if (k.empty() || k.size() > 128)
      return make_error(errc::invalid_parameter_value, "Tag keys must be between 1 and 128 characters in length.");
    if (v.size() > 256)
      return make_error(errc::invalid_parameter_value, "Tag values must be between 0 and 256 characters in length.");
    // Tags are "Unicode ... in UTF-8" (quotas-queues.html); bytes that are not are refused.
    if (!valid_message_characters(k) || !valid_message_characters(v))
      return make_error(errc::invalid_parameter_value, "Tag keys and values must be valid UTF-8 text.");
    total[k] = v;
  }
  if (total.size() > 50)
    return make_error(errc::invalid_parameter_value, "Too many tags added for queue " + std::string(queue) + ".");
  return {};
}

std::function<void(result<void>)> as_empty(reply_fn done) {
  return [done = std::move(done)](result<void> r) {
    if (r.ok())
      done(api::result_body{api::empty_result{}});
    else
      done(r.err());
  };
}

// arn:aws:sqs:<region>:<account>:<name> -> "account/name". The region is not part of a queue's
// identity here: queue URLs carry none, and one process serves every region.
std::optional<std::string> arn_key(std::string_view arn) {
  if (!arn.starts_with("arn:")) return std::nullopt;
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (parts.size() < 5) {
    auto colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(pos, colon - pos));
    pos = colon + 1;
  }
  if (parts[2] != "sqs" || pos >= arn.size()) return std::nullopt;
  return key_of(parts[4], arn.substr(pos));
}

bool targets(const queue_config& cfg, const std::string& key) {
  return cfg.redrive && arn_key(cfg.redrive->dead_letter_target_arn) == key;
}

// "/000000000000/name", "/queue/us-east-1/000000000000/name", "name" -> (account, name).
std::pair<std::string, std::string> split_queue_url(std::string_view url, std::string_view default_account) {
  std::string_view path = url;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (path.starts_with(scheme)) {
      path.remove_prefix(scheme.size());
      auto slash = path.find('/');
      path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
  }
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (parts.empty()) return {};
  if (parts.size() == 1) return {std::string(default_account), std::string(parts[0])};
  return {std::string(parts[parts.size() - 2]), std::string(parts.back())};
}

}  // namespace

engine::engine(hayloft::store::state_store& st, core::clock& clk, options o)
    : ctx_(st, clk, std::move(o)),
      tasks_(ctx_, {[this](std::string_view arn) { return by_arn(arn); },
                    [this](std::string_view arn) { return is_dead_letter_queue(arn); }}) {}

engine::~engine() { close(); }

std::shared_ptr<queue> engine::lookup(std::string_view account, std::string_view name) const {
  std::shared_lock lock(registry_mutex_);
  auto it = queues_.find(key_of(account, name));
  return it == queues_.end() ? nullptr : it->second;
}

result<std::shared_ptr<queue>> engine::resolve(const api::call& c, std::string_view url) const {
  auto [account, name] = split_queue_url(url, ctx_.opts.account_id);
  if (name.empty()) return no_such_queue(c);
  auto q = lookup(account, name);
  if (!q) return no_such_queue(c);
  return q;
}

std::shared_ptr<queue> engine::by_arn(std::string_view arn) const {
  auto key = arn_key(arn);
  if (!key) return nullptr;
  std::shared_lock lock(registry_mutex_);
  auto it = queues_.find(*key);
  return it == queues_.end() ? nullptr : it->second;
}

std::string engine::url_of(const queue& q, std::string_view host) const {
  return "http://" + std::string(host.empty() ? std::string_view(ctx_.opts.default_host) : host) + "/" + q.account() +
         "/" + q.name();
}

result<std::string> engine::queue_url(std::string_view name, std::string_view host) const {
  api::call c{};
  auto q = resolve(c, name);
  if (!q.ok()) return q.err();
  return url_of(**q, host);
}

result<message_counts> engine::counts(std::string_view queue_url_or_name) {
  api::call c{};
  auto q = resolve(c, queue_url_or_name);
  if (!q.ok()) return q.err();
  return (*q)->counts();
}

bool engine::is_dead_letter_queue(std::string_view arn) const {
  auto key = arn_key(arn);
  if (!key) return false;
  std::shared_lock lock(registry_mutex_);
  for (const auto& [k, q] : queues_)
    if (targets(q->config(), *key)) return true;
  return false;
}

void engine::link_dead_letter_sources(const std::shared_ptr<queue>& q) {
  const auto key = key_of(q->account(), q->name());
  std::vector<std::shared_ptr<queue>> sources;
  {
    std::shared_lock lock(registry_mutex_);
    for (const auto& [k, other] : queues_)
      if (targets(other->config(), key)) sources.push_back(other);
  }
  for (auto& s : sources) s->set_dead_letter_queue(q);
}

result<void> engine::check_redrive(const queue_config& cfg, std::string_view value, std::string_view source_arn) {
  if (!cfg.redrive) return {};
  auto target = by_arn(cfg.redrive->dead_letter_target_arn);
  auto fail = [&](std::string_view reason) {
    return make_error(errc::invalid_parameter_value,
                      "Value " + std::string(value) + " for parameter RedrivePolicy is invalid. Reason: " +
                          std::string(reason));
  };
  if (!target) return fail("Dead letter target does not exist.");
  auto target_cfg = target->config();
  if (target_cfg.fifo != cfg.fifo) return fail("Dead-letter queue must be same type of queue as the source.");
  // The dead-letter queue's RedriveAllowPolicy decides which queues may use it.
  if (!target_cfg.redrive_allow_policy.empty()) {
    auto allow = nlohmann::json::parse(target_cfg.redrive_allow_policy, nullptr, false);
    auto permission = allow.value("redrivePermission", "allowAll");
    bool allowed = permission == "allowAll";
    if (permission == "byQueue")
      for (const auto& a : allow.value("sourceQueueArns", nlohmann::json::array()))
        allowed = allowed || (a.is_string() && arn_key(a.get<std::string>()) == arn_key(source_arn));
    if (!allowed) return fail("Queue " + std::string(source_arn) + " is not allowed by the dead-letter queue's RedriveAllowPolicy.");
  }
  return {};
}

void engine::execute(api::call c, reply_fn done) {
  using namespace api;
  auto& in = c.input;
  auto sync = [&done](auto r) {
    if (r.ok())
      done(result_body{std::move(r).value()});
    else
      done(r.err());
  };
  switch (c.operation) {
    case op::create_queue:
      return create_queue(c, std::get<create_queue_request>(in), std::move(done));
    case op::get_queue_url:
      return get_queue_url(c, std::get<get_queue_url_request>(in), std::move(done));
    case op::list_queues:
      return list_queues(c, std::get<list_queues_request>(in), std::move(done));
    case op::delete_queue:
      return delete_queue(c, std::get<queue_request>(in), std::move(done));
    case op::purge_queue: {
      auto q = resolve(c, std::get<queue_request>(in).queue_url);
      if (!q.ok()) return done(q.err());
      return (*q)->purge(as_empty(std::move(done)));
    }
    case op::get_queue_attributes:
      return get_queue_attributes(c, std::get<get_queue_attributes_request>(in), std::move(done));
    case op::set_queue_attributes:
      return set_queue_attributes(c, std::get<set_queue_attributes_request>(in), std::move(done));
    case op::tag_queue: {
      const auto& r = std::get<tag_queue_request>(in);
      auto q = resolve(c, r.queue_url);
      if (!q.ok()) return done(q.err());
      auto name = (*q)->name();
      return (*q)->modify(
          [tags = r.tags, name](queue_config&, string_map& current) -> result<void> {
            HAYLOFT_TRY(check_tags(current, tags, name));
            for (const auto& [k, v] : tags) current[k] = v;
            return {};
          },
          as_empty(std::move(done)));
    }
    case op::untag_queue: {
      const auto& r = std::get<untag_queue_request>(in);
      auto q = resolve(c, r.queue_url);
      if (!q.ok()) return done(q.err());
      return (*q)->modify(
          [keys = r.tag_keys](queue_config&, string_map& current) -> result<void> {
            for (const auto& k : keys) current.erase(k);
            return {};
          },
          as_empty(std::move(done)));
    }
    case op::list_queue_tags: {
      auto q = resolve(c, std::get<queue_request>(in).queue_url);
      if (!q.ok()) return done(q.err());
      return done(result_body{tags_result{(*q)->tags()}});
    }
    case op::send_message:
      return send_message(c, std::move(std::get<send_message_request>(in)), std::move(done));
    case op::send_message_batch:
      return send_message_batch(c, std::move(std::get<send_message_batch_request>(in)), std::move(done));
    case op::receive_message:
      return receive_message(c, std::get<receive_message_request>(in), std::move(done));
    case op::delete_message:
      return delete_message(c, std::get<delete_message_request>(in), std::move(done));
    case op::delete_message_batch:
      return delete_message_batch(c, std::get<delete_message_batch_request>(in), std::move(done));
    case op::change_message_visibility:
      return change_message_visibility(c, std::get<change_message_visibility_request>(in), std::move(done));
    case op::change_message_visibility_batch:
      return change_message_visibility_batch(c, std::get<change_message_visibility_batch_request>(in),
                                             std::move(done));
    case op::list_dead_letter_source_queues:
      return list_dead_letter_source_queues(c, std::get<list_dead_letter_source_queues_request>(in), std::move(done));
    case op::start_message_move_task:
      return sync(tasks_.start(std::get<start_message_move_task_request>(in)));
    case op::list_message_move_tasks:
      return sync(tasks_.list(std::get<list_message_move_tasks_request>(in)));
    case op::cancel_message_move_task:
      return sync(tasks_.cancel(std::get<cancel_message_move_task_request>(in)));
    case op::add_permission:
      return add_permission(c, std::get<add_permission_request>(in), std::move(done));
    case op::remove_permission:
      return remove_permission(c, std::get<remove_permission_request>(in), std::move(done));
  }
}

void engine::create_queue(const api::call& c, const api::create_queue_request& r, reply_fn done) {
  queue_config cfg;
  auto applied = apply_attributes(cfg, r.attributes, true, ctx_.opts.max_message_size);
  if (!applied.ok()) return done(applied.err());
  if (auto n = check_queue_name(r.queue_name, cfg.fifo); !n.ok()) return done(n.err());
  if (r.queue_name.ends_with(".fifo") && !cfg.fifo)
    return done(make_error(errc::invalid_parameter_value,
                           "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"));
  if (auto rp = r.attributes.find("RedrivePolicy"); rp != r.attributes.end())
    if (auto ok = check_redrive(cfg, rp->second,
                                "arn:aws:sqs:" + (c.region.empty() ? ctx_.opts.region : c.region) + ":" +
                                    ctx_.opts.account_id + ":" + r.queue_name);
        !ok.ok())
      return done(ok.err());
  if (auto t = check_tags({}, r.tags, r.queue_name); !t.ok()) return done(t.err());

  const auto& account = ctx_.opts.account_id;
  const auto key = key_of(account, r.queue_name);
  const auto now = ctx_.now_ms();
  std::shared_ptr<queue> q;
  store::queue_row row;
  {
    std::unique_lock lock(registry_mutex_);
    if (auto it = queues_.find(key); it != queues_.end()) {
      auto existing = it->second;
      lock.unlock();
      // Idempotent unless an attribute named in the request differs from the queue's.
      auto current = existing->config();
      for (const auto& [k, v] : r.attributes) {
        auto probe = current;
        if (!apply_attributes(probe, {{k, v}}, true, ctx_.opts.max_message_size).ok() ||
            to_json(probe) != to_json(current))
          return done(make_error(errc::queue_name_exists,
                                 "A queue already exists with the same name and a different value for attribute " + k));
      }
      return done(api::result_body{api::queue_url_result{url_of(*existing, c.host)}});
    }
    if (ctx_.opts.delay_recently_deleted) {
      if (auto d = deleted_.find(key); d != deleted_.end() && now - d->second < 60'000)
        return done(make_error(errc::queue_deleted_recently,
                               "You must wait 60 seconds after deleting a queue before you can create another with "
                               "the same name."));
    }
    row.id = ++next_queue_id_;
    row.account = account;
    row.name = r.queue_name;
    row.region = c.region.empty() ? ctx_.opts.region : c.region;
    row.attributes_json = to_json(cfg);
    row.tags_json = nlohmann::json(r.tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    row.created_ms = now;
    row.modified_ms = now;
    q = std::make_shared<queue>(ctx_, row, cfg, r.tags);
    queues_[key] = q;
  }
  if (cfg.redrive) q->set_dead_letter_queue(by_arn(cfg.redrive->dead_letter_target_arn));
  link_dead_letter_sources(q);
  auto url = url_of(*q, c.host);
  auto submitted = ctx_.submit([row](hayloft::store::database& db) { return store::insert_queue(db, row); },
                               [this, key, q, url, done](result<void> res) {
                                 if (res.ok()) return done(api::result_body{api::queue_url_result{url}});
                                 {
                                   std::unique_lock lock(registry_mutex_);
                                   if (auto it = queues_.find(key); it != queues_.end() && it->second == q)
                                     queues_.erase(it);
                                 }
                                 q->close();
                                 done(make_error(errc::internal_error, res.err().message));
                               });
  if (!submitted) done(make_error(errc::service_unavailable, "The service is shutting down."));
}

void engine::get_queue_url(const api::call& c, const api::get_queue_url_request& r, reply_fn done) {
  auto account = r.queue_owner_account.empty() ? ctx_.opts.account_id : r.queue_owner_account;
  auto q = lookup(account, r.queue_name);
  if (!q) return done(no_such_queue(c));
  done(api::result_body{api::queue_url_result{url_of(*q, c.host)}});
}

namespace {

// One page of queue URLs (sorted by name); NextToken is the base64 of the last name returned.
result<api::queue_urls_result> page(std::vector<std::string> urls, std::vector<std::string> names,
                                    std::optional<std::int64_t> max_results, const std::string& token) {
  if (max_results && (*max_results < 1 || *max_results > 1000))
    return make_error(errc::invalid_parameter_value,
                      "Value " + std::to_string(*max_results) +
                          " for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 "
                          "and 1000.");
  std::size_t start = 0;
  if (!token.empty()) {
    std::string after;
    if (!core::base64_decode(token, after)) return make_error(errc::invalid_parameter_value, "Invalid NextToken value.");
    while (start < names.size() && names[start] <= after) ++start;
  }
  api::queue_urls_result out;
  const std::size_t limit = max_results ? static_cast<std::size_t>(*max_results) : 1000;
  for (std::size_t i = start; i < names.size() && out.queue_urls.size() < limit; ++i)
    out.queue_urls.push_back(urls[i]);
  const auto end = start + out.queue_urls.size();
  if (max_results && end < names.size()) out.next_token = core::base64_encode(names[end - 1]);
  return out;
}

}  // namespace

void engine::list_queues(const api::call& c, const api::list_queues_request& r, reply_fn done) {
  std::vector<std::string> urls, names;
  {
    std::shared_lock lock(registry_mutex_);
    auto prefix = key_of(ctx_.opts.account_id, r.queue_name_prefix);
    for (auto it = queues_.lower_bound(prefix); it != queues_.end() && it->first.starts_with(prefix); ++it) {
      names.push_back(it->second->name());
      urls.push_back(url_of(*it->second, c.host));
    }
  }
  auto p = page(std::move(urls), std::move(names), r.max_results, r.next_token);
  if (!p.ok()) return done(p.err());
  done(api::result_body{std::move(*p)});
}

void engine::delete_queue(const api::call& c, const api::queue_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  {
    std::unique_lock lock(registry_mutex_);
    auto key = key_of((*q)->account(), (*q)->name());
    if (auto it = queues_.find(key); it != queues_.end() && it->second == *q) queues_.erase(it);
    deleted_[key] = ctx_.now_ms();
  }
  (*q)->destroy(as_empty(std::move(done)));
}

void engine::get_queue_attributes(const api::call& c, const api::get_queue_attributes_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  for (const auto& n : r.attribute_names)
    if (!is_queue_attribute(n)) return done(make_error(errc::invalid_attribute_name, "Unknown Attribute " + n + "."));
  auto d = (*q)->describe();
  std::vector<std::pair<std::string, std::string>> all{
      {"QueueArn", (*q)->arn()},
      {"ApproximateNumberOfMessages", std::to_string(d.counts.visible)},
      {"ApproximateNumberOfMessagesNotVisible", std::to_string(d.counts.not_visible)},
      {"ApproximateNumberOfMessagesDelayed", std::to_string(d.counts.delayed)},
      {"CreatedTimestamp", std::to_string(d.created_ms / 1000)},
      {"LastModifiedTimestamp", std::to_string(d.modified_ms / 1000)},
  };
  for (auto& kv : settable_attributes(d.config)) all.push_back(std::move(kv));
  api::attributes_result out;
  for (auto& [k, v] : all) {
    bool wanted = false;
    for (const auto& n : r.attribute_names) wanted = wanted || n == "All" || n == k;
    if (wanted) out.attributes.emplace_back(k, v);
  }
  done(api::result_body{std::move(out)});
}

void engine::set_queue_attributes(const api::call& c, const api::set_queue_attributes_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto probe = (*q)->config();
  auto applied = apply_attributes(probe, r.attributes, false, ctx_.opts.max_message_size);
  if (!applied.ok()) return done(applied.err());
  auto rp = r.attributes.find("RedrivePolicy");
  if (rp != r.attributes.end())
    if (auto ok = check_redrive(probe, rp->second, (*q)->arn()); !ok.ok()) return done(ok.err());
  std::weak_ptr<queue> dlq;
  if (probe.redrive) dlq = by_arn(probe.redrive->dead_letter_target_arn);
  auto max = ctx_.opts.max_message_size;
  auto target = *q;
  target->modify(
      [attrs = r.attributes, max](queue_config& cfg, api::string_map&) {
        return apply_attributes(cfg, attrs, false, max);
      },
      [target, dlq, relink = rp != r.attributes.end(), done](result<void> res) {
        if (res.ok() && relink) target->set_dead_letter_queue(dlq);
        as_empty(done)(std::move(res));
      });
}

void engine::list_dead_letter_source_queues(const api::call& c, const api::list_dead_letter_source_queues_request& r,
                                            reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  std::vector<std::string> urls, names;
  const auto key = key_of((*q)->account(), (*q)->name());
  {
    std::shared_lock lock(registry_mutex_);
    for (const auto& [k, other] : queues_) {
      if (targets(other->config(), key)) {
        names.push_back(other->name());
        urls.push_back(url_of(*other, c.host));
      }
    }
  }
  auto p = page(std::move(urls), std::move(names), r.max_results, r.next_token);
  if (!p.ok()) return done(p.err());
  done(api::result_body{std::move(*p)});
}

}  // namespace hayloft::sqs
