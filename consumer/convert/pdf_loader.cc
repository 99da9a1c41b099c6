#include "consumer/convert/pdf_loader.h"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <system_error>

#include "consumer/convert/errc.h"

#ifndef HAYLOFT_PDF_PLUGIN_PATH
#error "HAYLOFT_PDF_PLUGIN_PATH must name the built libhayloft_pdf.so"
#endif

namespace hayloft::consumer {
namespace {

constexpr const char* plugin_name = "libhayloft_pdf.so";

error unavailable(std::string why) {
  return error{make_error_code(convert_errc::pdf_unavailable),
               "pdf support unavailable: " + std::move(why)};
}

std::string dl_error() {
  const char* e = dlerror();
  return e ? e : "unknown dlopen error";
}

}  // namespace

result<pdf_plugin> pdf_plugin::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return unavailable("no plugin at " + path.string());
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return unavailable("cannot load " + path.string() + ": " + dl_error());
  auto version = reinterpret_cast<hayloft_pdf_abi_version_fn>(dlsym(handle, "hayloft_pdf_abi_version"));
  auto extract = reinterpret_cast<hayloft_pdf_extract_fn>(dlsym(handle, "hayloft_pdf_extract"));
  if (!version || !extract) {
    dlclose(handle);
    return unavailable(path.string() + " is not a hayloft PDF plugin (hayloft_pdf_abi_version or "
                                       "hayloft_pdf_extract missing)");
  }
  if (const int v = version(); v != HAYLOFT_PDF_ABI_VERSION) {
    dlclose(handle);
    return unavailable(path.string() + " speaks plugin ABI " + std::to_string(v) + ", this hayloft needs " +
                       std::to_string(HAYLOFT_PDF_ABI_VERSION) + " (rebuild it with this hayloft)");
  }
  pdf_plugin p;
  p.path_ = path;
  p.extract_ = extract;
  return p;
}

std::vector<std::filesystem::path> pdf_plugin::candidates() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((exe.parent_path() / ".." / "lib" / "hayloft" / plugin_name).lexically_normal());
  std::filesystem::path baked = HAYLOFT_PDF_PLUGIN_PATH;
  if (out.empty() || out.front() != baked.lexically_normal()) out.push_back(baked);
  return out;
}

result<const pdf_plugin*> pdf_plugin::shared() {
  static std::once_flag once;
  static std::optional<result<pdf_plugin>> loaded;
  std::call_once(once, [] {
    std::string tried;
    for (const auto& path : candidates()) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) {
        loaded.emplace(open(path));
        return;
      }
      tried += (tried.empty() ? "" : ", ") + path.string();
    }
    loaded.emplace(unavailable(std::string(plugin_name) + " not found (looked at " + tried + ")"));
  });
  if (!loaded->ok()) return loaded->err();
  return &loaded->value();
}

}  // namespace hayloft::consumer
