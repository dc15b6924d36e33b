// `zfleet disks [--by-model]`: every disk of the fleet with identity and error history,
// or the fleet's error counts summed per disk model. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_DISKS_H_
#define ZFLEET_CLI_RENDER_RENDER_DISKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Table HOST POOL DEVICE SERIAL MODEL CLASS STATE READ WRITE CKSUM TREND sorted by host,
// pool and device; "-" for unknown values, TREND from CounterTrend ("-" when clean);
// non-zero counters red on a terminal. "no disks\n" when empty.
std::string RenderDisksText(const v1::ListDisksResponse& disks, const RenderOptions& options);

// {"disks": [DiskToJson…]} in the table's order.
nlohmann::ordered_json RenderDisksJson(const v1::ListDisksResponse& disks);

struct ModelSummary {
  std::string model;  // "" when the agent could not read it
  int disks = 0;
  int disks_with_errors = 0;  // any current counter above zero
  uint64_t read_errors = 0;   // sums of current counters; unknown counts as 0
  uint64_t write_errors = 0;
  uint64_t checksum_errors = 0;
};

// Sums per model; most disks with errors first, then most errors, then model name.
std::vector<ModelSummary> SummarizeByModel(const v1::ListDisksResponse& disks);

// Table MODEL DISKS WITH-ERRORS READ WRITE CKSUM in SummarizeByModel's order; an unknown
// model reads "(unknown)". "no disks\n" when empty.
std::string RenderModelsText(const v1::ListDisksResponse& disks, const RenderOptions& options);

// {"models": [{"model", "disks", "disks_with_errors", "read_errors", "write_errors",
//  "checksum_errors"}]}; model null when unknown.
nlohmann::ordered_json RenderModelsJson(const v1::ListDisksResponse& disks);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_DISKS_H_
