#include "orchestrator/cli/cli.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "emulator/core/http_message.h"
#include "orchestrator/cli/describe.h"
#include "orchestrator/cli/printers.h"
#include "orchestrator/objects/yaml_io.h"

namespace hayloft::orchestrator::cli {
namespace {

namespace fs = std::filesystem;

std::string q(const std::string& key, const std::string& value) { return key + "=" + core::url_encode(value); }

std::string target(const std::string& path, const std::vector<std::string>& params) {
  std::string t = path;
  for (std::size_t i = 0; i < params.size(); ++i) t += (i ? "&" : "?") + params[i];
  return t;
}

struct reply {
  bool ok = false;
  json body;
};

// Prints transport and server errors as kubectl does; returns the parsed body.
reply call(const result<http_response>& r, std::ostream& err, const std::string& context = {}) {
  reply out;
  if (!r) {
    err << "error: " << r.err().message << "\n";
    return out;
  }
  out.body = json::parse(r->body, nullptr, false);
  if (r->status >= 200 && r->status < 300 && !out.body.is_discarded()) {
    out.ok = true;
    return out;
  }
  if (out.body.is_discarded() || !out.body.contains("error")) {
    err << "error: the server responded with status " << r->status << "\n";
    return out;
  }
  std::string code = out.body["error"].value("code", "InternalError");
  std::string message = out.body["error"].value("message", "");
  if (code == "BadRequest")
    err << "error: " << message << "\n";
  else
    err << "Error from server (" << code << "): " << context << message << "\n";
  return out;
}

std::string singular_of(const json& list_or_get, const json& obj) {
  std::string kind = obj.value("kind", list_or_get.value("kind", ""));
  std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string res = list_or_get.value("resource", "");
  auto dot = res.find('.');
  return dot == std::string::npos ? kind : kind + res.substr(dot);
}

// "deployment/name" or ("deployment", "name").
void split_type_name(const std::vector<std::string>& args, std::string& type, std::vector<std::string>& names) {
  if (args.empty()) return;
  auto slash = args[0].find('/');
  if (slash != std::string::npos) {
    type = args[0].substr(0, slash);
    names.push_back(args[0].substr(slash + 1));
    for (std::size_t i = 1; i < args.size(); ++i) names.push_back(args[i].substr(args[i].find('/') + 1));
    return;
  }
  type = args[0];
  names.assign(args.begin() + 1, args.end());
}

struct manifest_file {
  std::string name;  // as kubectl names it in errors
  std::string text;
};

bool collect_files(const command& cmd, std::istream& in, std::ostream& err, std::vector<manifest_file>& out) {
  if (cmd.files.empty()) {
    err << "error: must specify one of -f and -k\n";
    return false;
  }
  for (const auto& f : cmd.files) {
    if (f == "-") {
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back({"STDIN", ss.str()});
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(f, ec)) {
      std::vector<fs::path> paths;
      auto add = [&](const fs::path& p) {
        auto ext = p.extension().string();
        if (fs::is_regular_file(p) && (ext == ".yaml" || ext == ".yml" || ext == ".json")) paths.push_back(p);
      };
      if (cmd.recursive)
        for (const auto& e : fs::recursive_directory_iterator(f, ec)) add(e.path());
      else
        for (const auto& e : fs::directory_iterator(f, ec)) add(e.path());
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        std::ifstream s(p, std::ios::binary);
        std::stringstream ss;
        ss << s.rdbuf();
        out.push_back({p.string(), ss.str()});
      }
      continue;
    }
    std::ifstream s(f, std::ios::binary);
    if (!s) {
      err << "error: the path \"" << f << "\" does not exist\n";
      return false;
    }
    std::stringstream ss;
    ss << s.rdbuf();
    out.push_back({f, ss.str()});
  }
  return true;
}

std::vector<std::string> ns_params(const command& cmd) {
  if (cmd.all_namespaces) return {q("namespace", "*")};
  if (cmd.namespace_name) return {q("namespace", *cmd.namespace_name)};
  return {};
}

std::string ns_label(const command& cmd) { return cmd.namespace_name ? *cmd.namespace_name : "default"; }

int do_apply_or_delete(const command& cmd, const http_client& http, std::istream& in, std::ostream& out, std::ostream& err) {
  const bool apply = cmd.verb == "apply";
  if (!apply && cmd.files.empty()) {
    std::string type;
    std::vector<std::string> names;
    split_type_name(cmd.args, type, names);
    if (type.empty() || names.empty()) {
      err << "error: resource(s) were provided, but no name was specified\n";
      return 1;
    }
    int rc = 0;
    for (const auto& name : names) {
      auto params = ns_params(cmd);
      params.push_back(q("kind", type));
      params.push_back(q("name", name));
      auto r = call(http.post(target("/_hayloft/delete", params), ""), err);
      if (!r.ok) {
        rc = 1;
        continue;
      }
      for (const auto& item : r.body["items"])
        out << item.value("resource", type) << " \"" << item.value("name", name) << "\" deleted\n";
    }
    return rc;
  }
  std::vector<manifest_file> files;
  if (!collect_files(cmd, in, err, files)) return 1;
  int rc = 0;
  for (const auto& f : files) {
    auto params = cmd.namespace_name ? std::vector<std::string>{q("namespace", *cmd.namespace_name)} : std::vector<std::string>{};
    auto r = call(http.post(target(apply ? "/_hayloft/apply" : "/_hayloft/delete", params), f.text), err,
                  "error when " + std::string(apply ? "applying" : "deleting") + " \"" + f.name + "\": ");
    if (!r.ok) {
      rc = 1;
      continue;
    }
    for (const auto& w : r.body.value("warnings", json::array())) err << "Warning: " << w.get<std::string>() << "\n";
    for (const auto& item : r.body["items"]) {
      if (item.contains("error")) {
        rc = 1;
        std::string code = item["error"].value("code", "");
        std::string message = item["error"].value("message", "");
        if (code == "BadRequest")
          err << "error: " << message << "\n";
        else
          err << "Error from server (" << code << "): error when " << (apply ? "applying" : "deleting") << " \""
              << f.name << "\": " << message << "\n";
        continue;
      }
      if (apply)
        out << item.value("resource", "") << "/" << item.value("name", "") << " " << item.value("action", "") << "\n";
      else
        out << item.value("resource", "") << " \"" << item.value("name", "") << "\" deleted\n";
    }
  }
  return rc;
}

// One kind's list (or named objects) from the server.
struct fetched {
  bool ok = false;
  json items = json::array();
  json head;  // the server's list or get answer (kind, resource, namespaced, now); null on failure
};

fetched fetch_kind(const command& cmd, const http_client& http, const std::string& type,
                   const std::vector<std::string>& names, std::ostream& err) {
  fetched f;
  if (names.empty()) {
    auto params = ns_params(cmd);
    params.push_back(q("kind", type));
    auto r = call(http.get(target("/_hayloft/get", params)), err);
    if (!r.ok) return f;
    f.head = r.body;
    f.items = r.body["items"];
    f.ok = true;
    return f;
  }
  f.ok = true;
  for (const auto& n : names) {
    auto params = ns_params(cmd);
    params.push_back(q("kind", type));
    params.push_back(q("name", n));
    auto r = call(http.get(target("/_hayloft/get", params)), err);
    if (!r.ok) {
      f.ok = false;
      continue;
    }
    f.head = r.body;
    f.items.push_back(r.body["object"]);
  }
  return f;
}

// `get TYPE1,TYPE2 [NAME...]` as kubectl prints it: every kind fetched first (an unknown type
// fails the whole command), then each kind's table in turn, names as kind.group/name, a blank
// line between tables, "No resources found" only when no kind has any.
int get_kinds(const command& cmd, const http_client& http, const std::vector<std::string>& types,
              const std::vector<std::string>& names, std::ostream& out, std::ostream& err) {
  if (cmd.watch) {
    err << "error: watch is only supported on individual resources and resource collections, but " << types.size()
        << " resources were found\n";
    return 1;
  }
  std::vector<fetched> all;
  bool ok = true;
  for (const auto& t : types) {
    all.push_back(fetch_kind(cmd, http, t, names, err));
    if (all.back().head.is_null()) return 1;
    ok = ok && all.back().ok;
  }
  if (cmd.output == "json" || cmd.output == "yaml") {
    json items = json::array();
    for (const auto& f : all)
      for (const auto& it : f.items) items.push_back(it);
    json doc{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}, {"metadata", {{"resourceVersion", ""}}}};
    out << (cmd.output == "json" ? doc.dump(4) + "\n" : objects::to_yaml(doc));
    return ok ? 0 : 1;
  }
  bool printed = false, any_namespaced = false;
  for (const auto& f : all) {
    any_namespaced = any_namespaced || f.head.value("namespaced", true);
    if (f.items.empty()) continue;
    if (cmd.output == "name") {
      for (const auto& it : f.items) out << singular_of(f.head, it) << "/" << it["metadata"].value("name", "") << "\n";
      printed = true;
      continue;
    }
    core::time_point now;
    core::parse_iso8601(f.head.value("now", ""), now);
    printer_options po{cmd.output == "wide", cmd.all_namespaces, now};
    auto rows = table_rows(f.head.value("kind", ""), f.items, po);
    std::size_t name_col = 0;
    while (name_col < rows[0].size() && rows[0][name_col] != "NAME") ++name_col;
    for (std::size_t r = 1; r < rows.size() && name_col < rows[0].size(); ++r)
      rows[r][name_col] = singular_of(f.head, f.items[r - 1]) + "/" + rows[r][name_col];
    if (printed) out << "\n";
    out << render_table(rows) << std::flush;
    printed = true;
  }
  if (!printed && names.empty()) {
    if (any_namespaced && !cmd.all_namespaces)
      err << "No resources found in " << ns_label(cmd) << " namespace.\n";
    else
      err << "No resources found\n";
  }
  return ok ? 0 : 1;
}

