#include "s3/api/acl.h"

#include "s3/api/errors.h"
#include "s3/api/results.h"
#include "s3/api/xml_writer.h"

namespace hayloft::s3 {
namespace {

constexpr std::string_view xsi_ns = "http://www.w3.org/2001/XMLSchema-instance";

bool valid_permission(std::string_view p) {
  return p == "FULL_CONTROL" || p == "WRITE" || p == "WRITE_ACP" || p == "READ" || p == "READ_ACP";
}

bool valid_group(std::string_view uri) {
  return uri == all_users_uri || uri == authenticated_users_uri || uri == log_delivery_uri;
}

bool canonical_id(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// "local@domain" with something on both sides; S3 resolves it to an account, hayloft keeps it.
bool email_shaped(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() && e.size() <= 254 &&
         e.find_first_of(" \t\r\n\"<>,") == std::string_view::npos;
}

acl_grant owner_grant(std::string_view permission) {
  return {acl_grant::kind::canonical_user, std::string(owner_id), std::string(owner_display_name),
          std::string(permission)};
}

acl_grant group_grant(std::string_view uri, std::string_view permission) {
  return {acl_grant::kind::group, std::string(uri), {}, std::string(permission)};
}

// The xsi:type attribute of a Grantee, whatever prefix the document bound the namespace to.
std::string_view grantee_type(pugi::xml_node grantee) {
  for (auto a : grantee.attributes()) {
    std::string_view name = a.name();
    auto colon = name.find(':');
    if (colon != std::string_view::npos && name.substr(colon + 1) == "type") return a.value();
  }
  return {};
}

// One x-amz-grant-* value: `id="a", uri="b"`; quotes optional around values, as S3 reads them.
result<void> parse_grant_header(std::string_view value, std::string_view permission, access_control_policy& p) {
  constexpr std::string_view bad = "Invalid grant header value";
  std::size_t pos = 0;
  while (pos < value.size()) {
    auto comma = value.find(',', pos);
    auto item = value.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return fail(errc::invalid_argument, std::string(bad));
    auto type = item.substr(0, eq);
    auto v = item.substr(eq + 1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (p.grants.size() == max_acl_grants) return fail(errc::malformed_acl);
    if (type == "id") {
      if (!canonical_id(v)) return fail(errc::invalid_argument, "Invalid id");
      p.grants.push_back({acl_grant::kind::canonical_user, std::string(v), {}, std::string(permission)});
    } else if (type == "uri") {
      if (!valid_group(v)) return fail(errc::invalid_argument, "Invalid group uri");
      p.grants.push_back(group_grant(v, permission));
    } else if (type == "emailAddress") {
      if (!email_shaped(v)) return fail(errc::invalid_argument, std::string(bad));
      p.grants.push_back({acl_grant::kind::email, std::string(v), {}, std::string(permission)});
    } else {
      return fail(errc::invalid_argument, std::string(bad));
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return {};
}

}  // namespace

access_control_policy canned_policy(std::string_view canned) {
  access_control_policy p{std::string(owner_id), std::string(owner_display_name), {owner_grant("FULL_CONTROL")}};
  if (canned == "public-read" || canned == "public-read-write") p.grants.push_back(group_grant(all_users_uri, "READ"));
  if (canned == "public-read-write") p.grants.push_back(group_grant(all_users_uri, "WRITE"));
  if (canned == "authenticated-read") p.grants.push_back(group_grant(authenticated_users_uri, "READ"));
  if (canned == "log-delivery-write") {
    p.grants.push_back(group_grant(log_delivery_uri, "WRITE"));
    p.grants.push_back(group_grant(log_delivery_uri, "READ_ACP"));
  }
  return p;
}

result<access_control_policy> parse_access_control_policy(std::string_view body) {
  pugi::xml_document doc;
  if (!parse_xml(body, doc) || local_name(doc.document_element()) != "AccessControlPolicy")
    return fail(errc::malformed_acl);
  auto root = doc.document_element();
  auto owner = find_child(root, "Owner");
  auto list = find_child(root, "AccessControlList");
  if (!owner || !find_child(owner, "ID") || !list) return fail(errc::malformed_acl);
  access_control_policy p;
  p.owner_id = child_text(owner, "ID");
  p.owner_display_name = child_text(owner, "DisplayName");
  // hayloft has one account: a document naming another owner would give the bucket away.
  if (p.owner_id != owner_id) return fail(errc::access_denied);
  for (auto g : list.children()) {
    if (g.type() != pugi::node_element) continue;
    if (local_name(g) != "Grant") return fail(errc::malformed_acl);
    if (p.grants.size() == max_acl_grants) return fail(errc::malformed_acl);
    auto grantee = find_child(g, "Grantee");
    auto permission = find_child(g, "Permission");
    if (!grantee || !permission || !valid_permission(permission.child_value())) return fail(errc::malformed_acl);
    acl_grant out;
    out.permission = permission.child_value();
    auto type = grantee_type(grantee);
    if (type == "CanonicalUser") {
      out.type = acl_grant::kind::canonical_user;
      out.value = child_text(grantee, "ID");
      out.display_name = child_text(grantee, "DisplayName");
      if (!canonical_id(out.value)) return fail(errc::invalid_argument, "Invalid id");
    } else if (type == "Group") {
      out.type = acl_grant::kind::group;
      out.value = child_text(grantee, "URI");
      if (!valid_group(out.value)) return fail(errc::invalid_argument, "Invalid group uri");
    } else if (type == "AmazonCustomerByEmail") {
      out.type = acl_grant::kind::email;
      out.value = child_text(grantee, "EmailAddress");
      if (!email_shaped(out.value)) return fail(errc::unresolvable_grant_by_email_address);
    } else {
      return fail(errc::malformed_acl);
    }
    p.grants.push_back(std::move(out));
  }
  return p;
}

result<std::optional<std::string>> acl_from_headers(const core::header_map& headers, bool bucket) {
  static constexpr std::pair<std::string_view, std::string_view> grant_headers[] = {
      {"x-amz-grant-full-control", "FULL_CONTROL"}, {"x-amz-grant-read", "READ"}, {"x-amz-grant-read-acp", "READ_ACP"},
      {"x-amz-grant-write", "WRITE"}, {"x-amz-grant-write-acp", "WRITE_ACP"}};
  auto canned = headers.get("x-amz-acl");
  bool any_grant = false;
  for (const auto& [name, permission] : grant_headers)
    if (headers.has(name) && (bucket || permission != "WRITE")) any_grant = true;
  if (canned && any_grant)
    return fail(errc::invalid_request, "Specifying both Canned ACLs and Header Grants is not allowed");
  if (canned) {
    if (!valid_canned_acl(*canned)) return fail(errc::invalid_argument);
    return std::optional<std::string>(std::string(*canned));
  }
  if (!any_grant) return std::optional<std::string>{};
  access_control_policy p{std::string(owner_id), std::string(owner_display_name), {}};
  for (const auto& [name, permission] : grant_headers) {
    if (!bucket && permission == "WRITE") continue;
    for (const auto& [k, v] : headers)
      if (core::iequals(k, name)) HAYLOFT_TRY(parse_grant_header(v, permission, p));
  }
  return std::optional<std::string>(store_acl(p));
}

std::string render_access_control_policy(const access_control_policy& p) {
  xml_writer w("AccessControlPolicy");
  auto o = xml_writer::node(w.root(), "Owner");
  xml_writer::child(o, "ID", p.owner_id);
  if (!p.owner_display_name.empty()) xml_writer::child(o, "DisplayName", p.owner_display_name);
  auto list = xml_writer::node(w.root(), "AccessControlList");
  for (const auto& g : p.grants) {
    auto grant = xml_writer::node(list, "Grant");
    auto grantee = xml_writer::node(grant, "Grantee");
    grantee.append_attribute("xmlns:xsi") = std::string(xsi_ns).c_str();
    switch (g.type) {
      case acl_grant::kind::canonical_user:
        grantee.append_attribute("xsi:type") = "CanonicalUser";
        xml_writer::child(grantee, "ID", g.value);
        if (!g.display_name.empty()) xml_writer::child(grantee, "DisplayName", g.display_name);
        break;
      case acl_grant::kind::group:
        grantee.append_attribute("xsi:type") = "Group";
        xml_writer::child(grantee, "URI", g.value);
        break;
      case acl_grant::kind::email:
        grantee.append_attribute("xsi:type") = "AmazonCustomerByEmail";
        xml_writer::child(grantee, "EmailAddress", g.value);
        break;
    }
    xml_writer::child(grant, "Permission", g.permission);
  }
  return w.str();
}

access_control_policy load_acl(std::string_view stored) {
  if (stored.empty() || stored.front() != '<') return canned_policy(stored);
  auto p = parse_access_control_policy(stored);
  if (!p.ok()) return canned_policy("private");
  return std::move(*p);
}

bool owner_only(std::string_view stored) {
  if (stored.empty() || stored.front() != '<')
    return stored.empty() || stored == "private" || stored == "bucket-owner-full-control" ||
           stored == "bucket-owner-read";
  for (const auto& g : load_acl(stored).grants)
    if (g.type != acl_grant::kind::canonical_user || g.value != owner_id || g.permission != "FULL_CONTROL") return false;
  return true;
}

bool grants_public(std::string_view stored) {
  for (const auto& g : load_acl(stored).grants)
    if (g.type == acl_grant::kind::group && (g.value == all_users_uri || g.value == authenticated_users_uri))
      return true;
  return false;
}

}  // namespace hayloft::s3
