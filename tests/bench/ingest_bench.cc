// Ingest at fleet scale: N simulated agents report over gRPC, as fast as they
// are answered, first to the real zfleet-controller (plaintext on 127.0.0.1, its database
// in a temporary directory, synchronous=FULL as by default), then to a bare echo of the
// same AgentService.Report in a child process of its own. Per target it prints reports/s,
// the latency of a call (p50, p99), failures (any status but OK), the target's CPU
// (user + system seconds over wall seconds, from /proc) and its peak and final RSS; then
// the ratio. Every host first reports once, unmeasured (a host new to the controller costs
// more than one it knows): the figures are the steady state that follows. The controller runs
// with its defaults, its tick every 30 s included: its peak RSS counts a tick once one ran.
// Prints figures; not pass/fail on time (tests/bench/ingest_bench_smoke.sh runs it briefly).
//
//   ingest_bench [--hosts=2000] [--streams=16] [--seconds=20] [--changed=0.01] [--pools=4]
//                [--disks=24] [--dir=DIR] [--controller-bin=PATH]
//
// --streams: client threads, each with its own channel (connection), each host on one of
// them; --changed: the share of reports that change something material; --dir: where the
// controller's database goes (default $TMPDIR or /tmp).
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "tests/bench/ingest_fleet.h"
#include "tests/bench/ingest_target.h"
#include "tests/testing/fleet_fixture.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr auto kCallDeadline = std::chrono::seconds(10);  // as the agent's
constexpr absl::Duration kReadyWithin = absl::Seconds(20);
// Every host's first report is sent before measuring; past this, measuring starts anyway.
constexpr auto kWarmUpLimit = std::chrono::seconds(120);

struct Options {
  int hosts = 2000;
  int streams = 16;
  double seconds = 20;
  FleetShape shape;
  std::string dir;
  std::string controller_bin;
};

constexpr const char* kUsage =
    "usage: ingest_bench [--hosts=N] [--streams=N] [--seconds=S] [--changed=FRACTION] "
    "[--pools=N] [--disks=N] [--dir=DIR] [--controller-bin=PATH]";

// Flags as --name=value or --name value. Returns the first problem, or "".
std::string ParseOptions(int argc, char** argv, Options& o) {
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  o.controller_bin = testing::BinaryPath("zfleet-controller");
  const std::map<std::string, int*> ints = {{"hosts", &o.hosts},
                                            {"streams", &o.streams},
                                            {"pools", &o.shape.pools},
                                            {"disks", &o.shape.disks}};
  const std::map<std::string, double*> doubles = {{"seconds", &o.seconds},
                                                  {"changed", &o.shape.changed}};
  const std::map<std::string, std::string*> texts = {{"dir", &o.dir},
                                                     {"controller-bin", &o.controller_bin}};
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
  if (o.hosts < 1) return "--hosts must be at least 1";
  if (o.streams < 1 || o.streams > o.hosts) return "--streams must be from 1 to --hosts";
  if (!(o.seconds > 0 && o.seconds <= 3600)) return "--seconds must be above 0 and at most 3600";
  if (!(o.shape.changed >= 0 && o.shape.changed <= 1)) return "--changed must be from 0 to 1";
  if (o.shape.pools < 1 || o.shape.pools > 1000) return "--pools must be from 1 to 1000";
  if (o.shape.disks < 1 || o.shape.disks > 10000) return "--disks must be from 1 to 10000";
  return "";
}

double CpuSecondsOfSelf() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Load {
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t changed = 0;
  int64_t not_applied = 0;  // OK, but the controller took it for a duplicate or stale
  double seconds = 0;
  std::vector<float> latency_ms;  // of every call, OK or not
  std::string first_error;
};