int do_get(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  std::string type;
  std::vector<std::string> names;
  split_type_name(cmd.args, type, names);
  if (type.empty()) {
    err << "error: You must specify the type of resource to get. Use \"hayloft api-resources\" for a complete list "
           "of supported resources.\n";
    return 1;
  }
  if (cmd.output != "" && cmd.output != "wide" && cmd.output != "json" && cmd.output != "yaml" && cmd.output != "name") {
    err << "error: unable to match a printer suitable for the output format \"" << cmd.output
        << "\", allowed formats are: json,name,wide,yaml\n";
    return 1;
  }
  if (type.find(',') != std::string::npos) {
    // kubectl's SplitResourceArgument: comma-separated kinds in order, repeats once (an empty piece is skipped).
    std::vector<std::string> types;
    std::size_t pos = 0;
    while (pos <= type.size()) {
      std::size_t comma = type.find(',', pos);
      std::string t = type.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!t.empty() && std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    if (types.size() > 1) return get_kinds(cmd, http, types, names, out, err);
    if (types.empty()) {
      err << "error: You must specify the type of resource to get. Use \"hayloft api-resources\" for a complete list "
             "of supported resources.\n";
      return 1;
    }
    type = types.front();
  }
  auto fetch = [&](json& items, json& head, bool print_errors) -> bool {
    items = json::array();
    if (names.empty()) {
      auto params = ns_params(cmd);
      params.push_back(q("kind", type));
      auto r = call(http.get(target("/_hayloft/get", params)), print_errors ? err : std::cerr);
      if (!r.ok) return false;
      head = r.body;
      items = r.body["items"];
      return true;
    }
    bool ok = true;
    for (const auto& n : names) {
      auto params = ns_params(cmd);
      params.push_back(q("kind", type));
      params.push_back(q("name", n));
      auto r = call(http.get(target("/_hayloft/get", params)), err);
      if (!r.ok) {
        ok = false;
        continue;
      }
      head = r.body;
      items.push_back(r.body["object"]);
    }
    return ok;
  };
  json items, head;
  bool ok = fetch(items, head, true);
  if (head.is_null()) return 1;
  core::time_point now;
  core::parse_iso8601(head.value("now", ""), now);
  std::string kind = head.value("kind", "");
  if (cmd.output == "json" || cmd.output == "yaml") {
    json doc = names.size() == 1 && items.size() == 1
                   ? items[0]
                   : json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}, {"metadata", {{"resourceVersion", ""}}}};
    out << (cmd.output == "json" ? doc.dump(4) + "\n" : objects::to_yaml(doc));
    return ok ? 0 : 1;
  }
  if (cmd.output == "name") {
    for (const auto& it : items) out << singular_of(head, it) << "/" << it["metadata"].value("name", "") << "\n";
    return ok ? 0 : 1;
  }
  if (items.empty() && names.empty()) {
    if (head.value("namespaced", true) && !cmd.all_namespaces)
      err << "No resources found in " << ns_label(cmd) << " namespace.\n";
    else
      err << "No resources found\n";
    if (!cmd.watch) return ok ? 0 : 1;
  }
  printer_options po{cmd.output == "wide", cmd.all_namespaces, now};
  auto rows = table_rows(kind, items, po);
  if (!items.empty()) out << render_table(rows) << std::flush;
  if (!cmd.watch) return ok ? 0 : 1;
  // -w: print a row again whenever it changes (new objects and changes, like kubectl get -w).
  std::map<std::string, std::string> seen;
  auto key_of = [](const json& it) { return it["metadata"].value("namespace", "") + "/" + it["metadata"].value("name", ""); };
  auto row_text = [&](const json& it, core::time_point t) {
    printer_options p{po.wide, po.with_namespace, t};
    auto r = table_rows(kind, json::array({it}), p);
    // Age changes every second; compare without it.
    auto body = r[1];
    if (!body.empty() && kind != "Event") body.pop_back();
    std::string s;
    for (const auto& c : body) s += c + "\t";
    return std::make_pair(s, r);
  };
  for (const auto& it : items) seen[key_of(it)] = row_text(it, now).first;
  std::vector<std::vector<std::string>> header{rows.front()};
  while (http.wait && http.wait(std::chrono::milliseconds(1000))) {
    json fresh, fhead;
    if (!fetch(fresh, fhead, false)) continue;
    core::time_point t;
    core::parse_iso8601(fhead.value("now", ""), t);
    for (const auto& it : fresh) {
      auto [text, r] = row_text(it, t);
      auto& prev = seen[key_of(it)];
      if (prev == text) continue;
      prev = text;
      // Align with the header as first printed.
      std::vector<std::vector<std::string>> both{header[0], r[1]};
      std::string table = render_table(both);
      out << table.substr(table.find('\n') + 1) << std::flush;
    }
  }
  return 0;
}

