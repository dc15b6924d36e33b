// Ingest at fleet scale: N simulated agents report over gRPC to the real zfleet-controller
// (plaintext on 127.0.0.1, its database in a temporary directory, synchronous=FULL as by
// default), then to a bare echo of the same AgentService.Report in a child process of its
// own; optionally the real zfleet-agent reports to the controller alone. Reports go as fast
// as they are answered (--interval=0), or each host once per --interval, hosts spread
// evenly over it, as a fleet reports. Per target it prints reports/s, the latency of a call
// (p50, p99, max), failures (any status but OK), paced: the reports sent late (more than
// 1 s after their slot, their host's previous report unanswered) and whether the load held;
// the target's CPU (user + system seconds over wall seconds, from /proc) and its peak and
// final RSS, and the load generator's CPU and peak RSS; then the ratio. While the controller
// is loaded, the real `zfleet status` runs against it every --status-every seconds: its wall
// time. Every host first reports twice, unmeasured (a host new to the controller costs more
// than one it knows, and its second report is compared with the store before the next
// are answered from memory): the figures are the steady state that follows. The controller runs
// with its defaults (but missing_after, kControllerToml), its tick every 30 s included: its
// peak RSS counts a tick once one ran.
// The agent (--targets=...,agent) runs after the load, for --agent-seconds, with a fake
// zpool of --pools x --disks: its RSS and CPU. Prints figures; not pass/fail on time
// (tests/bench/ingest_bench_smoke.sh runs every mode briefly).
//
//   ingest_bench [--hosts=2000] [--streams=16] [--seconds=20] [--interval=0] [--settle=0]
//                [--changed=0.01] [--pools=4] [--disks=24] [--targets=controller,echo]
//                [--status-every=5] [--agent-seconds=90] [--max-target-rss-mb=4000] [--dir=DIR]
//                [--controller-bin=PATH] [--cli-bin=PATH] [--agent-bin=PATH]
//
// --streams: connections, each host on one of them (as fast as possible: a client thread
// each); --changed: the share of reports that change something material; --targets: any of
// controller, echo, agent; --settle: with --interval, the paced load runs this long before
// it is measured (its failures printed apart): what follows a warm-up that registered every
// host at once is not the steady state; --status-every: 0 runs no `zfleet status`;
// --max-target-rss-mb: the load on a target stops once its RSS passes this; --dir: where the
// controller's database goes (default $TMPDIR or /tmp).
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "tests/bench/ingest_agent.h"
#include "tests/bench/ingest_fleet.h"
#include "tests/bench/ingest_load.h"
#include "tests/bench/ingest_status.h"
#include "tests/bench/ingest_target.h"
#include "tests/testing/fleet_fixture.h"

namespace zfleet::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr absl::Duration kReadyWithin = absl::Seconds(20);
// Every host's first two reports are sent before measuring; past this, per round (plus
// kWarmUpPerHost for each host, as a large fleet takes its time to register), measuring starts
// anyway.
constexpr auto kWarmUpLimit = std::chrono::seconds(120);
constexpr auto kWarmUpPerHost = std::chrono::milliseconds(10);
// A `zfleet status` not done in this long counts as failed.
constexpr absl::Duration kStatusTimeout = absl::Seconds(30);

// The controller's defaults but one: the warm-up sends every host's first reports minutes
// apart at 100,000 hosts (a new host costs the most), and with the default missing_after
// (3 report intervals) the whole simulated fleet would be declared missing in between and
// back again: an outage of the bench, not the load it measures.
constexpr char kControllerToml[] = R"([agents]
report_interval = "30s"
missing_after = 120
)";

struct Options {
  int hosts = 2000;
  int streams = 16;
  double seconds = 20;
  double interval = 0;  // 0: as fast as answered
  double settle = 0;    // paced load, unmeasured, between the warm-up and the measure
  double status_every = 5;
  double agent_seconds = 90;
  int max_target_rss_mb = 4000;
  std::set<std::string> targets = {"controller", "echo"};
  Fleet fleet;
  std::string dir;
  std::string controller_bin;
  std::string cli_bin;
  std::string agent_bin;
};

