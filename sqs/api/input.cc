#include "emulator/core/json_text.h"
#include "sqs/api/input.h"

#include <charconv>
#include <set>

#include "emulator/core/hash.h"
#include "sqs/api/errors.h"

namespace hayloft::sqs::api {

void input::fail(std::string message) {
  if (!error_->has_value()) *error_ = make_error(errc::invalid_parameter_value, std::move(message));
}

namespace {

std::string invalid(std::string_view name, std::string_view value) {
  return "Value " + std::string(value) + " for parameter " + std::string(name) + " is invalid.";
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto first = s.data(), last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  auto [p, ec] = std::from_chars(first, last, v);
  if (ec != std::errc{} || p != last || first == last) return std::nullopt;
  return v;
}

class json_input final : public input {
 public:
  json_input(const nlohmann::json& obj, std::shared_ptr<std::optional<hayloft::error>> sink)
      : input(std::move(sink)), obj_(obj) {}

  std::optional<std::string> string(std::string_view name) override {
    auto* v = member(name);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();
    fail("Value for parameter " + std::string(name) + " must be a string.");
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(std::string_view name) override {
    auto* v = member(name);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_number_integer()) return v->get<std::int64_t>();
    if (v->is_string()) {
      if (auto i = parse_int(v->get_ref<const std::string&>())) return i;
      fail(invalid(name, v->get_ref<const std::string&>()));
      return std::nullopt;
    }
    fail(invalid(name, v->dump()));
    return std::nullopt;
  }

