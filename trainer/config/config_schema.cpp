// Everything derived from the key table (config_keys.cpp): setting values from
// YAML with type checks, validation, printing and suggestions. Limits (range,
// allowed values, cross-key rules) are checked after all sources are applied,
// so a recipe may set a value that a later override fixes.
#include "trainer/config/config_schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "common/error.h"
#include "trainer/config/config_keys.h"
#include "trainer/config/yaml_values.h"
#include "trainer/models/architecture.h"

namespace recur::trainer {
namespace {

using namespace config_keys;

// ---- Lookup and suggestions ----------------------------------------------------

template <class Owner>
std::string canonical_key(const Schema<Owner>& schema, const std::string& key) {
  for (const auto& [spelling, canonical] : schema.key_aliases)
    if (key == spelling) return canonical;
  return key;
}

template <class Owner>
const Field<Owner>* find_field(const Schema<Owner>& schema, const std::string& key) {
  for (const auto& field : schema.fields)
    if (key == field.name) return &field;
  return nullptr;
}

// "" is the whole config; "arch" and "arch.loss" are groups.
template <class Owner>
bool is_group(const Schema<Owner>& schema, const std::string& key) {
  if (key.empty()) return true;
  for (const auto& field : schema.fields)
    if (std::string(field.name).rfind(key + ".", 0) == 0) return true;
  return false;
}

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int replace = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + replace});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

template <class Owner>
std::string closest_key(const Schema<Owner>& schema, const std::string& key) {
  const std::string wanted = lowercase(key);
  std::string best;
  int best_distance = 1 << 30;
  for (const auto& field : schema.fields) {
    const std::string name = lowercase(field.name);
    const std::string leaf = name.substr(name.rfind('.') + 1);
    const int distance = std::min(edit_distance(wanted, name), edit_distance(wanted, leaf));
    if (distance < best_distance) best = field.name, best_distance = distance;
  }
  return best;
}

// ---- Setting values from YAML --------------------------------------------------

std::string locate(const ConfigSource& source, const YAML::Node& node) {
  if (!source.has_lines || node.Mark().is_null()) return source.name;
  return source.name + ":" + std::to_string(node.Mark().line + 1);
}

std::string join(const std::string& location, const std::string& key) {
  return key.empty() ? location : location + ": " + key;
}

template <class Owner>
void set_value(const Schema<Owner>& schema, Owner& owner, const std::string& key,
               const YAML::Node& value, const std::string& location, const ConfigSource& source,
               const std::string& prefix, ConfigOrigins* origins);

void assign(int64_t& out, const YAML::Node& v, const std::string& where, const Limits&,
            const ConfigSource&) {
  out = read_yaml_int(v, where);
}
void assign(double& out, const YAML::Node& v, const std::string& where, const Limits&,
            const ConfigSource&) {
  out = read_yaml_double(v, where);
}
void assign(bool& out, const YAML::Node& v, const std::string& where, const Limits&,
            const ConfigSource&) {
  out = read_yaml_bool(v, where);
}
void assign(std::string& out, const YAML::Node& v, const std::string& where, const Limits& limits,
            const ConfigSource&) {
  out = read_yaml_string(v, where);
  for (const auto& [spelling, choice] : limits.aliases)
    if (out == spelling) out = choice;
}
void assign(std::vector<std::string>& out, const YAML::Node& v, const std::string& where,
            const Limits&, const ConfigSource&) {
  std::vector<std::string> items;
  for (const YAML::Node& item : yaml_list_items(v))
    items.push_back(read_yaml_string(item, where + "[" + std::to_string(items.size()) + "]"));
  out = std::move(items);
}
void assign(std::vector<int64_t>& out, const YAML::Node& v, const std::string& where,
            const Limits&, const ConfigSource&) {
  std::vector<int64_t> items;
  for (const YAML::Node& item : yaml_list_items(v))
    items.push_back(read_yaml_int(item, where + "[" + std::to_string(items.size()) + "]"));
  out = std::move(items);
}
void assign(std::vector<EvaluatorConfig>& out, const YAML::Node& v, const std::string& where,
            const Limits&, const ConfigSource& source) {
  std::vector<EvaluatorConfig> items;
  for (const YAML::Node& item : yaml_list_items(v)) {
    const std::string prefix = "evaluators[" + std::to_string(items.size()) + "].";
    if (!item.IsMap())
      throw InputError(where + "[" + std::to_string(items.size()) + "]",
                       "expected a mapping like {name: arc}, got " + describe_yaml(item));
    EvaluatorConfig evaluator;
    set_value(evaluator_schema(), evaluator, "", item, locate(source, item), source, prefix, nullptr);
    items.push_back(std::move(evaluator));
  }
  out = std::move(items);
}

