#include "emulator/app/snapshots.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "consumer/docstore/document_store.h"
#include "emulator/core/ids.h"
#include "emulator/core/json_text.h"
#include "emulator/core/logging.h"
#include "orchestrator/controller/controller.h"
#include "s3/service/service.h"
#include "sqs/service/service.h"

namespace hayloft::app {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "snapshot"; }
  std::string message(int c) const override {
    switch (static_cast<snapshot_errc>(c)) {
      case snapshot_errc::ok: return "ok";
      case snapshot_errc::invalid_name: return "invalid snapshot name";
      case snapshot_errc::not_found: return "no such snapshot";
      case snapshot_errc::incompatible: return "incompatible snapshot";
      case snapshot_errc::busy: return "requests in flight did not finish";
      case snapshot_errc::io: return "snapshot I/O error";
    }
    return "unknown snapshot error";
  }
};

hayloft::error fail(snapshot_errc e, std::string message) { return {make_error_code(e), std::move(message)}; }

// How long a restore waits for the requests in flight (an upload being hashed, a copy) to finish.
constexpr auto drain_limit = std::chrono::seconds(30);

// Blob files are never rewritten (random ids, written once), so a hard link shares them safely;
// an existing file of the same id holds the same bytes. Another filesystem gets a copy.
result<void> link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (::link(from.c_str(), to.c_str()) == 0 || errno == EEXIST) return {};
  if (errno != EXDEV && errno != EPERM)
    return fail(snapshot_errc::io, "link " + from.string() + " -> " + to.string() + ": " + std::strerror(errno));
  fs::copy_file(from, to, fs::copy_options::skip_existing, ec);
  if (ec) return fail(snapshot_errc::io, "copy " + from.string() + " -> " + to.string() + ": " + ec.message());
  return {};
}

std::string describe_schemas(const std::map<std::string, std::int64_t>& schemas) {
  std::string out;
  for (const auto& [module, version] : schemas) out += (out.empty() ? "" : ", ") + module + " " + std::to_string(version);
  return out.empty() ? "none" : out;
}

result<std::map<std::string, std::int64_t>> schemas_of(const fs::path& db_path) {
  auto db = hayloft::store::database::open(db_path.string(), {.read_only = true, .durable = false});
  if (!db.ok()) return fail(snapshot_errc::incompatible, "cannot open " + db_path.string() + ": " + db.err().message);
  auto v = hayloft::store::schema_versions(**db);
  if (!v.ok()) return fail(snapshot_errc::incompatible, db_path.string() + " is not a hayloft database: " + v.err().message);
  return v;
}

result<json> read_manifest(const fs::path& dir) {
  auto file = dir / "manifest.json";
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) return fail(snapshot_errc::incompatible, dir.string() + " is not a hayloft snapshot (no manifest.json)");
  if (size > snapshot_manifest_limit)
    return fail(snapshot_errc::incompatible, file.string() + " is larger than " + std::to_string(snapshot_manifest_limit) + " bytes");
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json j;
  if (core::json_depth_within(text, 16)) j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(snapshot_errc::incompatible, file.string() + " is not a snapshot manifest");
  return j;
}

// Why a snapshot of `theirs` cannot be restored into a database of `ours`; empty when it can.
// Every module of this hayloft must have the same schema version; a module only the snapshot
// has (a PostgreSQL document store here, SQLite there) comes along unused.
std::string schema_problem(const std::map<std::string, std::int64_t>& ours, const std::map<std::string, std::int64_t>& theirs) {
  std::string differs;
  for (const auto& [module, version] : ours) {
    auto it = theirs.find(module);
    if (it != theirs.end() && it->second == version) continue;
    differs += (differs.empty() ? "" : ", ") + module + " " + std::to_string(version);
  }
  return differs;
}

result<std::map<std::string, std::int64_t>> live_schemas(hayloft::store::state_store& st) {
  try {
    auto db = st.reader();
    return hayloft::store::schema_versions(*db);
  } catch (const std::exception& e) {
    return fail(snapshot_errc::io, e.what());
  }
}

// Renames `from` onto `to`, replacing a snapshot of the same name.
result<void> install(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(to, ec)) {
    old = to.parent_path() / (".old-" + to.filename().string() + "-" + core::random_hex(4));
    fs::rename(to, old, ec);
    if (ec) return fail(snapshot_errc::io, "cannot replace " + to.string() + ": " + ec.message());
  }
  fs::rename(from, to, ec);
  if (ec) return fail(snapshot_errc::io, "cannot create " + to.string() + ": " + ec.message());
  if (!old.empty()) fs::remove_all(old, ec);
  return {};
}

}  // namespace

const std::error_category& snapshot_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(snapshot_errc e) { return {static_cast<int>(e), snapshot_category()}; }

bool valid_snapshot_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

snapshot_manager::snapshot_manager(snapshot_services s, fs::path dir, fs::path fallback_dir)
    : s_(std::move(s)), dir_(std::move(dir)), fallback_dir_(std::move(fallback_dir)) {}

