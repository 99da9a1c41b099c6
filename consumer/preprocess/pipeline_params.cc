#include "consumer/preprocess/pipeline_params.h"

#include <algorithm>
#include <array>

#include "consumer/preprocess/errc.h"

namespace hayloft::consumer::pipeline_params {
namespace {

error bad(const component& c, std::string_view param, std::string_view expected,
          const YAML::Node& value) {
  std::string got = value.IsScalar() ? "'" + value.Scalar() + "'" : "a non-scalar value";
  return {make_error_code(preprocess_errc::invalid_pipeline),
          c.type + " '" + c.name + "': parameter " + std::string(param) + " must be " +
              std::string(expected) + ", got " + got};
}

YAML::Node param(const component& c, const char* name) {
  if (!c.params || !c.params.IsMap()) return YAML::Node();
  return c.params[name];
}

result<std::optional<bool>> get_bool(const component& c, const char* name) {
  auto v = param(c, name);
  if (!v || v.IsNull()) return std::optional<bool>();
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out))
    return bad(c, name, "true or false", v);
  return std::optional<bool>(out);
}

result<std::optional<int>> get_int(const component& c, const char* name) {
  auto v = param(c, name);
  if (!v || v.IsNull()) return std::optional<int>();
  int out = 0;
  if (!v.IsScalar() || !YAML::convert<int>::decode(v, out)) return bad(c, name, "an integer", v);
  return std::optional<int>(out);
}

result<std::optional<std::string>> get_string(const component& c, const char* name) {
  auto v = param(c, name);
  if (!v || v.IsNull()) return std::optional<std::string>();
  if (!v.IsScalar()) return bad(c, name, "a string", v);
  return std::optional<std::string>(v.Scalar());
}

result<std::vector<std::string>> get_strings(const component& c, const char* name) {
  auto v = param(c, name);
  std::vector<std::string> out;
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) return bad(c, name, "a list of strings", v);
  for (const auto& item : v) {
    if (!item.IsScalar()) return bad(c, name, "a list of strings", item);
    out.push_back(item.Scalar());
  }
  return out;
}

struct param_list {
  std::string_view type;
  std::vector<std::string_view> params;
};

const std::vector<param_list>& param_lists() {
  static const std::vector<param_list> lists = {
      {"FileTypeClassifier", {"supported_types", "full_analysis"}},
      {"TextConverter",
       {"remove_numeric_tables", "valid_languages", "id_hash_keys", "progress_bar"}},
      {"PDFToTextConverter",
       {"remove_numeric_tables", "valid_languages", "id_hash_keys", "encoding",
        "keep_physical_layout", "sort_by_position", "ocr", "ocr_language", "multiprocessing"}},
      {"MarkdownConverter",
       {"remove_numeric_tables", "valid_languages", "id_hash_keys", "progress_bar",
        "remove_code_snippets", "extract_headlines", "add_frontmatter_to_meta"}},
      {"PreProcessor",
       {"clean_whitespace", "clean_header_footer", "clean_empty_lines", "remove_substrings",
        "split_by", "split_length", "split_overlap", "split_respect_sentence_boundary",
        "tokenizer_model_folder", "language", "id_hash_keys", "progress_bar", "add_page_number",
        "max_chars_check"}},
      {"EmbeddingRetriever",
       {"document_store",       "embedding_model", "model_version",         "use_gpu",
        "batch_size",           "max_seq_len",     "model_format",          "pooling_strategy",
        "emb_extraction_layer", "top_k",           "progress_bar",          "devices",
        "use_auth_token",       "scale_score",     "embed_meta_fields",     "api_key",
        "azure_api_version",    "azure_base_url",  "azure_deployment_name", "openai_organization"}},
  };
  return lists;
}

bool is_document_store(std::string_view type) { return type.ends_with("DocumentStore"); }

}  // namespace

bool known_type(std::string_view type) {
  const auto& lists = param_lists();
  return is_document_store(type) ||
         std::any_of(lists.begin(), lists.end(), [&](const auto& l) { return l.type == type; });
}

bool known_param(std::string_view type, std::string_view p) {
  for (const auto& l : param_lists()) {
    if (l.type == type) return std::find(l.params.begin(), l.params.end(), p) != l.params.end();
  }
  return true;
}

