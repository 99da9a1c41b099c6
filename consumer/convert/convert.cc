#include "consumer/convert/convert.h"

#include "consumer/convert/archive.h"
#include "consumer/convert/html.h"
#include "consumer/convert/markdown.h"
#include "consumer/convert/pdf.h"
#include "consumer/convert/text_decode.h"

namespace hayloft::consumer {
namespace {

struct context {
  const convert_limits& limits;
  unpack_budget budget;
  conversion out;
};

// Errors that condemn the whole object even when raised deep inside an archive.
bool fatal_in_archive(const error& e) {
  return e.code == convert_errc::archive_too_large || e.code == convert_errc::compression_ratio;
}

void add_doc(context& ctx, std::string text, const std::string& member, file_type type,
             std::optional<int> page = std::nullopt) {
  ctx.out.docs.push_back({std::move(text), doc_meta{member, page, mime_type(type)}});
}

result<void> convert_one(context& ctx, std::string_view name, const std::string& member,
                         std::string_view bytes, int archive_level);

result<void> convert_archive(context& ctx, std::string_view name, const std::string& member,
                             std::string_view bytes, int archive_level) {
  auto visit = [&](const std::string& label, std::string_view member_name,
                   std::string data) -> result<void> {
    auto r = convert_one(ctx, member_name, label, data, archive_level + 1);
    if (r.ok()) return r;
    if (fatal_in_archive(r.err())) return r.err();
    ctx.out.skipped.push_back({label, r.err().code, r.err().message});
    return {};
  };
  return read_archive(name, member, bytes, ctx.budget, ctx.out.skipped, visit);
}

result<void> convert_one(context& ctx, std::string_view name, const std::string& member,
                         std::string_view bytes, int archive_level) {
  const file_type type = classify(name, bytes);
  switch (type) {
    case file_type::text: {
      auto d = decode_text(bytes);
      if (!d) return d.err();
      add_doc(ctx, std::move(d->text), member, type);
      return {};
    }
    case file_type::markdown: {
      auto d = decode_text(bytes);
      if (!d) return d.err();
      add_doc(ctx, markdown_to_text(d->text), member, type);
      return {};
    }
    case file_type::html: {
      auto t = html_to_text(bytes);
      if (!t) return t.err();
      add_doc(ctx, std::move(*t), member, type);
      return {};
    }
    case file_type::pdf: {
      auto pages = pdf_to_pages(bytes, ctx.limits.max_pdf_pages);
      if (!pages) return pages.err();
      for (size_t i = 0; i < pages->size(); ++i) {
        add_doc(ctx, std::move((*pages)[i]), member, type, static_cast<int>(i + 1));
      }
      return {};
    }
    case file_type::zip:
    case file_type::tar:
    case file_type::compressed:
      if (archive_level > ctx.limits.max_archive_depth) {
        return error{make_error_code(convert_errc::unsupported_type),
                     "nested archive deeper than " + std::to_string(ctx.limits.max_archive_depth) +
                         " level(s) not opened"};
      }
      return convert_archive(ctx, name, member, bytes, archive_level);
    case file_type::unknown:
      break;
  }
  return error{
      make_error_code(convert_errc::unsupported_type),
      "unsupported type: '" + std::string(name) + "' is not text, Markdown, HTML, PDF, ZIP or tar"};
}

}  // namespace

result<conversion> convert(std::string_view filename, std::string_view bytes,
                           const convert_limits& limits) {
  if (bytes.size() > limits.max_input_bytes) {
    return error{make_error_code(convert_errc::input_too_large),
                 "input too large: " + std::to_string(bytes.size()) + " bytes, limit is " +
                     std::to_string(limits.max_input_bytes)};
  }
  context ctx{limits, unpack_budget{limits}, {}};
  auto r = convert_one(ctx, filename, std::string(), bytes, 0);
  if (!r) return r.err();
  return std::move(ctx.out);
}

}  // namespace hayloft::consumer
