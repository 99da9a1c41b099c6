// The KServe v2 protocol as pure functions: routes, model checks, metadata, infer parsing and
// replies (with the hash embedder's vectors, so the values are real).
#include "consumer/serving/protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "consumer/embed/hash_embedder.h"

namespace hayloft::serving {
namespace {
using json = nlohmann::json;

const model_info model{};

std::string infer_body(json data, json shape, std::string datatype = "BYTES") {
  return json{{"inputs", {{{"name", "text"}, {"shape", shape}, {"datatype", datatype}, {"data", data}}}}}.dump();
}

std::string error_of(const parsed_infer& p) {
  EXPECT_FALSE(p.request);
  EXPECT_EQ(p.error.status, 400u);
  return json::parse(p.error.body).at("error").get<std::string>();
}

TEST(ServingProtocol, ClassifiesRoutes) {
  EXPECT_EQ(classify("GET", "/v2").kind, route_kind::server_metadata);
  EXPECT_EQ(classify("GET", "/v2/").kind, route_kind::server_metadata);
  EXPECT_EQ(classify("GET", "/v2/health/live").kind, route_kind::live);
  EXPECT_EQ(classify("GET", "/v2/health/ready").kind, route_kind::ready);
  EXPECT_EQ(classify("GET", "/v2/health/other").kind, route_kind::not_found);
  EXPECT_EQ(classify("GET", "/metrics").kind, route_kind::metrics);
  auto m = classify("GET", "/v2/models/use-lite");
  EXPECT_EQ(m.kind, route_kind::model_metadata);
  EXPECT_EQ(m.model, "use-lite");
  EXPECT_EQ(m.version, "");
  auto v = classify("POST", "/v2/models/use-lite/versions/1/infer");
  EXPECT_EQ(v.kind, route_kind::infer);
  EXPECT_EQ(v.version, "1");
  EXPECT_EQ(classify("GET", "/v2/models/use-lite/versions/1/ready").kind, route_kind::model_ready);
  EXPECT_EQ(classify("GET", "/v2/models/use-lite/infer").kind, route_kind::method_not_allowed);
  EXPECT_EQ(classify("POST", "/v2/health/ready").kind, route_kind::method_not_allowed);
  EXPECT_EQ(classify("GET", "/v1/models/x").kind, route_kind::not_found);
  EXPECT_EQ(classify("GET", "/v2/models/use-lite/stats").kind, route_kind::not_found);
  EXPECT_EQ(classify("GET", "/").kind, route_kind::not_found);
}

TEST(ServingProtocol, UnknownModelOrVersionIs404AsTriton) {
  EXPECT_FALSE(check_model(model, classify("GET", "/v2/models/use-lite")));
  EXPECT_FALSE(check_model(model, classify("GET", "/v2/models/use-lite/versions/1")));
  auto m = check_model(model, classify("GET", "/v2/models/bert"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 404u);
  EXPECT_EQ(json::parse(m->body)["error"], "Request for unknown model: 'bert' is not found");
  auto v = check_model(model, classify("POST", "/v2/models/use-lite/versions/3/infer"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, 404u);
  EXPECT_EQ(json::parse(v->body)["error"], "Request for unknown model: 'use-lite' version 3 is not found");
}

TEST(ServingProtocol, Metadata) {
  auto s = json::parse(server_metadata_json("1.2.3"));
  EXPECT_EQ(s["name"], "hayloft");
  EXPECT_EQ(s["version"], "1.2.3");
  EXPECT_TRUE(s["extensions"].is_array());
  model_info named;
  named.name = "embedder";
  auto m = json::parse(model_metadata_json(named));
  EXPECT_EQ(m["name"], "embedder");
  EXPECT_EQ(m["versions"], json::array({"1"}));
  EXPECT_EQ(m["inputs"][0], (json{{"name", "text"}, {"datatype", "BYTES"}, {"shape", {-1}}}));
  EXPECT_EQ(m["outputs"][0], (json{{"name", "embedding"}, {"datatype", "FP32"}, {"shape", {-1, 512}}}));
}

TEST(ServingProtocol, InferHappyPathWithHashEmbedder) {
  std::string body = json{{"id", "req-7"},
                          {"inputs", {{{"name", "text"}, {"shape", {2}}, {"datatype", "BYTES"},
                                       {"parameters", {{"anything", 1}}}, {"data", {"reset my password", "scale a pod"}}}}},
                          {"outputs", {{{"name", "embedding"}, {"parameters", {{"binary_data", false}}}}}}}
                         .dump();
  auto p = parse_infer(model, body, std::nullopt);
  ASSERT_TRUE(p.request) << p.error.body;
  EXPECT_EQ(p.request->id, "req-7");
  ASSERT_EQ(p.request->texts, (std::vector<std::string>{"reset my password", "scale a pod"}));
  embed::hash_embedder e;
  auto rows = e.embed(p.request->texts);
  ASSERT_TRUE(rows.ok());
  auto r = json::parse(infer_response_json(model, *p.request, *rows));
  EXPECT_EQ(r["model_name"], "use-lite");
  EXPECT_EQ(r["model_version"], "1");
  EXPECT_EQ(r["id"], "req-7");
  ASSERT_EQ(r["outputs"].size(), 1u);
  auto& out = r["outputs"][0];
  EXPECT_EQ(out["name"], "embedding");
  EXPECT_EQ(out["datatype"], "FP32");
  EXPECT_EQ(out["shape"], json::array({2, 512}));
  ASSERT_EQ(out["data"].size(), 1024u);
  // Row-major: the second row starts at 512, and the values round-trip exactly.
  for (std::size_t row = 0; row < 2; ++row)
    for (std::size_t i = 0; i < 512; ++i) ASSERT_EQ(out["data"][row * 512 + i].get<float>(), (*rows)[row][i]);
}

TEST(ServingProtocol, AcceptsNestedDataAndBatchShape) {
  auto p = parse_infer(model, infer_body({{"a"}, {"b"}, {"c"}}, {3, 1}), std::nullopt);
  ASSERT_TRUE(p.request) << p.error.body;
  EXPECT_EQ(p.request->texts.size(), 3u);
  EXPECT_FALSE(p.request->id);
}

TEST(ServingProtocol, ShapeMustMatchTheElementCount) {
  EXPECT_EQ(error_of(parse_infer(model, infer_body({"a", "b", "c"}, {2}), std::nullopt)),
            "unexpected number of elements for input 'text': shape [2] expects 2, got 3");
  EXPECT_EQ(error_of(parse_infer(model, infer_body({"a", "b"}, {1, 2}), std::nullopt)),
            "unexpected shape for input 'text' for model 'use-lite'. Expected [-1], got [1,2]");
  EXPECT_EQ(error_of(parse_infer(model, infer_body({"a"}, {-1}), std::nullopt)),
            "unable to parse 'shape' of input 'text': [-1]");
  EXPECT_EQ(error_of(parse_infer(model, infer_body(json::array(), {0}), std::nullopt)), "input 'text' holds no element");
}

TEST(ServingProtocol, WrongDatatypeAndData) {
  EXPECT_EQ(error_of(parse_infer(model, infer_body({1.5}, {1}, "FP32"), std::nullopt)),
            "inference input 'text' data-type is 'FP32', but model 'use-lite' expects 'BYTES'");
  EXPECT_EQ(error_of(parse_infer(model, infer_body({1, 2}, {2}), std::nullopt)),
            "unable to parse 'data' of input 'text': expected strings for datatype BYTES");
}

TEST(ServingProtocol, BadJsonAndMissingFields) {
  EXPECT_EQ(error_of(parse_infer(model, "{not json", std::nullopt)), "failed to parse the request JSON buffer: invalid JSON");
  EXPECT_EQ(error_of(parse_infer(model, "[1]", std::nullopt)),
            "failed to parse the request JSON buffer: expected a JSON object");
  EXPECT_EQ(error_of(parse_infer(model, "{}", std::nullopt)), "missing 'inputs' array in the request");
  EXPECT_EQ(error_of(parse_infer(model, R"({"inputs": []})", std::nullopt)),
            "expected 1 inputs but got 0 inputs for model 'use-lite'");
  EXPECT_EQ(error_of(parse_infer(model,
                                 R"({"inputs": [{"name": "TEXT", "shape": [1], "datatype": "BYTES", "data": ["a"]}]})",
                                 std::nullopt)),
            "unexpected inference input 'TEXT' for model 'use-lite'");
  EXPECT_EQ(error_of(parse_infer(model, R"({"id": 5, "inputs": []})", std::nullopt)),
            "unable to parse 'id': expected a string");
}

TEST(ServingProtocol, OutputsFilter) {
  auto with_outputs = [](json outputs) {
    return json{{"inputs", {{{"name", "text"}, {"shape", {1}}, {"datatype", "BYTES"}, {"data", {"a"}}}}},
                {"outputs", outputs}}
        .dump();
  };
  EXPECT_TRUE(parse_infer(model, with_outputs({{{"name", "embedding"}}}), std::nullopt).request);
  EXPECT_TRUE(parse_infer(model, with_outputs(json::array()), std::nullopt).request);
  EXPECT_EQ(error_of(parse_infer(model, with_outputs({{{"name", "logits"}}}), std::nullopt)),
            "unexpected inference output 'logits' for model 'use-lite'");
  EXPECT_NE(error_of(parse_infer(model, with_outputs({{{"name", "embedding"}, {"parameters", {{"binary_data", true}}}}}),
                                 std::nullopt))
                .find("binary tensor data extension is not supported"),
            std::string::npos);
}

TEST(ServingProtocol, BinaryExtensionIsAClear400) {
  auto msg = error_of(parse_infer(model, infer_body({"a"}, {1}), std::string_view("123")));
  EXPECT_NE(msg.find("Inference-Header-Content-Length"), std::string::npos);
  EXPECT_NE(msg.find("not supported"), std::string::npos);
}

TEST(ServingProtocol, OddBodiesAreRejectedNeverThrown) {
  const char* bodies[] = {
      "", "null", "\"text\"", R"({"inputs": null})", R"({"inputs": [null]})", R"({"inputs": [{"name": 1}]})",
      R"({"inputs": [{"name": "text", "datatype": 5}]})", R"({"inputs": [{"name": "text", "datatype": "BYTES"}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": "1", "data": ["a"]}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1.5], "data": ["a"]}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1e30], "data": ["a"]}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [16777216, 16777216], "data": ["a"]}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": "a"}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": [{"a": 1}]}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["a"]}], "outputs": {}})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["a"]}], "outputs": [7]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["a"]}],
          "outputs": [{"name": "embedding", "parameters": {"binary_data": "yes"}}]})",
      R"({"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["a"],
          "parameters": {"binary_data_size": 4}}]})",
  };
  for (const char* b : bodies) {
    parsed_infer p;
    ASSERT_NO_THROW(p = parse_infer(model, b, std::nullopt)) << b;
    EXPECT_FALSE(p.request) << b;
    EXPECT_EQ(p.error.status, 400u) << b;
    EXPECT_TRUE(json::parse(p.error.body).contains("error")) << b;
  }
}

}  // namespace
}  // namespace hayloft::serving
