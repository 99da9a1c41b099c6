#include "s3/api/bucket_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "emulator/core/http_message.h"
#include "emulator/core/json_text.h"
#include "s3/api/errors.h"
#include "s3/api/results.h"

namespace hayloft::s3 {
namespace {

using json = nlohmann::json;

hayloft::error malformed(std::string message) { return fail(errc::malformed_policy, std::move(message)); }

// S3 actions a bucket policy can grant, lower-cased, and whether each applies to objects
// ("arn:aws:s3:::bucket/key") rather than to the bucket. From the S3 actions list of the Service
// Authorization Reference; account-level actions (ListAllMyBuckets, ...) cannot be in a bucket
// policy.
struct action_entry {
  std::string_view name;
  bool object;
};
constexpr action_entry s3_actions[] = {
    {"s3:abortmultipartupload", true}, {"s3:bypassgovernanceretention", true}, {"s3:deleteobject", true},
    {"s3:deleteobjecttagging", true}, {"s3:deleteobjectversion", true}, {"s3:deleteobjectversiontagging", true},
    {"s3:getobject", true}, {"s3:getobjectacl", true}, {"s3:getobjectattributes", true},
    {"s3:getobjectlegalhold", true}, {"s3:getobjectretention", true}, {"s3:getobjecttagging", true},
    {"s3:getobjecttorrent", true}, {"s3:getobjectversion", true}, {"s3:getobjectversionacl", true},
    {"s3:getobjectversionattributes", true}, {"s3:getobjectversionforreplication", true},
    {"s3:getobjectversiontagging", true}, {"s3:getobjectversiontorrent", true},
    {"s3:listmultipartuploadparts", true}, {"s3:objectowneroverridetobucketowner", true}, {"s3:putobject", true},
    {"s3:putobjectacl", true}, {"s3:putobjectlegalhold", true}, {"s3:putobjectretention", true},
    {"s3:putobjecttagging", true}, {"s3:putobjectversionacl", true}, {"s3:putobjectversiontagging", true},
    {"s3:replicatedelete", true}, {"s3:replicateobject", true}, {"s3:replicatetags", true},
    {"s3:restoreobject", true}, {"s3:createbucket", false}, {"s3:deletebucket", false},
    {"s3:deletebucketownershipcontrols", false}, {"s3:deletebucketpolicy", false}, {"s3:deletebucketwebsite", false},
    {"s3:getaccelerateconfiguration", false}, {"s3:getanalyticsconfiguration", false}, {"s3:getbucketacl", false},
    {"s3:getbucketcors", false}, {"s3:getbucketlocation", false}, {"s3:getbucketlogging", false},
    {"s3:getbucketnotification", false}, {"s3:getbucketobjectlockconfiguration", false},
    {"s3:getbucketownershipcontrols", false}, {"s3:getbucketpolicy", false}, {"s3:getbucketpolicystatus", false},
    {"s3:getbucketpublicaccessblock", false}, {"s3:getbucketrequestpayment", false}, {"s3:getbuckettagging", false},
    {"s3:getbucketversioning", false}, {"s3:getbucketwebsite", false}, {"s3:getencryptionconfiguration", false},
    {"s3:getintelligenttieringconfiguration", false}, {"s3:getinventoryconfiguration", false},
    {"s3:getlifecycleconfiguration", false}, {"s3:getmetricsconfiguration", false},
    {"s3:getreplicationconfiguration", false}, {"s3:listbucket", false}, {"s3:listbucketmultipartuploads", false},
    {"s3:listbucketversions", false}, {"s3:putaccelerateconfiguration", false}, {"s3:putanalyticsconfiguration", false},
    {"s3:putbucketacl", false}, {"s3:putbucketcors", false}, {"s3:putbucketlogging", false},
    {"s3:putbucketnotification", false}, {"s3:putbucketobjectlockconfiguration", false},
    {"s3:putbucketownershipcontrols", false}, {"s3:putbucketpolicy", false}, {"s3:putbucketpublicaccessblock", false},
    {"s3:putbucketrequestpayment", false}, {"s3:putbuckettagging", false}, {"s3:putbucketversioning", false},
    {"s3:putbucketwebsite", false}, {"s3:putencryptionconfiguration", false},
    {"s3:putintelligenttieringconfiguration", false}, {"s3:putinventoryconfiguration", false},
    {"s3:putlifecycleconfiguration", false}, {"s3:putmetricsconfiguration", false},
    {"s3:putreplicationconfiguration", false},
};

constexpr std::string_view condition_ops[] = {
    "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike",
    "stringnotlike", "numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals",
    "numericgreaterthan", "numericgreaterthanequals", "dateequals", "datenotequals", "datelessthan",
    "datelessthanequals", "dategreaterthan", "dategreaterthanequals", "bool", "binaryequals", "ipaddress",
    "notipaddress", "arnequals", "arnlike", "arnnotequals", "arnnotlike", "null"};

// Condition keys that pin the caller down, so an Allow to "*" under them is not public.
constexpr std::string_view fixing_keys[] = {"aws:sourceip",      "aws:sourcearn",          "aws:sourcevpc",
                                            "aws:sourcevpce",    "aws:sourceaccount",      "aws:principalorgid",
                                            "aws:principalaccount", "s3:dataaccesspointarn", "aws:sourceowner",
                                            "aws:principalarn",  "aws:userid"};

std::string lower(std::string_view s) { return core::to_lower(s); }

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A list field: a string or an array of strings (at least one).
result<std::vector<std::string>> strings_of(const json& v, std::string_view field) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && !v.empty()) {
    for (const auto& e : v) {
      if (!e.is_string()) return malformed("Invalid " + std::string(field) + " in policy");
      out.push_back(e.get<std::string>());
    }
  } else {
    return malformed("Invalid " + std::string(field) + " in policy");
  }
  return out;
}

