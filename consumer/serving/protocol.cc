#include "consumer/serving/protocol.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace hayloft::serving {
namespace {
using json = nlohmann::json;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.push_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}

std::string shape_text(const json& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ",";
    out += shape[i].dump();
  }
  return out + "]";
}

// Appends the strings of a flat or nested `data` array; false at the first non-string.
bool flatten_strings(const json& data, std::vector<std::string>& out) {
  for (const auto& e : data) {
    if (e.is_array()) {
      if (!flatten_strings(e, out)) return false;
    } else if (e.is_string()) {
      out.push_back(e.get<std::string>());
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

reply error_reply(unsigned status, std::string_view message) {
  return {status, json{{"error", message}}.dump()};
}

route classify(std::string_view method, std::string_view path) {
  auto parts = split_path(path);
  route r;
  auto expect = [&](std::string_view m, route_kind k) {
    r.kind = method == m ? k : route_kind::method_not_allowed;
    return r;
  };
  if (parts.size() == 1 && parts[0] == "metrics") return expect("GET", route_kind::metrics);
  if (parts.empty() || parts[0] != "v2") return r;
  if (parts.size() == 1) return expect("GET", route_kind::server_metadata);
  if (parts.size() == 3 && parts[1] == "health") {
    if (parts[2] == "live") return expect("GET", route_kind::live);
    if (parts[2] == "ready") return expect("GET", route_kind::ready);
    return r;
  }
  if (parts[1] != "models" || parts.size() < 3) return r;
  r.model = std::string(parts[2]);
  std::size_t rest = 3;
  if (parts.size() >= 5 && parts[3] == "versions") {
    r.version = std::string(parts[4]);
    rest = 5;
  }
  if (parts.size() == rest) return expect("GET", route_kind::model_metadata);
  if (parts.size() == rest + 1 && parts[rest] == "ready") return expect("GET", route_kind::model_ready);
  if (parts.size() == rest + 1 && parts[rest] == "infer") return expect("POST", route_kind::infer);
  r.kind = route_kind::not_found;
  return r;
}

std::optional<reply> check_model(const model_info& m, const route& r) {
  if (r.model != m.name) return error_reply(404, "Request for unknown model: '" + r.model + "' is not found");
  if (!r.version.empty() && r.version != m.version)
    return error_reply(404, "Request for unknown model: '" + r.model + "' version " + r.version + " is not found");
  return std::nullopt;
}

std::string server_metadata_json(std::string_view version) {
  return json{{"name", server_name}, {"version", version}, {"extensions", json::array()}}.dump();
}

std::string model_metadata_json(const model_info& m) {
  return json{{"name", m.name},
              {"versions", {m.version}},
              {"platform", m.platform},
              {"inputs", {{{"name", m.input_name}, {"datatype", "BYTES"}, {"shape", {-1}}}}},
              {"outputs",
               {{{"name", m.output_name}, {"datatype", "FP32"}, {"shape", {-1, static_cast<long>(m.dimension)}}}}}}
      .dump();
}

parsed_infer parse_infer(const model_info& m, std::string_view body, std::optional<std::string_view> binary_header) {
  auto fail = [](std::string message) { return parsed_infer{std::nullopt, error_reply(400, message)}; };
  if (binary_header)
    return fail("the binary tensor data extension (Inference-Header-Content-Length) is not supported by hayloft's "
                "embedding server; send the inputs as JSON \"data\" and request JSON outputs (binary_data: false)");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return fail("failed to parse the request JSON buffer: invalid JSON");
  if (!j.is_object()) return fail("failed to parse the request JSON buffer: expected a JSON object");
  infer_request req;
  if (j.contains("id")) {
    if (!j["id"].is_string()) return fail("unable to parse 'id': expected a string");
    req.id = j["id"].get<std::string>();
  }
  if (!j.contains("inputs") || !j["inputs"].is_array()) return fail("missing 'inputs' array in the request");
  const auto& inputs = j["inputs"];
  if (inputs.size() != 1)
    return fail("expected 1 inputs but got " + std::to_string(inputs.size()) + " inputs for model '" + m.name + "'");
  const auto& in = inputs[0];
  if (!in.is_object() || !in.contains("name") || !in["name"].is_string())
    return fail("unable to parse 'name' of an input: expected a string");
  auto name = in["name"].get<std::string>();
  if (name != m.input_name) return fail("unexpected inference input '" + name + "' for model '" + m.name + "'");
  if (!in.contains("datatype") || !in["datatype"].is_string())
    return fail("unable to parse 'datatype' of input '" + name + "'");
  auto datatype = in["datatype"].get<std::string>();
  if (datatype != "BYTES")
    return fail("inference input '" + name + "' data-type is '" + datatype + "', but model '" + m.name +
                "' expects 'BYTES'");
  if (!in.contains("shape") || !in["shape"].is_array() || in["shape"].empty())
    return fail("unable to parse 'shape' of input '" + name + "'");
  const auto& shape = in["shape"];
  std::int64_t elements = 1;
  for (const auto& d : shape) {
    if (!d.is_number_integer() || d.get<std::int64_t>() < 0 || d.get<std::int64_t>() > (1 << 24))
      return fail("unable to parse 'shape' of input '" + name + "': " + shape_text(shape));
    elements *= d.get<std::int64_t>();
  }
  if (shape.size() > 2 || (shape.size() == 2 && shape[1].get<std::int64_t>() != 1))
    return fail("unexpected shape for input '" + name + "' for model '" + m.name + "'. Expected [-1], got " +
                shape_text(shape));
  if (in.contains("parameters") && in["parameters"].is_object() && in["parameters"].contains("binary_data_size"))
    return fail("the binary tensor data extension (binary_data_size) is not supported by hayloft's embedding server");
  if (!in.contains("data") || !in["data"].is_array())
    return fail("expected 'data' array for input '" + name + "' (the binary tensor extension is not supported)");
  if (!flatten_strings(in["data"], req.texts))
    return fail("unable to parse 'data' of input '" + name + "': expected strings for datatype BYTES");
  if (static_cast<std::int64_t>(req.texts.size()) != elements)
    return fail("unexpected number of elements for input '" + name + "': shape " + shape_text(shape) + " expects " +
                std::to_string(elements) + ", got " + std::to_string(req.texts.size()));
  if (req.texts.empty()) return fail("input '" + name + "' holds no element");
  if (j.contains("outputs")) {
    if (!j["outputs"].is_array()) return fail("unable to parse 'outputs': expected an array");
    for (const auto& o : j["outputs"]) {
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string())
        return fail("unable to parse 'name' of a requested output: expected a string");
      auto oname = o["name"].get<std::string>();
      if (oname != m.output_name)
        return fail("unexpected inference output '" + oname + "' for model '" + m.name + "'");
      if (o.contains("parameters") && o["parameters"].is_object() && o["parameters"].contains("binary_data") &&
          o["parameters"]["binary_data"] != false)
        return fail("output '" + oname +
                    "' asks for binary_data: the binary tensor data extension is not supported by hayloft's embedding "
                    "server; request JSON outputs");
    }
  }
  return {std::move(req), {}};
}

std::string infer_response_json(const model_info& m, const infer_request& req, std::span<const std::vector<float>> rows) {
  std::string out = "{\"model_name\":" + json(m.name).dump() + ",\"model_version\":" + json(m.version).dump();
  if (req.id) out += ",\"id\":" + json(*req.id).dump();
  out += ",\"outputs\":[{\"name\":" + json(m.output_name).dump() + ",\"datatype\":\"FP32\",\"shape\":[" +
         std::to_string(rows.size()) + "," + std::to_string(m.dimension) + "],\"data\":[";
  out.reserve(out.size() + rows.size() * m.dimension * 12 + 8);
  char buf[32];
  bool first = true;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < m.dimension; ++i) {
      float v = i < row.size() ? row[i] : 0.0f;
      if (!first) out += ',';
      first = false;
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      out.append(buf, r.ptr);
    }
  }
  out += "]}]}";
  return out;
}

}  // namespace hayloft::serving
