// Typed reads of YAML values and the number format for printing (see header).
#include "trainer/config/yaml_values.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/error.h"

namespace recur::trainer {

std::string describe_yaml(const YAML::Node& value) {
  switch (value.Type()) {
    case YAML::NodeType::Scalar:
      return "'" + value.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

namespace {

// yaml-cpp's own conversions accept exactly the YAML spellings (1e-4, .inf,
// true/True/yes) and reject trailing text, which is what we want.
template <class T>
T read_scalar(const YAML::Node& value, const std::string& where, const char* expected) {
  if (value.IsScalar()) {
    try {
      return value.as<T>();
    } catch (const YAML::BadConversion&) {
      // fall through to the error naming what was found
    }
  }
  throw InputError(where, std::string("expected ") + expected + ", got " + describe_yaml(value));
}

}  // namespace

int64_t read_yaml_int(const YAML::Node& value, const std::string& where) {
  return read_scalar<int64_t>(value, where, "an integer");
}

double read_yaml_double(const YAML::Node& value, const std::string& where) {
  return read_scalar<double>(value, where, "a number");
}

bool read_yaml_bool(const YAML::Node& value, const std::string& where) {
  return read_scalar<bool>(value, where, "true or false");
}

std::string read_yaml_string(const YAML::Node& value, const std::string& where) {
  if (value.IsNull()) return "";
  return read_scalar<std::string>(value, where, "a string");
}

std::vector<YAML::Node> yaml_list_items(const YAML::Node& value) {
  if (value.IsNull()) return {};
  if (!value.IsSequence()) return {value};
  return std::vector<YAML::Node>(value.begin(), value.end());
}

std::string format_double(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  char text[32];
  // Whole numbers in plain notation (300.0, not 3e+02), up to where doubles
  // stop holding every integer.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof(text), "%.1f", value);
    return text;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof(text), "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

}  // namespace recur::trainer
