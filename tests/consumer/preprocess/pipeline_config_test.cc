#include "consumer/preprocess/pipeline_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace hayloft::consumer {
namespace {

std::string source_dir() {
  const char* dir = std::getenv("HAYLOFT_SOURCE_DIR");
  return dir ? dir : ".";
}

bool has_warning(const pipeline_config& c, std::string_view needle) {
  for (const auto& w : c.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

// The reference application's pipelines/pipeline.yaml (copy of the shared testdata).
TEST(PipelineConfig, ReadsTheReferencePipeline) {
  auto r = load_pipeline_yaml(source_dir() + "/tests/consumer/fixtures/pipeline.yaml");
  ASSERT_TRUE(r.ok()) << r.err().message;
  const auto& c = *r;
  EXPECT_EQ(c.version, "1.15.1");
  EXPECT_EQ(c.pipeline_name, "indexing");
  ASSERT_EQ(c.indexing_nodes.size(), 5u);
  EXPECT_EQ(c.indexing_nodes[0].name, "FileTypeClassifier");
  EXPECT_EQ(c.indexing_nodes[1].type, "TextConverter");
  EXPECT_EQ(c.indexing_nodes[2].type, "PDFToTextConverter");
  EXPECT_EQ(c.indexing_nodes[3].type, "PreProcessor");
  EXPECT_EQ(c.indexing_nodes[3].inputs,
            (std::vector<std::string>{"TextConverter", "PDFConverter"}));
  EXPECT_EQ(c.indexing_nodes[4].type, "EmbeddingRetriever");
  EXPECT_TRUE(c.has_node_type("PDFToTextConverter"));

  EXPECT_EQ(c.classifier_types, (std::vector<std::string>{"txt", "pdf", "md", "docx", "html"}));
  ASSERT_EQ(c.routes.size(), 2u);
  EXPECT_EQ(c.routes[0].file_type, "txt");
  EXPECT_EQ(c.routes[0].node, "TextConverter");
  EXPECT_EQ(c.routes[1].file_type, "pdf");
  EXPECT_EQ(c.routes[1].node, "PDFConverter");

  ASSERT_TRUE(c.preprocessor.has_value());
  EXPECT_EQ(c.preprocessor->split_by, split_unit::word);
  EXPECT_EQ(c.preprocessor->split_length, 250);
  EXPECT_EQ(c.preprocessor->split_overlap, 20);
  EXPECT_TRUE(c.preprocessor->split_respect_sentence_boundary);
  EXPECT_EQ(c.preprocessor->language, "en");
  EXPECT_TRUE(c.preprocessor->clean_whitespace);
  EXPECT_TRUE(c.preprocessor->clean_empty_lines);
  EXPECT_FALSE(c.preprocessor->clean_header_footer);

  EXPECT_EQ(c.retriever_top_k, 3);
  EXPECT_TRUE(has_warning(c, "multi-qa-mpnet-base-dot-v1")) << "embedding model replacement";
  EXPECT_EQ(c.warnings.size(), 1u);
}

TEST(PipelineConfig, HaystackDefaultsFillOmittedParameters) {
  auto r = parse_pipeline_yaml(R"(
components:
  - name: P
    type: PreProcessor
  - name: R
    type: EmbeddingRetriever
pipelines:
  - name: indexing
    nodes:
      - name: P
        inputs: [File]
)");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->preprocessor->split_length, 200);
  EXPECT_EQ(r->preprocessor->split_overlap, 0);
  EXPECT_EQ(r->retriever_top_k, 10);
}

TEST(PipelineConfig, AllPreProcessorParameters) {
  auto r = parse_pipeline_yaml(R"(
components:
  - name: Pre
    type: PreProcessor
    params:
      clean_whitespace: false
      clean_empty_lines: no
      clean_header_footer: yes
      remove_substrings: ["CONFIDENTIAL", "Page"]
      split_by: passage
      split_length: 3
      split_overlap: 1
      split_respect_sentence_boundary: false
      add_page_number: true
pipelines:
  - name: indexing
    nodes:
      - name: Pre
        inputs: [File]
)");
  ASSERT_TRUE(r.ok()) << r.err().message;
  const auto& p = *r->preprocessor;
  EXPECT_FALSE(p.clean_whitespace);
  EXPECT_FALSE(p.clean_empty_lines);
  EXPECT_TRUE(p.clean_header_footer);
  EXPECT_EQ(p.remove_substrings, (std::vector<std::string>{"CONFIDENTIAL", "Page"}));
  EXPECT_EQ(p.split_by, split_unit::passage);
  EXPECT_EQ(p.split_length, 3);
  EXPECT_EQ(p.split_overlap, 1);
  EXPECT_FALSE(p.split_respect_sentence_boundary);
  EXPECT_TRUE(p.add_page_number);
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_FALSE(r->retriever_top_k.has_value());
}

TEST(PipelineConfig, UnknownNodeTypeIsAWarningNotSilence) {
  auto r = parse_pipeline_yaml(R"(
components:
  - name: Classifier
    type: FileTypeClassifier
  - name: Docx
    type: DocxToTextConverter
  - name: Text
    type: TextConverter
    params:
      remove_numeric_tables: true
      colour: blue
  - name: Pre
    type: PreProcessor
    params:
      language: de
  - name: Store
    type: ElasticsearchDocumentStore
pipelines:
  - name: indexing
    nodes:
      - name: Classifier
        inputs: [File]
      - name: Text
        inputs: [Classifier.output_1]
      - name: Docx
        inputs: [Classifier.output_4]
      - name: Pre
        inputs: [Text, Docx]
      - name: Store
        inputs: [Pre]
)");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_TRUE(has_warning(*r, "unknown node type 'DocxToTextConverter'"));
  EXPECT_TRUE(has_warning(*r, "unknown parameter 'colour'"));
  EXPECT_TRUE(has_warning(*r, "remove_numeric_tables is not supported"));
  EXPECT_TRUE(has_warning(*r, "language 'de'"));
  EXPECT_TRUE(has_warning(*r, "replaced by hayloft's document store"));
  ASSERT_EQ(r->routes.size(), 2u);
  EXPECT_EQ(r->routes[1].file_type, "docx");
  EXPECT_EQ(r->indexing_nodes.size(), 5u);
}

TEST(PipelineConfig, PipelineFedByFileIsFoundWithoutTheName) {
  auto r = parse_pipeline_yaml(R"(
components:
  - name: P
    type: PreProcessor
pipelines:
  - name: ingest
    nodes:
      - name: P
        inputs: [File]
)");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r->pipeline_name, "ingest");
  EXPECT_TRUE(has_warning(*r, "no pipeline named 'indexing'"));
}

struct bad_case {
  const char* name;
  const char* yaml;
  preprocess_errc code;
  const char* message_part;
};

class BadPipeline : public ::testing::TestWithParam<bad_case> {};

TEST_P(BadPipeline, IsRejectedWithAReason) {
  const auto& c = GetParam();
  auto r = parse_pipeline_yaml(c.yaml);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), c.code);
  EXPECT_NE(r.err().message.find(c.message_part), std::string::npos) << r.err().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadPipeline,
    ::testing::Values(
        bad_case{"Syntax", "components: [\n  - name: x\n", preprocess_errc::invalid_pipeline,
                 "YAML syntax error at line"},
        bad_case{"NotAMap", "- a\n- b\n", preprocess_errc::invalid_pipeline, "top level"},
        bad_case{"NoComponents", "pipelines: []\n", preprocess_errc::invalid_pipeline,
                 "'components'"},
        bad_case{"UndefinedNode",
                 "components: []\npipelines:\n  - name: indexing\n    nodes:\n      - name: X\n"
                 "        inputs: [File]\n",
                 preprocess_errc::invalid_pipeline, "not defined under components"},
        bad_case{"InputOutOfOrder",
                 "components:\n  - {name: A, type: TextConverter}\n  - {name: B, type: "
                 "PreProcessor}\npipelines:\n  - name: indexing\n    nodes:\n      - name: B\n"
                 "        inputs: [A]\n      - name: A\n        inputs: [File]\n",
                 preprocess_errc::invalid_pipeline, "not File, Query or an earlier node"},
        bad_case{"NoIndexingPipeline",
                 "components:\n  - {name: R, type: EmbeddingRetriever}\npipelines:\n  - name: "
                 "query\n    nodes:\n      - name: R\n        inputs: [Query]\n",
                 preprocess_errc::invalid_pipeline, "no indexing pipeline"},
        bad_case{"SplitLengthNotANumber",
                 "components:\n  - name: P\n    type: PreProcessor\n    params:\n      "
                 "split_length: many\npipelines:\n  - name: indexing\n    nodes:\n      - name: "
                 "P\n        inputs: [File]\n",
                 preprocess_errc::invalid_pipeline, "split_length must be an integer, got 'many'"},
        bad_case{"SplitByUnknown",
                 "components:\n  - name: P\n    type: PreProcessor\n    params:\n      "
                 "split_by: page\npipelines:\n  - name: indexing\n    nodes:\n      - name: "
                 "P\n        inputs: [File]\n",
                 preprocess_errc::invalid_pipeline, "split_by must be word, sentence or passage"},
        bad_case{"RespectNeedsWordSplit",
                 "components:\n  - name: P\n    type: PreProcessor\n    params:\n      "
                 "split_by: passage\npipelines:\n  - name: indexing\n    nodes:\n      - name: "
                 "P\n        inputs: [File]\n",
                 preprocess_errc::invalid_config, "only compatible with split_by='word'"},
        bad_case{"BoolNotBool",
                 "components:\n  - name: P\n    type: PreProcessor\n    params:\n      "
                 "clean_whitespace: maybe\npipelines:\n  - name: indexing\n    nodes:\n      - "
                 "name: P\n        inputs: [File]\n",
                 preprocess_errc::invalid_pipeline, "clean_whitespace must be true or false"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PipelineConfig, MissingFileIsAnError) {
  auto r = load_pipeline_yaml("/nonexistent/pipeline.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), preprocess_errc::invalid_pipeline);
}

}  // namespace
}  // namespace hayloft::consumer
