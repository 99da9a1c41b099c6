// create, update, patch (four types), delete and the scale subresource. Every write goes
// through the controller's apply / scale / delete, so the admin API, the hayloft CLI and kubectl
// change the same objects the same way.
#include <limits>

#include "emulator/core/ids.h"
#include "emulator/core/utf8.h"
#include "orchestrator/errc.h"
#include "orchestrator/kube/api_internal.h"
#include "orchestrator/kube/limits.h"
#include "orchestrator/kube/patch.h"
#include "orchestrator/kube/protobuf.h"
#include "orchestrator/kube/synthetic.h"
#include "orchestrator/objects/validate.h"
#include "orchestrator/objects/yaml_io.h"

namespace hayloft::orchestrator::kube {

namespace {

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

std::string cause_type(const std::string& type) {
  if (type == "Required value") return "FieldValueRequired";
  if (type == "Unsupported value") return "FieldValueNotSupported";
  if (type == "Forbidden") return "FieldValueForbidden";
  if (type == "Duplicate value") return "FieldValueDuplicate";
  if (type == "Too long") return "FieldValueTooLong";
  return "FieldValueInvalid";
}

status_error from_controller(const resource_request& rr, std::string reason, unsigned code, std::string message) {
  const resource& r = *rr.res;
  if (message.find("\" is forbidden: ") != std::string::npos) {
    code = 403;
    reason = "Forbidden";
  }
  status_error e{code, std::move(reason), std::move(message),
                 {{"name", rr.name}, {"group", r.group}, {"kind", code == 422 ? r.kind : r.plural}}};
  if (e.details["group"] == "") e.details.erase("group");
  return e;
}

status_error from_error(const resource_request& rr, const error& err) {
  return from_controller(rr, std::string(reason_of(err.code)), http_status_of(err.code), err.message);
}

// What the caller may not set: the server's own metadata and the status.
json strip_server_fields(json obj) {
  obj.erase("status");
  if (obj.contains("metadata") && obj["metadata"].is_object())
    for (const char* k : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                          "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"})
      obj["metadata"].erase(k);
  return obj;
}

// CBOR bodies, and protobuf bodies of kinds decode_protobuf does not know, are answered 415.
std::optional<status_error> unsupported_body(const core::request& req) {
  std::string_view type = req.header("content-type").value_or("");
  if (type.find("cbor") != std::string_view::npos || (type.find("protobuf") != std::string_view::npos && !is_protobuf_body(type)))
    return unsupported_media_type("the body of the request was in an unknown format - accepted media types include: "
                                  "application/json, application/yaml, application/vnd.kubernetes.protobuf");
  if (is_protobuf_body(type)) {
    auto d = decode_protobuf(req.body_text());
    if (!d && d.err().code == make_error_code(errc::not_found)) return unsupported_media_type(d.err().message);
  }
  return std::nullopt;
}

// The request body as JSON: protobuf by its Content-Type, YAML by its Content-Type, otherwise
// JSON (falling back to YAML, as hayloft always has, for clients that send YAML unlabelled). JSON
// is checked for depth before it is parsed, and bytes that are not UTF-8 become U+FFFD first, as
// the API server's Go JSON decoder reads them (a name with such bytes then fails validation
// with 422, instead of reaching a library that throws).
result<json> parse_body(const core::request& req) {
  std::string body = req.body_text();
  std::string_view type = req.header("content-type").value_or("");
  if (is_protobuf_body(type)) return decode_protobuf(body);
  auto from_yaml = [&]() -> result<json> {
    auto docs = objects::parse_manifests(body);
    if (!docs) return docs.err();
    if (docs->size() != 1) return error{make_error_code(errc::bad_request), "the request body must hold one object"};
    return std::move(docs->front());
  };
  if (type.find("yaml") != std::string_view::npos) return from_yaml();
  return parse_json_body(body, from_yaml);
}

// What an update or patch may not change (rest.BeforeUpdate): the namespace (400, from
// EnsureObjectNamespaceMatchesRequestNamespace) and a uid that is given (ValidateObjectMetaUpdate:
// 422 `metadata.uid: Invalid value: "x": field is immutable`; an empty uid keeps the live one).
std::optional<status_error> immutable_metadata(const resource_request& rr, const json& obj, const json& live) {
  const resource& r = *rr.res;
  const json& md = obj.is_object() && obj.contains("metadata") ? obj["metadata"] : json();
  if (r.namespaced) {
    std::string ns = str(md, "namespace");
    if (!ns.empty() && ns != rr.namespace_name)
      return bad_request("the namespace of the provided object does not match the namespace sent on the request");
  }
  std::string uid = str(md, "uid");
  if (!uid.empty() && uid != str(live.value("metadata", json::object()), "uid")) {
    std::string qualified_kind = std::string(r.kind) + (r.group.empty() ? "" : "." + std::string(r.group));
    std::string cause = "Invalid value: " + core::go_quote(uid) + ": field is immutable";
    return invalid(r.group, r.kind, rr.name, qualified_kind + " " + core::go_quote(rr.name) + " is invalid: metadata.uid: " + cause,
                   {{"FieldValueInvalid", cause, "metadata.uid"}});
  }
  return std::nullopt;
}

// apply_patch's errors with the API server's status: patch_error_status says which.
status_error patch_error(const resource_request& rr, const error& err) {
  switch (patch_error_status(err)) {
    case 400: return bad_request(err.message);
    case 413: return request_entity_too_large(err.message);
    case 422: return from_controller(rr, "Invalid", 422, err.message);
    case 500: return unknown_error(err.message);
    default: return from_error(rr, err);
  }
}

// The object's metadata must decode into ObjectMeta; otherwise the API server's decoder fails
// (transformDecodeError) before anything else looks at the object.
std::optional<status_error> undecodable_metadata(const resource& r, const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata")) return std::nullopt;
  const json& md = obj["metadata"];
  if (md.is_object() || md.is_null()) return std::nullopt;
  const char* type = md.is_string() ? "string" : md.is_array() ? "array" : md.is_boolean() ? "bool" : "number";
  return bad_request(std::string(r.kind) + " in version " + core::go_quote(std::string(r.version)) + " cannot be handled as a " +
                     std::string(r.kind) + ": json: cannot unmarshal " + type + " into Go struct field " +
                     std::string(r.kind) + ".metadata of type v1.ObjectMeta");
}

std::string precondition_conflict() {
  return "the object has been modified; please apply your changes to the latest version and try again";
}

void add_warning(core::response& r, const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c == '\n' ? ' ' : c);
  }
  r.headers.add("Warning", "299 - \"" + escaped + "\"");
}

