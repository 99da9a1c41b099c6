#pragma once
// The overview snapshot behind GET /_hayloft/overview, the dashboard page and `hayloft status`:
// a pure function from what the services report (bucket and queue figures, the orchestrator's
// kubectl-shaped lists) to one JSON document.
//
// Shape (every time is ISO 8601 on the hayloft clock; counts are integers):
//   {"now", "now_ms",
//    "buckets":     [{"name", "region", "created", "objects", "bytes"}],
//    "queues":      [{"name", "visible", "in_flight", "delayed"}],
//    "deployments": [{"namespace", "name", "desired", "current", "ready",
//                     "scaler": null | {"name", "type", "queue", "queue_length", "activation",
//                                       "target", "min", "max"}}],
//    "pods":        [{"namespace", "name", "deployment", "status", "ready", "restarts",
//                     "age_seconds", "created"}],
//    "events":      [{"time", "namespace", "type", "reason", "object", "message", "count"}],
//    "history":     added by the dashboard (see history.h)}
// Events are the most recent `max_events`, newest last. A scaler's queue_length is what KEDA's
// aws-sqs-queue scaler computes from the same counts: visible + in flight (visible only when
// scaleOnInFlight is "false"); null when the queue does not exist.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/dashboard/history.h"

namespace hayloft::dashboard {

struct bucket_figures {
  std::string name;
  std::string region;
  core::time_point created;
  std::int64_t objects = 0;
  std::int64_t bytes = 0;
};

struct queue_figures {
  std::string name;
  std::int64_t visible = 0;
  std::int64_t in_flight = 0;
  std::int64_t delayed = 0;
};

// What the app gathers from the services for one snapshot.
struct snapshot {
  std::vector<bucket_figures> buckets;
  std::vector<queue_figures> queues;
  // The "items" arrays of the orchestrator's get (kubectl-shaped objects), all namespaces.
  nlohmann::json deployments = nlohmann::json::array();
  nlohmann::json scaled_objects = nlohmann::json::array();
  nlohmann::json pods = nlohmann::json::array();
  nlohmann::json events = nlohmann::json::array();
};

// How much a provider must fill in: `sampling` needs only queues, deployments and
// scaled_objects (called every history interval); `full` needs everything.
enum class detail { sampling, full };

struct overview_options {
  std::size_t max_events = 50;
};

nlohmann::json build_overview(const snapshot& s, core::time_point now,
                              const overview_options& o = {});

// The history points of an overview built by build_overview (its "deployments").
std::vector<deployment_point> history_points(const nlohmann::json& overview);

// The queue name in an SQS queue URL ("http://host/000000000000/test-queue" -> "test-queue");
// a bare name is returned as is.
std::string queue_name_from_url(const std::string& url);

}  // namespace hayloft::dashboard
