#pragma once
// The Table form (meta.k8s.io/v1) kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`: column definitions and one row of
// cells per object, computed like the API server's printers (pkg/printers/internalversion) and
// KEDA's CRD printer columns. The cells come from the same printers as hayloft's own CLI
// (orchestrator/cli/printers.h). Pure functions.
#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

#include "emulator/core/clock.h"
#include "orchestrator/kube/resources.h"

namespace hayloft::orchestrator::kube {

using json = nlohmann::json;

// True when an Accept header asks for a Table.
bool wants_table(std::string_view accept);

// A Table of `items`; `resource_version` goes in its metadata, `now` (the server's clock) is
// what ages are relative to. Rows carry the object's metadata (includeObject=Metadata) unless
// include_object is "None", or the whole object when it is "Object".
json to_table(const resource& r, const std::vector<json>& items, const std::string& resource_version,
              core::time_point now, std::string_view include_object = "Metadata");

}  // namespace hayloft::orchestrator::kube
