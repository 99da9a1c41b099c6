// engine: AddPermission / RemovePermission, which edit the queue's Policy attribute the way
// SQS does: one statement per label (Sid), principals "arn:aws:iam::<account>:root",
// actions "SQS:<Action>".
#include <nlohmann/json.hpp>

#include "sqs/api/errors.h"
#include "sqs/service/engine.h"

namespace hayloft::sqs {
namespace {

hayloft::error bad_label(std::string_view label, std::string_view reason) {
  return make_error(errc::invalid_parameter_value,
                    "Value " + std::string(label) + " for parameter Label is invalid. Reason: " + std::string(reason));
}

nlohmann::json policy_of(const queue_config& cfg, const std::string& arn) {
  if (!cfg.policy.empty()) {
    auto j = nlohmann::json::parse(cfg.policy, nullptr, false);
    if (j.is_object()) return j;
  }
  return {{"Version", "2012-10-17"}, {"Id", arn + "/SQSDefaultPolicy"}, {"Statement", nlohmann::json::array()}};
}

bool has_label(const nlohmann::json& policy, const std::string& label) {
  auto st = policy.find("Statement");
  if (st == policy.end() || !st->is_array()) return false;
  for (const auto& s : *st)
    if (s.is_object() && s.value("Sid", "") == label) return true;
  return false;
}

}  // namespace

void engine::add_permission(const api::call& c, const api::add_permission_request& r, reply_fn done) {
  auto q = resolve(c, r.queue_url);
  if (!q.ok()) return done(q.err());
  if (r.aws_account_ids.empty())
    return done(make_error(errc::missing_parameter, "The request must contain the parameter AWSAccountIds."));
  if (r.actions.empty()) return done(make_error(errc::missing_parameter, "The request must contain the parameter Actions."));
  for (const auto& a : r.actions)
    if (a != "*" && !api::op_from_name(a))
      return done(make_error(errc::invalid_parameter_value,
                             "Value SQS:" + a +
                                 " for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL "
                                 "for a list of valid actions."));
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
        cfg.policy = policy.dump();
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
          if (!(s.is_object() && s.value("Sid", "") == label)) kept.push_back(s);
        cfg.policy = kept.empty() ? std::string() : (policy["Statement"] = kept, policy.dump());
        return {};
      },
      [done](result<void> res) {
        if (!res.ok()) return done(res.err());
        done(api::result_body{api::empty_result{}});
      });
}

}  // namespace hayloft::sqs
