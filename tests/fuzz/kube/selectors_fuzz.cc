// Label and field selectors from a list's query string. Properties: parsing never throws; a
// label selector's error message is valid UTF-8 (values are quoted as Go quotes them); a parsed
// selector evaluates against objects without throwing, and every key it kept is a valid label
// key (so the messages built from it stay printable).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emulator/core/utf8.h"
#include "orchestrator/kube/selectors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  using namespace hayloft::orchestrator::kube;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  static const json objects[] = {
      json::parse(R"({"metadata":{"name":"a","namespace":"n","labels":{"app":"web","tier":"x"}},"status":{"phase":"Running"}})"),
      json::parse(R"({"metadata":{"name":"b","labels":null},"spec":{"nodeName":"hayloft","replicas":3}})"),
      json::parse(R"({"metadata":"odd","involvedObject":{"kind":"Pod","uid":"u"}})"),
  };
  auto l = parse_label_selector(in);
  if (!l) {
    if (!hayloft::core::valid_utf8(l.err().message)) std::abort();
  } else {
    for (const auto& r : l->requirements)
      if (!hayloft::core::valid_utf8(r.key) || r.key.empty()) std::abort();
    for (const auto& o : objects) (void)l->matches(o.is_object() && o.contains("metadata") && o["metadata"].is_object()
                                                       ? o["metadata"].value("labels", json())
                                                       : json());
  }
  auto f = parse_field_selector(in);
  if (f) {
    for (const auto& o : objects) (void)f->matches(o);
    (void)f->pinned_name();
  }
  return 0;
}
