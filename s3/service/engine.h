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
#include <unordered_map>
#include <vector>

#include "s3/api/addressing.h"
#include "s3/api/checksums.h"
#include "s3/api/errors.h"
#include "s3/api/object_lock.h"
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
  // x-amz-object-lock-* of the write (the bucket's default retention applies when absent).
  std::optional<lock_headers> lock;
  // Complete: the upload to delete in the same transaction.
  std::optional<std::string> upload_id;
  // Set by the commit from the bucket's versioning state: row.version_id ("null" unless the
  // bucket is Enabled) and whether the answer carries x-amz-version-id.
  bool versioned = false;
};

// What deleting one key (or one version of it) did, for the answer and the event.
struct deletion {
  bool existed = false;            // a version was removed
  bool marker_created = false;     // a delete marker was added (x-amz-delete-marker: true)
  bool removed_marker = false;     // the removed version was a delete marker
  std::string version_id;          // the version removed or the marker created
  bool versioned = false;          // the bucket was ever versioned (x-amz-version-id is sent)
  std::optional<std::string> blob; // the removed version's file
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

  // Removes blob files after options::blob_grace (files may still be streaming), unless a
  // restore replaced the state meanwhile (the restored rows may name them again).
  void remove_blobs_later(std::vector<std::string> ids) const;
  // Bumped by a restore: removals scheduled before it are dropped. Shared with their timers,
  // which may outlive the engine.
  std::shared_ptr<std::atomic<std::uint64_t>> blob_epoch = std::make_shared<std::atomic<std::uint64_t>>(0);

  // Commits (bucket, key) -> row in one writer transaction; done(result) runs on the writer
  // thread after the commit, after cache invalidation, old-blob scheduling and events.
  void commit_object(std::shared_ptr<object_commit> oc, std::function<void(result<void>)> done);
  // Emits event_name for key to every matching queue configuration in notification_xml.
  void emit(std::string_view notification_xml, std::string_view region, std::string_view event_name,
            std::string_view bucket, std::string_view key, std::uint64_t size, std::string_view etag,
            std::string_view request_id, std::string_view host_id, std::string_view source_ip,
            std::string_view version_id = {});
  // After a committed deletion: cache, old file, ObjectRemoved:Delete / DeleteMarkerCreated event.
  void after_deletion(const bucket_row& bucket, std::string_view key, const deletion& d, const call& c);
  void set_sink(event_sink* s) { sink_.store(s); }
  event_sink* sink() const { return sink_.load(); }

  // The region a request is signed for, else options::default_region.
  std::string request_region(const core::request& req) const;

  // Background work on the clock (timers.cc, op_lifecycle.cc, op_restore.cc): a lifecycle pass
  // at every midnight UTC, and the events of restores completing and expiring.
  struct timers;
  void start_timers();
  void stop_timers();
  // Applies every bucket's lifecycle rules as of `at` (one writer transaction per bucket).
  void lifecycle_pass(core::time_point at);
  // Schedules the events of every restore in progress or restored copy in the store (start-up,
  // and after a snapshot restore replaced the state).
  void arm_pending_restores();
  void schedule_restore_events(std::string bucket, std::string key, std::string version_id, std::int64_t ready_ms,
                               std::int64_t until_ms);
  void restore_event(const std::string& bucket, const std::string& key, const std::string& version_id,
                     std::int64_t expected_ms, bool completed);

  // The bucket row for the read path (versioning state, lifecycle rules): read once, kept until
  // forget_bucket() after a committed change to it. nullptr when there is no such bucket.
  result<std::shared_ptr<const bucket_row>> cached_bucket(std::string_view name);
  void forget_bucket(std::string_view name);
  void forget_buckets();

 private:
  std::shared_ptr<timers> timers_;
  std::mutex buckets_mutex_;  // guards buckets_, buckets_epoch_
  std::unordered_map<std::string, std::shared_ptr<const bucket_row>> buckets_;
  std::uint64_t buckets_epoch_ = 0;
  std::atomic<event_sink*> sink_;
  std::atomic<std::uint64_t> sequencer_{0};
};

// A new call for req (request id, host id, address resolved), holding an inflight guard.
call_ptr make_call(engine& e, core::request req, core::completion done);
// Dispatches a call to its operation by method, address and sub-resource.
void route(engine& e, const call_ptr& c);
// The operation route() runs for a request, by its AWS name ("PutObject"); pure.
std::string_view operation_name(const core::request& req);

// Stores bucket document `d` ("" removes it) in one writer transaction, after `check` (when given)
// passed on the bucket as it is now (documents loaded), then forgets the cached row and answers
// `status` with an empty body (op_settings.cc). Every Put/Delete of a bucket document uses it.
void store_bucket_doc(engine& e, const call_ptr& c, bucket_doc d, std::string value, unsigned status,
                      std::function<result<void>(database&, const bucket_row&)> check = nullptr);

