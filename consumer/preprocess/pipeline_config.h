#pragma once
// Reads the indexing settings out of a Haystack 1.x pipeline YAML (the reference app's
// pipelines/pipeline.yaml). Pure functions; callable from any thread; used at start-up.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/preprocess/preprocessor.h"
#include "emulator/core/result.h"

namespace hayloft::consumer {

struct pipeline_node {
  std::string name;  // the component's name, as the pipeline refers to it
  std::string type;  // its Haystack type, e.g. "PreProcessor"
  std::vector<std::string>
      inputs;  // as written: "File", "TextConverter", "FileTypeClassifier.output_1"
};

// One outgoing edge of the FileTypeClassifier: files of `file_type` ("txt", "pdf", ...) go to
// the node `node`.
struct file_route {
  std::string file_type;
  std::string node;
};

struct pipeline_config {
  std::string version;                        // the YAML's top-level "version"
  std::string pipeline_name;                  // the indexing pipeline that was read
  std::vector<pipeline_node> indexing_nodes;  // in the YAML's order, which Haystack requires to
                                              // list every node after its inputs
  // FileTypeClassifier supported_types (Haystack default: txt, pdf, md, docx, html); output_N is
  // the N-th type. Empty when the pipeline has no FileTypeClassifier.
  std::vector<std::string> classifier_types;
  std::vector<file_route> routes;  // classifier outputs that some node consumes
  // The first PreProcessor of the indexing pipeline: parameters it leaves out take Haystack's
  // defaults (haystack_defaults()). Empty when the pipeline has none (documents are not split).
  std::optional<preprocessor_config> preprocessor;
  // top_k of the query pipeline's retriever (else of any *Retriever component); Haystack's
  // default 10 when the retriever does not set it; empty without a retriever.
  std::optional<int> retriever_top_k;
  // Things a user should know: unknown node types (skipped, not silently), unknown or ignored
  // parameters, a model or document store hayloft replaces, non-English sentence splitting.
  std::vector<std::string> warnings;

  bool has_node_type(std::string_view type) const;
};

// Parses YAML text. `pipeline_name` selects the indexing pipeline; when absent, the first
// pipeline fed by "File" is used (with a warning). Errors (preprocess_errc::invalid_pipeline):
// YAML syntax (with line and column), missing components/pipelines, a node not defined under
// components, an input that is not "File"/"Query" or an earlier node, a parameter of the wrong
// type or an unknown split_by; invalid_config when the PreProcessor settings fail validate().
result<pipeline_config> parse_pipeline_yaml(std::string_view yaml,
                                            std::string_view pipeline_name = "indexing");

// Reads the file at `path` and parses it; a missing or unreadable file is invalid_pipeline.
result<pipeline_config> load_pipeline_yaml(const std::string& path,
                                           std::string_view pipeline_name = "indexing");

}  // namespace hayloft::consumer
