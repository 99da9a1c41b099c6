#pragma once
// Internal to s3/service: the state every operation shares, the per-request `call`, and the
// helpers that answer, fail, commit objects and emit events. Not a public header.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "s3/api/addressing.h"
#include "s3/api/checksums.h"
#include "s3/api/errors.h"
#include "s3/service/object_cache.h"
#include "s3/service/service.h"
#include "s3/store/blob_files.h"
#include "s3/store/tables.h"

namespace hayloft::s3::detail {

// Counts work still running so the engine's destructor can wait for it.
class inflight {
 public:
  class guard {
   public:
    guard() = default;
    explicit guard(inflight* f) : f_(f) {}
    guard(guard&& o) noexcept : f_(std::exchange(o.f_, nullptr)) {}
    guard& operator=(guard&& o) noexcept;
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    ~guard();

   private:
    inflight* f_ = nullptr;
  };
  guard hold();
  void wait_idle();

 private:
  friend class guard;
  void release();
  std::mutex mutex_;  // guards count_
  std::condition_variable idle_;
  int count_ = 0;
};

// One request being served. Shared (shared_ptr) once it leaves the I/O thread.
struct call {
  core::request req;
  core::completion done;
  address addr;
  std::string request_id;
  std::string host_id;
  bool head = false;
  inflight::guard guard;
  // The error this call was answered with (read by the typed API after completion).
  std::optional<hayloft::error> error;
};
using call_ptr = std::shared_ptr<call>;

// An object about to be committed, and what to do around the commit.
struct object_commit {
  std::string bucket;
  object_row row;
  std::string event_name;  // "ObjectCreated:Put", ...
  std::string request_id, host_id, source_ip;
  // Conditional write: If-Match (etag list) / If-None-Match: *.
  std::optional<std::string> if_match;
  bool if_none_match = false;
  // Complete: the upload to delete in the same transaction.
  std::optional<std::string> upload_id;
};

class engine {
 public:
  engine(hayloft::store::state_store& store, core::clock& clock, core::task_runner& blocking, options opts);
  ~engine();

  hayloft::store::state_store& store;
  core::clock& clock;
  core::task_runner& blocking;
  const options opts;
  blob_files blobs;
  object_cache cache;
  inflight work;

  // Completes the call with r, adding x-amz-request-id / x-amz-id-2.
  void reply(call& c, core::response r) const;
  void reply_error(call& c, const hayloft::error& e) const;  // records c.error
  core::response error_response(const call& c, const hayloft::error& e) const;

  // Removes blob files after options::blob_grace (files may still be streaming).
  void remove_blobs_later(std::vector<std::string> ids) const;

  // Commits (bucket, key) -> row in one writer transaction; done(result) runs on the writer
  // thread after the commit, after cache invalidation, old-blob scheduling and events.
  void commit_object(std::shared_ptr<object_commit> oc, std::function<void(result<void>)> done);
  // Deletes one object; done(existed) after commit.
  void remove_object(std::string bucket, std::string key, std::string request_id, std::string host_id,
                     std::function<void(result<bool>)> done);

  // Emits event_name for key to every matching queue configuration in notification_xml.
  void emit(std::string_view notification_xml, std::string_view region, std::string_view event_name,
            std::string_view bucket, std::string_view key, std::uint64_t size, std::string_view etag,
            std::string_view request_id, std::string_view host_id, std::string_view source_ip);
  void set_sink(event_sink* s) { sink_.store(s); }
  event_sink* sink() const { return sink_.load(); }

  // The region a request is signed for, else options::default_region.
  std::string request_region(const core::request& req) const;

 private:
  std::atomic<event_sink*> sink_;
  std::atomic<std::uint64_t> sequencer_{0};
};

// A new call for req (request id, host id, address resolved), holding an inflight guard.
call_ptr make_call(engine& e, core::request req, core::completion done);
// Dispatches a call to its operation by method, address and sub-resource.
void route(engine& e, const call_ptr& c);
// The operation route() runs for a request, by its AWS name ("PutObject"); pure.
std::string_view operation_name(const core::request& req);

// Operations (one .cc per area). Each answers through e.reply / e.reply_error exactly once.
void list_buckets(engine& e, call_ptr c);
void create_bucket(engine& e, call_ptr c);
void delete_bucket(engine& e, call_ptr c);
void head_bucket(engine& e, call_ptr c);
void get_bucket_location(engine& e, call_ptr c);
void get_bucket_acl(engine& e, call_ptr c);
void put_bucket_acl(engine& e, call_ptr c);
void get_bucket_versioning(engine& e, call_ptr c);
void get_bucket_notification(engine& e, call_ptr c);
void put_bucket_notification(engine& e, call_ptr c);
void list_objects(engine& e, call_ptr c, bool v2);
void list_object_versions(engine& e, call_ptr c);
void get_object(engine& e, call_ptr c);  // GET and HEAD
void put_object(engine& e, call_ptr c);
void delete_object(engine& e, call_ptr c);
void delete_objects(engine& e, call_ptr c);
void copy_object(engine& e, call_ptr c);
void get_object_acl(engine& e, call_ptr c);
void put_object_acl(engine& e, call_ptr c);
void create_multipart_upload(engine& e, call_ptr c);
void upload_part(engine& e, call_ptr c);
void upload_part_copy(engine& e, call_ptr c);
void complete_multipart_upload(engine& e, call_ptr c);
void abort_multipart_upload(engine& e, call_ptr c);
void list_parts(engine& e, call_ptr c);
void list_multipart_uploads(engine& e, call_ptr c);

// Shared helpers.
// Reads the bucket row on a pooled reader connection (NoSuchBucket when missing).
result<bucket_row> read_bucket(engine& e, std::string_view bucket);
// The body of a request whose body is an XML document, bounded (MaxMessageLengthExceeded).
result<std::string> xml_body(const core::request& req);
// ETag for an MD5: "\"hex\"".
std::string quote_etag(std::string_view hex);
// Continuation tokens (ListObjectsV2, ListBuckets): base64 of the position (the last key or
// bucket name returned) and an 8-byte tag binding it to `scope` (the bucket; empty for
// ListBuckets). A token hayloft did not issue for this scope fails to read, and the operation
// answers InvalidArgument "The continuation token provided is incorrect", as S3 does.
std::string make_continuation_token(std::string_view scope, std::string_view position);
bool read_continuation_token(std::string_view scope, std::string_view token, std::string& position);
// Parses a bounded integer query parameter (InvalidArgument on junk).
result<int> int_param(const core::request& req, std::string_view name, int fallback, int min, int max);

}  // namespace hayloft::s3::detail
