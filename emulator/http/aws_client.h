#pragma once
// A blocking AWS client for the two services hayloft emulates, signing every request with
// Signature Version 4, so the same code talks to `hayloft up` (plain HTTP) and to real AWS
// (https://sqs.<region>.amazonaws.com, https://s3.<region>.amazonaws.com).
//
//   auto cfg = http::aws_config::from_env(endpoint_flag, region_flag);
//   http::aws_client aws(cfg);
//   auto url = aws.get_queue_url("test-queue");
//   auto etag = aws.put_object("test-bucket", "docs/a.txt", http::file_range{path, 0, size});
//
// SQS speaks the AWS JSON 1.0 protocol (POST /, X-Amz-Target: AmazonSQS.<Action>). S3 uses
// path-style addressing (`/{bucket}/{key}`) on a custom endpoint and virtual-hosted style
// (`{bucket}.s3.{region}.amazonaws.com`) on AWS's own when the bucket name allows it. Request
// bodies from files are streamed from disk; their SHA-256 (the signed payload hash) is computed
// in a first pass over the same byte range.
//
// Errors: transport failures keep their http::client_errc; an AWS error reply becomes
// aws_errc::service with the message "<Code>: <Message> (HTTP <status>)", and a reply that is
// not what the protocol promises is aws_errc::bad_response.
//
// Threading: an aws_client may be shared by any number of threads (connections are pooled per
// host, see client.h). Every call blocks; never call from an I/O thread.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/http/client.h"

namespace hayloft::http {

enum class aws_errc {
  service = 1,   // the service answered with an AWS error (code and message in the text)
  bad_response,  // the reply does not follow the protocol (missing fields, not JSON/XML)
};
const std::error_category& aws_category();
inline std::error_code make_error_code(aws_errc e) { return {static_cast<int>(e), aws_category()}; }

struct aws_credentials {
  std::string access_key_id = "test";
  std::string secret_access_key = "test";
  std::string session_token;  // sent as X-Amz-Security-Token when set
};

struct aws_config {
  std::string endpoint;  // custom endpoint for both services; empty means AWS's own endpoints
  std::string region = "us-east-1";
  aws_credentials credentials;
  client_options http;

  // Settings as the AWS SDKs read them: endpoint from `endpoint_flag`, else AWS_ENDPOINT_URL,
  // else AWS_ENDPOINT (else AWS's endpoints); region from `region_flag`, else AWS_REGION, else
  // AWS_DEFAULT_REGION, else us-east-1; credentials from AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (default test/test, LocalStack's); extra CA
  // certificates from AWS_CA_BUNDLE.
  static aws_config from_env(const std::string& endpoint_flag = {},
                             const std::string& region_flag = {});
};

// SigV4 signing, as a pure function (exposed for tests). Adds X-Amz-Date, X-Amz-Security-Token
// (when the credentials carry one), X-Amz-Content-Sha256 (service "s3" only) and Authorization
// to `headers`. Every header already in `headers` is signed, so `headers` must hold Host and
// exactly the values that will be sent. `raw_path` and `raw_query` are the request-target's
// parts as sent (percent-encoded).
void sign_v4(std::string_view method, std::string_view raw_path, std::string_view raw_query,
             header_list& headers, std::string_view payload_sha256_hex,
             const aws_credentials& credentials, std::string_view region, std::string_view service,
             core::time_point now);

// A byte range of a file, used as a request body.
struct file_range {
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct sqs_message {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 1;  // ApproximateReceiveCount
};

struct s3_object {
  std::string bytes;
  std::string etag;  // without quotes
  std::string content_type;
  std::string last_modified;  // the Last-Modified header as sent (HTTP date), empty if none
};

struct completed_part {
  int part_number = 0;
  std::string etag;  // as UploadPart returned it (quotes kept)
};

// A raw S3 request, for operations without a helper below.
struct s3_request {
  std::string method = "GET";
  std::string bucket;  // empty: the service itself (ListBuckets)
  std::string key;     // unencoded; empty for bucket operations
  std::string query;   // raw query string, already encoded ("uploads", "partNumber=1&uploadId=x")
  header_list headers;
  std::string body;
  std::optional<file_range> file;  // body streamed from a file instead of `body`
  std::uint64_t max_response_bytes = 1ull << 32;
  std::function<void(std::size_t)> on_body_progress;
};

class aws_client {
 public:
  // `clock` (default: the real time) dates the signatures. Throws std::runtime_error when the
  // TLS context cannot be built (an unreadable CA bundle).
  explicit aws_client(aws_config config, core::clock* clock = nullptr);
  ~aws_client();
  aws_client(const aws_client&) = delete;
  aws_client& operator=(const aws_client&) = delete;

  const aws_config& config() const { return config_; }
  std::string sqs_endpoint() const;
  std::string s3_endpoint() const;

  // --- SQS (JSON 1.0) ---
  // Calls AmazonSQS.<action> with a JSON body; returns the JSON reply ({} for an empty body).
  // `abort` lets another thread end a long poll early (the call then fails with
  // client_errc::aborted).
  result<nlohmann::json> sqs_call(std::string_view action, const nlohmann::json& body,
                                  abort_signal* abort = nullptr);
  result<std::string> get_queue_url(const std::string& queue_name);
  // Returns the MessageId.
  result<std::string> send_message(const std::string& queue_url, const std::string& body);
  result<std::vector<sqs_message>> receive_message(const std::string& queue_url, int max_messages,
                                                   std::chrono::seconds wait,
                                                   abort_signal* abort = nullptr);
  result<void> delete_message(const std::string& queue_url, const std::string& receipt_handle);

  // --- S3 ---
  // Sends a signed S3 request. A reply with status >= 300 is returned as an aws_errc::service
  // error carrying the S3 <Error> code and message.
  result<client_response> s3_call(const s3_request& req);
  // Returns the ETag without quotes.
  result<std::string> put_object(const std::string& bucket, const std::string& key,
                                 const file_range& body, const std::string& content_type = {},
                                 std::function<void(std::size_t)> on_progress = nullptr);
  result<std::string> create_multipart_upload(const std::string& bucket, const std::string& key,
                                              const std::string& content_type = {});
  // Returns the part's ETag as sent (quoted).
  result<std::string> upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number,
                                  const file_range& body,
                                  std::function<void(std::size_t)> on_progress = nullptr);
  // Returns the object's ETag without quotes.
  result<std::string> complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id,
                                                const std::vector<completed_part>& parts);
  result<void> abort_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id);
  // GetObject into memory; an object larger than `max_bytes` fails with
  // client_errc::response_too_large.
  result<s3_object> get_object(const std::string& bucket, const std::string& key,
                               std::uint64_t max_bytes = 1ull << 32);

 private:
  client& client_for(const std::string& endpoint);
  // The endpoint and target (path + query) of an S3 request, by addressing style.
  std::pair<std::string, std::string> s3_address(const std::string& bucket, const std::string& key,
                                                 const std::string& query) const;

  aws_config config_;
  core::clock* clock_;
  std::unique_ptr<core::clock> own_clock_;
  std::mutex clients_mutex_;  // guards clients_ (the map; each client is thread-safe)
  std::map<std::string, std::unique_ptr<client>> clients_;
};

// Removes one pair of surrounding double quotes (ETags).
std::string unquote_etag(std::string_view etag);

}  // namespace hayloft::http

template <>
struct std::is_error_code_enum<hayloft::http::aws_errc> : std::true_type {};