int do_describe(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  std::string type;
  std::vector<std::string> names;
  split_type_name(cmd.args, type, names);
  if (type.empty()) {
    err << "error: You must specify the type of resource to describe.\n";
    return 1;
  }
  if (names.empty()) {
    auto params = ns_params(cmd);
    params.push_back(q("kind", type));
    auto r = call(http.get(target("/_hayloft/get", params)), err);
    if (!r.ok) return 1;
    for (const auto& it : r.body["items"]) names.push_back(it["metadata"].value("name", ""));
    if (names.empty()) {
      err << "No resources found in " << ns_label(cmd) << " namespace.\n";
      return 0;
    }
  }
  int rc = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto params = ns_params(cmd);
    params.push_back(q("kind", type));
    params.push_back(q("name", names[i]));
    auto r = call(http.get(target("/_hayloft/describe", params)), err);
    if (!r.ok) {
      rc = 1;
      continue;
    }
    if (i) out << "\n\n";
    out << render_describe(r.body);
  }
  return rc;
}

int do_scale(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  if (!cmd.replicas) {
    err << "error: required flag(s) \"replicas\" not set\n";
    return 1;
  }
  std::string type;
  std::vector<std::string> names;
  split_type_name(cmd.args, type, names);
  if (type.empty() || names.empty()) {
    err << "error: resource(s) were provided, but no name was specified\n";
    return 1;
  }
  int rc = 0;
  for (const auto& n : names) {
    auto params = ns_params(cmd);
    params.push_back(q("kind", type));
    params.push_back(q("name", n));
    params.push_back(q("replicas", std::to_string(*cmd.replicas)));
    auto r = call(http.post(target("/_hayloft/scale", params), ""), err);
    if (!r.ok) {
      rc = 1;
      continue;
    }
    out << r.body.value("resource", "deployment.apps") << "/" << n << " scaled\n";
  }
  return rc;
}