// Validates, applies through the controller and answers with the stored object.
core::response write_object(kube_api::impl& self, const resource_request& rr, json obj, unsigned status) {
  const resource& r = *rr.res;
  std::string dry_run = rr.param("dryRun");
  if (!dry_run.empty() && dry_run != "All")
    return error_response(bad_request("Unsupported value: \"" + dry_run + "\": supported values: \"All\""));
  std::string name = str(obj["metadata"], "name");
  json checked = strip_server_fields(obj);
  if (r.namespaced) checked["metadata"]["namespace"] = rr.namespace_name;
  objects::validation v = objects::validate_object(*r.backing, checked);
  if (!v.ok()) {
    std::vector<status_cause> causes;
    for (const auto& e : v.errors()) {
      std::string text = e.text();
      causes.push_back({cause_type(e.type), text.substr(std::min(text.size(), e.path.size() + 2)), e.path});
    }
    // NewInvalid's message: `Deployment.apps "x" is invalid: <cause>` (several as `[a, b]`); kubectl
    // prints `The Deployment "x" is invalid: ...` from details.kind and the causes.
    std::string all;
    for (const auto& e : v.errors()) all += (all.empty() ? "" : ", ") + e.text();
    if (v.errors().size() > 1) all = "[" + all + "]";
    std::string qualified_kind = std::string(r.kind) + (r.group.empty() ? "" : "." + std::string(r.group));
    return error_response(invalid(r.group, r.kind, name, qualified_kind + " \"" + name + "\" is invalid: " + all, causes));
  }
  std::string validation_mode = rr.param("fieldValidation");
  std::vector<std::string> warnings;
  for (const auto& w : v.warnings()) {
    bool unknown = w.rfind("unknown field", 0) == 0;
    if (unknown && validation_mode == "Strict")
      return error_response(bad_request(std::string(r.kind) + " in version \"" + std::string(r.version) +
                                        "\" cannot be handled as a " + std::string(r.kind) + ": strict decoding error: " + w));
    if (unknown && validation_mode == "Ignore") continue;
    warnings.push_back(w);
  }
  json manifest = strip_server_fields(obj);
  if (r.namespaced) manifest["metadata"]["namespace"] = rr.namespace_name;
  if (!dry_run.empty()) {
    // Server-side dry run (kubectl diff, --dry-run=server): validated, not applied; the answer is
    // the object as it would be stored, with the live object's server fields.
    auto live = self.objects.get(r, rr.namespace_name, name);
    json would = manifest;
    if (live) {
      json current = served_form(r, *live);
      for (const char* k : {"uid", "creationTimestamp", "resourceVersion", "generation"})
        if (current["metadata"].contains(k)) would["metadata"][k] = current["metadata"][k];
      if (current.contains("status")) would["status"] = current["status"];
    } else {
      would["metadata"]["uid"] = derived_uid(r.kind, rr.namespace_name, name);
      would["metadata"]["creationTimestamp"] = core::iso8601(self.clock.now());
    }
    core::response resp = json_response(would, status);
    for (const auto& w : warnings) add_warning(resp, w);
    return resp;
  }
  // Path segments may carry invalid UTF-8 (the body cannot: it parsed as JSON): written as U+FFFD,
  // as Go encodes such strings, so the namespace is simply not found.
  auto applied = self.ctl.apply(manifest.dump(-1, ' ', false, json::error_handler_t::replace), rr.namespace_name, r.namespaced);
  if (!applied) return error_response(from_error(rr, applied.err()));
  const json& item = (*applied)["items"][0];
  if (item.contains("error"))
    return error_response(from_controller(rr, item["error"].value("code", "InternalError"),
                                          item["error"].value("status", 500u), item["error"].value("message", "")));
  for (const auto& w : (*applied)["warnings"]) {
    std::string text = w.get<std::string>();
    if (std::find(warnings.begin(), warnings.end(), text) == warnings.end()) warnings.push_back(text);
  }
  auto stored = self.objects.get(r, rr.namespace_name, name);
  if (!stored) return error_response(internal("the object was applied but cannot be read back"));
  core::response resp = json_response(served_form(r, *stored), status);
  for (const auto& w : warnings) add_warning(resp, w);
  return resp;
}