bool valid_aws_principal(std::string_view p) {
  if (p == "*" || digits(p, 12)) return true;
  for (std::string_view prefix : {"arn:aws:iam::", "arn:aws:sts::"}) {
    if (!p.starts_with(prefix)) continue;
    auto rest = p.substr(prefix.size());
    auto colon = rest.find(':');
    if (colon == std::string_view::npos || !digits(rest.substr(0, colon), 12)) return false;
    auto what = rest.substr(colon + 1);
    return what == "root" || what.starts_with("user/") || what.starts_with("role/") ||
           what.starts_with("assumed-role/") || what.starts_with("federated-user/");
  }
  return false;
}

result<void> parse_principal(const json& v, policy_statement& st) {
  if (v.is_string()) {
    if (v.get<std::string>() != "*") return malformed("Invalid principal in policy");
    st.principals.push_back("*");
    return {};
  }
  if (!v.is_object() || v.empty()) return malformed("Invalid principal in policy");
  for (const auto& [kind, value] : v.items()) {
    auto list = strings_of(value, "principal");
    if (!list.ok()) return malformed("Invalid principal in policy");
    for (auto& p : *list) {
      bool ok = kind == "AWS"            ? valid_aws_principal(p)
                : kind == "CanonicalUser" ? p.size() == 64
                : kind == "Service"       ? p.find('.') != std::string::npos
                : kind == "Federated"     ? !p.empty()
                                          : false;
      if (!ok) return malformed("Invalid principal in policy");
      // Service and federated principals never call hayloft; kept so they never match.
      st.principals.push_back(kind == "AWS" || kind == "CanonicalUser" ? p : kind + ":" + p);
    }
  }
  return {};
}

bool action_known(std::string_view a) {
  if (a == "*" || a == "s3:*") return true;
  for (const auto& e : s3_actions)
    if (iam_match(a, e.name, true)) return true;
  return false;
}

// Whether some action of the statement applies to the resource kind (object or bucket).
bool applies(const policy_statement& st, bool object) {
  if (st.not_action) return true;
  for (const auto& a : st.actions) {
    if (a == "*" || a == "s3:*") return true;
    for (const auto& e : s3_actions)
      if (e.object == object && iam_match(a, e.name, true)) return true;
  }
  return false;
}

