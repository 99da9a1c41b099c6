// engine: AddPermission / RemovePermission, which edit the queue's Policy attribute the way
// SQS does: one statement per label (Sid), principals "arn:aws:iam::<account>:root",
// actions "SQS:<Action>".
#include <cctype>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqs/api/errors.h"
#include "sqs/service/engine.h"

namespace hayloft::sqs {
namespace {

hayloft::error bad_label(std::string_view label, std::string_view reason) {
  return make_error(errc::invalid_parameter_value,
                    "Value " + std::string(label) + " for parameter Label is invalid. Reason: " + std::string(reason));
}

// AddPermission's Label: "Maximum 80 characters. Allowed characters include alphanumeric
// characters, hyphens (-), and underscores (_)." (API_AddPermission.html).
bool label_ok(std::string_view label) {
  if (label.empty() || label.size() > 80) return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

// An AWS account id is 12 decimal digits.
bool account_id_ok(std::string_view id) {
  if (id.size() != 12) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

hayloft::error bad_principals(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) {
    if (!list.empty()) list += ", ";
    list += id;
  }
  return make_error(errc::invalid_parameter_value,
                    "Value [" + list + "] for parameter PrincipalId is invalid. Reason: Unable to verify.");
}

// The queue's policy with Statement as an array (a policy may also hold a single statement
// object, or none).
nlohmann::json policy_of(const queue_config& cfg, const std::string& arn) {
  nlohmann::json j;
  if (!cfg.policy.empty()) j = nlohmann::json::parse(cfg.policy, nullptr, false);
  if (!j.is_object())
    j = {{"Version", "2012-10-17"}, {"Id", arn + "/SQSDefaultPolicy"}, {"Statement", nlohmann::json::array()}};
  auto& st = j["Statement"];
  if (st.is_object())
    st = nlohmann::json::array({st});
  else if (!st.is_array())
    st = nlohmann::json::array();
  return j;
}

// Whether statement `s` has the Sid `label` (a Sid of another type never matches: value() would
// throw on it).
bool sid_is(const nlohmann::json& s, const std::string& label) {
  if (!s.is_object()) return false;
  auto sid = s.find("Sid");
  return sid != s.end() && sid->is_string() && sid->get_ref<const std::string&>() == label;
}

bool has_label(const nlohmann::json& policy, const std::string& label) {
  auto st = policy.find("Statement");
  if (st == policy.end() || !st->is_array()) return false;
  for (const auto& s : *st)
    if (sid_is(s, label)) return true;
  return false;
}

}  // namespace

void engine::add_permission(const api::call& c, const api::add_permission_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  if (!label_ok(r.label))
    return done(bad_label(r.label, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"));
  if (r.actions.empty()) return done(make_error(errc::missing_parameter, "The request must contain the parameter Actions."));
  if (r.actions.size() > 7)
    return done(make_error(errc::over_limit,
                           std::to_string(r.actions.size()) + " Actions were found, maximum allowed is 7."));
  for (const auto& a : r.actions)
    if (a != "*" && !api::op_from_name(a))
      return done(make_error(errc::invalid_parameter_value,
                             "Value SQS:" + a +
                                 " for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL "
                                 "for a list of valid actions."));
  std::vector<std::string> bad_ids;
  for (const auto& id : r.aws_account_ids)
    if (!account_id_ok(id)) bad_ids.push_back(id);
  if (r.aws_account_ids.empty() || !bad_ids.empty()) return done(bad_principals(bad_ids));
  auto arn = (*q)->arn();
  (*q)->modify(
      [r, arn](queue_config& cfg, api::string_map&) -> result<void> {
        auto policy = policy_of(cfg, arn);
        if (has_label(policy, r.label)) return bad_label(r.label, "Already exists.");
        nlohmann::json principals = nlohmann::json::array();
        for (const auto& id : r.aws_account_ids) principals.push_back("arn:aws:iam::" + id + ":root");
        nlohmann::json actions = nlohmann::json::array();
        for (const auto& a : r.actions) actions.push_back("SQS:" + a);
        policy["Statement"].push_back({{"Sid", r.label},
                                       {"Effect", "Allow"},
                                       {"Principal", {{"AWS", principals}}},
                                       {"Action", actions},
                                       {"Resource", arn}});
        auto canonical = canonical_policy(policy.dump());
        if (!canonical.ok()) return canonical.err();
        cfg.policy = std::move(canonical).value();
        return {};
      },
      [done](result<void> res) {
        if (!res.ok()) return done(res.err());
        done(api::result_body{api::empty_result{}});
      });
}

void engine::remove_permission(const api::call& c, const api::remove_permission_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  auto arn = (*q)->arn();
  (*q)->modify(
      [label = r.label, arn](queue_config& cfg, api::string_map&) -> result<void> {
        auto policy = policy_of(cfg, arn);
        if (!has_label(policy, label)) return bad_label(label, "can't find label on existing policy.");
        auto& st = policy["Statement"];
        nlohmann::json kept = nlohmann::json::array();
        for (auto& s : st)
          if (!sid_is(s, label)) kept.push_back(s);
        cfg.policy = kept.empty() ? std::string() : (policy["Statement"] = kept, policy.dump());
        return {};
      },
      [done](result<void> res) {
        if (!res.ok()) return done(res.err());
        done(api::result_body{api::empty_result{}});
      });
}

}  // namespace hayloft::sqs
