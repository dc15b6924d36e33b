// The store at fleet scale: how fast `zfleet status` and `zfleet triage` answer over
// 10,000 hosts / 40,000 pools / 400,000 disks (target < 100 ms each), and how the store grows
// over 30 days of reports every 30 s from 1,000 hosts with rare changes (target: with the
// changes, not with the reports). Everything goes through the controller's own code on a
// Store file: ReportProcessor::Process (the report path: diff, derivation, one
// transaction), OnTick (the controller's tick besides the scheduler), ScheduleService::Tick
// (the scheduler's), FleetQueries::GetStatus (what `status` calls; ListHosts + ListPools,
// what it called before, for comparison) and EventQueries::Triage. Prints its figures; not a
// ctest test. Build in Release.
//
// 30 days are 86.4M reports, too many to replay: part 2 replays a window of each kind of
// report, measures what each adds to the file, and extrapolates with the formula printed.
//
//   store_bench [--part=1|2] [--hosts=10000] [--runs=7] [--fleet=1000] [--hours=H]
//               [--scrub-hours=4] [--live-minutes=1] [--dir=DIR] [--growth-dir=DIR]
// --hours: simulated hours of part 2's unchanged and rare-change phases (default 0.5, or
// $ZFLEET_BENCH_HOURS). Part 1's database goes to --dir (default $TMPDIR or /tmp), part 2's
// to --growth-dir (default /dev/shm when it exists, else --dir): sizes do not depend on the
// medium, but each report's fsync (synchronous=FULL) would limit the replay to a few
// hundred reports a second; part 1's load time shows that rate.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/config/controller_config.h"
#include "controller/event_queries.h"
#include "controller/events/event_tick.h"
#include "controller/fleet_queries.h"
#include "controller/report_processor.h"
#include "controller/schedule_service.h"
#include "controller/store/store.h"
#include "model/pool_status.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kPoolsPerHost = 4;
constexpr int kDisksPerPool = 10;
constexpr int64_t kInterval = 30;    // seconds between an agent's reports
constexpr double kBumpRate = 0.001;  // reports that bump one disk's checksum counter
constexpr int64_t kWeek = 7 * 86400;
constexpr uint64_t kGrpcDefaultMaxMessage = 4 << 20;  // a channel's default receive limit

struct Options {
  int part = 0;  // 0: both
  int hosts = 10000;
  int runs = 7;
  int fleet = 1000;
  double hours = 0.5;
  double scrub_hours = 4;
  double live_minutes = 1;
  std::string dir;
  std::string growth_dir;
};

bool ParseOptions(int argc, char** argv, Options& o) {
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  struct stat shm {};
  o.growth_dir = stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) ? "/dev/shm" : "";
  const char* hours = std::getenv("ZFLEET_BENCH_HOURS");
  if (hours != nullptr && !absl::SimpleAtod(hours, &o.hours)) return false;
  const std::map<std::string, int*> ints = {
      {"part", &o.part}, {"hosts", &o.hosts}, {"runs", &o.runs}, {"fleet", &o.fleet}};
  const std::map<std::string, double*> doubles = {
      {"hours", &o.hours}, {"scrub-hours", &o.scrub_hours}, {"live-minutes", &o.live_minutes}};
  const std::map<std::string, std::string*> texts = {{"dir", &o.dir},
                                                     {"growth-dir", &o.growth_dir}};
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == absl::string_view::npos) return false;
    const std::string name(arg.substr(2, eq - 2));
    const absl::string_view value = arg.substr(eq + 1);
    bool ok = false;
    if (auto n = ints.find(name); n != ints.end()) ok = absl::SimpleAtoi(value, n->second);
    if (auto d = doubles.find(name); d != doubles.end()) ok = absl::SimpleAtod(value, d->second);
    if (auto t = texts.find(name); t != texts.end()) {
      *t->second = std::string(value);
      ok = true;
    }
    if (!ok) return false;
  }
  if (o.growth_dir.empty()) o.growth_dir = o.dir;
  return o.part >= 0 && o.part <= 2 && o.hosts > 0 && o.runs > 0 && o.fleet > 0 && o.hours > 0 &&
         o.scrub_hours > 0 && o.live_minutes >= 0;
}

double MsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
double Max(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }
double Mb(double bytes) { return bytes / 1e6; }

// --- A synthetic fleet: 4 pools per host, 10 disks each, as the agent would report them. ---

struct PoolSpec {
  const char* name;
  bool raidz2;  // 2 × raidz2 of 5, else 5 × mirror of 2
  const char* model;
  const char* id_prefix;
  const char* transport;
  bool rotational;
  uint64_t disk_bytes;
};
constexpr PoolSpec kSpecs[kPoolsPerHost] = {
    {"tank0", true, "ST8000NM0055-1RM112", "ata-ST8000NM0055-1RM112_", "sata", true, 8000000000000},
    {"tank1", false, "WDC WD40EFRX-68N32N0", "ata-WDC_WD40EFRX-68N32N0_WD-", "sata", true,
     4000000000000},
    {"bulk", true, "HUH721212AL5200", "scsi-SHGST_HUH721212AL5200_", "sas", true, 12000000000000},
    {"fast", false, "SAMSUNG MZQL23T8HCLS-00A07", "nvme-SAMSUNG_MZQL23T8HCLS-00A07_", "nvme", false,
     3840000000000}};

