#pragma once
// Snapshots of a whole stack: `hayloft snapshot save|restore|ls|rm`, /_hayloft/snapshots and
// `hayloft up --snapshot NAME|PATH`.
//
// A snapshot is a folder (<data-dir>/snapshots/NAME): `state.db`, a copy of the database taken
// with SQLite's online backup API from one read transaction (S3 buckets, objects and uploads;
// SQS queues and messages with their visibility state; orchestrator objects; the SQLite
// document store), `blobs/`, hard links to the object files those rows name (nothing is copied
// twice), and `manifest.json`, the version stamp: the hayloft version and every module's schema
// version. It is taken while requests run: the read transaction and the links are made while
// the store's writer is held, so no commit falls between them.
//
// Restore is the state of a restart from the snapshot, in the running process: S3 and SQS
// requests are held at a gate, pending long polls are answered with no messages (as after a
// purge) and the requests in flight finish; the orchestrator stops its pods; the snapshot's blob
// files are linked in and its database replaces state.db in one transaction; each service then
// loads its in-memory state from the new database, and the gate lets the held requests through.
// So every request sees the old state or the new one. A snapshot whose schema versions differ
// from this hayloft's is refused with a message naming both. The clock is not restored.
//
// Threading: every member blocks (SQLite, the filesystem, draining requests); call them on the
// blocking pool, never on an I/O thread. One snapshot operation runs at a time.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/app/request_gate.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/http_message.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"

namespace hayloft::s3 {
class service;
}
namespace hayloft::sqs {
class service;
}
namespace hayloft::orchestrator {
class controller;
}
namespace hayloft::consumer {
class document_store;
}

namespace hayloft::app {

enum class snapshot_errc {
  ok = 0,
  invalid_name,  // 400 InvalidSnapshotName
  not_found,     // 404 NoSuchSnapshot
  incompatible,  // 409 IncompatibleSnapshot: another format or schema version, or not a snapshot
  busy,          // 503 SnapshotBusy: requests in flight did not finish in time
  io,            // 500 InternalError
};
const std::error_category& snapshot_category();
std::error_code make_error_code(snapshot_errc e);

// Layout version of a snapshot folder (manifest.json "format").
inline constexpr int snapshot_format = 1;
// Bounds of what a restore reads from a snapshot's manifest.json.
inline constexpr std::uintmax_t snapshot_manifest_limit = 64 * 1024;

// A name is 1 to 64 of [A-Za-z0-9._-] and does not start with '.'.
bool valid_snapshot_name(std::string_view name);

struct snapshot_info {
  std::string name;
  std::filesystem::path path;
  nlohmann::json manifest;  // {"format", "hayloft", "schemas", "created", "clock", "bytes", "blobs"}
  bool compatible = false;  // its schemas are this hayloft's
  std::string problem;      // why not, when not
};

struct snapshot_services {
  hayloft::store::state_store& store;
  s3::service& s3;
  sqs::service& sqs;
  orchestrator::controller& orchestrator;
  consumer::document_store& docs;
  request_gate& gate;
  core::clock& clock;
  // After a restore: what else keeps views of the state (dashboard history, Service proxy).
  std::function<void()> after_restore;
};

class snapshot_manager {
 public:
  // Snapshots by name live in `dir`; `fallback_dir` (may be empty) is also searched by
  // restore(), for in-memory stacks starting from a snapshot of the default data dir.
  snapshot_manager(snapshot_services s, std::filesystem::path dir, std::filesystem::path fallback_dir);

  result<snapshot_info> save(const std::string& name);
  // `name_or_path`: a name in the snapshot folders, or (with a '/') a snapshot folder's path.
  // Returns what was restored and how long it took.
  result<nlohmann::json> restore(const std::string& name_or_path);
  result<std::vector<snapshot_info>> list();
  result<void> remove(const std::string& name);

  // The admin route /_hayloft/snapshots[/NAME[/restore]]; posts the work to `blocking`.
  void handle(core::request req, core::completion done, core::task_runner& blocking);

 private:
  result<std::filesystem::path> locate(const std::string& name_or_path) const;
  result<snapshot_info> inspect(const std::string& name, const std::filesystem::path& path);
  result<void> check_compatible(const std::filesystem::path& path, const nlohmann::json& manifest);
  // Closes the gate and waits for the requests in flight; returns the long polls it answered.
  result<std::size_t> drain();
  // Links the blobs in, replaces state.db and reloads the services; adds the milliseconds of each
  // step to `phases`.
  result<void> swap_in(const std::filesystem::path& path, nlohmann::json& phases);

  snapshot_services s_;
  std::filesystem::path dir_, fallback_dir_;
  std::mutex ops_mutex_;  // one save/restore/remove at a time
  std::chrono::steady_clock::time_point phases_clock_;  // a restore's timings (under ops_mutex_)
};

}  // namespace hayloft::app

template <>
struct std::is_error_code_enum<hayloft::app::snapshot_errc> : std::true_type {};