// `location` is where `value` sits ("file:line" or "command line"); `prefix`
// is prepended to keys in messages ("evaluators[0]."); origins may be null.
template <class Owner>
void set_value(const Schema<Owner>& schema, Owner& owner, const std::string& raw_key,
               const YAML::Node& value, const std::string& location, const ConfigSource& source,
               const std::string& prefix, ConfigOrigins* origins) {
  const std::string key = canonical_key(schema, raw_key);
  if (const Field<Owner>* field = find_field(schema, key)) {
    const std::string where = join(location, prefix + key);
    std::visit([&](auto access) { assign(access(owner), value, where, field->limits, source); },
               field->access);
    if (origins) (*origins)[prefix + key] = location;
    return;
  }
  if (!is_group(schema, key)) {
    throw InputError(location, "unknown key '" + prefix + raw_key + "' (did you mean '" + prefix +
                                   closest_key(schema, raw_key) + "'?)");
  }
  if (!value.IsMap()) {
    throw InputError(join(location, prefix + key),
                     "expected a mapping of keys, got " + describe_yaml(value));
  }
  std::set<std::string> seen;
  for (const auto& entry : value) {
    const std::string entry_location = locate(source, entry.first);
    if (!entry.first.IsScalar())
      throw InputError(entry_location, "a key must be a plain name, got " + describe_yaml(entry.first));
    const std::string name = entry.first.Scalar();
    const std::string full = key.empty() ? name : key + "." + name;
    const std::string canonical = canonical_key(schema, full);
    if (!seen.insert(canonical).second) {
      throw InputError(entry_location, "duplicate key '" + prefix + full + "'" +
                                           (canonical == full ? "" : " (another name for '" + canonical + "')"));
    }
    set_value(schema, owner, full, entry.second, entry_location, source, prefix, origins);
  }
}

// ---- Validation ------------------------------------------------------------------

// Limits are small round numbers: shown as written in the table ("0", "1e-05").
std::string bound_text(double bound) {
  if (bound == std::floor(bound)) return std::to_string(static_cast<int64_t>(bound));
  return format_double(bound);
}

std::string limit_text(const Limits& limits) {
  if (limits.min && limits.max) {
    return std::string("must be in ") + (limits.min_open ? "(" : "[") + bound_text(*limits.min) +
           ", " + bound_text(*limits.max) + (limits.max_open ? ")" : "]");
  }
  return std::string("must be ") + (limits.min_open ? "> " : ">= ") + bound_text(*limits.min);
}

void check_number(double value, const Limits& limits, const std::string& where, const std::string& shown) {
  if (!std::isfinite(value)) throw InputError(where, "must be a finite number, got " + shown);
  const bool too_low = limits.min && (limits.min_open ? value <= *limits.min : value < *limits.min);
  const bool too_high = limits.max && (limits.max_open ? value >= *limits.max : value > *limits.max);
  if (too_low || too_high) throw InputError(where, limit_text(limits) + ", got " + shown);
}

void check(int64_t value, const Limits& limits, const std::string& where) {
  check_number(static_cast<double>(value), limits, where, std::to_string(value));
}
void check(double value, const Limits& limits, const std::string& where) {
  check_number(value, limits, where, format_double(value));
}
void check(bool, const Limits&, const std::string&) {}
void check(const std::string& value, const Limits& limits, const std::string& where) {
  if (limits.choices.empty() ||
      std::find(limits.choices.begin(), limits.choices.end(), value) != limits.choices.end())
    return;
  std::string allowed;
  for (const auto& choice : limits.choices) allowed += (allowed.empty() ? "" : ", ") + choice;
  throw InputError(where, "must be one of " + allowed + "; got '" + value + "'");
}
void check(const std::vector<std::string>&, const Limits&, const std::string&) {}
void check(const std::vector<int64_t>& values, const Limits& limits, const std::string& where) {
  for (size_t i = 0; i < values.size(); ++i) check(values[i], limits, where + "[" + std::to_string(i) + "]");
}