// What is wrong with a pool, if anything.
struct Trouble {
  int cksum_disk = -1;
  uint64_t cksum = 0;
  int faulted_disk = -1;
  int data_errors = 0;
};

std::string HostName(int h) { return absl::StrFormat("node%05d.dc1", h); }

void SetCounters(v1::Vdev* v, uint64_t read, uint64_t write, uint64_t cksum) {
  v->set_read_errors(read);
  v->set_write_errors(write);
  v->set_checksum_errors(cksum);
}

v1::Vdev MakeLeaf(const PoolSpec& spec, int index, int slot) {
  v1::Vdev leaf;
  const std::string serial = absl::StrFormat("Z%c%07d", 'A' + index % 7, index);
  leaf.set_name(absl::StrCat(spec.id_prefix, serial));
  leaf.set_path(absl::StrCat("/dev/disk/by-id/", leaf.name()));
  leaf.set_type("disk");
  leaf.set_role("data");
  leaf.set_state("ONLINE");
  SetCounters(&leaf, 0, 0, 0);
  v1::DiskIdentity* disk = leaf.mutable_disk();
  disk->set_serial(serial);
  disk->set_model(spec.model);
  disk->set_wwn(absl::StrFormat("0x5000c500%08x", index));
  disk->set_transport(spec.transport);
  disk->set_rotational(spec.rotational);
  disk->set_size_bytes(spec.disk_bytes);
  disk->set_enclosure_slot(absl::StrFormat("%d:%d", index / kDisksPerPool % 4, slot));
  disk->set_class_(spec.transport);
  return leaf;
}

// As `zpool status` shows a running scrub: every figure moves between two reports.
void SetScanningScan(int64_t start, int64_t seconds, int64_t now, uint64_t total, v1::Scan* scan) {
  const double done = static_cast<double>(now - start) / static_cast<double>(seconds);
  scan->Clear();
  scan->set_function("scrub");
  scan->set_state("scanning");
  scan->set_percent_done(static_cast<double>(static_cast<int64_t>(done * 10000)) / 100);
  scan->set_bytes_scanned(static_cast<uint64_t>(static_cast<double>(total) * done));
  scan->set_bytes_issued(static_cast<uint64_t>(static_cast<double>(total) * done * 0.97));
  scan->set_bytes_total(total);
  scan->set_bytes_repaired(0);
  scan->set_start_time(start);
  scan->set_scan_rate_bytes_per_s(total / static_cast<uint64_t>(seconds));
  scan->set_seconds_to_go(static_cast<uint64_t>(start + seconds - now));
}

v1::Pool MakePool(int host, int p, const Trouble& t, int64_t scrub_start, int64_t scrub_seconds) {
  const PoolSpec& spec = kSpecs[p];
  const int index = (host * kPoolsPerHost + p) * kDisksPerPool;
  v1::Pool pool;
  pool.set_name(spec.name);
  pool.set_state("ONLINE");
  const int groups = spec.raidz2 ? 2 : 5;
  const int width = kDisksPerPool / groups;
  for (int g = 0; g < groups; ++g) {
    v1::Vdev* parent = pool.add_vdevs();
    parent->set_name(absl::StrCat(spec.raidz2 ? "raidz2-" : "mirror-", g));
    parent->set_type(spec.raidz2 ? "raidz2" : "mirror");
    parent->set_role("data");
    parent->set_state("ONLINE");
    SetCounters(parent, 0, 0, 0);
    for (int d = 0; d < width; ++d) {
      const int slot = g * width + d;
      v1::Vdev* leaf = parent->add_children();
      *leaf = MakeLeaf(spec, index + slot, slot);
      if (slot == t.cksum_disk) leaf->set_checksum_errors(t.cksum);
      if (slot == t.faulted_disk) {
        leaf->set_state("FAULTED");
        leaf->set_write_errors(57);
        leaf->set_note("too many errors");
        parent->set_state("DEGRADED");
        pool.set_state("DEGRADED");
      }
    }
  }
  if (t.faulted_disk >= 0) {
    pool.set_status("One or more devices are faulted in response to persistent errors.");
    pool.set_action(
        "Replace the faulted device, or use 'zpool clear' to mark the device repaired.");
    pool.set_see("https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-K4");
  } else if (t.data_errors > 0) {
    pool.set_status("One or more devices has experienced an error resulting in data corruption.");
    pool.set_action("Restore the file in question if possible.");
    pool.set_see("https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-8A");
  } else if (t.cksum > 0) {
    pool.set_status("One or more devices has experienced an unrecoverable error.");
    pool.set_action(
        "Determine if the device needs to be replaced, and clear the errors using "
        "'zpool clear' or replace the device with 'zpool replace'.");
    pool.set_see("https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-9P");
  }
  pool.set_health(pool.state());
  testing::SetFinishedScrub(pool.mutable_scan(), scrub_start, scrub_start + scrub_seconds);
  v1::PoolErrors* errors = pool.mutable_errors();
  errors->set_count(static_cast<uint64_t>(t.data_errors));
  errors->set_text(t.data_errors > 0 ? "Permanent errors have been detected in the following files:"
                                     : "No known data errors");
  for (int f = 0; f < t.data_errors; ++f) {
    errors->add_files(absl::StrFormat("/%s/db/table%04d.ibd", spec.name, index + f));
  }
  const uint64_t size = spec.disk_bytes * kDisksPerPool;
  const uint64_t allocated = size / 100 * static_cast<uint64_t>(30 + index % 50);
  pool.set_size_bytes(size);
  pool.set_allocated_bytes(allocated);
  pool.set_free_bytes(size - allocated);
  pool.set_fragmentation_percent(static_cast<uint32_t>(5 + index % 30));
  pool.set_capacity_percent(static_cast<uint32_t>(allocated * 100 / size));
  return pool;
}

