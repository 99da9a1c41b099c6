// pods/{name}/log: the container's log file, whole or its tail, and followed until the container
// stops (as the kubelet streams it).
#include "orchestrator/errc.h"
#include "orchestrator/kube/api_internal.h"

namespace hayloft::orchestrator::kube {
namespace {

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

core::response text_response(std::string body) {
  core::response r;
  r.headers.add("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

}  // namespace

core::response kube_api::impl::logs(const resource_request& rr) {
  const resource& r = *rr.res;
  auto pod = objects.get(r, rr.namespace_name, rr.name);
  if (!pod) return error_response(not_found(r.group, r.plural, rr.name));
  const json& containers = (*pod)["spec"]["containers"];
  std::string container = rr.param("container");
  if (container.empty()) {
    if (containers.size() != 1) {
      std::string names;
      for (const auto& c : containers) names += (names.empty() ? "" : " ") + str(c, "name");
      return error_response(bad_request("a container name must be specified for pod " + rr.name + ", choose one of: [" +
                                        names + "]"));
    }
    container = str(containers[0], "name");
  }
  const json list1 = (*pod)["status"].value("containerStatuses", json::array());
  for (const auto& cs : list1) {
    if (str(cs, "name") != container || rr.flag("previous")) continue;
    const json& waiting = cs["state"].value("waiting", json());
    if (waiting.is_object() && cs.value("restartCount", 0) == 0 && cs.value("lastState", json::object()).empty())
      return error_response(bad_request("container \"" + container + "\" in pod \"" + rr.name +
                                        "\" is waiting to start: " + str(waiting, "reason")));
  }
  controller::log_query q;
  q.namespace_name = rr.namespace_name;
  q.pod = rr.name;
  q.container = container;
  q.previous = rr.flag("previous");
  if (auto t = rr.param("tailLines"); !t.empty()) {
    try {
      q.tail = std::stoll(t);
    } catch (const std::exception&) {
      return error_response(bad_request("invalid tailLines: " + t));
    }
  }
  auto got = ctl.logs(q);
  if (!got) {
    auto code = got.err().code;
    if (code == make_error_code(errc::not_found)) return error_response(not_found(r.group, r.plural, rr.name));
    return error_response(bad_request(got.err().message));
  }
  std::string data = (*got)["data"].get<std::string>();
  if (auto lb = rr.param("limitBytes"); !lb.empty()) {
    try {
      auto n = std::stoull(lb);
      if (data.size() > n) data.resize(n);
    } catch (const std::exception&) {
      return error_response(bad_request("invalid limitBytes: " + lb));
    }
  }
  // The previous instance has ended: following it just returns its log.
  if (!rr.flag("follow") || q.previous) return text_response(std::move(data));
  log_follow f;
  f.stream = std::make_shared<queued_stream>();
  f.query = q;
  f.query.tail.reset();
  f.offset = (*got)["offset"].get<std::uint64_t>();
  f.stream->push(std::move(data));
  bool running = (*got)["running"].get<bool>();
  std::uint64_t end = (*got)["end"].get<std::uint64_t>();
  if (!running && f.offset >= end) {
    f.stream->finish();
  } else {
    std::lock_guard lock(follows_mutex);
    follows.push_back(f);
  }
  core::response resp;
  resp.headers.add("Content-Type", "text/plain");
  resp.stream = f.stream;
  return resp;
}

void kube_api::impl::poll_follows() {
  std::vector<log_follow> open;
  {
    std::lock_guard lock(follows_mutex);
    open = follows;
  }
  std::vector<std::shared_ptr<queued_stream>> ended;
  std::map<queued_stream*, std::uint64_t> offsets;
  for (auto& f : open) {
    if (f.stream->finished()) {
      ended.push_back(f.stream);
      continue;
    }
    auto q = f.query;
    q.since_offset = f.offset;
    auto got = ctl.logs(q);
    if (!got) {
      f.stream->finish();  // the pod is gone
      ended.push_back(f.stream);
      continue;
    }
    f.stream->push((*got)["data"].get<std::string>());
    std::uint64_t next = (*got)["offset"].get<std::uint64_t>();
    offsets[f.stream.get()] = next;
    if (!(*got)["running"].get<bool>() && next >= (*got)["end"].get<std::uint64_t>()) {
      f.stream->finish();
      ended.push_back(f.stream);
    }
  }
  std::lock_guard lock(follows_mutex);
  for (auto it = follows.begin(); it != follows.end();) {
    if (std::find(ended.begin(), ended.end(), it->stream) != ended.end()) {
      it = follows.erase(it);
      continue;
    }
    if (auto o = offsets.find(it->stream.get()); o != offsets.end()) it->offset = o->second;
    ++it;
  }
}

}  // namespace hayloft::orchestrator::kube