  std::vector<std::string> string_list(std::string_view json_name, std::string_view) override {
    std::vector<std::string> out;
    auto* v = member(json_name);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) {
      fail("Value for parameter " + std::string(json_name) + " must be a list.");
      return out;
    }
    for (const auto& e : *v) {
      if (!e.is_string()) {
        fail("Value for parameter " + std::string(json_name) + " must be a list of strings.");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  string_map map(std::string_view json_name, std::string_view, std::string_view, std::string_view) override {
    string_map out;
    auto* v = member(json_name);
    if (!v || v->is_null()) return out;
    if (!v->is_object()) {
      fail("Value for parameter " + std::string(json_name) + " must be a map.");
      return out;
    }
    for (const auto& [k, e] : v->items()) {
      if (e.is_string())
        out[k] = e.get<std::string>();
      else if (e.is_number() || e.is_boolean())
        out[k] = e.dump();
      else
        fail("Value for parameter " + std::string(json_name) + "." + k + " must be a string.");
    }
    return out;
  }

  std::vector<message_attribute> attributes(std::string_view json_name, std::string_view) override {
    std::vector<message_attribute> out;
    auto* v = member(json_name);
    if (!v || v->is_null()) return out;
    if (!v->is_object()) {
      fail("Value for parameter " + std::string(json_name) + " must be a map.");
      return out;
    }
    for (const auto& [k, e] : v->items()) {
      if (!e.is_object()) {
        fail("Value for parameter " + std::string(json_name) + "." + k + " must be a structure.");
        continue;
      }
      json_input value(e, error_);
      message_attribute a;
      a.name = k;
      a.data_type = value.string("DataType").value_or("");
      a.string_value = value.string("StringValue").value_or("");
      if (auto b = value.string("BinaryValue")) {
        if (!core::base64_decode(*b, a.binary_value)) fail(invalid(std::string(json_name) + "." + k + ".BinaryValue", *b));
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  std::vector<std::unique_ptr<input>> entries(std::string_view json_name, std::string_view) override {
    std::vector<std::unique_ptr<input>> out;
    auto* v = member(json_name);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) {
      fail("Value for parameter " + std::string(json_name) + " must be a list.");
      return out;
    }
    for (const auto& e : *v) {
      if (!e.is_object()) {
        fail("Value for parameter " + std::string(json_name) + " must be a list of structures.");
        return {};
      }
      out.push_back(std::make_unique<json_input>(e, error_));
    }
    return out;
  }

 private:
  const nlohmann::json* member(std::string_view name) const {
    if (!obj_.is_object()) return nullptr;
    auto it = obj_.find(name);
    return it == obj_.end() ? nullptr : &*it;
  }
  const nlohmann::json& obj_;
};

class query_input final : public input {
 public:
  query_input(const std::map<std::string, std::string>& params, std::string prefix,
              std::shared_ptr<std::optional<hayloft::error>> sink)
      : input(std::move(sink)), params_(params), prefix_(std::move(prefix)) {}

  std::optional<std::string> string(std::string_view name) override { return find(prefix_ + std::string(name)); }

  std::optional<std::int64_t> integer(std::string_view name) override {
    auto s = string(name);
    if (!s) return std::nullopt;
    if (auto i = parse_int(*s)) return i;
    fail(invalid(name, *s));
    return std::nullopt;
  }

  std::vector<std::string> string_list(std::string_view, std::string_view item) override {
    std::vector<std::string> out;
    auto base = prefix_ + std::string(item) + ".";
    for (int i : indices(base))
      if (auto v = find(base + std::to_string(i))) out.push_back(*v);
    return out;
  }

  string_map map(std::string_view, std::string_view item, std::string_view key_name,
                 std::string_view value_name) override {
    string_map out;
    auto base = prefix_ + std::string(item) + ".";
    for (int i : indices(base)) {
      auto entry = base + std::to_string(i) + ".";
      auto k = find(entry + std::string(key_name));
      if (!k) continue;
      out[*k] = find(entry + std::string(value_name)).value_or("");
    }
    return out;
  }

  std::vector<message_attribute> attributes(std::string_view, std::string_view item) override {
    std::vector<message_attribute> out;
    auto base = prefix_ + std::string(item) + ".";
    for (int i : indices(base)) {
      auto entry = base + std::to_string(i) + ".";
      auto name = find(entry + "Name");
      if (!name) continue;
      message_attribute a;
      a.name = *name;
      a.data_type = find(entry + "Value.DataType").value_or("");
      a.string_value = find(entry + "Value.StringValue").value_or("");
      if (auto b = find(entry + "Value.BinaryValue")) {
        if (!core::base64_decode(*b, a.binary_value)) fail(invalid(entry + "Value.BinaryValue", *b));
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  std::vector<std::unique_ptr<input>> entries(std::string_view, std::string_view item) override {
    std::vector<std::unique_ptr<input>> out;
    auto base = prefix_ + std::string(item) + ".";
    for (int i : indices(base))
      out.push_back(std::make_unique<query_input>(params_, base + std::to_string(i) + ".", error_));
    return out;
  }

 private:
  std::optional<std::string> find(const std::string& key) const {
    auto it = params_.find(key);
    if (it == params_.end()) return std::nullopt;
    return it->second;
  }
  // The distinct N of every "<base>N" or "<base>N.<...>" parameter, ascending.
  std::set<int> indices(const std::string& base) const {
    std::set<int> out;
    for (auto it = params_.lower_bound(base); it != params_.end() && it->first.starts_with(base); ++it) {
      std::string_view rest(it->first);
      rest.remove_prefix(base.size());
      auto dot = rest.find('.');
      auto digits = rest.substr(0, dot);
      int n = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec == std::errc{} && p == digits.data() + digits.size() && n >= 1) out.insert(n);
    }
    return out;
  }

  const std::map<std::string, std::string>& params_;
  std::string prefix_;
};

}  // namespace


std::unique_ptr<input> make_json_input(const nlohmann::json& body) {
  return std::make_unique<json_input>(body, std::make_shared<std::optional<hayloft::error>>());
}

std::unique_ptr<input> make_query_input(const std::map<std::string, std::string>& params) {
  return std::make_unique<query_input>(params, "", std::make_shared<std::optional<hayloft::error>>());
}

}  // namespace hayloft::sqs::api