v1::HostInfo MakeHostInfo(int h, bool stack_warn, double load) {
  v1::HostInfo info;
  info.set_hostname(HostName(h));
  info.set_agent_version("0.1.0");
  info.set_zpool_path("/usr/sbin/zpool");
  info.set_zpool_generation("openzfs-2");
  (*info.mutable_labels())["rack"] = absl::StrFormat("r%04d", h / 40);
  info.set_load1(load);
  struct Check {
    const char* name;
    const char* level;
    const char* evidence;
    const char* fix;
  };
  const Check checks[] = {
      {"zfs-module-loaded", "ok", "zfs 2.1.11-1 loaded", ""},
      {"zfs-module-installed:6.1.0-13-amd64", "ok", "zfs.ko built for 6.1.0-13-amd64", ""},
      stack_warn ? Check{"systemd:zfs-zed", "warn", "zfs-zed.service inactive (dead)",
                         "systemctl enable --now zfs-zed"}
                 : Check{"systemd:zfs-zed", "ok", "zfs-zed.service active (running)", ""},
      {"systemd:zfs-import-cache", "ok", "zfs-import-cache.service enabled", ""}};
  for (const Check& c : checks) {
    v1::StackCheck* check = info.add_stack_checks();
    check->set_name(c.name);
    check->set_level(c.level);
    check->set_evidence(c.evidence);
    check->set_fix(c.fix);
  }
  return info;
}

v1::ReportRequest MakeReport(int h, uint64_t sequence, absl::Time now, v1::HostInfo info,
                             const std::vector<v1::Pool>& pools) {
  v1::ReportRequest report;
  report.set_host_id(HostName(h));
  report.set_instance_id(absl::StrFormat("agent-%05d-1", h));
  report.set_sequence(sequence);
  report.set_report_time(absl::ToUnixSeconds(now));
  *report.mutable_host() = std::move(info);
  for (const v1::Pool& pool : pools) *report.add_pools() = pool;
  report.set_pools_valid(true);
  return report;
}

// --- The controller as the server wires it, on a FakeClock. ---

struct Controller {
  explicit Controller(absl::Time start) : clock(start) {}

  absl::Status Open(const std::string& db) {
    ASSIGN_OR_RETURN(store, controller::Store::Open(db));
    reports = std::make_unique<controller::ReportProcessor>(store.get(), &mu, &config, &clock);
    fleet = std::make_unique<controller::FleetQueries>(store.get(), &mu, &config, &clock);
    events = std::make_unique<controller::EventQueries>(store.get(), &mu, &config, &clock);
    schedule = std::make_unique<controller::ScheduleService>(store.get(), &mu, &config, &clock);
    return absl::OkStatus();
  }
  absl::Status Report(const v1::ReportRequest& report) {
    return WithContext(reports->Process(report).status(), "report");
  }
  // What Controller::Tick runs besides the scheduler.
  absl::Status Tick() {
    absl::MutexLock lock(&mu);
    return WithContext(controller::OnTick(*store, config, clock.Now()), "tick");
  }

  FakeClock clock;
  controller::ControllerConfig config;
  absl::Mutex mu;
  std::unique_ptr<controller::Store> store;
  std::unique_ptr<controller::ReportProcessor> reports;
  std::unique_ptr<controller::FleetQueries> fleet;
  std::unique_ptr<controller::EventQueries> events;
  std::unique_ptr<controller::ScheduleService> schedule;
};

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
}

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone());

// --- Part 1: status and triage over a large fleet. ---

// About 1% of pools with checksum errors (half of them growing), 0.3% DEGRADED with a
// FAULTED disk, 0.1% with permanent errors; 0.5% of hosts silent, 0.2% with a stack warning.
Trouble TroubleOf(int h, int p, bool later) {
  const int seed = h * kPoolsPerHost + p;
  Trouble t;
  if (seed % 97 == 5) {
    t.cksum_disk = seed % kDisksPerPool;
    t.cksum = later && seed % 2 == 0 ? 48 : 3;
  }
  if (seed % 331 == 7) t.faulted_disk = seed / 7 % kDisksPerPool;
  if (seed % 1009 == 11) t.data_errors = 2;
  return t;
}
bool HasTrouble(int h) {
  for (int p = 0; p < kPoolsPerHost; ++p) {
    const Trouble t = TroubleOf(h, p, false);
    if (t.cksum_disk >= 0 || t.faulted_disk >= 0 || t.data_errors > 0) return true;
  }
  return false;
}
bool IsSilent(int h) { return h % 200 == 199; }

