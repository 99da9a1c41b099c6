#pragma once
// Binds the indexing consumer to the in-process services and registers it as the built-in
// workload `hayloft/indexing-consumer`: each pod runs one indexing_consumer whose queue reads go
// straight to the SQS service and whose object reads go straight to the S3 service (no
// loop-back HTTP). The model is loaded once per process (lazy_embedder); a pod reports ready
// only after it has loaded, so loading shows as ContainerCreating.
//
// Pod settings come from the container's env as the reference consumer reads them: SQS_QUEUE
// (default test-queue), S3_BUCKET (default test-bucket), HAYLOFT_INDEX (default "default").
#include "consumer/docstore/document_store.h"
#include "consumer/worker/pipeline.h"
#include "emulator/app/lazy_embedder.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/metrics.h"
#include "orchestrator/pods/workload.h"
#include "s3/service/service.h"
#include "sqs/service/service.h"

namespace hayloft::app {

struct consumer_bindings {
  sqs::service& sqs;
  s3::service& s3;
  lazy_embedder& embedder;
  consumer::document_store& docs;
  core::task_runner& pipeline_pool;
  core::clock& clock;
  core::metrics_registry* metrics = nullptr;
  consumer::pipeline_settings settings;
};

// The workload's main function (runs on the pod's thread until its stop token fires).
orchestrator::pods::workload_main make_indexing_consumer_workload(consumer_bindings b);

}  // namespace hayloft::app
