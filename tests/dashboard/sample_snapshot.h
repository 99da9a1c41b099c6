#pragma once
// A snapshot as the app gathers it: the reference stack (test-bucket, test-queue, the
// indexing-consumer Deployment with its KEDA ScaledObject) in the orchestrator's get shapes.
#include "emulator/dashboard/overview.h"

namespace hayloft::dashboard::testing {

inline snapshot reference_snapshot() {
  using json = nlohmann::json;
  snapshot s;
  core::time_point created;
  core::parse_iso8601("2026-01-01T00:00:00.000Z", created);
  s.buckets = {{"test-bucket", "eu-central-1", created, 3, 3 * 1024 + 512}};
  s.queues = {{"test-queue", 7, 2, 1}, {"other", 0, 0, 0}};
  s.deployments = json::parse(R"([{
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "indexing-consumer", "namespace": "indexing", "creationTimestamp": "2026-01-01T00:00:00.000Z"},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "hayloft/indexing-consumer"}]}}},
    "status": {"replicas": 2, "readyReplicas": 1, "availableReplicas": 1}
  }, {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"replicas": 1}, "status": {}
  }])");
  s.scaled_objects = json::parse(R"([{
    "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
    "metadata": {"name": "indexing-consumer-scaled-object", "namespace": "indexing"},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "indexing-consumer"},
             "minReplicaCount": 0, "maxReplicaCount": 2,
             "triggers": [{"type": "aws-sqs-queue", "metadata": {
                "queueURL": "http://localhost:4566/000000000000/test-queue", "queueLength": "10",
                "scaleOnInFlight": "false"}}]}
  }, {
    "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
    "metadata": {"name": "elsewhere", "namespace": "default"},
    "spec": {"scaleTargetRef": {"name": "indexing-consumer"}, "triggers": []}
  }])");
  s.pods = json::parse(R"([{
    "kind": "Pod",
    "metadata": {"name": "indexing-consumer-5d8f7c9b4-abcde", "namespace": "indexing",
                 "creationTimestamp": "2026-01-01T00:00:00.000Z",
                 "labels": {"pod-template-hash": "5d8f7c9b4"},
                 "ownerReferences": [{"kind": "ReplicaSet", "name": "indexing-consumer-5d8f7c9b4"}]},
    "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "restartCount": 0,
               "state": {"running": {"startedAt": "2026-01-01T00:00:01.000Z"}}}]}
  }, {
    "kind": "Pod",
    "metadata": {"name": "indexing-consumer-5d8f7c9b4-fghij", "namespace": "indexing",
                 "creationTimestamp": "2026-01-01T00:04:00.000Z",
                 "labels": {"pod-template-hash": "5d8f7c9b4"},
                 "ownerReferences": [{"kind": "ReplicaSet", "name": "indexing-consumer-5d8f7c9b4"}]},
    "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": false, "restartCount": 3,
               "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}}}]}
  }, {
    "kind": "Pod",
    "metadata": {"name": "web-1-x", "namespace": "default", "creationTimestamp": "2026-01-01T00:09:00.000Z",
                 "deletionTimestamp": "2026-01-01T00:10:30.000Z"},
    "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "restartCount": 0,
               "state": {"running": {}}}]}
  }])");
  s.events = json::parse(R"([{
    "type": "Normal", "reason": "SuccessfulRescale", "message": "New size: 2; reason: external metric above target",
    "count": 1, "lastTimestamp": "2026-01-01T00:04:00.000Z",
    "involvedObject": {"kind": "HorizontalPodAutoscaler", "namespace": "indexing", "name": "keda-hpa-indexing-consumer-scaled-object"}
  }, {
    "type": "Normal", "reason": "KEDAScaleTargetActivated", "message": "Scaled apps/v1.Deployment indexing/indexing-consumer from 0 to 1",
    "count": 1, "lastTimestamp": "2026-01-01T00:00:00.000Z",
    "involvedObject": {"kind": "ScaledObject", "namespace": "indexing", "name": "indexing-consumer-scaled-object"}
  }, {
    "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container c",
    "count": 4, "lastTimestamp": "2026-01-01T00:09:30.000Z",
    "involvedObject": {"kind": "Pod", "namespace": "indexing", "name": "indexing-consumer-5d8f7c9b4-fghij"}
  }])");
  return s;
}

inline core::time_point reference_now() {
  core::time_point t;
  core::parse_iso8601("2026-01-01T00:10:00.000Z", t);
  return t;
}

}  // namespace hayloft::dashboard::testing
