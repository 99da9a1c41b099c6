#include <algorithm>
#include <cctype>

#include "emulator/core/hash.h"
#include "orchestrator/objects/validate.h"

namespace hayloft::orchestrator::objects {

std::string field_error::text() const {
  std::string s = path + ": " + type;
  if (!value.empty()) s += ": " + value;
  if (!detail.empty()) s += ": " + detail;
  return s;
}

void validation::required(const std::string& path, std::string detail) {
  errors_.push_back({path, "Required value", "", std::move(detail)});
}
void validation::invalid(const std::string& path, const json& value, std::string detail) {
  errors_.push_back({path, "Invalid value", value_repr(value), std::move(detail)});
}
void validation::unsupported(const std::string& path, const json& value, const std::vector<std::string>& supported) {
  std::string list;
  for (const auto& s : supported) list += (list.empty() ? "" : ", ") + json(s).dump();
  errors_.push_back({path, "Unsupported value", value_repr(value), "supported values: " + list});
}
void validation::forbidden(const std::string& path, std::string detail) {
  errors_.push_back({path, "Forbidden", "", std::move(detail)});
}
void validation::duplicate(const std::string& path, const json& value) {
  errors_.push_back({path, "Duplicate value", value_repr(value), ""});
}
void validation::too_long(const std::string& path, std::string detail) {
  errors_.push_back({path, "Too long", "", std::move(detail)});
}
void validation::warn(std::string message) { warnings_.push_back(std::move(message)); }

void validation::known_fields(const json& obj, const std::string& path, std::initializer_list<std::string_view> known) {
  if (!obj.is_object()) return;
  for (const auto& [k, v] : obj.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      warn("unknown field \"" + join_path(path, k) + "\"");
  }
}

void validation::ignored_fields(const json& obj, const std::string& path, std::initializer_list<std::string_view> fields) {
  if (!obj.is_object()) return;
  for (auto f : fields) {
    if (obj.contains(f)) warn(join_path(path, f) + " is not implemented by hayloft and has no effect");
  }
}

std::string validation::message(std::string_view kind_name, std::string_view name) const {
  std::string s = "The " + std::string(kind_name) + " \"" + std::string(name) + "\" is invalid: ";
  if (errors_.size() == 1) return s + errors_.front().text();
  s += "[";
  for (std::size_t i = 0; i < errors_.size(); ++i) s += (i ? ", " : "") + errors_[i].text();
  return s + "]";
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string value_repr(const json& v) {
  if (v.is_string()) return json(v.get<std::string>()).dump();
  if (v.is_null()) return "null";
  if (v.is_object()) return "map[string]interface {}";
  if (v.is_array()) return "[]interface {}";
  return v.dump();
}

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool label_chars(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

}  // namespace

bool is_dns1123_label(std::string_view s) { return s.size() <= 63 && label_chars(s); }

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    if (!label_chars(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

void check_subdomain_name(const std::string& path, std::string_view name, validation& v) {
  if (is_dns1123_subdomain(name)) return;
  v.invalid(path, std::string(name),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
}

void check_label_name(const std::string& path, std::string_view name, validation& v) {
  if (is_dns1123_label(name)) return;
  v.invalid(path, std::string(name),
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
            "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
}

namespace {

label_map string_map(const json& obj, const std::string& path, validation& v) {
  label_map out;
  if (obj.is_null()) return out;
  if (!obj.is_object()) {
    v.invalid(path, obj, "must be of type object");
    return out;
  }
  for (const auto& [k, val] : obj.items()) {
    if (!val.is_string()) {
      v.invalid(join_path(path, k), val, "must be of type string");
      continue;
    }
    out[k] = val.get<std::string>();
  }
  return out;
}

}  // namespace

object_meta parse_metadata(const json& obj, bool namespaced, validation& v) {
  object_meta m;
  const json& md = obj.contains("metadata") ? obj["metadata"] : json::object();
  if (!md.is_object()) {
    v.invalid("metadata", md, "must be of type object");
    return m;
  }
  if (md.contains("name") && md["name"].is_string()) m.name = md["name"].get<std::string>();
  if (m.name.empty()) v.required("metadata.name", "name or generateName is required");
  if (namespaced && md.contains("namespace") && md["namespace"].is_string())
    m.namespace_name = md["namespace"].get<std::string>();
  m.labels = string_map(md.value("labels", json()), "metadata.labels", v);
  m.annotations = string_map(md.value("annotations", json()), "metadata.annotations", v);
  return m;
}

std::map<std::string, std::string> parse_secret(const json& obj, validation& v) {
  std::map<std::string, std::string> out;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"});
  if (obj.contains("data") && !obj["data"].is_null()) {
    if (!obj["data"].is_object()) {
      v.invalid("data", obj["data"], "must be of type object");
    } else {
      for (const auto& [k, val] : obj["data"].items()) {
        std::string decoded;
        if (!val.is_string() || !core::base64_decode(val.get<std::string>(), decoded)) {
          v.invalid(join_path("data", k), val, "must be a base64-encoded string");
          continue;
        }
        out[k] = decoded;
      }
    }
  }
  if (obj.contains("stringData") && !obj["stringData"].is_null()) {
    if (!obj["stringData"].is_object()) {
      v.invalid("stringData", obj["stringData"], "must be of type object");
    } else {
      for (const auto& [k, val] : obj["stringData"].items()) {
        if (!val.is_string()) {
          v.invalid(join_path("stringData", k), val, "must be of type string");
          continue;
        }
        out[k] = val.get<std::string>();
      }
    }
  }
  auto key_ok = [](const std::string& k) {
    return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
  };
  for (const auto& [k, _] : out) {
    if (!key_ok(k))
      v.invalid(join_path("data", k), k,
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  std::size_t total = 0;
  for (const auto& [k, value] : out) total += value.size();
  if (total > max_secret_size) v.too_long("data", "must have at most " + std::to_string(max_secret_size) + " bytes");
  return out;
}

std::map<std::string, std::string> parse_config_map(const json& obj, validation& v) {
  std::map<std::string, std::string> out;
  v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "data", "binaryData", "immutable"});
  if (obj.contains("data") && !obj["data"].is_null()) {
    if (!obj["data"].is_object()) {
      v.invalid("data", obj["data"], "must be of type object");
      return out;
    }
    for (const auto& [k, val] : obj["data"].items()) {
      if (!val.is_string()) {
        v.invalid(join_path("data", k), val, "must be of type string");
        continue;
      }
      out[k] = val.get<std::string>();
    }
  }
  std::size_t total = 0;
  for (const auto& [k, value] : out) total += value.size();
  if (obj.contains("binaryData") && obj["binaryData"].is_object())
    for (const auto& [k, val] : obj["binaryData"].items()) {
      std::string decoded;
      if (val.is_string() && core::base64_decode(val.get<std::string>(), decoded)) total += decoded.size();
    }
  // ValidateConfigMap passes an empty path for the whole object, which Go prints as "[]".
  if (total > max_secret_size) v.too_long("[]", "must have at most " + std::to_string(max_secret_size) + " bytes");
  return out;
}

validation validate_object(kind k, json& obj) {
  validation v;
  const auto& ki = info(k);
  object_meta meta = parse_metadata(obj, ki.namespaced, v);
  if (!meta.name.empty()) {
    if (k == kind::namespace_)
      check_label_name("metadata.name", meta.name, v);
    else
      check_subdomain_name("metadata.name", meta.name, v);
  }
  try {
    switch (k) {
      case kind::namespace_:
        v.known_fields(obj, "", {"apiVersion", "kind", "metadata", "spec", "status"});
        break;
      case kind::secret: {
        auto data = parse_secret(obj, v);
        if (v.ok()) {
          json encoded = json::object();
          for (const auto& [key, value] : data) encoded[key] = core::base64_encode(value);
          obj["data"] = encoded;
          obj.erase("stringData");
          if (!obj.contains("type")) obj["type"] = "Opaque";
        }
        break;
      }
      case kind::config_map: (void)parse_config_map(obj, v); break;
      case kind::deployment: {
        auto spec = parse_deployment(obj, v);
        if (v.ok()) obj["spec"]["replicas"] = spec.replicas;
        break;
      }
      case kind::scaled_object: (void)parse_scaled_object(obj, v); break;
      case kind::trigger_authentication: (void)parse_trigger_authentication(obj, v); break;
      case kind::pod_monitoring: (void)parse_pod_monitoring(obj, v); break;
      case kind::horizontal_pod_autoscaler:
        convert_hpa_to_v2(obj);  // v1, v2beta1 and v2beta2 are stored as v2, as the API server does
        (void)parse_hpa(obj, v);
        break;
      case kind::service: {
        auto spec = parse_service(obj, v);
        if (v.ok()) {
          // SetDefaults_Service: type, protocol, targetPort, sessionAffinity, traffic policies.
          json& s = obj["spec"];
          s["type"] = spec.type;
          if (!s.contains("sessionAffinity")) s["sessionAffinity"] = "None";
          if (spec.type != "ExternalName" && !s.contains("internalTrafficPolicy")) s["internalTrafficPolicy"] = "Cluster";
          if ((spec.type == "NodePort" || spec.type == "LoadBalancer") && !s.contains("externalTrafficPolicy"))
            s["externalTrafficPolicy"] = "Cluster";
          if (s.contains("ports") && s["ports"].is_array())
            for (std::size_t i = 0; i < s["ports"].size(); ++i) {
              json& p = s["ports"][i];
              p["protocol"] = spec.ports[i].protocol;
              if (!spec.ports[i].target_port_name.empty()) p["targetPort"] = spec.ports[i].target_port_name;
              else p["targetPort"] = spec.ports[i].target_port;
            }
        }
        break;
      }
      case kind::replica_set:
      case kind::pod:
      case kind::endpoints:
      case kind::endpoint_slice:
      case kind::event: v.forbidden("kind", "hayloft creates " + std::string(ki.plural) + " itself"); break;
    }
  } catch (const json::exception&) {
    // The parsers check each field's type; this is the net under a check that is missing: the
    // client gets the API server's 422 for a wrong type, never a crash or a library's text.
    v.invalid("spec", "", "a field has a value of the wrong type for " + std::string(ki.name));
  }
  return v;
}

}  // namespace hayloft::orchestrator::objects