v1::ReportRequest Part1Report(int h, absl::Time now, bool later, uint64_t sequence) {
  std::vector<v1::Pool> pools;
  for (int p = 0; p < kPoolsPerHost; ++p) {
    const int64_t age = 3600 + (h * kPoolsPerHost + p) * 7919LL % kWeek;
    pools.push_back(
        MakePool(h, p, TroubleOf(h, p, later), absl::ToUnixSeconds(now) - age, 4 * 3600));
  }
  return MakeReport(h, sequence, now, MakeHostInfo(h, h % 500 == 3, 0.5), pools);
}

void PrintTimes(const char* what, const std::vector<double>& ms, const std::string& extra) {
  std::printf("  %-34s median %8.1f ms  max %8.1f ms  target < 100 ms: %s%s\n", what, Median(ms),
              Max(ms), Median(ms) < 100 ? "met" : "missed", extra.c_str());
}

absl::Status RunPart1(const Options& o) {
  const std::string path = absl::StrCat(o.dir, "/store_bench_status.db");
  RemoveDb(path);
  Controller ctl(kStart);
  RETURN_IF_ERROR(ctl.Open(path));
  std::printf("part 1: status and triage over %d hosts / %d pools / %d disks (%s)\n", o.hosts,
              o.hosts * kPoolsPerHost, o.hosts * kPoolsPerHost * kDisksPerPool, path.c_str());

  // Silent hosts report once, 4 h before everyone; troubled hosts 2 h before, so their
  // counters have a trend across time.
  auto start = SteadyClock::now();
  int reports = 0;
  for (int h = 0; h < o.hosts; ++h) {
    if (!IsSilent(h)) continue;
    RETURN_IF_ERROR(ctl.Report(Part1Report(h, ctl.clock.Now(), true, 1)));
    ++reports;
  }
  ctl.clock.Set(kStart + absl::Hours(2));
  for (int h = 0; h < o.hosts; ++h) {
    if (IsSilent(h) || !HasTrouble(h)) continue;
    RETURN_IF_ERROR(ctl.Report(Part1Report(h, ctl.clock.Now(), false, 1)));
    ++reports;
  }
  ctl.clock.Set(kStart + absl::Hours(4));
  for (int h = 0; h < o.hosts; ++h) {
    if (IsSilent(h)) continue;
    ctl.clock.Advance(absl::Seconds(kInterval) / o.hosts);  // one interval, spread out
    RETURN_IF_ERROR(ctl.Report(Part1Report(h, ctl.clock.Now(), true, 2)));
    ++reports;
  }
  const double load_ms = MsSince(start);
  ctl.clock.Advance(absl::Seconds(5));
  start = SteadyClock::now();
  RETURN_IF_ERROR(ctl.Tick());
  const double tick_ms = MsSince(start);
  std::printf(
      "  load: %d reports through ReportProcessor::Process in %.1f s (%.2f ms/report, "
      "one transaction each); db %.1f MB + wal %.1f MB; first OnTick %.0f ms\n",
      reports, load_ms / 1000, load_ms / reports, Mb(static_cast<double>(FileSize(path))),
      Mb(static_cast<double>(FileSize(path + "-wal"))), tick_ms);

  std::vector<double> hosts_ms, pools_ms, lists_ms, status_ms, listed_ms, wire_ms, triage_ms;
  v1::ListHostsResponse hosts;
  v1::ListPoolsResponse pools;
  v1::GetStatusResponse status;
  v1::GetStatusResponse listed;
  v1::GetStatusRequest every_pool;  // `zfleet status --all`
  v1::GetStatusRequest default_request;
  default_request.set_limit(100);  // `zfleet status`: at most 100 pools listed
  v1::TriageResponse triage;
  for (int run = 0; run < o.runs; ++run) {
    start = SteadyClock::now();
    ASSIGN_OR_RETURN(listed, ctl.fleet->GetStatus(default_request));
    listed_ms.push_back(MsSince(start));
    start = SteadyClock::now();
    ASSIGN_OR_RETURN(status, ctl.fleet->GetStatus(every_pool));
    status_ms.push_back(MsSince(start));
    start = SteadyClock::now();
    v1::GetStatusResponse received;
    if (!received.ParseFromString(status.SerializeAsString())) {
      return absl::InternalError("GetStatusResponse does not round-trip");
    }
    wire_ms.push_back(MsSince(start));
    start = SteadyClock::now();
    ASSIGN_OR_RETURN(hosts, ctl.fleet->ListHosts());
    hosts_ms.push_back(MsSince(start));
    auto mid = SteadyClock::now();
    ASSIGN_OR_RETURN(pools, ctl.fleet->ListPools());
    pools_ms.push_back(MsSince(mid));
    lists_ms.push_back(MsSince(start));
    start = SteadyClock::now();
    ASSIGN_OR_RETURN(triage, ctl.events->Triage(v1::TriageRequest()));
    triage_ms.push_back(MsSince(start));
  }
  std::map<std::string, int> kinds;
  for (const v1::TriageItem& item : triage.items()) ++kinds[item.kind()];
  std::string kind_text;
  for (const auto& [kind, n] : kinds)
    absl::StrAppend(&kind_text, kind_text.empty() ? "" : ", ", kind, " ", n);
  std::printf("  %d runs each:\n", o.runs);
  // GetStatus must say of every pool what the full listings say (the CLI's verdicts and
  // output depend on it).
  int mismatched = 0;
  for (int i = 0; i < pools.pools_size(); ++i) {
    if (i >= status.pools_size() || PoolStatusOf(pools.pools(i)).SerializeAsString() !=
                                        status.pools(i).SerializeAsString()) {
      ++mismatched;
    }
  }
  if (mismatched > 0 || status.pools_size() != pools.pools_size() ||
      status.hosts_total() != static_cast<uint32_t>(hosts.hosts_size())) {
    return absl::InternalError(absl::StrCat("GetStatus disagrees with ListPools on ", mismatched,
                                            " of ", pools.pools_size(), " pools"));
  }
  PrintTimes("status (FleetQueries::GetStatus, at most 100 pools listed)", listed_ms,
             absl::StrFormat("  (%d of %u pools listed, %u unhealthy)", listed.pools_size(),
                             listed.summary().pools_total(), listed.summary().pools_unhealthy()));
  PrintTimes("status --all (FleetQueries::GetStatus, every pool)", status_ms,
             absl::StrFormat("  (%d pools, all equal to ListPools')", status.pools_size()));
  PrintTimes("  + GetStatusResponse encode/decode", wire_ms, "");
  PrintTimes("old status (ListHosts + ListPools)", lists_ms, "");
  PrintTimes("  FleetQueries::ListHosts", hosts_ms,
             absl::StrFormat("  (%d hosts)", hosts.hosts_size()));
  PrintTimes("  FleetQueries::ListPools", pools_ms,
             absl::StrFormat("  (%d pools)", pools.pools_size()));
  PrintTimes("triage (EventQueries::Triage)", triage_ms,
             absl::StrFormat("  (%d items: %s)", triage.items_size(), kind_text));

  // The scheduler's tick: its first plans the fleet and starts what is due; the next ones are
  // the steady state every tick pays (a second apart, so every host still reports).
  std::vector<double> schedule_ms;
  for (int run = 0; run <= o.runs; ++run) {
    start = SteadyClock::now();
    RETURN_IF_ERROR(WithContext(ctl.schedule->Tick(), "scheduler tick"));
    schedule_ms.push_back(MsSince(start));
    ctl.clock.Advance(absl::Seconds(1));
  }
  std::printf(
      "  scheduler tick (ScheduleService::Tick): first %.0f ms, then median %.0f ms, max %.0f ms\n",
      schedule_ms.front(), Median(std::vector<double>(schedule_ms.begin() + 1, schedule_ms.end())),
      *std::max_element(schedule_ms.begin() + 1, schedule_ms.end()));

  // Where status spends its time: the store's reads, and the per-pool lookup of the last run.
  start = SteadyClock::now();
  ASSIGN_OR_RETURN(std::vector<HostRecord> host_rows, ctl.store->hosts().List());
  const double store_hosts_ms = MsSince(start);
  start = SteadyClock::now();
  ASSIGN_OR_RETURN(std::vector<PoolRecord> pool_rows, ctl.store->pools().List());
  const double store_pools_ms = MsSince(start);
  start = SteadyClock::now();
  for (const PoolRecord& p : pool_rows) {
    ASSIGN_OR_RETURN(auto runs, ctl.store->scrub_runs().List(p.host_id, p.pool.name(), 1));
  }
  const double runs_ms = MsSince(start);
  start = SteadyClock::now();
  ASSIGN_OR_RETURN(auto attention, ctl.store->pools().ListNeedingAttention());
  const double attention_ms = MsSince(start);
  std::printf(
      "  breakdown (once): HostTable::List %.0f ms, PoolTable::List %.0f ms "
      "(parses %zu snapshot blobs), %zu x ScrubRunTable::List %.0f ms, "
      "PoolTable::ListNeedingAttention %.0f ms (%zu pools)\n",
      store_hosts_ms, store_pools_ms, pool_rows.size(), pool_rows.size(), runs_ms, attention_ms,
      attention.size());
  for (const auto& [what, bytes] :
       {std::pair<const char*, uint64_t>{"ListHostsResponse", hosts.ByteSizeLong()},
        {"ListPoolsResponse", pools.ByteSizeLong()},
        {"GetStatusResponse", status.ByteSizeLong()},
        {"TriageResponse", triage.ByteSizeLong()}}) {
    std::printf("  %-18s %8.1f MB on the wire (gRPC's default receive limit is 4 MiB: %s)\n", what,
                Mb(static_cast<double>(bytes)),
                bytes <= kGrpcDefaultMaxMessage ? "fits" : "EXCEEDS");
  }
  ctl.store.reset();
  RemoveDb(path);
  return absl::OkStatus();
}

