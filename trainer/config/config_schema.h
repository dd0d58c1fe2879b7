// The config schema: one table of every key (dotted name, type, doc, limits,
// and where it lives in the Config struct). Parsing, type checks, validation,
// printing and "did you mean" hints are all derived from that table, so a key
// is defined exactly once and the help can never drift from what is parsed.
//
// config_loader.h builds on this to read recipe files, includes and command
// line overrides; most callers want that header, not this one.
#pragma once

#include <map>
#include <string>

#include "trainer/config/config.h"

namespace YAML {
class Node;
}

namespace recur::trainer {

// Where values come from: a YAML file (line numbers taken from the YAML marks)
// or the command line (no lines). Used to prefix every error message.
struct ConfigSource {
  std::string name;  // file path, or "command line"
  bool has_lines;    // true for files
};

// Where each key got its value ("recipes/x.yaml:12" or "command line"), so a
// validation error can point at the line to fix. Keys absent here are defaults.
using ConfigOrigins = std::map<std::string, std::string>;

// Sets one key or a whole group from a YAML value. `key` is dotted ("arch.L_cycles"),
// a group ("arch", "arch.loss") with a mapping value, or "" for the whole config.
// Accepted aliases (load_checkpoint -> init_from, data_path -> data_paths) are
// renamed to their canonical key. Unknown keys (with the closest valid key),
// duplicate keys and wrong types throw InputError naming the source and the key.
void set_config_value(Config& config, const std::string& key, const YAML::Node& value,
                      const ConfigSource& source, ConfigOrigins& origins);

// Range, choice and cross-key checks on a fully assembled config; the first
// violation throws InputError naming the key (and where it was set).
void validate_config(const Config& config, const ConfigOrigins& origins = {});

// The fully resolved config as YAML: every key in schema order, each with its
// doc as a comment. Loading this text back gives an identical Config.
std::string config_to_yaml(const Config& config);

// The canonical key closest to `key` (edit distance, also against each key's
// last component, so "L_cycles" finds "arch.L_cycles").
std::string closest_config_key(const std::string& key);

}  // namespace recur::trainer
