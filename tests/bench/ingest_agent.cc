#include "tests/bench/ingest_agent.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "tests/bench/ingest_load.h"
#include "tests/bench/ingest_target.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::bench {
namespace {

constexpr char kHostId[] = "bench-agent";
constexpr int kGroupWidth = 12;  // raidz2 vdevs of 12 disks, as ingest_fleet lays them out
constexpr uint64_t kDiskBytes = 16000900661248;

// `zpool CMD -?` of OpenZFS 2.1: exact numbers (-p), full paths (-P), scrub pause (-p).
constexpr char kUsage[] =
    "usage:\n"
    "\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]\n"
    "\tstatus [-c [script1,script2,...]] [-igLpPstvxD]  [-T d|u] [pool] ... "
    "[interval [count]]\n"
    "\tscrub [-s | -p] <pool> ...\n";

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::trunc) << content;
}

// `zpool list -H -p` and `zpool status -v -p -P` of the host's pools.
void WriteFakeHost(const std::string& dir, const FleetShape& shape) {
  std::string list, status;
  for (int p = 0; p < shape.pools; ++p) {
    const std::string pool = absl::StrCat("tank", p);
    uint64_t size = 0;
    for (int g = 0; g * kGroupWidth < shape.disks; ++g) {
      const int width = std::min(shape.disks, (g + 1) * kGroupWidth) - g * kGroupWidth;
      size += kDiskBytes * static_cast<uint64_t>(std::max(1, width - 2));
    }
    const uint64_t allocated = size / 100 * 42;
    absl::StrAppendFormat(&list, "%s\t%d\t%d\t%d\t-\t-\t12\t42\t1.00\tONLINE\t-\n", pool, size,
                          allocated, size - allocated);
    absl::StrAppendFormat(
        &status,
        "  pool: %s\n state: ONLINE\n  scan: scrub repaired 0B in 09:00:00 with 0 "
        "errors on Sun Nov  8 02:37:46 2020\nconfig:\n\n\t%-56s %-8s %5s %5s "
        "%5s\n\t%-56s %-8s %5d %5d %5d\n",
        pool, "NAME", "STATE", "READ", "WRITE", "CKSUM", pool, "ONLINE", 0, 0, 0);
    for (int g = 0; g * kGroupWidth < shape.disks; ++g) {
      absl::StrAppendFormat(&status, "\t  %-54s %-8s %5d %5d %5d\n", absl::StrCat("raidz2-", g),
                            "ONLINE", 0, 0, 0);
      for (int d = g * kGroupWidth; d < std::min(shape.disks, (g + 1) * kGroupWidth); ++d) {
        const std::string disk =
            absl::StrFormat("/dev/disk/by-id/ata-ST16000NM001G-2KK103_ZL%06X", p * shape.disks + d);
        absl::StrAppendFormat(&status, "\t    %-52s %-8s %5d %5d %5d\n", disk, "ONLINE", 0, 0, 0);
      }
    }
    status += "\nerrors: No known data errors\n\n";
  }
  WriteFile(dir + "/list.txt", list);
  WriteFile(dir + "/status.txt", status);
  WriteFile(dir + "/usage.txt", kUsage);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The controller's record of the agent's host: pools and seconds since its last report.
void ReadControllerView(const std::string& address, AgentFigures& f) {
  auto stub =
      v1::FleetService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::ListHostsResponse hosts;
  if (!stub->ListHosts(&context, v1::ListHostsRequest(), &hosts).ok()) return;
  for (const v1::HostSummary& host : hosts.hosts()) {
    if (host.host_id() != kHostId) continue;
    f.pools_seen = static_cast<int>(host.pool_count());
    f.last_seen_ago = static_cast<double>(UnixNow() - host.last_seen());
  }
}

}  // namespace

absl::StatusOr<AgentFigures> MeasureAgent(const std::string& agent_bin, const std::string& address,
                                          const FleetShape& shape, const std::string& dir,
                                          absl::Duration run_for) {
  const std::string host = dir + "/agent-host";
  std::error_code ec;
  for (const char* sub : {"", "/state", "/dev", "/sys"}) {
    std::filesystem::create_directories(host + sub, ec);
  }
  const std::string zpool = host + "/zpool";
  std::filesystem::copy_file(std::string(ZFLEET_TESTS_DIR) + "/testing/fake_zpool.sh", zpool,
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot copy the fake zpool: ", ec.message()));
  std::filesystem::permissions(zpool, std::filesystem::perms::owner_all, ec);
  WriteFakeHost(host, shape);
  // Empty /dev and /sys roots: the disks have no identity to read, so the figures do not
  // depend on this machine's disks.
  const std::string log = host + "/agent.log";
  auto agent = Target::Spawn(
      {agent_bin, "--controller", address, "--host-id", kHostId, "--zpool", zpool, "--state-dir",
       host + "/state", "--dev-root", host + "/dev", "--sys-root", host + "/sys"},
      log);
  if (!agent.ok()) return agent.status();
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::milliseconds(absl::ToInt64Milliseconds(run_for));
  std::vector<double> samples;
  Target::Usage last;
  while (true) {
    const auto next = std::min(end, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    std::this_thread::sleep_until(next);
    const absl::StatusOr<Target::Usage> usage = (*agent)->Read();
    if (!usage.ok() || !(*agent)->Running()) {
      std::ifstream in(log);
      std::string line, last_line = "(nothing logged)";
      while (std::getline(in, line)) {
        if (!line.empty()) last_line = line;
      }
      return absl::UnavailableError(absl::StrCat("the agent exited: ", last_line));
    }
    last = *usage;
    samples.push_back(usage->rss_mb);
    if (next >= end) break;
  }
  AgentFigures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  f.cpu_seconds = last.cpu_seconds;
  f.rss_mb = last.rss_mb;
  f.anon_rss_mb = last.anon_rss_mb;
  f.file_rss_mb = last.file_rss_mb;
  f.peak_rss_mb = last.peak_rss_mb;
  f.median_rss_mb = Median(samples);
  ReadControllerView(address, f);
  (*agent)->Stop();
  return f;
}

void PrintAgentFigures(const AgentFigures& f, const FleetShape& shape) {
  std::printf(
      "agent:      %.0f s, %d pools x %d disks: rss %.1f MB (peak %.1f MB, median %.1f MB; at the "
      "end %.1f MB its own, %.1f MB of its binary and libraries)  cpu %.2f s (%.3f%% of a core)  "
      "controller saw %d pools, last report %.0f s before the end\n",
      f.seconds, shape.pools, shape.disks, f.rss_mb, f.peak_rss_mb, f.median_rss_mb, f.anon_rss_mb,
      f.file_rss_mb, f.cpu_seconds, f.seconds > 0 ? f.cpu_seconds / f.seconds * 100 : 0,
      f.pools_seen, f.last_seen_ago);
}

}  // namespace zfleet::bench
