#pragma once
// Runs a registered workload on its own thread as one container instance.
#include <chrono>
#include <memory>

#include "orchestrator/pods/container.h"
#include "orchestrator/pods/log_file.h"
#include "orchestrator/pods/workload.h"

namespace hayloft::orchestrator::pods {

// Starts `main` with `ctx` (its log, ready and stop members are filled in here) and waits up to
// `start_wait` of real time for it to report ready or exit, so that a workload that starts
// quickly is Running and Ready as soon as this returns.
std::unique_ptr<container> start_workload(const workload_main& main, pod_context ctx, std::shared_ptr<log_file> log,
                                          container_callbacks callbacks, std::chrono::milliseconds start_wait);

}  // namespace hayloft::orchestrator::pods