constexpr const char* kUsage =
    "usage: ingest_bench [--hosts=N] [--streams=N] [--seconds=S] [--interval=S] "
    "[--settle=S] [--changed=FRACTION] [--pools=N] [--disks=N] "
    "[--targets=controller,echo,agent] "
    "[--status-every=S] [--agent-seconds=S] [--max-target-rss-mb=N] [--dir=DIR] "
    "[--controller-bin=PATH] "
    "[--cli-bin=PATH] [--agent-bin=PATH]";

// Flags as --name=value or --name value. Returns the first problem, or "".
std::string ParseOptions(int argc, char** argv, Options& o) {
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  o.controller_bin = testing::BinaryPath("zfleet-controller");
  o.cli_bin = testing::BinaryPath("zfleet");
  o.agent_bin = testing::BinaryPath("zfleet-agent");
  std::string targets = "controller,echo";
  FleetShape& shape = o.fleet.shape;
  const std::map<std::string, int*> ints = {{"hosts", &o.hosts},
                                            {"max-target-rss-mb", &o.max_target_rss_mb},
                                            {"streams", &o.streams},
                                            {"pools", &shape.pools},
                                            {"disks", &shape.disks}};
  const std::map<std::string, double*> doubles = {{"seconds", &o.seconds},
                                                  {"interval", &o.interval},
                                                  {"settle", &o.settle},
                                                  {"status-every", &o.status_every},
                                                  {"agent-seconds", &o.agent_seconds},
                                                  {"changed", &shape.changed}};
  const std::map<std::string, std::string*> texts = {{"dir", &o.dir},
                                                     {"controller-bin", &o.controller_bin},
                                                     {"cli-bin", &o.cli_bin},
                                                     {"agent-bin", &o.agent_bin},
                                                     {"targets", &targets}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!absl::StartsWith(arg, "--")) return absl::StrCat("unexpected argument ", arg);
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::StrCat(arg, " needs a value");
    }
    bool ok = false;
    if (auto n = ints.find(name); n != ints.end()) {
      ok = absl::SimpleAtoi(value, n->second);
    } else if (auto d = doubles.find(name); d != doubles.end()) {
      ok = absl::SimpleAtod(value, d->second);
    } else if (auto t = texts.find(name); t != texts.end()) {
      *t->second = value;
      ok = !value.empty();
    } else {
      return absl::StrCat("unknown flag --", name);
    }
    if (!ok) return absl::StrCat("bad value for --", name, ": \"", value, "\"");
  }
  o.targets.clear();
  for (absl::string_view t : absl::StrSplit(targets, ',')) {
    if (t != "controller" && t != "echo" && t != "agent") {
      return absl::StrCat("--targets takes controller, echo and agent, not \"", t, "\"");
    }
    o.targets.insert(std::string(t));
  }
  if (o.hosts < 1 || o.hosts > 10000000) return "--hosts must be from 1 to 10000000";
  if (o.streams < 1 || o.streams > o.hosts) return "--streams must be from 1 to --hosts";
  if (!(o.seconds > 0 && o.seconds <= 3600)) return "--seconds must be above 0 and at most 3600";
  if (!(o.interval >= 0 && o.interval <= 3600)) return "--interval must be from 0 to 3600";
  if (!(o.settle >= 0 && o.settle <= 3600)) return "--settle must be from 0 to 3600";
  if (o.settle > 0 && o.interval == 0) return "--settle needs --interval";
  if (!(o.status_every >= 0 && o.status_every <= 3600)) {
    return "--status-every must be from 0 to 3600";
  }
  if (!(o.agent_seconds > 0 && o.agent_seconds <= 3600)) {
    return "--agent-seconds must be above 0 and at most 3600";
  }
  if (!(shape.changed >= 0 && shape.changed <= 1)) return "--changed must be from 0 to 1";
  if (shape.pools < 1 || shape.pools > 1000) return "--pools must be from 1 to 1000";
  if (o.max_target_rss_mb < 10) return "--max-target-rss-mb must be at least 10";
  if (shape.disks < 1 || shape.disks > 10000) return "--disks must be from 1 to 10000";
  return "";
}

double CpuSecondsOfSelf() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double PeakRssMbOfSelf() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024 / 1e6;
}

struct Figures {
  double reports_per_s = 0;
};

