#include "orchestrator/kube/patch.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "orchestrator/kube/limits.h"

namespace hayloft::orchestrator::kube {
namespace {

enum class patch_errc { bad_request = 1, too_large, invalid, unknown };

class patch_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kube-patch"; }
  std::string message(int c) const override {
    switch (static_cast<patch_errc>(c)) {
      case patch_errc::bad_request: return "bad request";
      case patch_errc::too_large: return "request entity too large";
      case patch_errc::invalid: return "invalid";
      case patch_errc::unknown: return "unknown";
    }
    return "patch error";
  }
};

const std::error_category& patch_category() {
  static const patch_category_impl c;
  return c;
}

error fail(patch_errc code, std::string message) {
  return error{std::error_code(static_cast<int>(code), patch_category()), std::move(message)};
}

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

// Go's %s of an interface{} that is not a string ("%!s(int64=5)"); strings as they are.
std::string go_string_verb(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "%!s(<nil>)";
  if (v.is_boolean()) return std::string("%!s(bool=") + (v.get<bool>() ? "true" : "false") + ")";
  if (v.is_number_integer()) return "%!s(int64=" + go_value(v) + ")";
  if (v.is_number_float()) return "%!s(float64=" + go_value(v) + ")";
  return go_value(v);
}

error bad_patch_type(const json& directive, const json& map) {
  return fail(patch_errc::unknown, "unknown patch type: " + go_string_verb(directive) + " in map: " + go_value(map));
}

result<json> merge_list(const json& original, const json& patch, std::string_view key) {
  // mergeSliceWithSpecialElements: directives first, each checked.
  bool replace = false;
  json out = original.is_array() ? original : json::array();
  for (const auto& p : patch) {
    if (!p.is_object() || !p.contains("$patch")) continue;
    const json& d = p["$patch"];
    if (d == "delete") {
      if (!p.contains(key)) return fail(patch_errc::unknown, "delete patch type with no merge key defined");
      const json& id = p[std::string(key)];
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const json& o) { return o.is_object() && o.contains(key) && o[std::string(key)] == id; }),
                out.end());
    } else if (d == "replace") {
      replace = true;
    } else if (d == "merge") {
      return fail(patch_errc::unknown, "merging lists cannot yet be specified in the patch");
    } else {
      return bad_patch_type(d, p);
    }
  }
  if (replace) {
    json kept = json::array();
    for (const auto& q : patch)
      if (!(q.is_object() && q.contains("$patch"))) kept.push_back(strip_directives(q));
    return kept;
  }
  for (const auto& p : patch) {
    if (p.is_object() && p.contains("$patch")) continue;
    if (!p.is_object() || !p.contains(key)) {
      out.push_back(strip_directives(p));
      continue;
    }
    auto match = std::find_if(out.begin(), out.end(), [&](const json& o) {
      return o.is_object() && o.contains(key) && o[std::string(key)] == p[std::string(key)];
    });
    if (match != out.end()) {
      auto merged = strategic_merge(*match, p);
      if (!merged) return merged;
      *match = std::move(*merged);
    } else {
      out.push_back(strip_directives(p));
    }
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

// applyRetainKeysDirective with MergeParallelList (the API server's options): the directive must
// be a list, and every key the patch sets must be in it.
std::optional<error> check_retain_keys(const json& patch) {
  if (!patch.contains("$retainKeys")) return std::nullopt;
  const json& keep = patch["$retainKeys"];
  if (!keep.is_array()) return fail(patch_errc::bad_request, "invalid patch format of retainKeys");
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null() || k == "$retainKeys" || k.rfind(delete_primitive_prefix, 0) == 0 || k.rfind(set_order_prefix, 0) == 0)
      continue;
    if (std::find(keep.begin(), keep.end(), json(k)) == keep.end())
      return fail(patch_errc::bad_request, "invalid patch format of retainKeys");
  }
  return std::nullopt;
}

// Nodes and bytes a value adds when copied, counted no further than `budget`.
std::size_t copy_size(const json& v, std::size_t budget) {
  std::size_t total = 0;
  std::vector<const json*> stack{&v};
  while (!stack.empty() && total <= budget) {
    const json* cur = stack.back();
    stack.pop_back();
    total += 8;
    if (cur->is_string()) total += cur->get_ref<const std::string&>().size();
    if (cur->is_object())
      for (const auto& [k, x] : cur->items()) {
        total += k.size();
        stack.push_back(&x);
      }
    if (cur->is_array())
      for (const auto& x : *cur) stack.push_back(&x);
  }
  return total;
}

std::size_t value_depth(const json& v) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> stack{{&v, 0}};
  while (!stack.empty()) {
    auto [cur, d] = stack.back();
    stack.pop_back();
    if (!cur->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& x : *cur) stack.emplace_back(&x, d + 1);
  }
  return deepest;
}

