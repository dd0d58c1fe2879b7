// Typed reads of YAML values for the config schema, with messages that name
// the key and show what was found ("arch.L_cycles: expected an integer, got
// 'four'"), plus the number format used when printing a config back.
//
// Kept apart from the schema table so the table reads as a list of keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace recur::trainer {

// "'four'", "a list", "a mapping" or "nothing": how a value is shown in errors.
std::string describe_yaml(const YAML::Node& value);

// Each throws InputError(where, "expected ..., got ...") on a value of the wrong type.
int64_t read_yaml_int(const YAML::Node& value, const std::string& where);
double read_yaml_double(const YAML::Node& value, const std::string& where);
bool read_yaml_bool(const YAML::Node& value, const std::string& where);
// A scalar's text; null (an empty value) reads as "".
std::string read_yaml_string(const YAML::Node& value, const std::string& where);

// The elements of a list; a single non-list value is a one-element list and
// null is the empty list, so `data_paths=a.h5` works like `data_paths=[a.h5]`.
std::vector<YAML::Node> yaml_list_items(const YAML::Node& value);

// Shortest decimal text that reads back as exactly `value`; whole numbers are
// written 300.0 so the printed YAML shows the key is a number, not a count.
std::string format_double(double value);

}  // namespace recur::trainer