result<snapshot_info> snapshot_manager::save(const std::string& name) {
  if (!valid_snapshot_name(name))
    return fail(snapshot_errc::invalid_name, "snapshot names are 1 to 64 of A-Z a-z 0-9 . _ - and do not start with '.'");
  std::lock_guard lock(ops_mutex_);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  auto tmp = dir_ / (".tmp-" + name + "-" + core::random_hex(4));
  fs::create_directories(tmp, ec);
  if (ec) return fail(snapshot_errc::io, "cannot create " + tmp.string() + ": " + ec.message());
  struct cleanup {
    fs::path p;
    ~cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove_all(p, e);
    }
  } guard{tmp};
  std::uintmax_t blob_bytes = 0;
  std::size_t blobs = 0;
  auto root = s_.store.dir();
  auto copied = s_.store.backup(tmp / "state.db", [&](hayloft::store::database& db) -> result<void> {
    auto files = s_.s3.blob_files_of(db);
    if (!files.ok()) return files.err();
    for (const auto& f : *files) {
      HAYLOFT_TRY(link_or_copy(f, tmp / f.lexically_relative(root)));
      std::error_code size_ec;
      blob_bytes += fs::file_size(f, size_ec);
      ++blobs;
    }
    return {};
  });
  if (!copied.ok()) return fail(snapshot_errc::io, "snapshot " + name + ": " + copied.err().message);
  auto schemas = schemas_of(tmp / "state.db");
  if (!schemas.ok()) return schemas.err();
  json manifest = {{"format", snapshot_format},
                   {"hayloft", HAYLOFT_VERSION},
                   {"schemas", *schemas},
                   {"created", core::iso8601(std::chrono::system_clock::now())},
                   {"clock", core::iso8601(s_.clock.now())},
                   {"bytes", fs::file_size(tmp / "state.db", ec) + blob_bytes},
                   {"blobs", blobs}};
  {
    std::ofstream out(tmp / "manifest.json", std::ios::binary | std::ios::trunc);
    out << manifest.dump(2) << "\n";
    if (!out.flush()) return fail(snapshot_errc::io, "cannot write " + (tmp / "manifest.json").string());
  }
  HAYLOFT_TRY(install(tmp, dir_ / name));
  guard.p.clear();
  return snapshot_info{name, dir_ / name, std::move(manifest), true, {}};
}

result<fs::path> snapshot_manager::locate(const std::string& name_or_path) const {
  std::error_code ec;
  if (name_or_path.find('/') != std::string::npos) {
    if (!fs::is_directory(name_or_path, ec)) return fail(snapshot_errc::not_found, "no snapshot folder at " + name_or_path);
    return fs::path(name_or_path);
  }
  if (!valid_snapshot_name(name_or_path))
    return fail(snapshot_errc::invalid_name, "snapshot names are 1 to 64 of A-Z a-z 0-9 . _ - and do not start with '.'");
  for (const auto& d : {dir_, fallback_dir_})
    if (!d.empty() && fs::is_directory(d / name_or_path, ec)) return d / name_or_path;
  return fail(snapshot_errc::not_found,
              "no snapshot named \"" + name_or_path + "\" in " + dir_.string() + " (`hayloft snapshot ls` lists them)");
}

result<void> snapshot_manager::check_compatible(const fs::path& path, const json& manifest) {
  auto format = manifest.value("format", 0);
  const std::string taken_by = manifest.value("hayloft", std::string("an unknown version"));
  if (format != snapshot_format)
    return fail(snapshot_errc::incompatible, "snapshot " + path.string() + " has format " + std::to_string(format) +
                                                 " (hayloft " + taken_by + "); this hayloft " + HAYLOFT_VERSION +
                                                 " reads format " + std::to_string(snapshot_format));
  auto theirs = schemas_of(path / "state.db");
  if (!theirs.ok()) return theirs.err();
  auto ours = live_schemas(s_.store);
  if (!ours.ok()) return ours.err();
  auto differs = schema_problem(*ours, *theirs);
  if (differs.empty()) return {};
  return fail(snapshot_errc::incompatible,
              "snapshot " + path.filename().string() + " was taken by hayloft " + taken_by + " with schema versions " +
                  describe_schemas(*theirs) + "; this hayloft " + HAYLOFT_VERSION + " needs " + differs +
                  ": take the snapshot again with this version");
}

result<std::size_t> snapshot_manager::drain() {
  s_.gate.close();
  const auto deadline = std::chrono::steady_clock::now() + drain_limit;
  std::size_t answered = 0;
  for (;;) {
    // A long poll that arrived just before the gate closed may park after a release: repeat.
    answered += s_.sqs.release_waiters();
    if (s_.gate.wait_idle(std::chrono::milliseconds(2))) return answered;
    if (std::chrono::steady_clock::now() > deadline) {
      s_.gate.open();
      return fail(snapshot_errc::busy, "requests in flight did not finish within 30 s; nothing was restored");
    }
  }
}

