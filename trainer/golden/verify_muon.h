// Internal to golden/: the muon.h5 checks verify_golden() runs (verify_muon.cpp).
#pragma once

#include <vector>

#include "common/libtorch.h"
#include "trainer/golden/compare.h"
#include "trainer/golden/fixture.h"

namespace recur::trainer {

// On `device` (the fixture is float32/bf16 whatever the model dtype).
void verify_muon(const GoldenFile& file, torch::Device device, std::vector<Check>& checks);

}  // namespace recur::trainer
