#include "orchestrator/kube/patch.h"

#include <algorithm>

#include "orchestrator/errc.h"

namespace hayloft::orchestrator::kube {
namespace {

constexpr std::string_view set_order_prefix = "$setElementOrder/";
constexpr std::string_view delete_primitive_prefix = "$deleteFromPrimitiveList/";

bool is_directive(const std::string& k) { return !k.empty() && k[0] == '$'; }

json strip_directives(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [k, x] : v.items())
      if (!is_directive(k)) out[k] = strip_directives(x);
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& x : v) out.push_back(strip_directives(x));
    return out;
  }
  return v;
}

json merge_list(const json& original, const json& patch, std::string_view key) {
  for (const auto& p : patch)
    if (p.is_object() && p.value("$patch", "") == "replace") {
      json out = json::array();
      for (const auto& q : patch)
        if (!(q.is_object() && q.contains("$patch"))) out.push_back(strip_directives(q));
      return out;
    }
  json out = original.is_array() ? original : json::array();
  for (const auto& p : patch) {
    if (!p.is_object() || !p.contains(key)) {
      out.push_back(strip_directives(p));
      continue;
    }
    auto match = std::find_if(out.begin(), out.end(), [&](const json& o) {
      return o.is_object() && o.contains(key) && o[std::string(key)] == p[std::string(key)];
    });
    if (p.value("$patch", "") == "delete") {
      if (match != out.end()) out.erase(match);
      continue;
    }
    if (match != out.end()) *match = strategic_merge(*match, p);
    else out.push_back(strip_directives(p));
  }
  return out;
}

json reorder(const json& list, const json& order, std::string_view key) {
  if (!list.is_array() || !order.is_array()) return list;
  json out = json::array();
  std::vector<bool> used(list.size(), false);
  for (const auto& o : order) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (used[i]) continue;
      bool same = key.empty() ? list[i] == o
                              : (list[i].is_object() && o.is_object() && list[i].contains(key) && o.contains(key) &&
                                 list[i][std::string(key)] == o[std::string(key)]);
      if (same) {
        out.push_back(list[i]);
        used[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < list.size(); ++i)
    if (!used[i]) out.push_back(list[i]);
  return out;
}

}  // namespace

std::string_view merge_key_of(std::string_view field) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "env" ||
      field == "volumes" || field == "imagePullSecrets" || field == "resourceClaims")
    return "name";
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "ports") return "containerPort";
  if (field == "conditions") return "type";
  if (field == "ownerReferences") return "uid";
  if (field == "hostAliases") return "ip";
  if (field == "topologySpreadConstraints") return "topologyKey";
  return "";
}

json strategic_merge(const json& original, const json& patch) {
  if (!patch.is_object()) return patch;
  if (patch.value("$patch", "") == "replace") return strip_directives(patch);
  json out = original.is_object() ? original : json::object();
  for (const auto& [k, v] : patch.items()) {
    if (k.rfind(delete_primitive_prefix, 0) == 0) {
      std::string field = k.substr(delete_primitive_prefix.size());
      if (out.contains(field) && out[field].is_array() && v.is_array()) {
        json kept = json::array();
        for (const auto& x : out[field])
          if (std::find(v.begin(), v.end(), x) == v.end()) kept.push_back(x);
        out[field] = kept;
      }
      continue;
    }
    if (is_directive(k)) continue;
    if (v.is_null()) {
      out.erase(k);
    } else if (v.is_object()) {
      if (v.value("$patch", "") == "delete") out.erase(k);
      else out[k] = strategic_merge(out.contains(k) ? out[k] : json(), v);
    } else if (v.is_array() && !merge_key_of(k).empty()) {
      out[k] = merge_list(out.contains(k) ? out[k] : json(), v, merge_key_of(k));
    } else {
      out[k] = strip_directives(v);
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (k.rfind(set_order_prefix, 0) != 0) continue;
    std::string field = k.substr(set_order_prefix.size());
    if (out.contains(field)) out[field] = reorder(out[field], v, merge_key_of(field));
  }
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    const json& keep = patch["$retainKeys"];
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), it.key()) == keep.end()) it = out.erase(it);
      else ++it;
    }
  }
  return out;
}

std::optional<patch_type> patch_type_of(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media == "application/strategic-merge-patch+json") return patch_type::strategic;
  if (media == "application/merge-patch+json") return patch_type::merge;
  if (media == "application/json-patch+json") return patch_type::json_patch;
  if (media == "application/apply-patch+yaml" || media == "application/apply-patch+cbor") return patch_type::apply;
  return std::nullopt;
}

result<json> apply_patch(patch_type type, const json& live, std::string_view body) {
  json patch = json::parse(body, nullptr, false);
  if (patch.is_discarded())
    return error{make_error_code(errc::bad_request), "error decoding patch: invalid character in patch body"};
  switch (type) {
    case patch_type::merge: {
      if (!patch.is_object()) return error{make_error_code(errc::bad_request), "json: cannot unmarshal into Go value of type map[string]interface {}"};
      json out = live;
      out.merge_patch(patch);
      return out;
    }
    case patch_type::strategic:
      if (!patch.is_object()) return error{make_error_code(errc::bad_request), "json: cannot unmarshal into Go value of type map[string]interface {}"};
      return strategic_merge(live, patch);
    case patch_type::json_patch:
      if (!patch.is_array())
        return error{make_error_code(errc::bad_request), "json: cannot unmarshal object into Go value of type jsonpatch.Patch"};
      try {
        return live.patch(patch);
      } catch (const std::exception& e) {
        return error{make_error_code(errc::invalid), std::string("the server rejected our request due to an error in our request: ") + e.what()};
      }
    case patch_type::apply: break;
  }
  return error{make_error_code(errc::bad_request), "unsupported patch type"};
}

}  // namespace hayloft::orchestrator::kube