namespace {
// Milliseconds since `t`, and `t` moved to now.
double lap(std::chrono::steady_clock::time_point& t) {
  auto now = std::chrono::steady_clock::now();
  double ms = std::chrono::duration<double, std::milli>(now - t).count();
  t = now;
  return ms;
}
}  // namespace

result<void> snapshot_manager::swap_in(const fs::path& path, json& phases) {
  auto t = std::chrono::steady_clock::now();
  phases["stop_pods"] = lap(phases_clock_);
  std::error_code ec;
  auto blobs = path / "blobs";
  if (fs::is_directory(blobs, ec)) {
    for (auto it = fs::recursive_directory_iterator(blobs, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      HAYLOFT_TRY(link_or_copy(it->path(), s_.store.dir() / it->path().lexically_relative(path)));
    }
    if (ec) return fail(snapshot_errc::io, "cannot read " + blobs.string() + ": " + ec.message());
  }
  phases["link_blobs"] = lap(t);
  auto restored = s_.store.restore(path / "state.db");
  if (!restored.ok()) return fail(snapshot_errc::io, "cannot restore " + path.string() + ": " + restored.err().message);
  phases["database"] = lap(t);
  auto queues = s_.sqs.reload();
  phases["sqs"] = lap(t);
  auto objects = s_.s3.reload();
  s_.docs.reload();
  phases["s3_docstore"] = lap(t);
  phases_clock_ = t;
  if (!queues.ok()) return queues.err();
  return objects;
}

result<json> snapshot_manager::restore(const std::string& name_or_path) {
  const auto started = std::chrono::steady_clock::now();
  auto path = locate(name_or_path);
  if (!path.ok()) return path.err();
  std::lock_guard lock(ops_mutex_);
  auto manifest = read_manifest(*path);
  if (!manifest.ok()) return manifest.err();
  HAYLOFT_TRY(check_compatible(*path, *manifest));
  json phases = json::object();
  phases_clock_ = started;
  phases["check"] = lap(phases_clock_);
  auto answered = drain();
  if (!answered.ok()) return answered.err();
  phases["drain"] = lap(phases_clock_);
  auto swapped = s_.orchestrator.reload([&] { return swap_in(*path, phases); });
  phases["orchestrator"] = lap(phases_clock_);
  if (s_.after_restore) s_.after_restore();
  s_.gate.open();
  if (!swapped.ok()) return swapped.err();
  json out = {{"restored", path->filename().string()},
              {"path", path->string()},
              {"taken", manifest->value("created", "")},
              {"long_polls_answered", *answered},
              {"phases_ms", phases},
              {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}};
  if (s_.docs.describe() != "sqlite")
    out["warnings"] = json::array({"the document store is " + s_.docs.describe() +
                                   ", shared and outside state.db: it is not part of snapshots and kept its state"});
  spdlog::info("restored snapshot {} in {:.1f} ms", path->string(), out["ms"].get<double>());
  return out;
}

result<snapshot_info> snapshot_manager::inspect(const std::string& name, const fs::path& path) {
  auto manifest = read_manifest(path);
  if (!manifest.ok()) return manifest.err();
  snapshot_info info{name, path, std::move(*manifest), false, {}};
  auto ours = live_schemas(s_.store);
  if (!ours.ok()) return ours.err();
  if (info.manifest.value("format", 0) != snapshot_format) {
    info.problem = "another snapshot format";
  } else if (auto theirs = schemas_of(path / "state.db"); !theirs.ok()) {
    info.problem = theirs.err().message;
  } else if (auto d = schema_problem(*ours, *theirs); !d.empty()) {
    info.problem = "this hayloft needs " + d;
  }
  info.compatible = info.problem.empty();
  return info;
}

result<std::vector<snapshot_info>> snapshot_manager::list() {
  std::vector<snapshot_info> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    auto name = e.path().filename().string();
    if (!e.is_directory() || !valid_snapshot_name(name)) continue;
    auto info = inspect(name, e.path());
    if (info.ok()) out.push_back(std::move(*info));
    else out.push_back({name, e.path(), json::object(), false, info.err().message});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

result<void> snapshot_manager::remove(const std::string& name) {
  if (!valid_snapshot_name(name))
    return fail(snapshot_errc::invalid_name, "snapshot names are 1 to 64 of A-Z a-z 0-9 . _ - and do not start with '.'");
  std::lock_guard lock(ops_mutex_);
  std::error_code ec;
  if (!fs::is_directory(dir_ / name, ec)) return fail(snapshot_errc::not_found, "no snapshot named \"" + name + "\"");
  fs::remove_all(dir_ / name, ec);
  if (ec) return fail(snapshot_errc::io, "cannot remove " + (dir_ / name).string() + ": " + ec.message());
  return {};
}

}  // namespace hayloft::app