// Operations (one .cc per area). Each answers through e.reply / e.reply_error exactly once.
void list_buckets(engine& e, call_ptr c);
void create_bucket(engine& e, call_ptr c);
void delete_bucket(engine& e, call_ptr c);
void head_bucket(engine& e, call_ptr c);
void get_bucket_location(engine& e, call_ptr c);
void get_bucket_acl(engine& e, call_ptr c);
void put_bucket_acl(engine& e, call_ptr c);
void get_bucket_versioning(engine& e, call_ptr c);
void put_bucket_versioning(engine& e, call_ptr c);
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
void get_object_attributes(engine& e, call_ptr c);
void put_object_acl(engine& e, call_ptr c);
void create_multipart_upload(engine& e, call_ptr c);
void upload_part(engine& e, call_ptr c);
void upload_part_copy(engine& e, call_ptr c);
void complete_multipart_upload(engine& e, call_ptr c);
void abort_multipart_upload(engine& e, call_ptr c);
void list_parts(engine& e, call_ptr c);
void list_multipart_uploads(engine& e, call_ptr c);

// Versions (versions.cc).
// A new version id: 32 URL-safe characters, as opaque as S3's.
std::string new_version_id();
// "null" or an id new_version_id() could have made; S3 answers InvalidArgument "Invalid version
// id specified" for anything else.
bool valid_version_id(std::string_view id);
// The versionId query parameter: nullopt when absent, InvalidArgument when malformed.
result<std::optional<std::string>> version_param(const core::request& req);
// DELETE of `key` inside a writer transaction: with a version id, removes that version (the
// newest remaining becomes the latest); without, removes the null version of an unversioned
// bucket or adds a delete marker (a fresh version, or the "null" one when Suspended).
// A version under Object Lock (retention not yet expired at now_ms, or a legal hold) is not
// removed: AccessDenied, unless bypass_governance and the retention is GOVERNANCE.
// A bucket with MFA delete Enabled refuses to remove a version without an x-amz-mfa header
// (AccessDenied "Mfa Authentication must be used for this request").
result<deletion> delete_in_transaction(database& db, const bucket_row& bucket, std::string_view key,
                                       const std::optional<std::string>& version_id, std::int64_t now_ms,
                                       bool bypass_governance, bool has_mfa);
// AccessDenied when Object Lock protects `row` at now_ms (see delete_in_transaction).
result<void> check_lock(const object_row& row, std::int64_t now_ms, bool bypass_governance);
// x-amz-bypass-governance-retention: true.
bool bypass_governance(const core::request& req);
// The version a request addresses (?versionId= or the latest), read on a pooled reader connection.
// NoSuchBucket, NoSuchKey, NoSuchVersion, InvalidArgument for a malformed id; a delete marker
// is NoSuchKey when it is the latest and MethodNotAllowed when addressed by its id.
result<object_row> read_version(engine& e, const call& c, bool with_body);
// x-amz-version-id (and x-amz-delete-marker) of a response about `row`, when the bucket versions.
void add_version_headers(core::response& r, const object_row& row, bool versioned);

// Object Lock (op_lock.cc).
// Sets row's retention and legal hold from the request's lock headers or the bucket's default
// rule; InvalidRequest when the bucket has no Object Lock and the write asks for a lock.
result<void> apply_write_lock(const bucket_row& bucket, const std::optional<lock_headers>& asked, object_row& row);
// x-amz-object-lock-mode / -retain-until-date / -legal-hold of GET and HEAD.
void add_lock_headers(core::response& r, const object_row& row);
void put_object_lock_configuration(engine& e, call_ptr c);
void get_object_lock_configuration(engine& e, call_ptr c);
void put_object_retention(engine& e, call_ptr c);
void get_object_retention(engine& e, call_ptr c);
void put_object_legal_hold(engine& e, call_ptr c);
void get_object_legal_hold(engine& e, call_ptr c);

// ACLs, ownership controls, public access block (op_access.cc).
void get_bucket_ownership_controls(engine& e, call_ptr c);
void put_bucket_ownership_controls(engine& e, call_ptr c);
void delete_bucket_ownership_controls(engine& e, call_ptr c);
void get_public_access_block(engine& e, call_ptr c);
void put_public_access_block(engine& e, call_ptr c);
void delete_public_access_block(engine& e, call_ptr c);
// The ACL a write asks for (x-amz-acl or x-amz-grant-*, in stored form; "private" without).
result<std::string> request_acl(const core::request& req, bool bucket);
// Whether bucket `b` takes a write setting `acl`: AccessControlListNotSupported under
// BucketOwnerEnforced unless the ACL grants only the owner; AccessDenied for a public ACL when
// the public access block has BlockPublicAcls.
result<void> acl_allowed(const bucket_row& b, std::string_view acl);

// Access decisions with --auth (access_control.cc): AccessDenied when the caller may not run
// `operation` (AWS's name) on the addressed bucket or object.
result<void> authorize(engine& e, const call& c, std::string_view operation);