std::size_t pointer_depth(const std::string& path) { return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')); }

result<json> apply_json_patch(const json& live, const json& patch) {
  if (patch.size() > max_json_patch_operations)
    return fail(patch_errc::too_large, "The allowed maximum operations in a JSON patch is " +
                                           std::to_string(max_json_patch_operations) + ", got " + std::to_string(patch.size()));
  json doc = live;
  std::size_t copied = 0;
  for (const auto& op : patch) {
    try {
      if (!op.is_object()) throw std::invalid_argument("a JSON patch operation must be an object");
      const std::string name = op.value("op", "");
      const std::string path = op.value("path", "");
      if (name == "copy" || name == "move") {
        const json& from = doc.at(json::json_pointer(op.value("from", "")));
        if (pointer_depth(path) + value_depth(from) > max_json_depth)
          throw std::invalid_argument("the result would nest deeper than " + std::to_string(max_json_depth) + " levels");
        if (name == "copy") {
          copied += copy_size(from, max_request_body - std::min(copied, max_request_body));
          if (copied > max_request_body)
            throw std::invalid_argument("Unable to complete the copy, the accumulated size increase of copy is " +
                                        std::to_string(copied) + ", exceeding the limit " + std::to_string(max_request_body));
        }
      } else if ((name == "add" || name == "replace") && op.contains("value")) {
        if (pointer_depth(path) + value_depth(op["value"]) > max_json_depth)
          throw std::invalid_argument("the result would nest deeper than " + std::to_string(max_json_depth) + " levels");
      }
      doc.patch_inplace(json::array({op}));
    } catch (const std::exception& e) {
      return fail(patch_errc::invalid,
                  std::string("the server rejected our request due to an error in our request: ") + e.what());
    }
  }
  return doc;
}

void append_go_float(double d, std::string& out) {
  // strconv.FormatFloat(d, 'g', -1, 64), which %v uses: shortest digits, exponent form when the
  // decimal exponent is < -4 or >= 6 (precision 6 for the decision when shortest).
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  if (sci.ec != std::errc{}) {
    out += "NaN";
    return;
  }
  std::string s(buf, sci.ptr);
  auto e = s.find('e');
  int exp = e == std::string::npos ? 0 : std::atoi(s.c_str() + e + 1);
  if (e == std::string::npos || exp < -4 || exp >= 6) {
    out += s;  // to_chars writes Go's shape: "1.5e+06", "1e-07"
    return;
  }
  auto fixed = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  out.append(buf, fixed.ptr);
}

void append_go_value(const json& v, std::string& out, std::size_t depth) {
  if (depth > max_json_depth) {
    out += "...";
    return;
  }
  switch (v.type()) {
    case json::value_t::object: {
      out += "map[";
      bool first = true;
      for (const auto& [k, x] : v.items()) {
        if (!first) out += ' ';
        first = false;
        out += k + ":";
        append_go_value(x, out, depth + 1);
      }
      out += "]";
      break;
    }
    case json::value_t::array: {
      out += "[";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ' ';
        append_go_value(v[i], out, depth + 1);
      }
      out += "]";
      break;
    }
    case json::value_t::string: out += v.get_ref<const std::string&>(); break;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case json::value_t::null: out += "<nil>"; break;
    case json::value_t::number_float: append_go_float(v.get<double>(), out); break;
    default: out += v.dump(); break;
  }
}

}  // namespace

std::string go_value(const json& v) {
  std::string out;
  append_go_value(v, out, 0);
  return out;
}

unsigned patch_error_status(const error& e) {
  if (e.code.category() != patch_category()) return 0;
  switch (static_cast<patch_errc>(e.code.value())) {
    case patch_errc::bad_request: return 400;
    case patch_errc::too_large: return 413;
    case patch_errc::invalid: return 422;
    case patch_errc::unknown: return 500;
  }
  return 0;
}

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

result<json> strategic_merge(const json& original, const json& patch) {
  if (!patch.is_object()) return patch;
  if (patch.contains("$patch")) {
    // handleDirectiveInMergeMap.
    const json& d = patch["$patch"];
    if (d == "replace") return strip_directives(patch);
    if (d == "delete") return json::object();
    return bad_patch_type(d, patch);
  }
  if (auto e = check_retain_keys(patch)) return *e;
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
      if (v.contains("$patch") && v["$patch"] == "delete") {
        out.erase(k);
        continue;
      }
      auto merged = strategic_merge(out.contains(k) ? out[k] : json(), v);
      if (!merged) return merged;
      out[k] = std::move(*merged);
    } else if (v.is_array() && !merge_key_of(k).empty()) {
      auto merged = merge_list(out.contains(k) ? out[k] : json(), v, merge_key_of(k));
      if (!merged) return merged;
      out[k] = std::move(*merged);
    } else {
      out[k] = strip_directives(v);
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (k.rfind(set_order_prefix, 0) != 0) continue;
    std::string field = k.substr(set_order_prefix.size());
    if (out.contains(field)) out[field] = reorder(out[field], v, merge_key_of(field));
  }
  if (patch.contains("$retainKeys")) {
    const json& keep = patch["$retainKeys"];
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), json(it.key())) == keep.end()) it = out.erase(it);
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
  if (body.size() > max_request_body)
    return fail(patch_errc::too_large, "limit is " + std::to_string(max_request_body));
  auto parsed = parse_json_body(body);
  if (!parsed) {
    if (parsed.err().message.find("max depth") != std::string::npos) return fail(patch_errc::bad_request, parsed.err().message);
    return fail(patch_errc::bad_request, "error decoding patch: invalid character in patch body");
  }
  const json& patch = *parsed;
  switch (type) {
    case patch_type::merge: {
      if (!patch.is_object())
        return fail(patch_errc::bad_request, "json: cannot unmarshal into Go value of type map[string]interface {}");
      json out = live;
      out.merge_patch(patch);
      return out;
    }
    case patch_type::strategic:
      if (!patch.is_object())
        return fail(patch_errc::bad_request, "json: cannot unmarshal into Go value of type map[string]interface {}");
      return strategic_merge(live, patch);
    case patch_type::json_patch:
      if (!patch.is_array())
        return fail(patch_errc::bad_request, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
      return apply_json_patch(live, patch);
    case patch_type::apply: break;
  }
  return fail(patch_errc::bad_request, "unsupported patch type");
}

}  // namespace hayloft::orchestrator::kube
