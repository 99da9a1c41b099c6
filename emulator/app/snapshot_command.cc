#include "emulator/app/snapshot_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "emulator/core/http_message.h"
#include "emulator/http/client.h"

namespace hayloft::app {
namespace {

using json = nlohmann::json;

constexpr const char* usage = "usage: hayloft snapshot save NAME | restore NAME | ls | rm NAME";

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

void print_list(const json& j, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %-20s %-10s %10s  %s\n", "NAME", "CREATED", "HAYLOFT", "SIZE", "RESTORABLE");
  out << line;
  for (const auto& s : j.value("snapshots", json::array())) {
    std::string ok = s.value("compatible", false) ? "yes" : "no: " + s.value("problem", std::string("?"));
    std::snprintf(line, sizeof line, "%-24s %-20s %-10s %10s  %s\n", s.value("name", "").c_str(),
                  s.value("created", "").substr(0, 19).c_str(), s.value("hayloft", "").c_str(),
                  human_bytes(s.value("bytes", 0.0)).c_str(), ok.c_str());
    out << line;
  }
}

}  // namespace

CLI::App* add_snapshot_command(CLI::App& cli, snapshot_options& opts) {
  auto* cmd = cli.add_subcommand("snapshot", "save, restore, list or remove snapshots of a running hayloft");
  cmd->add_option("args", opts.args, "save NAME | restore NAME | ls | rm NAME")->required();
  cmd->add_option("-o,--output", opts.output, "json for the raw responses")->check(CLI::IsMember({"json"}));
  return cmd;
}

int run_snapshot(const snapshot_options& opts, const std::string& endpoint, std::ostream& out, std::ostream& err) {
  const auto& a = opts.args;
  const std::string verb = a.empty() ? "" : a[0];
  const bool named = verb == "save" || verb == "restore" || verb == "rm";
  if ((named && a.size() != 2) || (verb == "ls" && a.size() != 1) || (!named && verb != "ls")) {
    err << usage << "\n";
    return 2;
  }
  http::client client(endpoint, std::chrono::seconds(120));
  result<http::client_response> r = error{};
  if (verb == "save") r = client.post("/_hayloft/snapshots", json{{"name", a[1]}}.dump());
  else if (verb == "restore") r = client.post("/_hayloft/snapshots/" + core::url_encode(a[1]) + "/restore", "");
  else if (verb == "rm") r = client.request("DELETE", "/_hayloft/snapshots/" + core::url_encode(a[1]));
  else r = client.get("/_hayloft/snapshots");
  if (!r.ok()) {
    err << "error: cannot reach hayloft at " << endpoint << ": " << r.err().message << "\n";
    return 1;
  }
  auto j = json::parse(r->body, nullptr, false);
  if (r->status >= 300) {
    if (!j.is_discarded() && j.contains("error")) err << "error: " << j["error"].value("message", r->body) << "\n";
    else err << "error: HTTP " << r->status << ": " << r->body;
    return 1;
  }
  if (opts.output == "json" || j.is_discarded()) {
    out << (j.is_discarded() ? r->body : j.dump(2) + "\n");
    return 0;
  }
  if (verb == "save")
    out << "saved snapshot " << j.value("name", "") << " (" << human_bytes(j.value("bytes", 0.0)) << ", "
        << j.value("blobs", 0) << " object files) in " << j.value("path", "") << "\n";
  else if (verb == "restore") {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", j.value("ms", 0.0));
    out << "restored snapshot " << j.value("restored", "") << " in " << ms << " ms\n";
    for (const auto& w : j.value("warnings", json::array())) out << "warning: " << w.get<std::string>() << "\n";
  } else if (verb == "rm") out << "removed snapshot " << a[1] << "\n";
  else print_list(j, out);
  return 0;
}

}  // namespace hayloft::app
