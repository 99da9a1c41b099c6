#pragma once
// Loads the PDF plugin (libhayloft_pdf.so, the only code linking poppler) on first use and calls
// it through the C ABI of pdf_plugin_abi.h. The plugin is looked for next to the executable
// (<dir of /proc/self/exe>/../lib/hayloft/libhayloft_pdf.so, the build and install layout) and
// then at the path CMake baked in (for test binaries elsewhere in the build tree).
#include <filesystem>
#include <string>
#include <vector>

#include "consumer/convert/pdf_plugin_abi.h"
#include "emulator/core/result.h"

namespace hayloft::consumer {

class pdf_plugin {
 public:
  // dlopen(path, RTLD_NOW | RTLD_LOCAL) and resolve the ABI. Errors (convert_errc::
  // pdf_unavailable): no such file, not a loadable library, a symbol missing, another ABI
  // version. The library stays loaded for the life of the process (never dlclose()d).
  static result<pdf_plugin> open(const std::filesystem::path& path);

  // The process-wide plugin, loaded once (std::call_once) on the first call; later calls return
  // the same plugin or the same error. Thread-safe.
  static result<const pdf_plugin*> shared();

  // Where shared() looks, in order; the first path that exists is the one loaded.
  static std::vector<std::filesystem::path> candidates();

  const std::filesystem::path& path() const { return path_; }
  hayloft_pdf_extract_fn extract() const { return extract_; }

 private:
  std::filesystem::path path_;
  hayloft_pdf_extract_fn extract_ = nullptr;
};

}  // namespace hayloft::consumer
