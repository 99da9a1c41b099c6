#include "consumer/docstore/document_store.h"

#include <future>

namespace hayloft::consumer {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "docstore"; }
  std::string message(int c) const override {
    switch (static_cast<docstore_errc>(c)) {
      case docstore_errc::ok: return "ok";
      case docstore_errc::dimension_mismatch: return "vector dimension does not match the index";
      case docstore_errc::model_mismatch: return "the index holds vectors of another embedder";
      case docstore_errc::unknown_index: return "no such index";
      case docstore_errc::unavailable: return "the document store is unavailable";
      case docstore_errc::schema_too_new: return "the document store's schema is newer than this hayloft";
      case docstore_errc::superseded: return "a newer version of the object is already indexed";
    }
    return "docstore error";
  }
};

}  // namespace

const std::error_category& docstore_category() {
  static const category c;
  return c;
}
std::error_code make_error_code(docstore_errc e) { return {static_cast<int>(e), docstore_category()}; }

result<void> document_store::replace_sync(const source_ref& src, std::string model, std::vector<chunk_record> chunks) {
  std::promise<result<void>> p;
  replace(src, std::move(model), std::move(chunks), [&p](result<void> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

}  // namespace hayloft::consumer