result<void> parse_condition(const json& v, policy_statement& st) {
  if (!v.is_object()) return malformed("Invalid Condition block in policy");
  for (const auto& [op, block] : v.items()) {
    auto base = lower(op);
    for (std::string_view q : {"foranyvalue:", "forallvalues:"})
      if (base.starts_with(q)) base = base.substr(q.size());
    if (base.ends_with("ifexists")) base.resize(base.size() - 8);
    if (std::find(std::begin(condition_ops), std::end(condition_ops), base) == std::end(condition_ops))
      return malformed("Invalid Condition type : " + op);
    if (!block.is_object() || block.empty()) return malformed("Invalid Condition block in policy");
    for (const auto& [key, values] : block.items()) {
      policy_condition c{op, lower(key), {}};
      auto add = [&](const json& e) -> bool {
        if (e.is_string()) c.values.push_back(e.get<std::string>());
        else if (e.is_boolean()) c.values.push_back(e.get<bool>() ? "true" : "false");
        else if (e.is_number()) c.values.push_back(e.dump());
        else return false;
        return true;
      };
      bool ok = true;
      if (values.is_array()) {
        for (const auto& e : values) ok = ok && add(e);
      } else {
        ok = add(values);
      }
      if (!ok || c.values.empty()) return malformed("Invalid Condition value in policy");
      st.conditions.push_back(std::move(c));
    }
  }
  return {};
}

result<policy_statement> parse_statement(const json& s, std::string_view bucket) {
  if (!s.is_object()) return malformed("Statement is not an object");
  policy_statement st;
  bool effect = false, principal = false, action = false, resource = false;
  for (const auto& [k, v] : s.items()) {
    if (k == "Sid") {
      if (!v.is_string()) return malformed("Invalid Sid in policy");
      st.sid = v.get<std::string>();
    } else if (k == "Effect") {
      if (v != "Allow" && v != "Deny") return malformed("Invalid effect: " + (v.is_string() ? v.get<std::string>() : v.dump()));
      st.allow = v == "Allow";
      effect = true;
    } else if (k == "Principal" || k == "NotPrincipal") {
      if (principal) return malformed("Policy has both Principal and NotPrincipal");
      principal = true;
      st.not_principal = k == "NotPrincipal";
      HAYLOFT_TRY(parse_principal(v, st));
    } else if (k == "Action" || k == "NotAction") {
      if (action) return malformed("Policy has both Action and NotAction");
      action = true;
      st.not_action = k == "NotAction";
      auto list = strings_of(v, "action");
      if (!list.ok()) return malformed("Policy has invalid action");
      for (auto& a : *list) {
        auto l = lower(a);
        if (!action_known(l)) return malformed("Policy has invalid action");
        st.actions.push_back(std::move(l));
      }
    } else if (k == "Resource" || k == "NotResource") {
      if (resource) return malformed("Policy has both Resource and NotResource");
      resource = true;
      st.not_resource = k == "NotResource";
      auto list = strings_of(v, "resource");
      if (!list.ok()) return malformed("Policy has invalid resource");
      for (auto& r : *list) {
        // Every resource must be this bucket or objects in it (wildcards allowed).
        constexpr std::string_view arn = "arn:aws:s3:::";
        if (r != "*" && !r.starts_with(arn)) return malformed("Policy has invalid resource");
        if (r != "*") {
          auto name = std::string_view(r).substr(arn.size());
          name = name.substr(0, name.find('/'));
          if (!iam_match(name, bucket, false)) return malformed("Policy has invalid resource");
        }
        st.resources.push_back(std::move(r));
      }
    } else if (k == "Condition") {
      HAYLOFT_TRY(parse_condition(v, st));
    } else {
      return malformed("Unknown field " + k);
    }
  }
  if (!effect) return malformed("Missing required field Effect");
  if (!principal) return malformed("Missing required field Principal");
  if (!action) return malformed("Missing required field Action");
  if (!resource) return malformed("Missing required field Resource");
  if (!st.not_resource) {
    bool any = false;
    for (const auto& r : st.resources) {
      // "bkt/*" names objects only; "bkt" the bucket only; "bkt*" or "*" may name both.
      bool object = r == "*" || r.find('/') != std::string::npos || r.ends_with("*");
      bool bucket_level = r.find('/') == std::string::npos;
      if ((object && applies(st, true)) || (bucket_level && applies(st, false))) any = true;
    }
    if (!any) return malformed("Action does not apply to any resource(s) in statement");
  }
  return st;
}