// Streams threads, each on its own channel to `address`, send the reports of hosts
// t, t + streams, … in turn: each host once (`once`), or round and round for `duration`.
Load Drive(const std::string& address, std::vector<SimulatedHost>& hosts, int streams, bool once,
           std::chrono::milliseconds duration) {
  std::vector<Load> per_thread(static_cast<size_t>(streams));
  std::vector<std::unique_ptr<v1::AgentService::Stub>> stubs;
  for (int t = 0; t < streams; ++t) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection per stream
    auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    channel->WaitForConnected(std::chrono::system_clock::now() + kCallDeadline);
    stubs.push_back(v1::AgentService::NewStub(channel));
  }
  const auto start = SteadyClock::now();
  const auto end = start + (once ? std::chrono::milliseconds(kWarmUpLimit) : duration);
  std::vector<std::thread> threads;
  for (int t = 0; t < streams; ++t) {
    threads.emplace_back([&, t] {
      Load& load = per_thread[static_cast<size_t>(t)];
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 17);
      for (size_t h = static_cast<size_t>(t);; h += static_cast<size_t>(streams)) {
        if (h >= hosts.size()) {
          if (once) break;
          h = static_cast<size_t>(t);
        }
        const auto sent = SteadyClock::now();
        if (sent >= end) break;
        const int64_t changes_before = hosts[h].changes();
        const v1::ReportRequest& report = hosts[h].Next(UnixNow(), rng);
        load.changed += hosts[h].changes() - changes_before;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        v1::ReportResponse reply;
        const grpc::Status status = stubs[static_cast<size_t>(t)]->Report(&context, report, &reply);
        load.latency_ms.push_back(
            std::chrono::duration<float, std::milli>(SteadyClock::now() - sent).count());
        if (status.ok()) {
          ++load.ok;
          if (reply.outcome() != v1::REPORT_APPLIED) ++load.not_applied;
        } else {
          ++load.failed;
          if (load.first_error.empty()) {
            load.first_error =
                absl::StrCat("code ", status.error_code(), ": ", status.error_message());
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  Load all;
  all.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (Load& l : per_thread) {
    all.ok += l.ok;
    all.failed += l.failed;
    all.changed += l.changed;
    all.not_applied += l.not_applied;
    all.latency_ms.insert(all.latency_ms.end(), l.latency_ms.begin(), l.latency_ms.end());
    if (all.first_error.empty()) all.first_error = l.first_error;
  }
  return all;
}

double Percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

struct Figures {
  double reports_per_s = 0;
};

// Loads `target` on `port`: every host once, then `o.seconds` measured. Prints its lines
// under `label`. Returns nullopt (having said why) when the target stopped answering /proc.
std::optional<Figures> Measure(const char* label, Target& target, int port,
                               std::vector<SimulatedHost>& hosts, const Options& o) {
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const Load first = Drive(address, hosts, o.streams, true, {});
  std::printf("%-11s first report of each host: %lld in %.1f s (%.0f/s), failures %lld\n",
              absl::StrCat(label, ":").c_str(), static_cast<long long>(first.ok + first.failed),
              first.seconds, static_cast<double>(first.ok) / first.seconds,
              static_cast<long long>(first.failed));
  const absl::StatusOr<Target::Usage> before = target.Read();
  const double self_before = CpuSecondsOfSelf();
  const Load load = Drive(address, hosts, o.streams, false,
                          std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000)));
  const double self_cpu = CpuSecondsOfSelf() - self_before;
  const absl::StatusOr<Target::Usage> after = target.Read();
  if (!before.ok() || !after.ok() || !target.Running()) {
    std::fprintf(stderr, "ingest_bench: %s stopped during the run: %s\n", label,
                 std::string((before.ok() ? after : before).status().message()).c_str());
    return std::nullopt;
  }
  Figures f;
  f.reports_per_s = static_cast<double>(load.ok) / load.seconds;
  std::printf(
      "%-11s %.0f reports/s  p50 %.1f ms  p99 %.1f ms  failures %lld  changed %lld  cpu %.2f "
      "cores  rss %.0f MB (end %.0f MB)  loadgen cpu %.2f cores\n",
      absl::StrCat(label, ":").c_str(), f.reports_per_s, Percentile(load.latency_ms, 0.50),
      Percentile(load.latency_ms, 0.99), static_cast<long long>(load.failed),
      static_cast<long long>(load.changed),
      (after->cpu_seconds - before->cpu_seconds) / load.seconds, after->peak_rss_mb, after->rss_mb,
      self_cpu / load.seconds);
  const std::string& error = !first.first_error.empty() ? first.first_error : load.first_error;
  if (!error.empty()) std::printf("%-11s first failure: %s\n", "", error.c_str());
  if (const int64_t n = first.not_applied + load.not_applied; n > 0) {
    std::printf("%-11s %lld reports answered but not applied (duplicate or stale)\n", "",
                static_cast<long long>(n));
  }
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

int Run(const Options& o) {
  ScratchDir dir(o.dir);
  if (dir.path().empty()) {
    std::fprintf(stderr, "ingest_bench: cannot make a directory in %s\n", o.dir.c_str());
    return 1;
  }
  const std::string run = absl::StrCat("loadgen-", getpid(), "-", UnixNow());
  std::vector<SimulatedHost> hosts;
  hosts.reserve(static_cast<size_t>(o.hosts));
  for (int h = 0; h < o.hosts; ++h) hosts.emplace_back(h, o.shape, UnixNow(), run);

  const int controller_port = testing::FreeLoopbackPort();
  auto controller =
      Target::Start({o.controller_bin, "--listen", absl::StrCat("127.0.0.1:", controller_port),
                     "--db", dir.path() + "/zfleet.db"},
                    dir.path() + "/controller.log", controller_port, kReadyWithin);
  if (!controller.ok()) {
    std::fprintf(stderr, "ingest_bench: the controller did not start: %s\n",
                 std::string(controller.status().message()).c_str());
    return 1;
  }
  std::printf(
      "ingest_bench: %d hosts x %d pools x %d disks (raidz2 of up to 12, sata/sas), "
      "%g%% of reports changed, %d streams, %.0f s per target, %u cpus, db in %s\n",
      o.hosts, o.shape.pools, o.shape.disks, o.shape.changed * 100, o.streams, o.seconds,
      std::thread::hardware_concurrency(), o.dir.c_str());
  std::fflush(stdout);
  const std::optional<Figures> ctl = Measure("controller", **controller, controller_port, hosts, o);
  (*controller)->Stop();
  if (!ctl.has_value()) return 1;
  double bytes = 0;
  for (const SimulatedHost& host : hosts)
    bytes += static_cast<double>(host.report().ByteSizeLong());
  std::printf("%-11s mean serialized report %.1f KB\n", "", bytes / o.hosts / 1000);
  std::fflush(stdout);

  const int echo_port = testing::FreeLoopbackPort();
  auto echo = Target::Start({"/proc/self/exe", "--echo", std::to_string(echo_port)},
                            dir.path() + "/echo.log", echo_port, kReadyWithin);
  if (!echo.ok()) {
    std::fprintf(stderr, "ingest_bench: the echo server did not start: %s\n",
                 std::string(echo.status().message()).c_str());
    return 1;
  }
  const std::optional<Figures> bare = Measure("echo", **echo, echo_port, hosts, o);
  (*echo)->Stop();
  if (!bare.has_value()) return 1;
  std::printf("controller/echo: %.3f (the echo answers %.1fx as many reports)\n",
              bare->reports_per_s > 0 ? ctl->reports_per_s / bare->reports_per_s : 0,
              ctl->reports_per_s > 0 ? bare->reports_per_s / ctl->reports_per_s : 0);
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