// Stored bucket settings (op_settings.cc).
void get_bucket_accelerate(engine& e, call_ptr c);
void put_bucket_accelerate(engine& e, call_ptr c);
void get_bucket_request_payment(engine& e, call_ptr c);
void put_bucket_request_payment(engine& e, call_ptr c);
void get_bucket_logging(engine& e, call_ptr c);
void put_bucket_logging(engine& e, call_ptr c);
void get_bucket_encryption(engine& e, call_ptr c);
void put_bucket_encryption(engine& e, call_ptr c);
void delete_bucket_encryption(engine& e, call_ptr c);
void get_bucket_website(engine& e, call_ptr c);
void put_bucket_website(engine& e, call_ptr c);
void delete_bucket_website(engine& e, call_ptr c);
void get_bucket_replication(engine& e, call_ptr c);
void put_bucket_replication(engine& e, call_ptr c);
void delete_bucket_replication(engine& e, call_ptr c);

// Inventory, analytics, metrics and intelligent-tiering configurations (op_id_configs.cc).
void get_bucket_inventory(engine& e, call_ptr c);
void put_bucket_inventory(engine& e, call_ptr c);
void delete_bucket_inventory(engine& e, call_ptr c);
void list_bucket_inventory(engine& e, call_ptr c);
void get_bucket_analytics(engine& e, call_ptr c);
void put_bucket_analytics(engine& e, call_ptr c);
void delete_bucket_analytics(engine& e, call_ptr c);
void list_bucket_analytics(engine& e, call_ptr c);
void get_bucket_metrics(engine& e, call_ptr c);
void put_bucket_metrics(engine& e, call_ptr c);
void delete_bucket_metrics(engine& e, call_ptr c);
void list_bucket_metrics(engine& e, call_ptr c);
void get_bucket_intelligent_tiering(engine& e, call_ptr c);
void put_bucket_intelligent_tiering(engine& e, call_ptr c);
void delete_bucket_intelligent_tiering(engine& e, call_ptr c);
void list_bucket_intelligent_tiering(engine& e, call_ptr c);

// The static website endpoint (op_website.cc): GET/HEAD when the address is a website one.
void website_get(engine& e, call_ptr c);

// Bucket policy (op_policy.cc).
void get_bucket_policy(engine& e, call_ptr c);
void put_bucket_policy(engine& e, call_ptr c);
void delete_bucket_policy(engine& e, call_ptr c);
void get_bucket_policy_status(engine& e, call_ptr c);

// CORS (op_cors.cc).
void get_bucket_cors(engine& e, call_ptr c);
void put_bucket_cors(engine& e, call_ptr c);
void delete_bucket_cors(engine& e, call_ptr c);
// OPTIONS on a bucket or object: 200 with the matching rule's headers, else 403 AccessForbidden.
void cors_preflight(engine& e, call_ptr c);
// The CORS headers for an actual request carrying Origin (empty without one, without a CORS
// configuration or without a matching rule). Reads the cached bucket row.
core::header_map cors_headers_for(engine& e, const call& c);

// Tagging (op_tagging.cc).
void get_bucket_tagging(engine& e, call_ptr c);
void put_bucket_tagging(engine& e, call_ptr c);
void delete_bucket_tagging(engine& e, call_ptr c);
void get_object_tagging(engine& e, call_ptr c);
void put_object_tagging(engine& e, call_ptr c);
void delete_object_tagging(engine& e, call_ptr c);
// The tags of x-amz-tagging in stored form ("" without the header); InvalidArgument, InvalidTag,
// BadRequest as S3 answers.
result<std::string> object_tags_from(const core::request& req);

// Lifecycle (op_lifecycle.cc) and restore (op_restore.cc).
void put_bucket_lifecycle(engine& e, call_ptr c);
void get_bucket_lifecycle(engine& e, call_ptr c);
void delete_bucket_lifecycle(engine& e, call_ptr c);
// x-amz-expiration for the latest version `row` (empty when no rule expires it).
std::string expiration_of(const bucket_row& b, const object_row& row);
void restore_object(engine& e, call_ptr c);
// GLACIER and DEEP_ARCHIVE versions.
bool archived(const object_row& row);
// Whether the bytes can be read at now_ms (archived versions only while a restored copy exists).
bool readable_now(const object_row& row, std::int64_t now_ms);
// x-amz-restore of HEAD/GET.
void add_restore_header(core::response& r, const object_row& row, std::int64_t now_ms);

// Shared helpers.
// Reads the bucket row on a pooled reader connection (NoSuchBucket when missing).
result<bucket_row> read_bucket(engine& e, std::string_view bucket);
// The body of a request whose body is an XML document, bounded (MaxMessageLengthExceeded).
result<std::string> xml_body(const core::request& req);
// A 200 answer carrying an XML document.
core::response xml_response(std::string body);
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