// `where_prefix` starts the message of keys that have no origin of their own:
// "" for the config, "recipe.yaml:3: evaluators[0]." inside an evaluator.
template <class Owner>
void validate_fields(const Schema<Owner>& schema, const Owner& owner, const std::string& where_prefix,
                     const ConfigOrigins& origins);

void check(const std::vector<EvaluatorConfig>& evaluators, const Limits&, const std::string& where) {
  for (size_t i = 0; i < evaluators.size(); ++i)
    validate_fields(evaluator_schema(), evaluators[i], where + "[" + std::to_string(i) + "].", {});
}

template <class Owner>
void validate_fields(const Schema<Owner>& schema, const Owner& owner, const std::string& where_prefix,
                     const ConfigOrigins& origins) {
  // Accessors hand out mutable references; here they are only read.
  Owner& readable = const_cast<Owner&>(owner);
  for (const auto& field : schema.fields) {
    const auto origin = origins.find(field.name);
    const std::string where =
        origin == origins.end() ? where_prefix + field.name : origin->second + ": " + field.name;
    std::visit([&](auto access) { check(access(readable), field.limits, where); }, field.access);
  }
}

// ---- Printing ------------------------------------------------------------------------

void emit(YAML::Emitter& out, int64_t value) { out << value; }
void emit(YAML::Emitter& out, double value) { out << format_double(value); }
void emit(YAML::Emitter& out, bool value) { out << value; }
void emit(YAML::Emitter& out, const std::string& value) { out << value; }
void emit(YAML::Emitter& out, const EvaluatorConfig& evaluator);
template <class T>
void emit(YAML::Emitter& out, const std::vector<T>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const T& value : values) emit(out, value);
  out << YAML::EndSeq;
}
void emit(YAML::Emitter& out, const EvaluatorConfig& evaluator) {
  out << YAML::Flow << YAML::BeginMap;
  for (const auto& field : evaluator_schema().fields) {
    out << YAML::Key << field.name << YAML::Value;
    std::visit([&](auto access) { emit(out, access(const_cast<EvaluatorConfig&>(evaluator))); },
               field.access);
  }
  out << YAML::EndMap;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(key.substr(start, dot - start));
  parts.push_back(key.substr(start));
  return parts;
}

}  // namespace

void set_config_value(Config& config, const std::string& key, const YAML::Node& value,
                      const ConfigSource& source, ConfigOrigins& origins) {
  set_value(config_schema(), config, key, value, locate(source, value), source, "", &origins);
}

void validate_config(const Config& config, const ConfigOrigins& origins) {
  validate_fields(config_schema(), config, "", origins);
  // A rule involves several keys, set in different places: its message names
  // them all instead of pointing at one line.
  for (const Rule& rule : config_rules()) {
    const std::string problem = rule.problem(config);
    if (!problem.empty()) throw InputError(rule.key, problem);
  }
  check_architecture(config.arch);  // the rules of arch.name's own keys
}

std::string config_to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::vector<std::string> open_groups;
  for (const auto& field : config_schema().fields) {
    std::vector<std::string> groups = split_key(field.name);
    const std::string leaf = groups.back();
    groups.pop_back();
    size_t shared = 0;
    while (shared < open_groups.size() && shared < groups.size() && open_groups[shared] == groups[shared])
      ++shared;
    for (size_t i = open_groups.size(); i > shared; --i) out << YAML::EndMap;
    for (size_t i = shared; i < groups.size(); ++i)
      out << YAML::Key << groups[i] << YAML::Value << YAML::BeginMap;
    open_groups = groups;
    out << YAML::Key << leaf << YAML::Value;
    std::visit([&](auto access) { emit(out, access(const_cast<Config&>(config))); }, field.access);
    out << YAML::Comment(field.doc);
  }
  for (size_t i = 0; i < open_groups.size(); ++i) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string closest_config_key(const std::string& key) { return closest_key(config_schema(), key); }

}  // namespace recur::trainer