result<preprocessor_config> read_preprocessor(const component& c,
                                              std::vector<std::string>& warnings) {
  preprocessor_config cfg = haystack_defaults();
  auto set_bool = [&](const char* name, bool& field) -> result<void> {
    auto v = get_bool(c, name);
    if (!v) return v.err();
    if (*v) field = **v;
    return {};
  };
  HAYLOFT_TRY(set_bool("clean_whitespace", cfg.clean_whitespace));
  HAYLOFT_TRY(set_bool("clean_header_footer", cfg.clean_header_footer));
  HAYLOFT_TRY(set_bool("clean_empty_lines", cfg.clean_empty_lines));
  HAYLOFT_TRY(set_bool("split_respect_sentence_boundary", cfg.split_respect_sentence_boundary));
  HAYLOFT_TRY(set_bool("add_page_number", cfg.add_page_number));

  auto subs = get_strings(c, "remove_substrings");
  if (!subs) return subs.err();
  cfg.remove_substrings = std::move(*subs);

  auto split_by = param(c, "split_by");
  if (split_by && !split_by.IsNull()) {
    if (!split_by.IsScalar()) return bad(c, "split_by", "word, sentence or passage", split_by);
    const std::string& s = split_by.Scalar();
    if (s == "word")
      cfg.split_by = split_unit::word;
    else if (s == "sentence")
      cfg.split_by = split_unit::sentence;
    else if (s == "passage")
      cfg.split_by = split_unit::passage;
    else
      return bad(c, "split_by", "word, sentence or passage", split_by);
  } else if (split_by && split_by.IsNull()) {
    cfg.split_by = split_unit::none;  // split_by: null disables splitting, as in Haystack
  }

  auto length = get_int(c, "split_length");
  if (!length) return length.err();
  if (*length) cfg.split_length = **length;
  auto overlap = get_int(c, "split_overlap");
  if (!overlap) return overlap.err();
  if (*overlap) cfg.split_overlap = **overlap;

  auto language = get_string(c, "language");
  if (!language) return language.err();
  if (*language) cfg.language = **language;
  if (cfg.language != "en" && cfg.language != "english") {
    warnings.push_back(c.type + " '" + c.name + "': language '" + cfg.language +
                       "' is split into sentences with hayloft's English rules");
  }
  auto folder = param(c, "tokenizer_model_folder");
  if (folder && !folder.IsNull()) {
    warnings.push_back(c.type + " '" + c.name +
                       "': tokenizer_model_folder is ignored (hayloft uses its rule-based "
                       "sentence splitter, not NLTK punkt models)");
  }

  auto valid = validate(cfg);
  if (!valid) {
    return error{valid.err().code, c.type + " '" + c.name + "': " + valid.err().message};
  }
  return cfg;
}

result<std::vector<std::string>> read_supported_types(const component& c) {
  auto v = param(c, "supported_types");
  if (!v || v.IsNull()) return std::vector<std::string>{"txt", "pdf", "md", "docx", "html"};
  return get_strings(c, "supported_types");
}

result<int> read_top_k(const component& c) {
  auto k = get_int(c, "top_k");
  if (!k) return k.err();
  if (!*k) return 10;
  if (**k < 1) return bad(c, "top_k", "a positive integer", param(c, "top_k"));
  return **k;
}

void note_ignored_settings(const component& c, std::vector<std::string>& warnings) {
  auto prefix = c.type + " '" + c.name + "': ";
  if (c.type == "EmbeddingRetriever") {
    if (auto model = param(c, "embedding_model"); model && model.IsScalar()) {
      warnings.push_back(prefix + "embedding_model '" + model.Scalar() +
                         "' is replaced by hayloft's configured embedder");
    }
    return;
  }
  if (is_document_store(c.type)) {
    warnings.push_back(prefix + "replaced by hayloft's document store in state.db");
    return;
  }
  auto flag_on = [&](const char* name) {
    auto v = get_bool(c, name);
    return v.ok() && v->value_or(false);
  };
  for (const char* name : {"remove_numeric_tables", "keep_physical_layout", "sort_by_position",
                           "extract_headlines", "add_frontmatter_to_meta"}) {
    if (known_param(c.type, name) && flag_on(name)) {
      warnings.push_back(prefix + std::string(name) +
                         " is not supported by hayloft and is ignored");
    }
  }
  if (auto ocr = param(c, "ocr"); ocr && !ocr.IsNull()) {
    warnings.push_back(prefix + "ocr is not supported by hayloft and is ignored");
  }
  auto langs = param(c, "valid_languages");
  if (langs && langs.IsSequence() && langs.size() > 0) {
    warnings.push_back(prefix + "valid_languages is not checked by hayloft");
  }
  if (c.type == "MarkdownConverter") {
    auto v = get_bool(c, "remove_code_snippets");
    if (v.ok() && v->value_or(true)) {
      warnings.push_back(prefix + "remove_code_snippets is not honoured: hayloft keeps code");
    }
  }
}

}  // namespace hayloft::consumer::pipeline_params
