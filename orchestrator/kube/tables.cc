#include "orchestrator/kube/tables.h"

#include "orchestrator/cli/format.h"
#include "orchestrator/cli/printers.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

struct column {
  std::string name;
  std::string type = "string";
  std::string format;
  int priority = 0;
};

// The columns the API server defines beyond what `kubectl get` shows without -o wide.
int wide_from(std::string_view kind) {
  if (kind == "Pod") return 5;
  if (kind == "Deployment") return 5;
  if (kind == "Service") return 6;
  return 1000;
}

std::vector<std::vector<std::string>> node_rows(const std::vector<json>& items, core::time_point now) {
  std::vector<std::vector<std::string>> rows{{"NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP",
                                              "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"}};
  for (const auto& n : items) {
    const json& st = n["status"];
    std::string ready = "Unknown";
    const json list1 = st.value("conditions", json::array());
    for (const auto& c : list1)
      if (str(c, "type") == "Ready") ready = str(c, "status") == "True" ? "Ready" : "NotReady";
    std::vector<std::string> roles;
    const json list2 = n["metadata"].value("labels", json::object());
    for (const auto& [k, _] : list2.items())
      if (k.rfind("node-role.kubernetes.io/", 0) == 0) roles.push_back(k.substr(24));
    std::string role_text;
    for (const auto& r : roles) role_text += (role_text.empty() ? "" : ",") + r;
    std::string ip;
    const json list3 = st.value("addresses", json::array());
    for (const auto& a : list3)
      if (str(a, "type") == "InternalIP") ip = str(a, "address");
    const json& info = st["nodeInfo"];
    rows.push_back({str(n["metadata"], "name"), ready, role_text.empty() ? "<none>" : role_text,
                    cli::age(str(n["metadata"], "creationTimestamp"), now), str(info, "kubeletVersion"),
                    ip.empty() ? "<none>" : ip, "<none>", str(info, "osImage"), str(info, "kernelVersion"),
                    str(info, "containerRuntimeVersion")});
  }
  return rows;
}

std::vector<std::vector<std::string>> crd_rows(const std::vector<json>& items) {
  std::vector<std::vector<std::string>> rows{{"NAME", "CREATED AT"}};
  for (const auto& c : items) rows.push_back({str(c["metadata"], "name"), str(c["metadata"], "creationTimestamp")});
  return rows;
}

std::string title(const std::string& header) {
  // kubectl upper-cases column names; the API server names them in title case.
  std::string out;
  bool start = true;
  for (char c : header) {
    out.push_back(start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    start = c == ' ' || c == '-';
  }
  return out;
}

}  // namespace

bool wants_table(std::string_view accept) {
  return accept.find("as=Table") != std::string_view::npos && accept.find("g=meta.k8s.io") != std::string_view::npos;
}

json to_table(const resource& r, const std::vector<json>& items, const std::string& resource_version,
              core::time_point now, std::string_view include_object) {
  std::vector<std::vector<std::string>> rows;
  if (r.source == synthetic::node) {
    rows = node_rows(items, now);
  } else if (r.source == synthetic::crd) {
    rows = crd_rows(items);
  } else {
    json arr = json::array();
    for (const auto& i : items) arr.push_back(i);
    cli::printer_options o;
    o.wide = true;
    o.now = now;
    rows = cli::table_rows(std::string(r.kind), arr, o);
  }
  int wide = r.source == synthetic::node ? 5 : wide_from(r.kind);
  json columns = json::array();
  const auto& header = rows.front();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& h = header[i];
    std::string type = "string", format;
    if (i == 0 && h == "NAME") format = "name";
    if (h == "RESTARTS" || h == "MIN" || h == "MAX" || h == "MINPODS" || h == "MAXPODS" || h == "REPLICAS" ||
        h == "UP-TO-DATE" || h == "AVAILABLE" || h == "DESIRED" || h == "CURRENT" || h == "DATA")
      type = "integer";
    if (h == "RESTARTS") type = "string";
    columns.push_back({{"name", title(h)}, {"type", type}, {"format", format}, {"description", ""},
                       {"priority", static_cast<int>(i) >= wide ? 1 : 0}});
  }
  json out_rows = json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    json cells = json::array();
    const auto& row = rows[i + 1];
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string& type = columns[c]["type"].get_ref<const std::string&>();
      bool numeric = type == "integer" && !row[c].empty() &&
                     row[c].find_first_not_of("-0123456789") == std::string::npos;
      if (numeric) cells.push_back(std::stoll(row[c]));
      else cells.push_back(row[c]);
    }
    json rj{{"cells", cells}};
    if (include_object == "Object") {
      rj["object"] = items[i];
    } else if (include_object != "None") {
      rj["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", items[i]["metadata"]}};
    }
    out_rows.push_back(rj);
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", columns},
          {"rows", out_rows}};
}

}  // namespace hayloft::orchestrator::kube