// --- Part 2: the store's size over time. ---

struct DbFigures {
  int64_t file = 0;  // the database file after a TRUNCATE checkpoint
  int64_t wal = 0;   // the -wal file then (0 unless the checkpoint could not finish)
  int64_t live = 0;  // pages in use (not on the freelist) × page size
  std::map<std::string, int64_t> rows;
  int64_t total() const { return file + wal; }
};

// The first column of the first row.
absl::StatusOr<int64_t> QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
    return absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  }
  return sqlite3_column_int64(stmt.get(), 0);
}

// Checkpoints the WAL into the database through a second connection (the store's stays
// open and idle), then stats the files and counts the history tables' rows.
absl::StatusOr<DbFigures> Measure(const std::string& path, bool per_table) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (rc != SQLITE_OK) return absl::InternalError(absl::StrCat("open ", path));
  sqlite3_busy_timeout(db.get(), 5000);
  ASSIGN_OR_RETURN(int64_t busy, QueryInt(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)"));
  if (busy != 0) return absl::InternalError("wal_checkpoint(TRUNCATE) was blocked");
  DbFigures f;
  f.file = FileSize(path);
  f.wal = FileSize(path + "-wal");
  ASSIGN_OR_RETURN(int64_t pages, QueryInt(db.get(), "PRAGMA page_count"));
  ASSIGN_OR_RETURN(int64_t free_pages, QueryInt(db.get(), "PRAGMA freelist_count"));
  ASSIGN_OR_RETURN(int64_t page_size, QueryInt(db.get(), "PRAGMA page_size"));
  f.live = (pages - free_pages) * page_size;
  for (const char* table : {"pool_snapshots", "vdev_counters", "events", "scrub_runs"}) {
    ASSIGN_OR_RETURN(f.rows[table],
                     QueryInt(db.get(), absl::StrCat("SELECT COUNT(*) FROM ", table)));
  }
  if (per_table) {  // dbstat is optional in SQLite builds; Debian's has it
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db.get(),
                           "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
                           "ORDER BY 2 DESC LIMIT 8",
                           -1, &stmt, nullptr) == SQLITE_OK) {
      std::string line;
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        absl::StrAppendFormat(&line, "%s%s %.1f MB", line.empty() ? "" : ", ",
                              reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                              Mb(static_cast<double>(sqlite3_column_int64(stmt, 1))));
      }
      std::printf("  largest tables and indexes: %s\n", line.c_str());
    }
    sqlite3_finalize(stmt);
  }
  return f;
}

