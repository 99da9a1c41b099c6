#include "orchestrator/kube/protobuf.h"

#include <cstdint>
#include <optional>

#include "emulator/core/hash.h"
#include "emulator/core/utf8.h"
#include "orchestrator/errc.h"

namespace hayloft::orchestrator::kube {
namespace {

struct field {
  std::uint32_t number = 0;
  std::uint32_t wire = 0;
  std::uint64_t varint = 0;
  std::string_view bytes;
};

// Iterates the fields of one message; `ok` turns false on malformed input.
class reader {
 public:
  explicit reader(std::string_view data) : data_(data) {}
  bool ok = true;

  std::optional<field> next() {
    if (pos_ >= data_.size() || !ok) return std::nullopt;
    auto key = varint();
    if (!key) return fail();
    field f;
    f.number = static_cast<std::uint32_t>(*key >> 3);
    f.wire = static_cast<std::uint32_t>(*key & 7);
    switch (f.wire) {
      case 0: {
        auto v = varint();
        if (!v) return fail();
        f.varint = *v;
        break;
      }
      case 1:
        if (data_.size() - pos_ < 8) return fail();
        pos_ += 8;
        break;
      case 2: {
        auto len = varint();
        if (!len || *len > data_.size() - pos_) return fail();
        f.bytes = data_.substr(pos_, static_cast<std::size_t>(*len));
        pos_ += static_cast<std::size_t>(*len);
        break;
      }
      case 5:
        if (data_.size() - pos_ < 4) return fail();
        pos_ += 4;
        break;
      default: return fail();
    }
    return f;
  }

 private:
  std::optional<field> fail() {
    ok = false;
    return std::nullopt;
  }
  std::optional<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return std::nullopt;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

// map<string, string|bytes> entry: key = 1, value = 2.
bool map_entry(std::string_view entry, json& into, bool bytes_value) {
  reader r(entry);
  std::string key, value;
  while (auto f = r.next()) {
    if (f->number == 1 && f->wire == 2) key = f->bytes;
    if (f->number == 2 && f->wire == 2) value = f->bytes;
  }
  if (!r.ok) return false;
  // Strings that are not UTF-8 reach clients as Go's JSON encoder writes them (U+FFFD).
  into[core::coerce_utf8(key)] = bytes_value ? core::base64_encode(value) : core::coerce_utf8(value);
  return true;
}

bool object_meta(std::string_view data, json& md) {
  reader r(data);
  while (auto f = r.next()) {
    if (f->wire != 2) continue;
    switch (f->number) {
      case 1: if (!f->bytes.empty()) md["name"] = core::coerce_utf8(f->bytes); break;
      case 2: if (!f->bytes.empty()) md["generateName"] = core::coerce_utf8(f->bytes); break;
      case 3: if (!f->bytes.empty()) md["namespace"] = core::coerce_utf8(f->bytes); break;
      case 11: if (!map_entry(f->bytes, md["labels"], false)) return false; break;
      case 12: if (!map_entry(f->bytes, md["annotations"], false)) return false; break;
      case 14: md["finalizers"].push_back(core::coerce_utf8(f->bytes)); break;
      default: break;
    }
  }
  return r.ok;
}

error malformed() { return error{make_error_code(errc::bad_request), "the protobuf body of the request is malformed"}; }

}  // namespace

bool is_protobuf_body(std::string_view content_type) {
  return content_type.find("application/vnd.kubernetes.protobuf") != std::string_view::npos;
}

result<json> decode_protobuf(std::string_view body) {
  static constexpr std::string_view magic{"k8s\0", 4};
  if (body.substr(0, 4) != magic) return malformed();
  reader envelope(body.substr(4));
  std::string api_version, kind;
  std::string_view raw;
  while (auto f = envelope.next()) {
    if (f->number == 1 && f->wire == 2) {
      reader tm(f->bytes);
      while (auto t = tm.next()) {
        if (t->number == 1 && t->wire == 2) api_version = t->bytes;
        if (t->number == 2 && t->wire == 2) kind = t->bytes;
      }
      if (!tm.ok) return malformed();
    } else if (f->number == 2 && f->wire == 2) {
      raw = f->bytes;
    }
  }
  if (!envelope.ok) return malformed();
  if (api_version != "v1" || (kind != "Namespace" && kind != "Secret" && kind != "ConfigMap"))
    return error{make_error_code(errc::not_found), "hayloft decodes protobuf bodies of v1 Namespace, Secret and ConfigMap only, not " +
                                                       core::escape_invalid_utf8(api_version) + " " +
                                                       core::escape_invalid_utf8(kind) + "; send JSON"};
  json obj{{"apiVersion", api_version}, {"kind", kind}, {"metadata", json::object()}};
  reader r(raw);
  while (auto f = r.next()) {
    if (f->number == 1 && f->wire == 2) {
      if (!object_meta(f->bytes, obj["metadata"])) return malformed();
      continue;
    }
    if (kind == "Secret") {
      if (f->number == 2 && f->wire == 2 && !map_entry(f->bytes, obj["data"], true)) return malformed();
      if (f->number == 3 && f->wire == 2 && !f->bytes.empty()) obj["type"] = core::coerce_utf8(f->bytes);
      if (f->number == 4 && f->wire == 2 && !map_entry(f->bytes, obj["stringData"], false)) return malformed();
      if (f->number == 5 && f->wire == 0) obj["immutable"] = f->varint != 0;
    } else if (kind == "ConfigMap") {
      if (f->number == 2 && f->wire == 2 && !map_entry(f->bytes, obj["data"], false)) return malformed();
      if (f->number == 3 && f->wire == 2 && !map_entry(f->bytes, obj["binaryData"], true)) return malformed();
      if (f->number == 4 && f->wire == 0) obj["immutable"] = f->varint != 0;
    } else if (kind == "Namespace" && f->number == 2 && f->wire == 2) {
      reader spec(f->bytes);
      while (auto s = spec.next())
        if (s->number == 1 && s->wire == 2) obj["spec"]["finalizers"].push_back(core::coerce_utf8(s->bytes));
      if (!spec.ok) return malformed();
    }
  }
  if (!r.ok) return malformed();
  return obj;
}

}  // namespace hayloft::orchestrator::kube
