#pragma once
// Host ports for container ports. Process pods share the host's network namespace, so two
// replicas cannot both listen on containerPort 8080: the kubelet asks the kernel for a free
// 127.0.0.1 port per declared port (bind port 0, read it, close) and tells the container through
// $PORT and $<NAME>_PORT. The port is free when chosen; something else may take it before the
// container binds it (a small race, accepted). Pure apart from the socket calls; any thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::orchestrator::pods {

// A port the kernel considers free on 127.0.0.1 for `protocol` ("TCP", "UDP", "SCTP").
result<std::uint16_t> free_loopback_port(std::string_view protocol = "TCP");

// The variable naming a named port: "http" -> "HTTP_PORT", "metrics-port" -> "METRICS_PORT_PORT".
std::string port_env_name(std::string_view port_name);

}  // namespace hayloft::orchestrator::pods
