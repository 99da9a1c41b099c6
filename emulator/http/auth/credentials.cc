#include "emulator/http/auth/credentials.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace hayloft::http::auth {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "hayloft.auth"; }
  std::string message(int v) const override {
    switch (static_cast<errc>(v)) {
      case errc::config_unreadable:
        return "auth config cannot be read";
      case errc::config_invalid:
        return "auth config is invalid";
    }
    return "unknown auth error";
  }
};

error invalid(std::string msg) { return {make_error_code(errc::config_invalid), std::move(msg)}; }

// Reads a required scalar string field of a credentials entry.
result<std::string> field(const YAML::Node& entry, const char* name, std::size_t index,
                          bool required) {
  const auto where = "auth.credentials[" + std::to_string(index) + "]." + name;
  auto node = entry[name];
  if (!node || node.IsNull()) {
    if (required) return invalid(where + " is missing");
    return std::string();
  }
  if (!node.IsScalar()) return invalid(where + " must be a string");
  auto value = node.as<std::string>();
  if (required && value.empty()) return invalid(where + " must not be empty");
  return value;
}

}  // namespace

const std::error_category& auth_category() {
  static const category c;
  return c;
}

static_credentials::static_credentials(std::vector<credentials> list) {
  for (auto& c : list) {
    auto id = c.access_key_id;
    by_id_.emplace(std::move(id), std::move(c));
  }
}

std::optional<credentials> static_credentials::find(std::string_view access_key_id) const {
  auto it = by_id_.find(std::string(access_key_id));
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

result<static_credentials> load_credentials(const YAML::Node& config_root) {
  if (!config_root || config_root.IsNull()) return static_credentials{};
  if (!config_root.IsMap()) return invalid("config root must be a mapping");
  auto auth = config_root["auth"];
  if (!auth || auth.IsNull()) return static_credentials{};
  if (!auth.IsMap()) return invalid("auth must be a mapping");
  auto list = auth["credentials"];
  if (!list || list.IsNull()) return static_credentials{};
  if (!list.IsSequence()) return invalid("auth.credentials must be a list");

  std::vector<credentials> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto entry = list[i];
    if (!entry.IsMap())
      return invalid("auth.credentials[" + std::to_string(i) + "] must be a mapping");
    auto id = field(entry, "access_key_id", i, true);
    if (!id) return id.err();
    auto secret = field(entry, "secret_access_key", i, true);
    if (!secret) return secret.err();
    auto token = field(entry, "session_token", i, false);
    if (!token) return token.err();
    auto account = field(entry, "account_id", i, false);
    if (!account) return account.err();
    if (!account->empty() && (account->size() != 12 || account->find_first_not_of("0123456789") != std::string::npos))
      return invalid("auth.credentials[" + std::to_string(i) + "]: account_id must be 12 digits");
    if (!seen.insert(*id).second)
      return invalid("auth.credentials[" + std::to_string(i) + "]: duplicate access_key_id " + *id);
    out.push_back({std::move(*id), std::move(*secret), std::move(*token), std::move(*account)});
  }
  return static_credentials(std::move(out));
}

result<static_credentials> load_credentials_file(const std::filesystem::path& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    return error{make_error_code(errc::config_unreadable), path.string() + ": " + e.what()};
  }
  return load_credentials(root);
}

}  // namespace hayloft::http::auth
