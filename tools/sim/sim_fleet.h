// fleet.json for zfleet-sim: the hosts and pools to simulate. Parsing only; no I/O but the
// one file read in LoadSimFleet.
//
//   {"hosts": [{"name": "h0001", "labels": {"rack": "r01"}, "load": 1.0,
//               "pools": [{"name": "tank", "class": "sata", "size_bytes": 8e12,
//                          "scan_bytes_per_s": 400e6, "last_scrub_age_days": 3}]}]}
//
// Required: hosts (non-empty), host name (unique), pool name (unique on its host), class
// (sata, scsi, usb, unknown, sas, fc, nvme, virtual), size_bytes > 0, scan_bytes_per_s > 0.
// Optional: labels (strings), load (≥ 0, default 0), can_pause (default true: the host's
// zpool can pause a scrub), pools (default none), last_scrub_age_days (≥ 0; absent or null =
// never scrubbed), state (default "ONLINE"). Unknown keys are refused.
#ifndef ZFLEET_TOOLS_SIM_SIM_FLEET_H_
#define ZFLEET_TOOLS_SIM_SIM_FLEET_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

struct SimPool {
  std::string name;
  DiskClass disk_class = DiskClass::kUnknown;
  double size_bytes = 0;
  double scan_bytes_per_s = 0;
  std::optional<double> last_scrub_age_days;  // nullopt = never scrubbed
  std::string state = "ONLINE";
};

struct SimHost {
  std::string name;
  std::map<std::string, std::string> labels;
  double load = 0;
  bool can_pause = true;
  std::vector<SimPool> pools;
};

struct SimFleet {
  std::vector<SimHost> hosts;

  size_t PoolCount() const;
};

// Parses fleet.json text. InvalidArgument with one line "SOURCE: where: reason", e.g.
// "fleet.json: hosts[2].pools[0].class: unknown class \"ssd\" (want sata, ...)" or
// "fleet.json: parse error at line 3, column 5: ...".
absl::StatusOr<SimFleet> ParseSimFleet(absl::string_view text, absl::string_view source_name);
// Reads and parses `path`; NotFound naming it when it cannot be read.
absl::StatusOr<SimFleet> LoadSimFleet(const std::string& path);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_SIM_FLEET_H_
