#include "orchestrator/kube/kubeconfig.h"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "emulator/core/ids.h"
#include "orchestrator/errc.h"
#include "orchestrator/kube/kube_api.h"

namespace hayloft::orchestrator::kube {
namespace {

constexpr const char* entry_name = "hayloft";

YAML::Node cluster_entry(const std::string& server) {
  YAML::Node n;
  n["name"] = entry_name;
  n["cluster"]["server"] = server;
  return n;
}

YAML::Node user_entry() {
  YAML::Node n;
  n["name"] = entry_name;
  // kubectl needs some credential; hayloft accepts and ignores bearer tokens unless auth is on.
  n["user"]["token"] = "hayloft";
  return n;
}

YAML::Node context_entry() {
  YAML::Node n;
  n["name"] = entry_name;
  n["context"]["cluster"] = entry_name;
  n["context"]["user"] = entry_name;
  return n;
}

// `list` with any entry named hayloft replaced by `entry` (appended when absent).
YAML::Node upsert(const YAML::Node& list, const YAML::Node& entry) {
  YAML::Node out(YAML::NodeType::Sequence);
  bool placed = false;
  if (list && list.IsSequence()) {
    for (const auto& item : list) {
      if (item["name"] && item["name"].as<std::string>("") == entry_name) {
        out.push_back(entry);
        placed = true;
      } else {
        out.push_back(item);
      }
    }
  }
  if (!placed) out.push_back(entry);
  return out;
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter e;
  e << root;
  return std::string(e.c_str()) + "\n";
}

}  // namespace

std::string server_url(const std::string& endpoint) {
  std::string e = endpoint;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e + std::string(kube_api::prefix);
}

std::string kubeconfig_yaml(const std::string& server) {
  auto merged = merge_kubeconfig("", server, true);
  return merged ? *merged : std::string();
}

result<std::string> merge_kubeconfig(const std::string& existing, const std::string& server, bool switch_context) {
  YAML::Node root;
  try {
    root = existing.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(existing);
  } catch (const YAML::Exception& e) {
    return error{make_error_code(errc::bad_request), std::string("the kubeconfig is not YAML: ") + e.what()};
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) return error{make_error_code(errc::bad_request), "the kubeconfig is not a YAML mapping"};
  YAML::Node out(YAML::NodeType::Map);
  out["apiVersion"] = root["apiVersion"] ? root["apiVersion"] : YAML::Node("v1");
  out["kind"] = root["kind"] ? root["kind"] : YAML::Node("Config");
  out["preferences"] = root["preferences"] ? root["preferences"] : YAML::Node(YAML::NodeType::Map);
  out["clusters"] = upsert(root["clusters"], cluster_entry(server));
  out["users"] = upsert(root["users"], user_entry());
  out["contexts"] = upsert(root["contexts"], context_entry());
  std::string current = root["current-context"] ? root["current-context"].as<std::string>("") : "";
  out["current-context"] = switch_context || current.empty() ? std::string(entry_name) : current;
  for (const auto& kv : root) {
    std::string k = kv.first.as<std::string>("");
    if (!out[k]) out[k] = kv.second;
  }
  return emit(out);
}

std::filesystem::path default_kubeconfig_path() {
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string first(env);
    first = first.substr(0, first.find(':'));
    if (!first.empty()) return first;
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".kube" / "config";
}

result<void> merge_into_file(const std::filesystem::path& path, const std::string& server, bool switch_context) {
  std::string existing;
  if (std::ifstream in(path); in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    existing = ss.str();
  }
  auto merged = merge_kubeconfig(existing, server, switch_context);
  if (!merged) return merged.err();
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  auto tmp = path;
  tmp += ".hayloft-" + core::random_hex(4);
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return error{make_error_code(errc::internal), "cannot write " + tmp.string()};
    out << *merged;
    if (!out.flush()) return error{make_error_code(errc::internal), "cannot write " + tmp.string()};
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path, ec);
  if (ec) return error{make_error_code(errc::internal), "cannot replace " + path.string() + ": " + ec.message()};
  return {};
}

}  // namespace hayloft::orchestrator::kube
