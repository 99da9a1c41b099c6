#pragma once
// Table printers for `get`, one per kind, computing each column from the object's JSON the way
// kubectl's printers (and KEDA's CRD printer columns) do. Pure functions.
#include <string>
#include <vector>

#include "orchestrator/cli/format.h"

namespace hayloft::orchestrator::cli {

struct printer_options {
  bool wide = false;
  bool with_namespace = false;  // -A
  core::time_point now;         // the server's clock
};

// The header and one row per item for `kind` (the manifest kind name: "Pod", "Deployment", ...).
std::vector<std::vector<std::string>> table_rows(const std::string& kind, const json& items, const printer_options& o);

// The pieces of the pod printer (exposed for tests): "Running", "CrashLoopBackOff", "Terminating", ...
std::string pod_status(const json& pod);
std::string pod_ready(const json& pod);
std::string pod_restarts(const json& pod, core::time_point now);
// kubectl's HPA TARGETS column, e.g. "25/10 (avg)", "cpu: 81%/50%", "<unknown>/10 (avg)".
std::string hpa_targets(const json& hpa);
// kubectl's Service EXTERNAL-IP and PORT(S) columns and the Endpoints ENDPOINTS column.
std::string service_external_ip(const json& svc);
std::string service_ports(const json& svc);
std::string endpoints_text(const json& endpoints);

}  // namespace hayloft::orchestrator::cli
