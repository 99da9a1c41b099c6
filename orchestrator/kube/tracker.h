#pragma once
// The Kubernetes view of the controller's objects: one store of objects (the controller's), seen
// through resourceVersions and watches. The tracker re-reads the controller's collections
// (controller::get), gives every object that changed since the last read a new resourceVersion
// from one counter (as etcd's revision does), decorates the objects with what the API server
// adds (resourceVersion, uids for the objects hayloft derives, owner-reference uids, a
// ReplicaSet's template, an Event's involvedObject.uid), keeps a bounded history of the changes
// and feeds watches from it.
//
// A re-read happens on every list/get, after every controller loop iteration while watches are
// open (set_loop_listener), and on tick() (the Kubernetes front door calls it every ~200 ms of
// real time while watches are open, for changes no loop iteration reports).
//
// Threading: every method may be called from any thread. Re-reads are serialised by
// refresh_mutex_ (taken before the controller's mutex, never inside it); the maps below are
// guarded by state_mutex_, which is never held while calling the controller or a watch's
// delivery callback.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/http_message.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/kube/resources.h"
#include "orchestrator/kube/status.h"

namespace hayloft::orchestrator::kube {

// One collection: a controller kind, or the node / the CRDs.
using slot = int;
slot slot_of(const resource& r);

struct listing {
  std::vector<json> items;
  std::uint64_t resource_version = 0;
};

struct watch_request {
  slot collection = 0;
  std::string namespace_name;  // "" = every namespace
  std::optional<std::string> name;  // from fieldSelector metadata.name=..., for the fast path only
  std::function<bool(const json&)> matches;  // selectors; empty = everything
  // The wire form of one event's object (the object itself, or a one-row Table).
  std::function<json(const json&)> render;
  std::string resource_version;  // "" / "0": synthetic ADDED events for what exists, then changes
  bool send_initial_events = false;
  bool bookmarks = false;
  std::string bookmark_kind, bookmark_api_version;
  std::chrono::seconds timeout{1800};
};

class tracker {
 public:
  tracker(controller& c, core::clock& clock);
  ~tracker();
  tracker(const tracker&) = delete;
  tracker& operator=(const tracker&) = delete;

  // What to pass to controller::set_loop_listener: re-reads while watches are open. Stays safe to
  // call after the tracker is gone.
  std::function<void()> loop_listener();

  // The current objects of a collection in one namespace ("" = all), after a re-read.
  listing list(const resource& r, const std::string& namespace_name);
  std::optional<json> get(const resource& r, const std::string& namespace_name, const std::string& name);
  // Re-reads every collection; returns the newest resourceVersion.
  std::uint64_t refresh();
  std::uint64_t current_version() const;

  // A watch as a chunked body of newline-separated WatchEvent JSON objects. Fails with 410 Gone
  // ("too old resource version") when the history no longer reaches back to resource_version.
  struct watch_result {
    std::shared_ptr<core::body_stream> stream;
    std::optional<status_error> error;
  };
  watch_result watch(watch_request req);

  // Timeouts, bookmarks (every minute on watches that asked) and a re-read while watches are open.
  void tick(std::chrono::steady_clock::time_point now);
  std::size_t open_watches() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace hayloft::orchestrator::kube
