// Loading a training config: recipe file (with includes) + command-line
// overrides -> a validated Config; and back to YAML for the run folder.
//
// Recipe files are YAML maps of the keys in config_schema.cpp. A recipe may
// start from another with `include: base.yaml` (path relative to the including
// file; includes nest; a cycle is an error); the including file's keys win,
// merged key by key, so `arch: {L_cycles: 4}` changes only that key. Lists
// (data_paths, evaluators) are replaced, not appended.
//
// Overrides are `key=value` with dotted keys (arch.L_cycles=4) and values
// parsed as YAML (data_paths=[a.h5,b.h5]); they apply after the recipe.
//
// Every problem is a recur::InputError naming the file and line (or "command
// line") and the key; config_to_yaml (config_schema.h) prints the result.
#pragma once

#include <string>
#include <vector>

#include "trainer/config/config.h"
#include "trainer/config/config_schema.h"

namespace recur::trainer {

// Defaults <- recipe (and its includes) <- overrides, then validated.
Config load_config(const std::string& recipe_path, const std::vector<std::string>& overrides);

// A config saved as YAML text (config_to_yaml), e.g. from a checkpoint or a run's
// config.yaml, with optional overrides on top (recur eval CHECKPOINT key=value).
// `origin` names the text in error messages ("runs/x/checkpoints/step_00001000/model.h5").
// Includes are not allowed: a resolved config is self-contained.
Config config_from_yaml(const std::string& yaml_text, const std::string& origin,
                        const std::vector<std::string>& overrides = {});

}  // namespace recur::trainer
