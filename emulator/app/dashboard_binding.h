#pragma once
// Binds the dashboard (emulator/dashboard) to the in-process services: buckets with object
// counts (S3 metadata in state.db), queues with counts (SQS), deployments, ScaledObjects, pods
// and events (the orchestrator's get). Also the per-queue gauges of /metrics, which need the
// same queue listing.
//
// Every function returned here blocks briefly (SQLite reads, service locks): call it from a pool
// thread, never from an I/O thread (the dashboard does so).
#include "emulator/core/clock.h"
#include "emulator/core/metrics.h"
#include "emulator/dashboard/dashboard.h"
#include "orchestrator/controller/controller.h"
#include "s3/service/service.h"
#include "sqs/service/service.h"

namespace hayloft::app {

struct dashboard_services {
  s3::service& s3;
  sqs::service& sqs;
  orchestrator::controller& orchestrator;
};

// The services must outlive the provider (and so the dashboard holding it).
dashboard::dashboard::snapshot_provider make_snapshot_provider(dashboard_services services);

// Sampling every 2 s of clock time, but no more than twice per real second when the clock runs
// faster (--time-scale); a window of 150 samples, at least 10 minutes of clock time.
dashboard::dashboard::options dashboard_options(const core::clock& clock);

// Every queue's figures, sorted by name.
std::vector<dashboard::queue_figures> list_queue_figures(sqs::service& sqs);

// hayloft_sqs_messages{queue, state="visible|in_flight|delayed"} for /metrics, at scrape time.
void add_queue_metrics(core::metrics_registry& metrics, sqs::service& sqs);

}  // namespace hayloft::app
