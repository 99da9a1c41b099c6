#pragma once
// The S3 service: a core::request_handler for the HTTP edge plus a typed in-process API.
//
// Threading:
//   handle() is called on an I/O thread. Reads (GET/HEAD/List) answer inline from SQLite (or the
//   small-object cache). Writes go through state_store::submit (group commit); their completion
//   runs on the store's writer thread. Bodies larger than options::inline_threshold (or spilled
//   to a file by the edge) are decoded, hashed and written on the `blocking` task_runner, never
//   on the I/O thread. Multipart completion concatenates parts there too.
//   The typed API (create_bucket, put_object, get_object, ...) blocks the caller until the write
//   committed: call it from a pool or test thread, never from an I/O thread nor from the store's
//   writer thread (e.g. inside event_sink::deliver), which would deadlock.
//   The destructor waits for every request still in flight.
//
// Storage: metadata in state.db (tables in s3/store/schema.cc); bodies up to inline_threshold
// inline in the row, larger ones as files in <data-dir>/blobs/s3 (see s3/store/blob_files.h for
// the crash-safety ordering). GET of a file-backed object returns response.file so the edge
// streams it; removed files linger for options::blob_grace so such streams can open them.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"
#include "s3/api/results.h"

namespace hayloft::s3 {

// Receives S3 event notifications for buckets whose NotificationConfiguration selects them.
// deliver() is called once per matching QueueConfiguration, after the change committed, on the
// thread that completed the write (usually the store's writer thread): it must not block.
class event_sink {
 public:
  virtual ~event_sink() = default;
  // body: the S3 event message JSON ({"Records":[...]}) or the s3:TestEvent message.
  virtual void deliver(std::string_view queue_arn, std::string body) = 0;
  // PutBucketNotificationConfiguration asks whether a destination exists before it stores the
  // configuration (S3 answers InvalidArgument "Unable to validate the following destination
  // configurations" otherwise). Called on an I/O thread: must not block.
  virtual bool accepts(std::string_view /*queue_arn*/) const { return true; }
};

struct options {
  // Region for buckets created without a LocationConstraint by unsigned requests.
  std::string default_region = "us-east-1";
  // Bodies up to this size live inline in state.db; larger ones are blob files.
  std::size_t inline_threshold = 64 * 1024;
  // Largest single PutObject/UploadPart body (S3: 5 GiB).
  std::uint64_t max_put_size = 5ull << 30;
  // Smallest non-last part (S3: 5 MiB).
  std::uint64_t min_part_size = 5ull << 20;
  // How long a replaced or deleted blob file stays on disk for responses already streaming it.
  std::chrono::seconds blob_grace{30};
  // Memory for the small-object GET cache (0 disables it).
  std::size_t cache_bytes = 64ull << 20;
  event_sink* events = nullptr;
  // New buckets get AWS's defaults since April 2023: ObjectOwnership BucketOwnerEnforced (ACLs
  // other than the owner's refused with AccessControlListNotSupported) and a public access block
  // with all four settings on. Off (the default): new buckets have no ownership controls and no
  // public access block, as buckets made before 2023 and as LocalStack-era scripts expect (the
  // reference app uploads with ACL public-read). x-amz-object-ownership at CreateBucket and the
  // Put* operations behave as on AWS either way.
  bool aws_bucket_defaults = false;
  // --auth: decide every request from the caller the auth gate names in caller_header, the
  // bucket policy, the ACLs and the public access block (s3/service/access_control.cc). Off, as
  // with auth off: everything is allowed.
  bool evaluate_access = false;
  // The account that owns every bucket (hayloft has one); its callers may do anything a bucket
  // policy does not explicitly deny.
  std::string owner_account = "000000000000";
};

// Set by the auth gate on every S3 request when --auth is on (any value a client sent is
// replaced): "anonymous" for unsigned requests, else "<account id> <caller ARN>".
inline constexpr std::string_view caller_header = "x-hayloft-caller";

struct object_info {
  std::string bucket;
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // quoted
  core::time_point last_modified;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> metadata;  // x-amz-meta-* without the prefix
};

struct object_data : object_info {
  std::string bytes;                          // the body when stored inline
  std::optional<std::filesystem::path> file;  // else the file holding the body (read promptly)
};

namespace detail {
class engine;
}

class service : public core::request_handler {
 public:
  // Applies the S3 schema, and removes blob files no row references (crash leftovers).
  // Throws std::runtime_error when the schema cannot be applied (start-up only).
  service(hayloft::store::state_store& store, core::clock& clock, core::task_runner& blocking, options opts = {});
  ~service() override;
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  void handle(core::request req, core::completion done) override;
  core::response render_error(const core::request& req, const core::aws_error& err) const override;

  // Typed API (blocking; not on an I/O thread). Errors carry s3::errc codes.
  result<void> create_bucket(std::string_view bucket, std::string_view region = {});
  result<std::vector<bucket_entry>> list_buckets();
  // The S3 operation a request names, as AWS names it ("PutObject", "ListObjectsV2"; and
  // "NotImplemented"/"MethodNotAllowed" for what hayloft refuses): the label metrics use. Pure.
  static std::string_view operation_of(const core::request& req);
  // Every bucket with its object count and total size (dashboards, `hayloft status`). One
  // grouped read of the metadata: cheap, never lists keys.
  struct bucket_usage {
    bucket_entry bucket;
    std::int64_t objects = 0;
    std::int64_t bytes = 0;
  };
  result<std::vector<bucket_usage>> usage();
  result<object_info> put_object(std::string_view bucket, std::string_view key, std::string bytes,
                                 std::string_view content_type = {});
  result<object_info> head_object(std::string_view bucket, std::string_view key);
  result<object_data> get_object(std::string_view bucket, std::string_view key);
  result<void> delete_object(std::string_view bucket, std::string_view key);
  // Empties every bucket, object and upload (POST /_hayloft/reset).
  result<void> reset();

  // Snapshots (emulator/app/snapshots.h). The blob files the rows of `db` name, as absolute
  // paths (for pinning with hard links while `db` is a pinned read transaction).
  result<std::vector<std::filesystem::path>> blob_files_of(hayloft::store::database& db) const;
  // After the database was replaced (a restore): drops the small-object cache and removes the
  // blob files the new rows do not name, after options::blob_grace (responses of the old state
  // may still stream them). Blocking.
  result<void> reload();

  // Binds (or unbinds with nullptr) the notification sink; the sink must outlive the service.
  void set_event_sink(event_sink* sink);

 private:
  std::unique_ptr<detail::engine> engine_;
};

}  // namespace hayloft::s3