// One sample of the controller's /metrics page, e.g.
// `zfleet_reports_answered_total{path="memory"}`; -1 when it is not there.
double MetricSample(const std::string& page, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return -1;
}

// How the controller answered the reports of the whole run, warm-up included: from memory or
// through the store (its /metrics).
void PrintReportPaths(int metrics_port) {
  const std::string page = testing::HttpGet(metrics_port, "/metrics");
  const double memory = MetricSample(page, R"(zfleet_reports_answered_total{path="memory"})");
  const double store = MetricSample(page, R"(zfleet_reports_answered_total{path="store"})");
  if (memory < 0 || store < 0) {
    std::printf("controller: its /metrics did not answer; how reports were answered unknown\n");
  } else {
    std::printf(
        "controller: reports answered from memory %.0f, through the store %.0f (warm-up "
        "included)\n",
        memory, store);
  }
  std::fflush(stdout);
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// The failed calls grouped into runs of consecutive seconds, each as seconds from
// `start_ms` and a count ("31-34 s: 4210, 62 s: 12"), the first kMaxBursts of them: whether
// failures come in bursts, and when, beside what else ran then.
std::string FailureBursts(std::vector<int64_t> at_ms, int64_t start_ms) {
  constexpr size_t kMaxBursts = 40;
  std::sort(at_ms.begin(), at_ms.end());
  std::vector<std::string> bursts;
  size_t i = 0;
  while (i < at_ms.size() && bursts.size() < kMaxBursts) {
    const int64_t first = (at_ms[i] - start_ms) / 1000;
    int64_t last = first;
    size_t n = 0;
    while (i < at_ms.size() && (at_ms[i] - start_ms) / 1000 <= last + 1) {
      last = (at_ms[i] - start_ms) / 1000;
      ++n;
      ++i;
    }
    bursts.push_back(first == last ? absl::StrCat(first, " s: ", n)
                                   : absl::StrCat(first, "-", last, " s: ", n));
  }
  if (i < at_ms.size()) bursts.push_back(absl::StrCat("… ", at_ms.size() - i, " more"));
  return absl::StrJoin(bursts, ", ");
}

// Loads `target` on `port`: every host once, then `o.seconds` measured, as fast as answered
// or paced; `zfleet status` runs meanwhile when `status` is set. Prints its lines under
// `label`. Returns nullopt (having said why) when the target stopped answering /proc.
std::optional<Figures> Measure(const char* label, Target& target, int port,
                               std::vector<SimulatedHost>& hosts, const Options& o,
                               StatusProber* status) {
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const std::string tag = absl::StrCat(label, ":");
  // A target that cannot keep up queues what it is sent: the controller's RSS grows by
  // gigabytes a minute under a fleet it cannot hold. On a shared machine the load stops
  // before that matters; the run then counts as not held.
  std::atomic<bool> abort{false};
  std::atomic<double> rss_at_abort{0};
  absl::Notification load_done;
  std::thread guard([&] {
    while (!load_done.WaitForNotificationWithTimeout(absl::Seconds(1))) {
      const absl::StatusOr<Target::Usage> usage = target.Read();
      if (usage.ok() && usage->rss_mb > o.max_target_rss_mb) {
        rss_at_abort = usage->rss_mb;
        abort = true;
        return;
      }
    }
  });
  const auto warm_up_limit = kWarmUpLimit + kWarmUpPerHost * static_cast<int64_t>(hosts.size());
  const Load first =
      Drive(address, o.fleet, hosts, o.streams, true,
            std::chrono::duration_cast<std::chrono::milliseconds>(warm_up_limit), &abort);
  const int64_t first_sent = first.ok + first.failed;
  std::printf("%-11s first report of each host: %lld in %.1f s (%.0f/s), failures %lld%s\n",
              tag.c_str(), static_cast<long long>(first_sent), first.seconds,
              static_cast<double>(first.ok) / first.seconds, static_cast<long long>(first.failed),
              first_sent < static_cast<int64_t>(hosts.size())
                  ? absl::StrCat(" (stopped; ", static_cast<int64_t>(hosts.size()) - first_sent,
                                 " hosts not yet)")
                        .c_str()
                  : "");
  std::fflush(stdout);
  if (!abort) {
    // The controller answers a report from memory once the host's previous one changed
    // nothing (controller/report_cache.h): its second report is the last of the start-up.
    const Load second =
        Drive(address, o.fleet, hosts, o.streams, true,
              std::chrono::duration_cast<std::chrono::milliseconds>(warm_up_limit), &abort);
    std::printf("%-11s second report of each host: %lld in %.1f s (%.0f/s), failures %lld\n",
                tag.c_str(), static_cast<long long>(second.ok + second.failed), second.seconds,
                static_cast<double>(second.ok) / second.seconds,
                static_cast<long long>(second.failed));
    std::fflush(stdout);
  }
  if (abort) {  // nothing to measure: say why, and that the load did not hold
    load_done.Notify();
    guard.join();
    std::printf(
        "%-11s load stopped before measuring: its RSS passed %.0f MB "
        "(--max-target-rss-mb=%d)\n",
        tag.c_str(), rss_at_abort.load(), o.max_target_rss_mb);
    if (!first.first_error.empty()) {
      std::printf("%-11s first failure: %s\n", "", first.first_error.c_str());
    }
    if (o.interval > 0) {
      std::printf("%-11s held %d hosts at %g s for %g s: no (stopped early, see above)\n",
                  tag.c_str(), o.hosts, o.interval, o.seconds);
    }
    std::fflush(stdout);
    return Figures{};
  }
  if (o.settle > 0 && !abort) {
    const int64_t settle_start_ms = UnixMillis();
    const Load settle = DrivePaced(address, o.fleet, hosts, o.streams, Millis(o.interval),
                                   Millis(o.settle), &abort);
    std::printf(
        "%-11s settling, paced for %g s, unmeasured: %lld reports due, %lld failures%s\n",
        tag.c_str(), o.settle, static_cast<long long>(settle.due),
        static_cast<long long>(settle.failed),
        settle.failed > 0
            ? absl::StrCat(" (", FailureBursts(settle.failed_at_ms, settle_start_ms), ")").c_str()
            : "");
    std::fflush(stdout);
  }
  const absl::StatusOr<Target::Usage> before = target.Read();
  const double self_before = CpuSecondsOfSelf();
  const int64_t load_start_ms = UnixMillis();
  if (status != nullptr) status->Start();
  const Load load =
      o.interval > 0 ? DrivePaced(address, o.fleet, hosts, o.streams, Millis(o.interval),
                                  Millis(o.seconds), &abort)
                     : Drive(address, o.fleet, hosts, o.streams, false, Millis(o.seconds), &abort);
  load_done.Notify();
  guard.join();
  if (status != nullptr) status->Stop();
  if (abort) {
    std::printf("%-11s load stopped early: its RSS passed %.0f MB (--max-target-rss-mb=%d)\n",
                tag.c_str(), rss_at_abort.load(), o.max_target_rss_mb);
  }
  const double self_cpu = CpuSecondsOfSelf() - self_before;
  const absl::StatusOr<Target::Usage> after = target.Read();
  if (!before.ok() || !after.ok() || !target.Running()) {
    std::fprintf(stderr, "ingest_bench: %s stopped during the run: %s\n", label,
                 std::string((before.ok() ? after : before).status().message()).c_str());
    return std::nullopt;
  }
  Figures f;
  f.reports_per_s = static_cast<double>(load.ok) / load.seconds;
  if (o.interval > 0) {
    std::printf(
        "%-11s paced, each host every %g s: %lld reports due, %lld sent late, %lld slots "
        "missed; load generator behind by up to %.1f s (%lld reports over 1 s)\n",
        tag.c_str(), o.interval, static_cast<long long>(load.due),
        static_cast<long long>(load.late), static_cast<long long>(load.missed), load.max_behind_s,
        static_cast<long long>(load.behind));
  }
  float max_ms = 0;
  for (float ms : load.latency_ms) max_ms = std::max(max_ms, ms);
  std::printf(
      "%-11s %.0f reports/s  p50 %.1f ms  p99 %.1f ms  max %.0f ms  failures %lld  changed %lld  "
      "cpu %.2f cores  rss %.0f MB (end %.0f MB)  loadgen cpu %.2f cores, rss %.0f MB\n",
      tag.c_str(), f.reports_per_s, Percentile(load.latency_ms, 0.50),
      Percentile(load.latency_ms, 0.99), static_cast<double>(max_ms),
      static_cast<long long>(load.failed), static_cast<long long>(load.changed),
      (after->cpu_seconds - before->cpu_seconds) / load.seconds, after->peak_rss_mb, after->rss_mb,
      self_cpu / load.seconds, PeakRssMbOfSelf());
  const std::string& error = !first.first_error.empty() ? first.first_error : load.first_error;
  if (!error.empty()) std::printf("%-11s first failure: %s\n", "", error.c_str());
  if (const int64_t n = first.not_applied + load.not_applied; n > 0) {
    std::printf("%-11s %lld reports answered but not applied (duplicate or stale)\n", "",
                static_cast<long long>(n));
  }
  if (o.interval > 0) {
    // Held: every report due was sent on time and answered OK.
    std::string verdict = "yes";
    if (abort) {
      verdict = "no (stopped early, see above)";
    } else if (load.behind > 0) {
      verdict = "unknown (the load generator fell behind: fewer hosts, or more free cores)";
    } else if (load.failed > 0 || load.late > 0 || load.missed > 0 || load.ok != load.due) {
      verdict = absl::StrCat("no (", load.due - load.ok, " of ", load.due,
                             " reports not answered OK, ", load.late, " late)");
    }
    std::printf("%-11s held %d hosts at %g s for %g s: %s\n", tag.c_str(), o.hosts, o.interval,
                o.seconds, verdict.c_str());
  }
  if (load.failed > 0) {
    std::printf("%-11s failures by when (from the measured load's start): %s\n", "",
                FailureBursts(load.failed_at_ms, load_start_ms).c_str());
  }
  if (status != nullptr) {
    const StatusFigures figures = status->Figures();
    PrintStatusFigures(label, figures);
    if (load.failed > 0) {
      std::vector<std::string> starts;
      for (int64_t ms : figures.started_at_ms) {
        starts.push_back(absl::StrCat((ms - load_start_ms) / 1000));
      }
      std::printf("%-11s zfleet status started at (s): %s\n", "",
                  absl::StrJoin(starts, ", ").c_str());
    }
  }
  std::fflush(stdout);
  return f;
}

// A directory removed with what it holds when the object goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& parent) {
    std::string templ = parent + "/zfleet-ingest-bench-XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The mean serialized report, over up to 1,000 hosts spread over the fleet.
double MeanReportKb(const Options& o) {
  v1::ReportRequest report;
  const int step = std::max(1, o.hosts / 1000);
  double bytes = 0;
  int n = 0;
  for (int h = 0; h < o.hosts; h += step, ++n) {
    SimulatedHost(h).Write(o.fleet, o.fleet.start, 1.0, &report);
    bytes += static_cast<double>(report.ByteSizeLong());
  }
  return bytes / n / 1000;
}

// Stopped by SIGINT, SIGTERM or SIGHUP, the bench removes `dir` (a 100,000-host database
// is large) and exits 128 + signal; its children die with it (PR_SET_PDEATHSIG). The
// signals are taken by a thread of their own, so the removal is no signal handler's work.
// REQUIRES: called before any other thread starts, as they must inherit the blocked mask.
void RemoveOnSignal(std::string dir) {
  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::thread([stop, dir = std::move(dir)] {
    int sig = 0;
    if (sigwait(&stop, &sig) != 0) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    std::fflush(stdout);
    std::_Exit(128 + sig);
  }).detach();
}

int Run(Options& o) {
  ScratchDir dir(o.dir);
  if (dir.path().empty()) {
    std::fprintf(stderr, "ingest_bench: cannot make a directory in %s\n", o.dir.c_str());
    return 1;
  }
  RemoveOnSignal(dir.path());
  o.fleet.start = UnixNow();
  o.fleet.run = absl::StrCat("loadgen-", getpid(), "-", o.fleet.start);
  std::vector<SimulatedHost> hosts;
  hosts.reserve(static_cast<size_t>(o.hosts));
  for (int h = 0; h < o.hosts; ++h) hosts.emplace_back(h);
  const bool load_controller = o.targets.count("controller") > 0;
  const bool agent = o.targets.count("agent") > 0;
  if (load_controller || o.targets.count("echo") > 0) {
    std::printf(
        "ingest_bench: %d hosts x %d pools x %d disks (raidz2 of up to 12, sata/sas; %.1f KB a "
        "report), %g%% of reports changed, %d streams, %s, %g s per target, %u cpus, db in %s\n",
        o.hosts, o.fleet.shape.pools, o.fleet.shape.disks, MeanReportKb(o),
        o.fleet.shape.changed * 100, o.streams,
        o.interval > 0 ? absl::StrCat("each host every ", o.interval, " s").c_str()
                       : "as fast as answered",
        o.seconds, std::thread::hardware_concurrency(), o.dir.c_str());
    std::fflush(stdout);
  }

  std::optional<Figures> ctl, bare;
  if (load_controller || agent) {
    const int port = testing::FreeLoopbackPort();
    const std::string address = absl::StrCat("127.0.0.1:", port);
    const std::string config = dir.path() + "/controller.toml";
    std::ofstream(config, std::ios::trunc) << kControllerToml;
    const int metrics_port = testing::FreeLoopbackPort();
    auto controller = Target::Start(
        {o.controller_bin, "--listen", address, "--db", dir.path() + "/zfleet.db", "--config",
         config, "--metrics-listen", absl::StrCat("127.0.0.1:", metrics_port)},
        dir.path() + "/controller.log", port, kReadyWithin);
    if (!controller.ok()) {
      std::fprintf(stderr, "ingest_bench: the controller did not start: %s\n",
                   std::string(controller.status().message()).c_str());
      return 1;
    }
    if (load_controller) {
      std::optional<StatusProber> status;
      if (o.status_every > 0) {
        status.emplace(o.cli_bin, address, dir.path() + "/status.log",
                       absl::Seconds(o.status_every), kStatusTimeout);
      }
      ctl = Measure("controller", **controller, port, hosts, o,
                    status.has_value() ? &*status : nullptr);
      if (!ctl.has_value()) return 1;
      PrintReportPaths(metrics_port);
    }
    if (agent) {
      const absl::StatusOr<AgentFigures> figures = MeasureAgent(
          o.agent_bin, address, o.fleet.shape, dir.path(), absl::Seconds(o.agent_seconds));
      if (!figures.ok()) {
        std::fprintf(stderr, "ingest_bench: %s\n", std::string(figures.status().message()).c_str());
        return 1;
      }
      PrintAgentFigures(*figures, o.fleet.shape);
      std::fflush(stdout);
    }
    (*controller)->Stop();
  }

  if (o.targets.count("echo") > 0) {
    const int echo_port = testing::FreeLoopbackPort();
    auto echo = Target::Start({"/proc/self/exe", "--echo", std::to_string(echo_port)},
                              dir.path() + "/echo.log", echo_port, kReadyWithin);
    if (!echo.ok()) {
      std::fprintf(stderr, "ingest_bench: the echo server did not start: %s\n",
                   std::string(echo.status().message()).c_str());
      return 1;
    }
    bare = Measure("echo", **echo, echo_port, hosts, o, nullptr);
    (*echo)->Stop();
    if (!bare.has_value()) return 1;
  }
  if (ctl.has_value() && bare.has_value()) {
    std::printf("controller/echo: %.3f (the echo answers %.1fx as many reports)\n",
                bare->reports_per_s > 0 ? ctl->reports_per_s / bare->reports_per_s : 0,
                ctl->reports_per_s > 0 ? bare->reports_per_s / ctl->reports_per_s : 0);
  }
  return 0;
}

}  // namespace
}  // namespace zfleet::bench

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--echo") {  // the bench's own child
    int port = 0;
    if (!absl::SimpleAtoi(argv[2], &port)) return 2;
    return zfleet::bench::RunEchoServer(port);
  }
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf("%s\n", zfleet::bench::kUsage);
    return 0;
  }
  zfleet::bench::Options options;
  if (const std::string problem = zfleet::bench::ParseOptions(argc, argv, options);
      !problem.empty()) {
    std::fprintf(stderr, "ingest_bench: %s (%s)\n", problem.c_str(), zfleet::bench::kUsage);
    return 2;
  }
  return zfleet::bench::Run(options);
}
