// How long the agent takes to read a big host: `zpool status -v` of 500 pools with 10,000
// vdevs in all (each pool: 4 raidz2 groups of 4 disks), as OpenZFS 2.x text and as 2.3 JSON
// (`-j --json-int`). Prints the median CPU and elapsed time of N parses of each; the target
// is under 50 ms.
//
//   parse_bench [RUNS]     (default 21; build in Release)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "agent/zpool/zpool_status_json_parser.h"
#include "agent/zpool/zpool_status_parser.h"
#include "nlohmann/json.hpp"

namespace zfleet::agent {
namespace {

constexpr int kPools = 500;
constexpr int kGroups = 4;
constexpr int kDisksPerGroup = 4;
constexpr uint64_t kT = uint64_t{1} << 40;
constexpr uint64_t kGuid = 12841765308123764671u;

std::string DiskName(int pool, int group, int disk) {
  return absl::StrFormat("wwn-0x5000c500%04x%02x%02x", pool, group, disk);
}

// Every fifth pool is scrubbing, one in 50 has a checksum error on a disk.
std::string TextStatus() {
  std::string out;
  for (int p = 0; p < kPools; ++p) {
    const std::string name = absl::StrCat("pool", p);
    absl::StrAppend(&out, p == 0 ? "" : "\n", "  pool: ", name, "\n state: ONLINE\n");
    if (p % 5 == 0) {
      absl::StrAppend(&out, "  scan: scrub in progress since Sun Nov 15 00:24:01 2026\n",
                      "\t1.23T / 2.50T scanned at 1.05G/s, 800G / 2.50T issued at 700M/s\n",
                      "\t0B repaired, 31.25% done, 00:41:46 to go\n");
    } else {
      absl::StrAppend(&out, "  scan: scrub repaired 0B in 02:13:45 with 0 errors on ",
                      "Sun Nov  8 02:37:46 2026\n");
    }
    absl::StrAppend(&out, "config:\n\n\tNAME                          STATE     READ WRITE CKSUM\n",
                    absl::StrFormat("\t%-28s  ONLINE       0     0     0\n", name));
    for (int g = 0; g < kGroups; ++g) {
      absl::StrAppend(&out, absl::StrFormat("\t  %-26s  ONLINE       0     0     0\n",
                                            absl::StrCat("raidz2-", g)));
      for (int d = 0; d < kDisksPerGroup; ++d) {
        const int cksum = p % 50 == 0 && g == 0 && d == 0 ? 12 : 0;
        absl::StrAppend(&out, absl::StrFormat("\t    %-24s  ONLINE       0     0 %5d\n",
                                              DiskName(p, g, d), cksum));
      }
    }
    absl::StrAppend(&out, "\nerrors: No known data errors\n");
  }
  return out;
}

// The same pools as `zpool status -v -j --json-int` prints them (one line, every field a
// real 2.3 prints for these vdevs).
std::string JsonStatus() {
  using Json = nlohmann::ordered_json;
  Json pools = Json::object();
  for (int p = 0; p < kPools; ++p) {
    const std::string name = absl::StrCat("pool", p);
    Json scan = {{"function", "SCRUB"},
                 {"state", p % 5 == 0 ? "SCANNING" : "FINISHED"},
                 {"start_time", 1794702241},
                 {"end_time", p % 5 == 0 ? 0 : 1794105466},
                 {"to_examine", 2 * kT + kT / 2},
                 {"examined", kT + 23 * kT / 100},
                 {"skipped", 0},
                 {"processed", 0},
                 {"errors", 0},
                 {"bytes_per_scan", kT},
                 {"pass_start", 1794702241},
                 {"scrub_pause", 0},
                 {"scrub_spent_paused", 0},
                 {"issued_bytes_per_scan", 800 * (kT >> 10)},
                 {"issued", 800 * (kT >> 10)}};
    Json groups = Json::object();
    for (int g = 0; g < kGroups; ++g) {
      Json disks = Json::object();
      for (int d = 0; d < kDisksPerGroup; ++d) {
        const std::string disk = DiskName(p, g, d);
        disks[disk] = {{"name", disk},
                       {"vdev_type", "disk"},
                       {"guid", kGuid + p * 100 + g * 10 + d},
                       {"path", absl::StrCat("/dev/disk/by-id/", disk, "-part1")},
                       {"devid", absl::StrCat(disk, "-part1")},
                       {"phys_path", absl::StrCat("pci-0000:3b:00.0-sas-phy", g * 4 + d, "-lun-0")},
                       {"class", "normal"},
                       {"state", "ONLINE"},
                       {"rep_dev_size", 4000785104896},
                       {"phys_space", 4000787030016},
                       {"read_errors", 0},
                       {"write_errors", 0},
                       {"checksum_errors", p % 50 == 0 && g == 0 && d == 0 ? 12 : 0},
                       {"slow_ios", 0}};
      }
      const std::string group = absl::StrCat("raidz2-", g);
      groups[group] = {{"name", group},
                       {"vdev_type", "raidz"},
                       {"guid", kGuid + g},
                       {"class", "normal"},
                       {"state", "ONLINE"},
                       {"alloc_space", 2 * kT},
                       {"total_space", 15 * kT},
                       {"def_space", 7 * kT},
                       {"rep_dev_size", 15 * kT},
                       {"read_errors", 0},
                       {"write_errors", 0},
                       {"checksum_errors", 0},
                       {"vdevs", std::move(disks)}};
    }
    Json root = {{"name", name},           {"vdev_type", "root"},  {"guid", kGuid + p},
                 {"class", "normal"},      {"state", "ONLINE"},    {"alloc_space", 8 * kT},
                 {"total_space", 60 * kT}, {"def_space", 30 * kT}, {"read_errors", 0},
                 {"write_errors", 0},      {"checksum_errors", 0}, {"vdevs", std::move(groups)}};
    pools[name] = {{"name", name},
                   {"state", "ONLINE"},
                   {"pool_guid", kGuid + p},
                   {"txg", 16597},
                   {"spa_version", 5000},
                   {"zpl_version", 5},
                   {"scan_stats", std::move(scan)},
                   {"vdevs", {{name, std::move(root)}}},
                   {"error_count", 0}};
  }
  Json doc = {
      {"output_version", {{"command", "zpool status"}, {"vers_major", 0}, {"vers_minor", 1}}},
      {"pools", std::move(pools)}};
  return doc.dump();
}

double CpuMillis() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Timing {
  double wall_ms = -1;  // median elapsed time
  double cpu_ms = -1;   // median CPU time: what the parse costs on a machine others share
};

template <typename Parse>
Timing Median(int runs, const std::string& text, Parse parse, size_t* pools) {
  std::vector<double> wall;
  std::vector<double> cpu;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuMillis();
    absl::StatusOr<StatusParseResult> result = parse(text);
    cpu.push_back(CpuMillis() - cpu_start);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!result.ok()) {
      std::fprintf(stderr, "parse failed: %s\n", std::string(result.status().message()).c_str());
      return {};
    }
    *pools = result->pools.size();
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

int Run(int runs) {
  const std::string text = TextStatus();
  const std::string json = JsonStatus();
  std::printf("zpool status -v: %d pools, %d vdevs; text %.1f MB, JSON %.1f MB; %d runs each\n",
              kPools, kPools * kGroups * (1 + kDisksPerGroup), text.size() / 1e6, json.size() / 1e6,
              runs);
  size_t text_pools = 0;
  size_t json_pools = 0;
  const Timing text_t = Median(
      runs, text, [](const std::string& t) { return ParseZpoolStatus(t); }, &text_pools);
  const Timing json_t = Median(
      runs, json, [](const std::string& t) { return ParseZpoolStatusJson(t); }, &json_pools);
  if (text_t.wall_ms < 0 || json_t.wall_ms < 0 || text_pools != kPools || json_pools != kPools) {
    return 1;
  }
  // The verdict uses CPU time: on a machine others share, elapsed time also counts the
  // time this process waited for a core.
  for (const auto& [label, t] : {std::pair{"text (ParseZpoolStatus):    ", text_t},
                                 std::pair{"JSON (ParseZpoolStatusJson):", json_t}}) {
    std::printf("  %s median %7.2f ms CPU, %7.2f ms elapsed  (target < 50 ms: %s)\n", label,
                t.cpu_ms, t.wall_ms, t.cpu_ms < 50 ? "met" : "MISSED");
  }
  return 0;
}

}  // namespace
}  // namespace zfleet::agent

int main(int argc, char** argv) {
  int runs = 21;
  if (argc > 2 || (argc == 2 && (!absl::SimpleAtoi(argv[1], &runs) || runs < 1))) {
    std::fprintf(stderr, "usage: parse_bench [RUNS]\n");
    return 2;
  }
  return zfleet::agent::Run(runs);
}