// A fleet of healthy hosts that report every 30 s. Every pool scrubs once a week, for
// `scrub_seconds`, at a time of its own; the week's schedule is laid out so that no scrub
// runs or ends before `scrubs_from` (the unchanged phase), and those already due by then
// are running when it comes.
class ReportingFleet {
 public:
  ReportingFleet(int hosts, absl::Time scrubs_from, int64_t scrub_seconds)
      : hosts_(hosts), scrub_seconds_(scrub_seconds), sequence_(hosts, 0) {
    const int64_t from = absl::ToUnixSeconds(scrubs_from);
    for (int h = 0; h < hosts; ++h) {
      for (int p = 0; p < kPoolsPerHost; ++p) {
        const int64_t start = from - scrub_seconds + (h * kPoolsPerHost + p) * 104729LL % kWeek;
        scrub_start_.push_back(start);
        pools_.push_back(MakePool(h, p, Trouble(), start - kWeek, scrub_seconds));
      }
    }
  }

  struct Mode {
    bool scrubs = false;  // scans follow the schedule (else they stay as first reported)
    bool bumps = false;   // kBumpRate of reports add a checksum error to one disk
    bool live = false;    // every pool's ALLOC/FREE move between reports (a written pool)
  };

  v1::ReportRequest Report(int h, absl::Time now, const Mode& mode) {
    const int64_t t = absl::ToUnixSeconds(now);
    std::vector<v1::Pool> pools;
    if (mode.bumps && std::uniform_real_distribution<double>(0, 1)(rng_) < kBumpRate) {
      v1::Pool& pool = pools_[h * kPoolsPerHost + rng_() % kPoolsPerHost];
      v1::Vdev* parent = pool.mutable_vdevs(static_cast<int>(rng_() % pool.vdevs_size()));
      v1::Vdev* leaf = parent->mutable_children(static_cast<int>(rng_() % parent->children_size()));
      leaf->set_checksum_errors(leaf->checksum_errors() + 1);
      ++bumps_;
    }
    for (int p = 0; p < kPoolsPerHost; ++p) {
      const size_t i = static_cast<size_t>(h * kPoolsPerHost + p);
      v1::Pool& pool = pools_[i];
      if (mode.live) {
        const uint64_t delta = 1 + rng_() % (64ULL << 20);
        pool.set_allocated_bytes(pool.allocated_bytes() + delta);
        pool.set_free_bytes(pool.free_bytes() - delta);
      }
      if (mode.scrubs) {
        const int64_t start = scrub_start_[i];
        if (t >= start + scrub_seconds_) {
          testing::SetFinishedScrub(pool.mutable_scan(), start, start + scrub_seconds_);
        } else if (t >= start) {
          SetScanningScan(start, scrub_seconds_, t, pool.allocated_bytes(), pool.mutable_scan());
        }
      }
      pools.push_back(pool);
    }
    const double load = 0.2 + static_cast<double>(rng_() % 300) / 100;  // in place, like last_seen
    return MakeReport(h, ++sequence_[h], now, MakeHostInfo(h, false, load), pools);
  }

