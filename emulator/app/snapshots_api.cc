// The admin API of snapshots (emulator/app/snapshots.h):
//   GET    /_hayloft/snapshots                 -> {"snapshots": [info...]}
//   POST   /_hayloft/snapshots  {"name": "x"}  -> 201 info
//   GET    /_hayloft/snapshots/NAME            -> info
//   POST   /_hayloft/snapshots/NAME/restore    -> {"restored", "path", "taken", "ms"}
//   DELETE /_hayloft/snapshots/NAME            -> {"removed": NAME}
#include <nlohmann/json.hpp>

#include "emulator/app/admin.h"
#include "emulator/app/snapshots.h"

namespace hayloft::app {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

core::response error_response(const hayloft::error& e) {
  if (e.code.category() != snapshot_category()) return json_error(500, "InternalError", e.message);
  switch (static_cast<snapshot_errc>(e.code.value())) {
    case snapshot_errc::invalid_name: return json_error(400, "InvalidSnapshotName", e.message);
    case snapshot_errc::not_found: return json_error(404, "NoSuchSnapshot", e.message);
    case snapshot_errc::incompatible: return json_error(409, "IncompatibleSnapshot", e.message);
    case snapshot_errc::busy: return json_error(503, "SnapshotBusy", e.message);
    case snapshot_errc::ok:
    case snapshot_errc::io: break;
  }
  return json_error(500, "InternalError", e.message);
}

json describe(const snapshot_info& s) {
  json j = {{"name", s.name}, {"path", s.path.string()}, {"compatible", s.compatible}};
  for (const char* k : {"hayloft", "created", "clock", "bytes", "blobs", "schemas"})
    if (s.manifest.contains(k)) j[k] = s.manifest[k];
  if (!s.problem.empty()) j["problem"] = s.problem;
  return j;
}

}  // namespace

void snapshot_manager::handle(core::request req, core::completion done, core::task_runner& blocking) {
  // "/_hayloft/snapshots[/NAME[/restore]]"
  std::string_view rest = req.path;
  rest.remove_prefix(std::min(rest.size(), std::string_view("/_hayloft/snapshots").size()));
  if (rest.starts_with("/")) rest.remove_prefix(1);
  auto slash = rest.find('/');
  std::string name(rest.substr(0, slash));
  std::string action(slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1));
  if (name.empty() && req.method == "POST") {
    auto body = json::parse(req.body_text(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("name") || !body["name"].is_string())
      return done(json_error(400, "BadRequest", R"(expected {"name": "seeded"})"));
    name = body["name"].get<std::string>();
    action = "save";
  } else if (name.empty()) {
    if (req.method != "GET") return done(json_error(405, "MethodNotAllowed", "GET or POST /_hayloft/snapshots"));
    action = "list";
  } else if (action.empty()) {
    if (req.method == "DELETE") action = "remove";
    else if (req.method == "GET") action = "get";
    else return done(json_error(405, "MethodNotAllowed", "GET or DELETE /_hayloft/snapshots/NAME"));
  } else if (action != "restore" || req.method != "POST") {
    return done(json_error(404, "NotFound", "no admin route " + req.path + " (POST /_hayloft/snapshots/NAME/restore)"));
  }
  blocking.post([this, name = std::move(name), action = std::move(action), done = std::move(done)] {
    if (action == "save") {
      auto r = save(name);
      return done(r.ok() ? json_response(201, dump(describe(*r))) : error_response(r.err()));
    }
    if (action == "restore") {
      auto r = restore(name);
      return done(r.ok() ? json_response(200, dump(*r)) : error_response(r.err()));
    }
    if (action == "remove") {
      auto r = remove(name);
      return done(r.ok() ? json_response(200, dump({{"removed", name}})) : error_response(r.err()));
    }
    auto all = list();
    if (!all.ok()) return done(error_response(all.err()));
    if (action == "list") {
      json items = json::array();
      for (const auto& s : *all) items.push_back(describe(s));
      return done(json_response(200, dump({{"snapshots", items}})));
    }
    for (const auto& s : *all)
      if (s.name == name) return done(json_response(200, dump(describe(s))));
    done(error_response({make_error_code(snapshot_errc::not_found), "no snapshot named \"" + name + "\""}));
  });
}

}  // namespace hayloft::app
