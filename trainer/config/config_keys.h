// The config schema's table (config_keys.cpp) and the types it is made of.
// Internal to trainer/config/: config_schema.cpp derives parsing, validation,
// printing and suggestions from these rows; nothing else should need them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "trainer/config/config.h"

namespace recur::trainer::config_keys {

// What a value may be: a numeric range, or one of a few words (plus accepted
// spellings that are renamed to a canonical word, e.g. the reference's arc@ARC).
struct Limits {
  std::optional<double> min, max;
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;
  std::vector<std::pair<std::string, std::string>> aliases;  // spelling -> choice
};

template <class Owner>
using Accessor = std::variant<int64_t& (*)(Owner&), double& (*)(Owner&), bool& (*)(Owner&),
                              std::string& (*)(Owner&), std::vector<std::string>& (*)(Owner&),
                              std::vector<int64_t>& (*)(Owner&),
                              std::vector<EvaluatorConfig>& (*)(Owner&)>;

template <class Owner>
struct Field {
  const char* name;  // dotted
  Accessor<Owner> access;
  const char* doc;
  Limits limits = {};
};

template <class Owner>
struct Schema {
  std::vector<Field<Owner>> fields;
  std::vector<std::pair<std::string, std::string>> key_aliases;  // spelling -> key
};

// A cross-key rule: `problem` returns "" when the config is fine. The rules of one
// architecture's keys are its descriptor's (trainer/models/architecture.h).
struct Rule {
  const char* key;  // the key the message blames
  std::string (*problem)(const Config&);
};

// The rows of the table, in --print-config order.
const Schema<Config>& config_schema();
const Schema<EvaluatorConfig>& evaluator_schema();
const std::vector<Rule>& config_rules();

}  // namespace recur::trainer::config_keys