  int hosts() const { return hosts_; }
  int64_t bumps() const { return bumps_; }

 private:
  int hosts_;
  int64_t scrub_seconds_;
  std::vector<uint64_t> sequence_;
  std::vector<int64_t> scrub_start_;
  std::vector<v1::Pool> pools_;
  std::mt19937_64 rng_{20261102};
  int64_t bumps_ = 0;
};

struct Phase {
  std::string name;
  int64_t reports = 0;
  double seconds = 0;  // wall time
  DbFigures after;
};

// Every host reports once per round (spread over the 30 s); the tick runs once per round.
absl::StatusOr<Phase> Replay(const std::string& name, int64_t rounds, Controller& ctl,
                             ReportingFleet& fleet, const ReportingFleet::Mode& mode,
                             const std::string& path) {
  Phase phase;
  phase.name = name;
  const auto start = SteadyClock::now();
  for (int64_t r = 0; r < rounds; ++r) {
    for (int h = 0; h < fleet.hosts(); ++h) {
      ctl.clock.Advance(absl::Seconds(kInterval) / fleet.hosts());
      RETURN_IF_ERROR(ctl.Report(fleet.Report(h, ctl.clock.Now(), mode)));
      ++phase.reports;
    }
    RETURN_IF_ERROR(ctl.Tick());
  }
  phase.seconds = MsSince(start) / 1000;
  ASSIGN_OR_RETURN(phase.after, Measure(path, false));
  return phase;
}

void PrintPhase(const Phase& p, const DbFigures& before, int64_t bumps) {
  auto delta = [&](const char* table) { return p.after.rows.at(table) - before.rows.at(table); };
  const int64_t growth = p.after.total() - before.total();
  std::printf(
      "  %-22s %9lld reports in %6.1f s (%5.0f/s): +%lld snapshots, +%lld counter rows, "
      "+%lld events, +%lld scrub runs%s; file %+.2f MB (live %+.2f MB) = %.1f B/report\n",
      p.name.c_str(), static_cast<long long>(p.reports), p.seconds,
      static_cast<double>(p.reports) / p.seconds, static_cast<long long>(delta("pool_snapshots")),
      static_cast<long long>(delta("vdev_counters")), static_cast<long long>(delta("events")),
      static_cast<long long>(delta("scrub_runs")),
      bumps > 0 ? absl::StrFormat(" (%lld counter bumps)", static_cast<long long>(bumps)).c_str()
                : "",
      Mb(static_cast<double>(growth)), Mb(static_cast<double>(p.after.live - before.live)),
      static_cast<double>(growth) / static_cast<double>(p.reports));
}