// kubectl top pod: CPU in millicores and memory in MiB per pod (summed over its containers; one
// row per container with --containers), from the usage the controller samples every 15 s.
int do_top(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  if (cmd.args.empty() || (cmd.args[0] != "pod" && cmd.args[0] != "pods" && cmd.args[0] != "po")) {
    err << "error: hayloft top supports pods: `hayloft top pods [NAME] [-n NS | -A] [--containers]`\n";
    return 1;
  }
  auto params = ns_params(cmd);
  if (cmd.args.size() > 1) params.push_back(q("name", cmd.args[1]));
  auto r = call(http.get(target("/_hayloft/top", params)), err);
  if (!r.ok) return 1;
  const json& items = r.body["items"];
  if (items.empty()) {
    // kubectl's answer while metrics-server has fewer than two samples of every pod.
    err << "error: metrics not available yet\n";
    return 1;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  if (cmd.all_namespaces) header.push_back("NAMESPACE");
  header.push_back("NAME");
  if (cmd.containers) header.push_back("NAME");
  header.push_back("CPU(cores)");
  header.push_back("MEMORY(bytes)");
  rows.push_back(header);
  auto cpu = [](long long milli) { return std::to_string(milli) + "m"; };
  auto mem = [](long long bytes) { return std::to_string(bytes / (1024 * 1024)) + "Mi"; };
  for (const auto& pod : items) {
    std::vector<std::string> lead;
    if (cmd.all_namespaces) lead.push_back(pod.value("namespace", ""));
    lead.push_back(pod.value("name", ""));
    long long pod_cpu = 0, pod_mem = 0;
    for (const auto& c : pod["containers"]) {
      long long cm = c["cpuMillicores"].get<long long>(), mm = c["memoryBytes"].get<long long>();
      pod_cpu += cm;
      pod_mem += mm;
      if (!cmd.containers) continue;
      auto row = lead;
      row.push_back(c.value("name", ""));
      row.push_back(cpu(cm));
      row.push_back(mem(mm));
      rows.push_back(row);
    }
    if (cmd.containers) continue;
    auto row = lead;
    row.push_back(cpu(pod_cpu));
    row.push_back(mem(pod_mem));
    rows.push_back(row);
  }
  out << render_table(rows);
  return 0;
}

int do_logs(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  if (cmd.args.empty()) {
    err << "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n";
    return 1;
  }
  std::string ref = cmd.args[0], kind = "pod", name = ref;
  if (auto slash = ref.find('/'); slash != std::string::npos) {
    kind = ref.substr(0, slash);
    name = ref.substr(slash + 1);
  } else if (cmd.args.size() > 1) {
    kind = cmd.args[0];
    name = cmd.args[1];
  }
  std::vector<std::string> base = cmd.namespace_name ? std::vector<std::string>{q("namespace", *cmd.namespace_name)}
                                                     : std::vector<std::string>{};
  if (kind == "deployment" || kind == "deploy" || kind == "deployments" || kind == "deployment.apps")
    base.push_back(q("deployment", name));
  else if (kind == "pod" || kind == "pods" || kind == "po")
    base.push_back(q("pod", name));
  else {
    err << "error: cannot get the logs from " << kind << ": hayloft reads logs of pods and deployments\n";
    return 1;
  }
  if (!cmd.container.empty()) base.push_back(q("container", cmd.container));
  auto first = base;
  if (cmd.tail && *cmd.tail >= 0) first.push_back(q("tail", std::to_string(*cmd.tail)));
  if (cmd.previous) first.push_back(q("previous", "true"));
  auto r = call(http.get(target("/_hayloft/logs", first)), err);
  if (!r.ok) return 1;
  if (r.body.value("podsFound", 0) > 1)
    err << "Found " << r.body["podsFound"].get<int>() << " pods, using pod/" << r.body.value("pod", "") << "\n";
  if (r.body.value("defaulted", false)) {
    std::string all;
    for (const auto& c : r.body["containers"]) all += (all.empty() ? "" : ", ") + c.get<std::string>();
    err << "Defaulted container \"" << r.body.value("container", "") << "\" out of: " << all << "\n";
  }
  out << r.body.value("data", "") << std::flush;
  if (!cmd.follow || cmd.previous) return 0;
  // Follow the same pod and container by offset until the container stops.
  std::vector<std::string> next = cmd.namespace_name ? std::vector<std::string>{q("namespace", *cmd.namespace_name)}
                                                     : std::vector<std::string>{};
  next.push_back(q("pod", r.body.value("pod", "")));
  next.push_back(q("container", r.body.value("container", "")));
  std::uint64_t offset = r.body.value("offset", 0ULL);
  bool running = r.body.value("running", false);
  while (http.wait && http.wait(std::chrono::milliseconds(500))) {
    auto params = next;
    params.push_back(q("since", std::to_string(offset)));
    auto more = http.get(target("/_hayloft/logs", params));
    if (!more || more->status != 200) return 0;  // the pod is gone: the stream ends
    json body = json::parse(more->body, nullptr, false);
    if (body.is_discarded()) return 0;
    out << body.value("data", "") << std::flush;
    offset = body.value("offset", offset);
    bool was_running = running;
    running = body.value("running", false);
    if (!running && !was_running && offset >= body.value("end", 0ULL)) return 0;
  }
  return 0;
}

int do_create(const command& cmd, const http_client& http, std::ostream& out, std::ostream& err) {
  if (cmd.args.size() != 2 || (cmd.args[0] != "namespace" && cmd.args[0] != "ns")) {
    err << "error: hayloft create supports: create namespace NAME\n";
    return 1;
  }
  const std::string& name = cmd.args[1];
  json manifest{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  auto r = call(http.post("/_hayloft/apply", manifest.dump()), err);
  if (!r.ok) return 1;
  const json& item = r.body["items"][0];
  if (item.contains("error")) {
    err << "Error from server (" << item["error"].value("code", "") << "): " << item["error"].value("message", "") << "\n";
    return 1;
  }
  if (item.value("action", "") != "created") {
    err << "Error from server (AlreadyExists): namespaces \"" << name << "\" already exists\n";
    return 1;
  }
  out << "namespace/" << name << " created\n";
  return 0;
}

}  // namespace

int run(const command& cmd, const http_client& http, std::istream& in, std::ostream& out, std::ostream& err) {
  if (cmd.verb == "apply" || cmd.verb == "delete") return do_apply_or_delete(cmd, http, in, out, err);
  if (cmd.verb == "get") return do_get(cmd, http, out, err);
  if (cmd.verb == "describe") return do_describe(cmd, http, out, err);
  if (cmd.verb == "scale") return do_scale(cmd, http, out, err);
  if (cmd.verb == "logs") return do_logs(cmd, http, out, err);
  if (cmd.verb == "top") return do_top(cmd, http, out, err);
  if (cmd.verb == "create") return do_create(cmd, http, out, err);
  err << "error: unknown command \"" << cmd.verb << "\"\n";
  return 1;
}

void add_subcommands(CLI::App& app, command& cmd) {
  auto common = [&](CLI::App* sub) {
    sub->add_option("-n,--namespace", cmd.namespace_name, "If present, the namespace scope for this CLI request");
    sub->callback([&cmd, sub] { cmd.verb = sub->get_name(); });
  };
  auto* apply = app.add_subcommand("apply", "Apply a configuration to a resource by file name or stdin");
  apply->add_option("-f,--filename", cmd.files, "Files or directories that contain the configuration to apply");
  apply->add_flag("-R,--recursive", cmd.recursive, "Process the directory used in -f recursively");
  common(apply);

  auto* del = app.add_subcommand("delete", "Delete resources by file names, stdin or resources and names");
  del->add_option("-f,--filename", cmd.files, "Files or directories containing the resources to delete");
  del->add_flag("-R,--recursive", cmd.recursive, "Process the directory used in -f recursively");
  del->add_option("args", cmd.args, "TYPE NAME or TYPE/NAME");
  common(del);

  auto* get = app.add_subcommand("get", "Display one or many resources");
  get->add_option("args", cmd.args, "TYPE [NAME...] or TYPE/NAME")->required();
  get->add_option("-o,--output", cmd.output, "Output format: wide, json, yaml, name");
  get->add_flag("-w,--watch", cmd.watch, "After listing, watch for changes");
  get->add_flag("-A,--all-namespaces", cmd.all_namespaces, "List across all namespaces");
  common(get);

  auto* describe = app.add_subcommand("describe", "Show details of a specific resource or group of resources");
  describe->add_option("args", cmd.args, "TYPE [NAME] or TYPE/NAME")->required();
  describe->add_flag("-A,--all-namespaces", cmd.all_namespaces, "Describe across all namespaces");
  common(describe);

  auto* scale = app.add_subcommand("scale", "Set a new size for a deployment");
  scale->add_option("args", cmd.args, "deployment NAME or deployment/NAME")->required();
  scale->add_option("--replicas", cmd.replicas, "The new desired number of replicas")->required();
  common(scale);

  auto* logs = app.add_subcommand("logs", "Print the logs for a container in a pod");
  logs->add_option("args", cmd.args, "POD or TYPE/NAME")->required();
  logs->add_flag("-f,--follow", cmd.follow, "Specify if the logs should be streamed");
  logs->add_option("--tail", cmd.tail, "Lines of recent log file to display");
  logs->add_flag("-p,--previous", cmd.previous, "Print the logs for the previous instance of the container in a pod");
  logs->add_option("-c,--container", cmd.container, "Print the logs of this container");
  common(logs);

  auto* top = app.add_subcommand("top", "Display resource (CPU/memory) usage of pods");
  top->add_option("args", cmd.args, "pods [NAME]")->required();
  top->add_flag("-A,--all-namespaces", cmd.all_namespaces, "List the pods in all namespaces");
  top->add_flag("--containers", cmd.containers, "Print usage of the containers within a pod");
  common(top);

  auto* create = app.add_subcommand("create", "Create a resource (create namespace NAME)");
  create->add_option("args", cmd.args, "namespace NAME")->required();
  common(create);
}

}  // namespace hayloft::orchestrator::cli
