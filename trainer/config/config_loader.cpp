// Recipe files, includes and overrides (see header). All key handling is the
// schema's (config_schema.cpp); this file only decides where values come from
// and in which order they apply: includes first, then the including file,
// then the command line.
#include "trainer/config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "common/error.h"
#include "trainer/config/yaml_values.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

YAML::Node parse_yaml(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(name + ":" + std::to_string(e.mark.line + 1), "invalid YAML: " + e.msg);
  }
}

std::string read_text_file(const fs::path& path, const std::string& name) {
  std::error_code error;
  if (!fs::exists(path, error)) throw InputError(name, "no such file");
  if (fs::is_directory(path, error)) throw InputError(name, "is a directory, not a YAML file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError(name, "cannot read the file");
  return text.str();
}

// A recipe's top level must be a map; an empty file sets nothing.
YAML::Node top_level_map(const YAML::Node& root, const std::string& name) {
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap())
    throw InputError(name, "expected a mapping of config keys, got " + describe_yaml(root));
  return root;
}

struct Include {
  YAML::Node value;
  std::string location;  // "file:line: include", for messages
};

// The `include:` entry of a recipe's top level, removed from `root`.
std::optional<Include> take_include(YAML::Node& root, const std::string& name) {
  for (const auto& entry : root) {
    if (entry.first.IsScalar() && entry.first.Scalar() == "include") {
      Include include{entry.second, name + ":" + std::to_string(entry.first.Mark().line + 1) + ": include"};
      root.remove("include");
      return include;
    }
  }
  return std::nullopt;
}

std::string cycle_text(const std::vector<fs::path>& stack, const fs::path& again) {
  std::string text;
  for (const fs::path& path : stack) text += path.filename().string() + " -> ";
  return text + again.filename().string();
}

// Applies `path` to `config`: first what it includes, then its own keys.
// `stack` holds the canonical paths of the files being applied (cycle check).
void apply_recipe_file(Config& config, const fs::path& path, std::vector<fs::path>& stack,
                       ConfigOrigins& origins) {
  const std::string name = path.lexically_normal().string();
  YAML::Node root = top_level_map(parse_yaml(read_text_file(path, name), name), name);
  if (const std::optional<Include> include = take_include(root, name)) {
    if (!include->value.IsScalar())
      throw InputError(include->location, "expected a file name, got " + describe_yaml(include->value));
    const fs::path base = path.parent_path() / include->value.Scalar();
    std::error_code error;
    if (!fs::exists(base, error))
      throw InputError(include->location, "no such file '" + base.lexically_normal().string() + "'");
    const fs::path canonical = fs::weakly_canonical(base);
    for (const fs::path& open : stack)
      if (open == canonical)
        throw InputError(include->location, "include cycle: " + cycle_text(stack, base));
    stack.push_back(canonical);
    apply_recipe_file(config, base, stack, origins);
    stack.pop_back();
  }
  set_config_value(config, "", root, ConfigSource{name, true}, origins);
}

void apply_overrides(Config& config, const std::vector<std::string>& overrides, ConfigOrigins& origins) {
  const ConfigSource source{"command line", false};
  for (const std::string& override_text : overrides) {
    const size_t equals = override_text.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError(source.name, "expected key=value, got '" + override_text + "'");
    const std::string key = override_text.substr(0, equals);
    YAML::Node value;
    try {
      value = YAML::Load(override_text.substr(equals + 1));
    } catch (const YAML::Exception& e) {
      throw InputError(source.name + ": " + key, "invalid YAML value: " + e.msg);
    }
    set_config_value(config, key, value, source, origins);
  }
}

}  // namespace

Config load_config(const std::string& recipe_path, const std::vector<std::string>& overrides) {
  Config config;
  ConfigOrigins origins;
  std::vector<fs::path> stack;
  std::error_code error;
  stack.push_back(fs::weakly_canonical(recipe_path, error));
  apply_recipe_file(config, recipe_path, stack, origins);
  apply_overrides(config, overrides, origins);
  validate_config(config, origins);
  return config;
}

Config config_from_yaml(const std::string& yaml_text, const std::string& origin,
                        const std::vector<std::string>& overrides) {
  Config config;
  ConfigOrigins origins;
  YAML::Node root = top_level_map(parse_yaml(yaml_text, origin), origin);
  if (const std::optional<Include> include = take_include(root, origin))
    throw InputError(include->location, "not allowed in a saved config (it must be self-contained)");
  set_config_value(config, "", root, ConfigSource{origin, true}, origins);
  apply_overrides(config, overrides, origins);
  validate_config(config, origins);
  return config;
}

}  // namespace recur::trainer