bool principal_matches(const policy_statement& st, const policy_request& r) {
  bool hit = false;
  for (const auto& p : st.principals) {
    if (p == "*") hit = true;
    else if (r.account.empty()) continue;
    else if (digits(p, 12)) hit = hit || p == r.account;
    else if (p == "arn:aws:iam::" + r.account + ":root") hit = true;
    else if (p.size() == 64) hit = hit || (p == owner_id && r.account == "000000000000");
    else if (p == r.arn) hit = true;
  }
  return st.not_principal ? !hit : hit;
}

bool action_matches(const policy_statement& st, std::string_view action) {
  bool hit = std::any_of(st.actions.begin(), st.actions.end(), [&](const std::string& a) { return iam_match(a, action, true); });
  return st.not_action ? !hit : hit;
}

bool resource_matches(const policy_statement& st, std::string_view resource) {
  bool hit = std::any_of(st.resources.begin(), st.resources.end(),
                         [&](const std::string& p) { return iam_match(p, resource, false); });
  return st.not_resource ? !hit : hit;
}

// a.b.c.d/n or an IPv6 prefix; a bare address is /32 (/128).
bool ip_in(std::string_view cidr, std::string_view ip) {
  auto slash = cidr.find('/');
  std::string net(cidr.substr(0, slash));
  std::string addr(ip);
  unsigned char a[16] = {}, b[16] = {};
  int family = net.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  int bytes = family == AF_INET6 ? 16 : 4;
  if (inet_pton(family, net.c_str(), a) != 1 || inet_pton(family, addr.c_str(), b) != 1) return false;
  int bits = bytes * 8;
  if (slash != std::string_view::npos) {
    auto n = cidr.substr(slash + 1);
    auto res = std::from_chars(n.data(), n.data() + n.size(), bits);
    if (res.ec != std::errc{} || res.ptr != n.data() + n.size() || bits < 0 || bits > bytes * 8) return false;
  }
  for (int i = 0; i < bytes && bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

std::optional<double> number(std::string_view s) {
  double d = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || res.ec != std::errc{} || res.ptr != s.data() + s.size()) return std::nullopt;
  return d;
}

// One value against one condition value, for the operator's base name.
bool compare(std::string_view op, std::string_view have, std::string_view want) {
  if (op == "stringequals" || op == "arnequals") return have == want;
  if (op == "stringequalsignorecase") return lower(have) == lower(want);
  if (op == "stringlike" || op == "arnlike") return iam_match(want, have, false);
  if (op == "bool") return lower(have) == lower(want);
  if (op == "ipaddress") return ip_in(want, have);
  if (op.starts_with("numeric")) {
    auto h = number(have), w = number(want);
    if (!h || !w) return false;
    if (op == "numericequals") return *h == *w;
    if (op == "numericlessthan") return *h < *w;
    if (op == "numericlessthanequals") return *h <= *w;
    if (op == "numericgreaterthan") return *h > *w;
    if (op == "numericgreaterthanequals") return *h >= *w;
  }
  // Dates and binary values: hayloft has no request key that carries one.
  return false;
}

bool condition_holds(const policy_condition& c, const policy_request& r) {
  auto base = lower(c.op);
  for (std::string_view q : {"foranyvalue:", "forallvalues:"})
    if (base.starts_with(q)) base = base.substr(q.size());
  bool if_exists = base.ends_with("ifexists");
  if (if_exists) base.resize(base.size() - 8);
  std::optional<std::string> have;
  if (c.key == "aws:securetransport") have = r.secure_transport ? "true" : "false";
  else if (c.key == "aws:sourceip") have = r.source_ip;
  else if (c.key == "aws:principalaccount" && !r.account.empty()) have = r.account;
  else if (c.key == "aws:principalarn" && !r.arn.empty()) have = r.arn;
  for (const auto& [k, v] : r.context)
    if (k == c.key) have = v;
  if (base == "null") {
    bool want_absent = lower(c.values.front()) == "true";
    return want_absent == !have.has_value();
  }
  // Negated operators: each holds when no value matches (and when the key is absent).
  std::string positive = base;
  bool negated = false;
  if (base == "stringnotequals") positive = "stringequals", negated = true;
  else if (base == "stringnotequalsignorecase") positive = "stringequalsignorecase", negated = true;
  else if (base == "stringnotlike") positive = "stringlike", negated = true;
  else if (base == "numericnotequals") positive = "numericequals", negated = true;
  else if (base == "notipaddress") positive = "ipaddress", negated = true;
  else if (base == "arnnotequals") positive = "arnequals", negated = true;
  else if (base == "arnnotlike") positive = "arnlike", negated = true;
  if (!have) return if_exists || negated;
  bool any = std::any_of(c.values.begin(), c.values.end(), [&](const std::string& w) { return compare(positive, *have, w); });
  return negated ? !any : any;
}

}  // namespace

