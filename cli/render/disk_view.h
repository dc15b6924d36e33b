// How the CLI names a physical disk and its error counters, shared by `zfleet disks`
// and `zfleet triage`. Pure.
#ifndef ZFLEET_CLI_RENDER_DISK_VIEW_H_
#define ZFLEET_CLI_RENDER_DISK_VIEW_H_

#include <string>

#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Trends show at most this many of the newest samples.
inline constexpr int kTrendSamples = 5;

// The device path, else the vdev name as zpool prints it, else "-".
std::string DiskDevice(const v1::Disk& disk);

// What finds the disk in the rack: "serial ZA1, model ST4000NM, slot 3" with the parts
// that are known, "" when none is.
std::string DiskIdentityText(const v1::Disk& disk);

// "read 0, write 0, cksum 40"; "-" for a counter the host did not report.
std::string DiskCountersText(const v1::Disk& disk);

// True when any current counter is above zero.
bool DiskHasErrors(const v1::Disk& disk);

// Each counter that was ever above zero in the history, oldest to newest:
// "cksum 0→12→40 over 3 samples", joined by "; ". Longer histories show the last
// kTrendSamples: "cksum 3→5→12→33→40 over the last 5 of 9 samples". "" when the history
// is empty or clean.
std::string CounterTrend(const v1::Disk& disk);

// {"host", "pool", "vdev", "path", "state", "serial", "model", "wwn", "transport",
//  "rotational", "size_bytes", "enclosure_slot", "class", "read_errors", "write_errors",
//  "checksum_errors", "history": [{"time", "read_errors", "write_errors",
//  "checksum_errors"}]}: identity keys as in the pool JSON's leaf vdevs; unknown values
// and empty strings null; history oldest first.
nlohmann::ordered_json DiskToJson(const v1::Disk& disk);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_DISK_VIEW_H_