absl::Status RunPart2(const Options& o) {
  const std::string path = absl::StrCat(o.growth_dir, "/store_bench_growth.db");
  RemoveDb(path);
  Controller ctl(kStart);
  RETURN_IF_ERROR(ctl.Open(path));
  const int64_t rounds = std::max<int64_t>(1, static_cast<int64_t>(o.hours * 3600 / kInterval));
  const int64_t live_rounds = static_cast<int64_t>(o.live_minutes * 60 / kInterval);
  const int64_t scrub_seconds = static_cast<int64_t>(o.scrub_hours * 3600);
  const int pools = o.fleet * kPoolsPerHost;
  std::printf(
      "\npart 2: store growth, %d hosts / %d pools / %d disks reporting every %llds, "
      "%lld rounds per phase (%.2f simulated h), scrubs of %.1f h once a week per pool "
      "(%s)\n",
      o.fleet, pools, pools * kDisksPerPool, static_cast<long long>(kInterval),
      static_cast<long long>(rounds), o.hours, o.scrub_hours, path.c_str());
  // Round 0 is the first report of each host; the unchanged phase follows; scrubs start with
  // the rare-change phase.
  const absl::Time scrubs_from = kStart + absl::Seconds(kInterval * (1 + rounds));
  ReportingFleet fleet(o.fleet, scrubs_from, scrub_seconds);
  ASSIGN_OR_RETURN(Phase first, Replay("first reports", 1, ctl, fleet, {}, path));
  std::printf("  after the first report of every host: %.2f MB (%.1f KB per pool)\n",
              Mb(static_cast<double>(first.after.total())),
              static_cast<double>(first.after.total()) / pools / 1000);
  ASSIGN_OR_RETURN(Phase same, Replay("unchanged", rounds, ctl, fleet, {}, path));
  PrintPhase(same, first.after, 0);
  const int64_t bumps_before = fleet.bumps();
  ASSIGN_OR_RETURN(Phase rare, Replay("rare changes + scrubs", rounds, ctl, fleet,
                                      {.scrubs = true, .bumps = true}, path));
  PrintPhase(rare, same.after, fleet.bumps() - bumps_before);
  std::optional<Phase> live;
  if (live_rounds > 0) {
    ASSIGN_OR_RETURN(live, Replay("live ALLOC/FREE", live_rounds, ctl, fleet,
                                  {.scrubs = true, .bumps = true, .live = true}, path));
    PrintPhase(*live, rare.after, 0);
  }
  ASSIGN_OR_RETURN(DbFigures end, Measure(path, true));
  std::printf(
      "  measured after %.2f simulated h: %.2f MB (db %.2f MB + wal %.2f MB after "
      "wal_checkpoint(TRUNCATE); %.2f MB of pages in use)\n",
      absl::ToDoubleHours(ctl.clock.Now() - kStart), Mb(static_cast<double>(end.total())),
      Mb(static_cast<double>(end.file)), Mb(static_cast<double>(end.wal)),
      Mb(static_cast<double>(end.live)));

  // Per-report and per-change costs, then 30 days from them.
  const double per_report = static_cast<double>(same.after.total() - first.after.total()) /
                            static_cast<double>(same.reports);
  const int64_t changes =
      rare.after.rows.at("pool_snapshots") - same.after.rows.at("pool_snapshots");
  const double per_change = changes > 0
                                ? (static_cast<double>(rare.after.total() - same.after.total()) -
                                   per_report * static_cast<double>(rare.reports)) /
                                      static_cast<double>(changes)
                                : 0;
  const double reports_30d = 30.0 * 86400 / kInterval * o.fleet;
  const double bumps_30d = kBumpRate * reports_30d;
  const double scrubs_30d = pools * 30.0 / 7;
  // A scrub is stored at its start and its end: its progress refreshes the latest snapshot
  // in place (PoolTable::Record), so only material changes add rows.
  const double base = static_cast<double>(first.after.total());
  const double size_30d =
      base + reports_30d * per_report + (bumps_30d + scrubs_30d * 2) * per_change;
  std::printf("  bytes per unchanged report: %.2f (target ~0: last_seen is updated in place)\n",
              per_report);
  std::printf(
      "  bytes per change (a new snapshot with its facts, counter rows and events): %.0f "
      "over %lld changes in %lld reports (scrub progress adds none)\n",
      per_change, static_cast<long long>(changes), static_cast<long long>(rare.reports));
  std::printf(
      "  30 days, extrapolated: first reports %.1f MB\n"
      "    + reports    %.0f (%d hosts x 2,880/day x 30) x %.2f B\n"
      "    + changes    (counter bumps %.0f (%.1f%% of reports) + scrub starts and ends %.0f "
      "(%d pools x 30/7 scrubs x 2)) x %.0f B\n"
      "    = %.1f MB (before history.retention thins snapshots older than 30 d)\n",
      Mb(base), reports_30d, o.fleet, per_report, bumps_30d, kBumpRate * 100, scrubs_30d * 2,
      pools, per_change, Mb(size_30d));
  if (live.has_value()) {
    const double per_live = static_cast<double>(live->after.total() - rare.after.total()) /
                            static_cast<double>(live->reports);
    std::printf(
        "  if ALLOC/FREE move on every report (pools being written; the agent runs "
        "`zpool list -Hp`): %.0f B per report -> %.1f MB + %.0f x %.0f B = %.0f MB in 30 days\n",
        per_live, Mb(base), reports_30d, per_live, Mb(base + reports_30d * per_live));
  }
  ctl.store.reset();
  RemoveDb(path);
  return absl::OkStatus();
}

}  // namespace
}  // namespace zfleet::bench

int main(int argc, char** argv) {
  zfleet::bench::Options options;
  if (!zfleet::bench::ParseOptions(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: store_bench [--part=1|2] [--hosts=N] [--runs=N] [--fleet=N] [--hours=H] "
                 "[--scrub-hours=H] [--live-minutes=M] [--dir=DIR] [--growth-dir=DIR]\n");
    return 2;
  }
  zfleet::InitLogging("store_bench");
  spdlog::set_level(spdlog::level::warn);  // the report path logs each event it raises
  const auto start = std::chrono::steady_clock::now();
  if (options.part != 2) {
    if (absl::Status s = zfleet::bench::RunPart1(options); !s.ok()) {
      std::fprintf(stderr, "store_bench: part 1: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  if (options.part != 1) {
    if (absl::Status s = zfleet::bench::RunPart2(options); !s.ok()) {
      std::fprintf(stderr, "store_bench: part 2: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  std::printf("total %.1f s\n", zfleet::bench::MsSince(start) / 1000);
  return 0;
}