json scale_of(const json& deploy) {
  const json& md = deploy["metadata"];
  std::string selector;
  const json list1 = deploy["spec"]["selector"].value("matchLabels", json::object());
  for (const auto& [k, v] : list1.items())
    selector += (selector.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", {{"name", md["name"]}, {"namespace", md["namespace"]}, {"uid", md["uid"]},
                        {"resourceVersion", md["resourceVersion"]}, {"creationTimestamp", md["creationTimestamp"]}}},
          {"spec", {{"replicas", deploy["spec"].value("replicas", 1)}}},
          {"status", {{"replicas", deploy.value("status", json::object()).value("replicas", 0)}, {"selector", selector}}}};
}

}  // namespace

core::response kube_api::impl::create(const resource_request& rr) {
  const resource& r = *rr.res;
  if (auto e = unsupported_body(*rr.req)) return error_response(*e);
  auto body = parse_body(*rr.req);
  if (!body) return error_response(bad_request(body.err().message));
  json obj = std::move(*body);
  if (!obj.is_object()) return error_response(bad_request("the request body is not an object"));
  if (auto e = undecodable_metadata(r, obj)) return error_response(*e);
  if (str(obj, "kind") != r.kind || str(obj, "apiVersion") != r.group_version())
    return error_response(bad_request("the API version in the data (" + str(obj, "apiVersion") +
                                      ") does not match the expected API version (" + r.group_version() + ")"));
  if (r.namespaced) {
    if (rr.namespace_name.empty()) return error_response(bad_request("the server could not find the requested resource"));
    std::string own = str(obj["metadata"], "namespace");
    if (!own.empty() && own != rr.namespace_name)
      return error_response(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
  }
  std::string name = str(obj["metadata"], "name");
  if (name.empty() && !str(obj["metadata"], "generateName").empty()) {
    static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string suffix;
    for (char c : core::random_hex(5)) suffix.push_back(alphabet[static_cast<unsigned char>(c) % alphabet.size()]);
    name = str(obj["metadata"], "generateName") + suffix;
    obj["metadata"]["name"] = name;
  }
  if (name.empty())
    return error_response(invalid(r.group, r.kind, "",
                                  std::string(r.kind) + (r.group.empty() ? "" : "." + std::string(r.group)) + " \"\" is invalid: metadata.name: Required value: name or generateName is required",
                                  {{"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"}}));
  if (objects.get(r, rr.namespace_name, name)) return error_response(already_exists(r.group, r.plural, name));
  return write_object(*this, rr, std::move(obj), 201);
}

core::response kube_api::impl::update(const resource_request& rr) {
  const resource& r = *rr.res;
  if (auto e = unsupported_body(*rr.req)) return error_response(*e);
  auto body = parse_body(*rr.req);
  if (!body) return error_response(bad_request(body.err().message));
  json obj = std::move(*body);
  if (!obj.is_object() || str(obj, "kind") != r.kind)
    return error_response(bad_request("the request body is not a " + std::string(r.kind)));
  if (auto e = undecodable_metadata(r, obj)) return error_response(*e);
  std::string name = str(obj["metadata"], "name");
  if (name != rr.name)
    return error_response(bad_request("the name of the object (" + name + ") does not match the name on the URL (" + rr.name + ")"));
  auto live = objects.get(r, rr.namespace_name, rr.name);
  if (!live) return error_response(not_found(r.group, r.plural, rr.name));
  std::string rv = str(obj["metadata"], "resourceVersion");
  if (!rv.empty() && rv != str((*live)["metadata"], "resourceVersion"))
    return error_response(conflict(r.group, r.plural, rr.name, precondition_conflict()));
  if (auto e = immutable_metadata(rr, obj, *live)) return error_response(*e);
  return write_object(*this, rr, std::move(obj), 200);
}

core::response kube_api::impl::patch(const resource_request& rr) {
  const resource& r = *rr.res;
  auto type = patch_type_of(rr.req->header("content-type").value_or(""));
  bool custom = r.group == "keda.sh";
  if (!type || (custom && *type == patch_type::strategic))
    return error_response(unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
        "application/merge-patch+json, application/apply-patch+yaml" +
        std::string(custom ? "" : ", application/strategic-merge-patch+json")));
  auto live = objects.get(r, rr.namespace_name, rr.name);
  if (*type == patch_type::apply) {
    if (auto e = unsupported_body(*rr.req)) return error_response(*e);
  auto body = parse_body(*rr.req);
    if (!body) return error_response(bad_request(body.err().message));
    if (auto e = undecodable_metadata(r, *body)) return error_response(*e);
    if (!body->is_object() || str(*body, "kind") != r.kind || str((*body)["metadata"], "name") != rr.name)
      return error_response(bad_request("the applied configuration must be a " + std::string(r.kind) + " named " + rr.name));
    if (rr.param("fieldManager").empty())
      return error_response(bad_request("PATCH, fieldManager is required for apply requests"));
    return write_object(*this, rr, std::move(*body), live ? 200 : 201);
  }
  if (!live) return error_response(not_found(r.group, r.plural, rr.name));
  json current = served_form(r, *live);
  auto patched = apply_patch(*type, current, rr.req->body_text());
  if (!patched) return error_response(patch_error(rr, patched.err()));
  if (!patched->is_object()) return error_response(bad_request("the patched object is not an object"));
  if (auto e = undecodable_metadata(r, *patched)) return error_response(*e);
  std::string rv = str((*patched)["metadata"], "resourceVersion");
  if (!rv.empty() && rv != str(current["metadata"], "resourceVersion"))
    return error_response(conflict(r.group, r.plural, rr.name, precondition_conflict()));
  // The order of patcher.applyPatch: namespace, then checkName; then the update's validation.
  if (r.namespaced && !str((*patched)["metadata"], "namespace").empty() &&
      str((*patched)["metadata"], "namespace") != rr.namespace_name)
    return error_response(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
  if (str((*patched)["metadata"], "name") != rr.name)
    return error_response(bad_request("the name of the object (" + str((*patched)["metadata"], "name") +
                                      ") does not match the name on the URL (" + rr.name + ")"));
  if (auto e = immutable_metadata(rr, *patched, current)) return error_response(*e);
  return write_object(*this, rr, std::move(*patched), 200);
}

core::response kube_api::impl::remove(const resource_request& rr) {
  const resource& r = *rr.res;
  auto live = objects.get(r, rr.namespace_name, rr.name);
  if (!live) return error_response(not_found(r.group, r.plural, rr.name));
  std::string body = rr.req->body_text();
  json opts = json::object();
  if (!body.empty()) {
    auto parsed = parse_json_body(body);
    if (!parsed) return error_response(bad_request("the body of a delete is not DeleteOptions JSON"));
    opts = std::move(*parsed);
  }
  std::string policy = opts.is_object() ? opts.value("propagationPolicy", rr.param("propagationPolicy")) : "";
  if (policy == "Orphan" || (opts.is_object() && opts.value("orphanDependents", false)))
    return error_response(bad_request("hayloft does not implement propagationPolicy=Orphan: a Deployment's ReplicaSets "
                                      "and pods, and a ScaledObject's HPA, are always deleted with it"));
  if ((opts.is_object() && opts.contains("dryRun") && !opts["dryRun"].empty()) || !rr.param("dryRun").empty())
    return json_response(served_form(r, *live));  // a dry run: nothing is deleted
  if (opts.is_object() && opts.contains("preconditions")) {
    const json& pre = opts["preconditions"];
    std::string uid = str(pre, "uid"), rv = str(pre, "resourceVersion");
    if (!uid.empty() && uid != str((*live)["metadata"], "uid"))
      return error_response(conflict(r.group, r.plural, rr.name,
                                     "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " +
                                         str((*live)["metadata"], "uid")));
    if (!rv.empty() && rv != str((*live)["metadata"], "resourceVersion"))
      return error_response(conflict(r.group, r.plural, rr.name,
                                     "Precondition failed: ResourceVersion in precondition: " + rv +
                                         ", ResourceVersion in object meta: " + str((*live)["metadata"], "resourceVersion")));
  }
  auto done = ctl.delete_object(std::string(r.plural), rr.namespace_name, rr.name);
  if (!done) return error_response(from_error(rr, done.err()));
  auto after = objects.get(r, rr.namespace_name, rr.name);
  return json_response(served_form(r, after ? *after : *live));
}

core::response kube_api::impl::get_scale(const resource_request& rr) {
  const resource& r = *rr.res;
  auto live = objects.get(r, rr.namespace_name, rr.name);
  if (!live) return error_response(not_found(r.group, r.plural, rr.name));
  return json_response(scale_of(*live));
}

core::response kube_api::impl::update_scale(const resource_request& rr, bool is_patch) {
  const resource& r = *rr.res;
  auto live = objects.get(r, rr.namespace_name, rr.name);
  if (!live) return error_response(not_found(r.group, r.plural, rr.name));
  json current = scale_of(*live);
  json wanted;
  if (is_patch) {
    auto type = patch_type_of(rr.req->header("content-type").value_or(""));
    if (!type || *type == patch_type::apply)
      return error_response(unsupported_media_type("the body of the request was in an unknown format"));
    auto p = apply_patch(*type, current, rr.req->body_text());
    if (!p) return error_response(patch_error(rr, p.err()));
    wanted = std::move(*p);
  } else {
    if (auto e = unsupported_body(*rr.req)) return error_response(*e);
  auto body = parse_body(*rr.req);
    if (!body) return error_response(bad_request(body.err().message));
    wanted = std::move(*body);
  }
  if (!wanted.is_object()) return error_response(bad_request("the object provided is unrecognized (must be of type Scale)"));
  std::string rv = str(wanted["metadata"], "resourceVersion");
  if (!rv.empty() && rv != str(current["metadata"], "resourceVersion"))
    return error_response(conflict(r.group, r.plural, rr.name, precondition_conflict()));
  const json rep = wanted.is_object() && wanted.contains("spec") && wanted["spec"].is_object()
                       ? wanted["spec"].value("replicas", json())
                       : json();
  // ScaleSpec.replicas is an int32: a number outside it (or not whole) fails Go's decoding, which
  // the API server answers 400 for a PUT (transformDecodeError) and 422 for a PATCH (the patched
  // object does not decode: field "patch").
  if (rep.is_number() && (!rep.is_number_integer() || rep.get<double>() > std::numeric_limits<std::int32_t>::max() ||
                          rep.get<double>() < std::numeric_limits<std::int32_t>::min() ||
                          (rep.is_number_unsigned() && rep.get<std::uint64_t>() > std::numeric_limits<std::int32_t>::max()))) {
    const std::string decode = "json: cannot unmarshal number " + rep.dump() +
                               " into Go struct field ScaleSpec.spec.replicas of type int32";
    if (is_patch) {
      std::string patched = wanted.dump(-1, ' ', false, json::error_handler_t::replace);
      std::string cause = "Invalid value: " + core::go_quote(patched) + ": " + decode;
      return error_response(invalid("", "", "", " \"\" is invalid: patch: " + cause, {{"FieldValueInvalid", cause, "patch"}}));
    }
    std::string kind = str(wanted, "kind"), version = str(wanted, "apiVersion");
    if (auto slash = version.rfind('/'); slash != std::string::npos) version = version.substr(slash + 1);
    if (!kind.empty())
      return error_response(bad_request(kind + " in version " + core::go_quote(version) + " cannot be handled as a Scale: " + decode));
    return error_response(bad_request("the object provided is unrecognized (must be of type Scale): " + decode));
  }
  if (!rep.is_number_integer())
    return error_response(invalid("autoscaling", "Scale", rr.name,
                                  "Scale.autoscaling \"" + rr.name + "\" is invalid: spec.replicas: Required value",
                                  {{"FieldValueRequired", "Required value", "spec.replicas"}}));
  auto replicas = rep.get<long long>();
  if (replicas < 0)
    return error_response(invalid("autoscaling", "Scale", rr.name,
                                  "Scale.autoscaling \"" + rr.name + "\" is invalid: spec.replicas: Invalid value: " +
                                      std::to_string(replicas) + ": must be greater than or equal to 0",
                                  {{"FieldValueInvalid", "Invalid value: " + std::to_string(replicas) +
                                                             ": must be greater than or equal to 0", "spec.replicas"}}));
  auto s = ctl.scale("deployment", rr.namespace_name, rr.name, static_cast<std::int32_t>(replicas));
  if (!s) return error_response(from_error(rr, s.err()));
  auto after = objects.get(r, rr.namespace_name, rr.name);
  return json_response(scale_of(after ? *after : *live));
}

}  // namespace hayloft::orchestrator::kube
