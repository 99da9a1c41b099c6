#include "emulator/app/config.h"

#include <yaml-cpp/yaml.h>

namespace hayloft::app {

result<config> load_config(const std::filesystem::path& path) {
  config out;
  if (path.empty()) return out;
  auto fail = [&](const std::string& what) {
    return hayloft::error{std::make_error_code(std::errc::invalid_argument), path.string() + ": " + what};
  };
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    return fail(e.what());
  }
  if (!root.IsNull() && !root.IsMap()) return fail("expected a mapping at the top level");
  auto creds = http::auth::load_credentials(root);
  if (!creds.ok()) return fail(creds.err().message);
  out.credentials = std::move(creds).value();
  if (auto images = root["images"]) {
    if (!images.IsMap()) return fail("images: expected a mapping of image -> built-in workload");
    for (const auto& kv : images) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar()) return fail("images: entries must be strings");
      out.images[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  if (auto p = root["pipeline"]) {
    if (!p.IsScalar()) return fail("pipeline: expected a path");
    std::filesystem::path pp = p.as<std::string>();
    out.pipeline = pp.is_relative() ? path.parent_path() / pp : pp;
  }
  if (auto d = root["docstore"]) {
    if (!d.IsScalar()) return fail("docstore: expected sqlite or a postgresql:// connection string");
    out.docstore = d.as<std::string>();
  }
  return out;
}

}  // namespace hayloft::app
