#include "consumer/preprocess/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "consumer/preprocess/errc.h"
#include "consumer/preprocess/pipeline_params.h"

namespace hayloft::consumer {
namespace {

using pipeline_params::component;

error invalid(std::string why) {
  return {make_error_code(preprocess_errc::invalid_pipeline), std::move(why)};
}

std::string scalar_or(const YAML::Node& n, std::string fallback = {}) {
  return n && n.IsScalar() ? n.Scalar() : fallback;
}

result<std::map<std::string, component>> read_components(const YAML::Node& root) {
  auto list = root["components"];
  if (!list || !list.IsSequence()) return invalid("'components' must be a list of components");
  std::map<std::string, component> out;
  for (const auto& item : list) {
    if (!item.IsMap()) return invalid("every entry of 'components' must be a map");
    std::string name = scalar_or(item["name"]);
    std::string type = scalar_or(item["type"]);
    if (name.empty() || type.empty()) return invalid("every component needs a name and a type");
    if (out.count(name)) return invalid("component '" + name + "' is defined twice");
    auto params = item["params"];
    if (params && !params.IsNull() && !params.IsMap()) {
      return invalid("component '" + name + "': params must be a map");
    }
    out.emplace(name, component{name, type, params});
  }
  return out;
}

struct pipeline_def {
  std::string name;
  std::vector<pipeline_node> nodes;
};

result<std::vector<pipeline_def>> read_pipelines(const YAML::Node& root,
                                                 const std::map<std::string, component>& comps) {
  auto list = root["pipelines"];
  if (!list || !list.IsSequence()) return invalid("'pipelines' must be a list of pipelines");
  std::vector<pipeline_def> out;
  for (const auto& p : list) {
    pipeline_def def;
    def.name = scalar_or(p["name"]);
    if (def.name.empty()) return invalid("every pipeline needs a name");
    auto nodes = p["nodes"];
    if (!nodes || !nodes.IsSequence())
      return invalid("pipeline '" + def.name + "' has no nodes list");
    for (const auto& n : nodes) {
      pipeline_node node;
      node.name = scalar_or(n["name"]);
      if (node.name.empty()) return invalid("pipeline '" + def.name + "': a node has no name");
      auto it = comps.find(node.name);
      if (it == comps.end()) {
        return invalid("pipeline '" + def.name + "': node '" + node.name +
                       "' is not defined under components");
      }
      node.type = it->second.type;
      auto inputs = n["inputs"];
      if (!inputs || !inputs.IsSequence() || inputs.size() == 0) {
        return invalid("pipeline '" + def.name + "': node '" + node.name + "' needs inputs");
      }
      for (const auto& in : inputs) {
        if (!in.IsScalar()) {
          return invalid("pipeline '" + def.name + "': inputs of '" + node.name +
                         "' must be names");
        }
        node.inputs.push_back(in.Scalar());
      }
      def.nodes.push_back(std::move(node));
    }
    out.push_back(std::move(def));
  }
  return out;
}

// Haystack adds nodes in the listed order and refuses an input that is not yet in the graph.
result<void> check_order(const pipeline_def& p) {
  std::vector<std::string> seen;
  for (const auto& node : p.nodes) {
    for (const auto& input : node.inputs) {
      std::string source = input.substr(0, input.find('.'));
      bool root = source == "File" || source == "Query";
      if (!root && std::find(seen.begin(), seen.end(), source) == seen.end()) {
        return invalid("pipeline '" + p.name + "': node '" + node.name + "' takes input '" + input +
                       "' which is not File, Query or an earlier node");
      }
    }
    if (std::find(seen.begin(), seen.end(), node.name) != seen.end()) {
      return invalid("pipeline '" + p.name + "': node '" + node.name + "' appears twice");
    }
    seen.push_back(node.name);
  }
  return {};
}

bool fed_by_file(const pipeline_def& p) {
  return !p.nodes.empty() && std::find(p.nodes.front().inputs.begin(), p.nodes.front().inputs.end(),
                                       "File") != p.nodes.front().inputs.end();
}

void read_routes(pipeline_config& out, const std::string& classifier) {
  const std::string prefix = classifier + ".output_";
  for (const auto& node : out.indexing_nodes) {
    for (const auto& input : node.inputs) {
      if (!input.starts_with(prefix)) continue;
      std::size_t index = 0;
      try {
        index = std::stoul(input.substr(prefix.size()));
      } catch (const std::exception&) {
        index = 0;
      }
      if (index >= 1 && index <= out.classifier_types.size()) {
        out.routes.push_back({out.classifier_types[index - 1], node.name});
      } else {
        out.warnings.push_back("node '" + node.name + "' reads " + input + ", which " + classifier +
                               " does not have");
      }
    }
  }
}

result<pipeline_config> parse_root(const YAML::Node& root, std::string_view wanted) {
  if (!root.IsMap()) return invalid("the pipeline YAML must be a map at the top level");
  pipeline_config out;
  out.version = scalar_or(root["version"]);
  auto comps = read_components(root);
  if (!comps) return comps.err();
  auto pipes = read_pipelines(root, *comps);
  if (!pipes) return pipes.err();

  const pipeline_def* indexing = nullptr;
  for (const auto& p : *pipes) {
    if (p.name == wanted) indexing = &p;
  }
  if (!indexing) {
    for (const auto& p : *pipes) {
      if (fed_by_file(p)) {
        indexing = &p;
        out.warnings.push_back("no pipeline named '" + std::string(wanted) + "'; using '" + p.name +
                               "', the first one fed by File");
        break;
      }
    }
  }
  if (!indexing)
    return invalid("no indexing pipeline: none is named '" + std::string(wanted) +
                   "' and none takes File as input");
  HAYLOFT_TRY(check_order(*indexing));
  out.pipeline_name = indexing->name;
  out.indexing_nodes = indexing->nodes;

  for (const auto& node : out.indexing_nodes) {
    const component& c = comps->at(node.name);
    if (!pipeline_params::known_type(c.type)) {
      out.warnings.push_back("unknown node type '" + c.type + "' (node '" + c.name +
                             "') is not supported and is skipped");
      continue;
    }
    if (c.params && c.params.IsMap()) {
      for (const auto& kv : c.params) {
        auto key = kv.first.Scalar();
        if (!pipeline_params::known_param(c.type, key)) {
          out.warnings.push_back(c.type + " '" + c.name + "': unknown parameter '" + key +
                                 "' is ignored");
        }
      }
    }
    if (c.type == "FileTypeClassifier" && out.classifier_types.empty()) {
      auto types = pipeline_params::read_supported_types(c);
      if (!types) return types.err();
      out.classifier_types = std::move(*types);
      read_routes(out, c.name);
    } else if (c.type == "PreProcessor") {
      if (out.preprocessor) {
        out.warnings.push_back("PreProcessor '" + c.name +
                               "' is ignored: only the first PreProcessor of the pipeline applies");
        continue;
      }
      auto cfg = pipeline_params::read_preprocessor(c, out.warnings);
      if (!cfg) return cfg.err();
      out.preprocessor = std::move(*cfg);
    } else {
      pipeline_params::note_ignored_settings(c, out.warnings);
    }
  }

  // The retriever that answers queries: the query pipeline's, else any *Retriever component.
  const component* retriever = nullptr;
  for (const auto& p : *pipes) {
    if (&p == indexing) continue;
    for (const auto& node : p.nodes) {
      if (!retriever && node.type.ends_with("Retriever")) retriever = &comps->at(node.name);
    }
  }
  for (const auto& [name, c] : *comps) {
    if (!retriever && c.type.ends_with("Retriever")) retriever = &c;
  }
  if (retriever) {
    auto k = pipeline_params::read_top_k(*retriever);
    if (!k) return k.err();
    out.retriever_top_k = *k;
  }
  return out;
}

}  // namespace

bool pipeline_config::has_node_type(std::string_view type) const {
  return std::any_of(indexing_nodes.begin(), indexing_nodes.end(),
                     [&](const pipeline_node& n) { return n.type == type; });
}

result<pipeline_config> parse_pipeline_yaml(std::string_view yaml, std::string_view pipeline_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return invalid("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    return parse_root(root, pipeline_name);
  } catch (const YAML::Exception& e) {
    return invalid(std::string("malformed pipeline YAML: ") + e.what());
  }
}

result<pipeline_config> load_pipeline_yaml(const std::string& path,
                                           std::string_view pipeline_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid("cannot read pipeline YAML '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return invalid("cannot read pipeline YAML '" + path + "'");
  return parse_pipeline_yaml(text.str(), pipeline_name);
}

}  // namespace hayloft::consumer
