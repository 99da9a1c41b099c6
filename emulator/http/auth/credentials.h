#pragma once
// Credentials the edge accepts when `--auth` is on, and their loader from the config file:
//
//   auth:
//     credentials:
//       - access_key_id: AKIAIOSFODNN7EXAMPLE
//         secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
//         session_token: optional; when set, requests must carry it (x-amz-security-token)
//
// A credentials_provider is consulted on I/O threads for every request: implementations must be
// thread-safe and must not block. static_credentials is immutable after construction.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"

namespace YAML {
class Node;
}

namespace hayloft::http::auth {

// Configuration errors of this module (request failures are verdicts, see verify.h).
enum class errc {
  config_unreadable = 1,  // the file cannot be read or is not YAML
  config_invalid,         // the auth section has the wrong shape
};
const std::error_category& auth_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), auth_category()}; }

struct credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: no token required
  std::string account_id;     // the AWS account the key belongs to; empty: hayloft's own
};

class credentials_provider {
 public:
  virtual ~credentials_provider() = default;
  // The credentials for an access key id, or nullopt when it is unknown.
  virtual std::optional<credentials> find(std::string_view access_key_id) const = 0;
};

// A fixed set of credentials, e.g. from the config file.
class static_credentials final : public credentials_provider {
 public:
  static_credentials() = default;
  // Later entries with an id already present are ignored (the loader rejects duplicates).
  explicit static_credentials(std::vector<credentials> list);
  std::optional<credentials> find(std::string_view access_key_id) const override;
  std::size_t size() const { return by_id_.size(); }

 private:
  std::unordered_map<std::string, credentials> by_id_;
};

// Reads `auth.credentials` from a parsed config document. A document without an `auth` section
// (or with no credentials) yields an empty set; a malformed section is errc::config_invalid with
// a message naming the offending entry.
result<static_credentials> load_credentials(const YAML::Node& config_root);
// Same, from a YAML file.
result<static_credentials> load_credentials_file(const std::filesystem::path& path);

}  // namespace hayloft::http::auth

template <>
struct std::is_error_code_enum<hayloft::http::auth::errc> : std::true_type {};