bool iam_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Iterative glob match with backtracking to the last '*': linear in practice, never recursive.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto eq = [&](char a, char b) {
    if (!ignore_case) return a == b;
    auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return l(a) == l(b);
  };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

result<bucket_policy> parse_bucket_policy(std::string_view text, std::string_view bucket) {
  if (text.size() > max_policy_bytes) return malformed("Policies cannot exceed 20 KB in size");
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{' || !core::json_depth_within(text, 32))
    return malformed("Policies must be valid JSON and the first byte must be '{'");
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return malformed("Policies must be valid JSON and the first byte must be '{'");
  bucket_policy p;
  // nlohmann keeps keys sorted: the version is checked first, as S3 reports it first.
  if (auto v = doc.find("Version"); v != doc.end()) {
    if (*v != "2012-10-17" && *v != "2008-10-17") return malformed("The policy must contain a valid version string");
    p.version = v->get<std::string>();
  }
  bool has_statement = false;
  for (const auto& [k, v] : doc.items()) {
    if (k == "Version") {
      continue;
    } else if (k == "Id") {
      if (!v.is_string()) return malformed("Invalid Id in policy");
    } else if (k == "Statement") {
      has_statement = true;
      if (v.is_object()) {
        auto st = parse_statement(v, bucket);
        if (!st.ok()) return st.err();
        p.statements.push_back(std::move(*st));
      } else if (v.is_array() && !v.empty()) {
        for (const auto& s : v) {
          auto st = parse_statement(s, bucket);
          if (!st.ok()) return st.err();
          p.statements.push_back(std::move(*st));
        }
      } else {
        return malformed("Missing required field Statement");
      }
    } else {
      return malformed("Unknown field " + k);
    }
  }
  if (!has_statement) return malformed("Missing required field Statement");
  return p;
}

bool policy_is_public(const bucket_policy& p) {
  for (const auto& st : p.statements) {
    if (!st.allow || st.not_principal) continue;
    if (std::find(st.principals.begin(), st.principals.end(), "*") == st.principals.end()) continue;
    bool fixed = false;
    for (const auto& c : st.conditions) {
      auto op = lower(c.op);
      bool positive = op.find("not") == std::string::npos && op != "null";
      if (positive && std::find(std::begin(fixing_keys), std::end(fixing_keys), c.key) != std::end(fixing_keys))
        fixed = true;
    }
    if (!fixed) return true;
  }
  return false;
}

policy_decision evaluate_policy(const bucket_policy& p, const policy_request& r) {
  auto decision = policy_decision::none;
  for (const auto& st : p.statements) {
    if (!principal_matches(st, r) || !action_matches(st, r.action) || !resource_matches(st, r.resource)) continue;
    if (!std::all_of(st.conditions.begin(), st.conditions.end(),
                     [&](const policy_condition& c) { return condition_holds(c, r); }))
      continue;
    if (!st.allow) return policy_decision::deny;
    decision = policy_decision::allow;
  }
  return decision;
}

}  // namespace hayloft::s3
