#pragma once
// A protocol-neutral view of request members, so each operation's parser is written once for
// both protocols. Member names are the JSON names; list, map and entry accessors also take the
// query protocol's flattened item name ("AttributeNames" / "AttributeName").
//
// Accessors never throw: a member of the wrong type records the first error (see error()) and
// yields an empty value.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/json_text.h"
#include "emulator/core/result.h"
#include "sqs/api/model.h"

namespace hayloft::sqs::api {

class input {
 public:
  virtual ~input() = default;
  virtual std::optional<std::string> string(std::string_view name) = 0;
  virtual std::optional<std::int64_t> integer(std::string_view name) = 0;
  virtual std::vector<std::string> string_list(std::string_view json_name, std::string_view item) = 0;
  // A string map: JSON object; query `<item>.N.<key_name>` / `<item>.N.<value_name>`.
  virtual string_map map(std::string_view json_name, std::string_view item, std::string_view key_name,
                         std::string_view value_name) = 0;
  // MessageAttributes / MessageSystemAttributes, in request order.
  virtual std::vector<message_attribute> attributes(std::string_view json_name, std::string_view item) = 0;
  // Batch entries, in request order.
  virtual std::vector<std::unique_ptr<input>> entries(std::string_view json_name, std::string_view item) = 0;

  // The first type error met so far, if any.
  const std::optional<hayloft::error>& error() const { return *error_; }

 protected:
  explicit input(std::shared_ptr<std::optional<hayloft::error>> sink) : error_(std::move(sink)) {}
  void fail(std::string message);
  std::shared_ptr<std::optional<hayloft::error>> error_;  // shared by an input and its entries
};

// `body` must outlive the input.
std::unique_ptr<input> make_json_input(const nlohmann::json& body);

// Whether the JSON text nests at most `max_depth` deep, checked before any parser (core).
using core::json_depth_within;
// Decoded query/form parameters (first occurrence of a name wins); must outlive the input.
std::unique_ptr<input> make_query_input(const std::map<std::string, std::string>& params);

}  // namespace hayloft::sqs::api
