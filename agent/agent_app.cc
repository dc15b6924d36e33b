#include "agent/agent_app.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "agent/agent_loop.h"
#include "agent/autonomy/autonomous_scrubber.h"
#include "agent/autonomy/policy_store.h"
#include "agent/autonomy_handoff.h"
#include "agent/collector.h"
#include "agent/host_reader.h"
#include "agent/outbox/outbox.h"
#include "agent/disks/disk_class.h"
#include "agent/inspect_render.h"
#include "agent/stack/stack_checks.h"
#include "agent/zpool/pool_assembly.h"
#include "common/heartbeat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/shutdown_signals.h"
#include "common/systemd_notify.h"
#include "common/tls/tls_files.h"
#include "common/utf8.h"
#include "common/version.h"
#include "common/watchdog_pinger.h"
#include "model/clean_strings.h"

namespace zfleet::agent {
namespace {

// Every report carries this deadline: the longest a healthy loop spends in one step.
constexpr absl::Duration kReportDeadline = absl::Seconds(10);
// A loop without a heartbeat for this long is wedged, and systemd's watchdog is no longer
// pinged. Three of its longest steps (3 × kReportDeadline), so a slow disk or a loaded host
// is not taken for one.
constexpr absl::Duration kLoopStalledAfter = absl::Seconds(30);

int Fail(absl::string_view message) {
  std::fprintf(stderr, "zfleet-agent: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

absl::StatusOr<std::string> FindZpool(const std::string& flag) {
  if (!flag.empty()) {
    if (access(flag.c_str(), X_OK) != 0) {
      return absl::NotFoundError(absl::StrCat("--zpool ", flag, " is not an executable"));
    }
    return flag;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = absl::StrCat(path ? path : "", ":/usr/sbin:/sbin");
  for (absl::string_view dir : absl::StrSplit(dirs, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/zpool");
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return absl::NotFoundError("zpool not found on PATH; pass --zpool PATH");
}

std::optional<double> ReadLoadAverage() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  if (in >> load) return load;
  return std::nullopt;
}

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

std::vector<v1::StackCheck> CheckStack(const std::string& zpool_path, const CommandRunner& runner) {
  StackCommands commands;
  commands.zpool = zpool_path;
  std::vector<v1::StackCheck> out;
  for (const StackCheck& check : RunStackChecks(StackPaths(), commands, runner)) {
    out.push_back(StackCheckToProto(check));
  }
  return out;
}

// Makes every string of the view valid UTF-8, so that JSON can hold it and a file name
// with a Latin-1 byte shows as "caf\xe9" (common/utf8.h).
void CleanView(InspectView& view) {
  view.zpool_path = CleanUtf8(view.zpool_path);
  view.collect_error = CleanUtf8(view.collect_error);
  for (v1::Pool& pool : view.pools) CleanStrings(&pool);  // names, vdevs, error files, unparsed
  for (v1::StackCheck& check : view.stack_checks) CleanStrings(&check);
}


absl::StatusOr<AgentConfig> LoadConfig(const std::string& path) {
  if (path.empty()) return AgentConfig{};
  return LoadAgentConfig(path);
}

}  // namespace

int RunInspect(const AgentFlags& flags) {
  auto zpool_path = FindZpool(flags.zpool);
  if (!zpool_path.ok()) return Fail(zpool_path.status().message());
  auto config = LoadConfig(flags.config);
  if (!config.ok()) return Fail(config.status().message());
  SubprocessRunner runner;
  ZpoolClient zpool(&runner, *zpool_path, config->zpool_timeout);
  // The stack checks matter most when zpool cannot be read (no module after a kernel
  // update), so the view is printed either way and the zpool error follows on stderr.
  InspectView view;
  view.zpool_path = *zpool_path;
  view.stack_checks = CheckStack(*zpool_path, runner);
  absl::Status collected = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(view.capabilities, zpool.Probe());
    ASSIGN_OR_RETURN(ZpoolOutputs outputs, zpool.Collect());
    ASSIGN_OR_RETURN(AssembledPools assembled, AssemblePools(outputs, {absl::LocalTimeZone()}));
    const ClassOverrideFn overrides = ClassOverridesOf(*config);
    ClassifyLeaves(assembled.pools, overrides);
    DiskEnricher disks(HostPaths{flags.dev_root, flags.sys_root}, overrides);
    disks.Enrich(assembled.pools, SystemClock::Get().Now());
    view.pools = std::move(assembled.pools);
    view.unparsed_count = assembled.unparsed_count;
    return absl::OkStatus();
  }();
  view.collect_error = std::string(collected.message());
  CleanView(view);
  std::cout << (flags.json ? RenderInspectJson(view) : RenderInspectText(view));
  std::cout.flush();
  return collected.ok() ? 0 : Fail(collected.message());
}

int RunAgent(const AgentFlags& flags) {
  InitLogging("zfleet-agent");
  // Read before any thread starts (the environment is not safe to read beside setenv).
  SystemdNotifier systemd = SystemdNotifier::FromEnvironment();
  auto zpool_path = FindZpool(flags.zpool);
  if (!zpool_path.ok()) return Fail(zpool_path.status().message());
  auto config = LoadConfig(flags.config);
  if (!config.ok()) return Fail(config.status().message());
  if (flags.state_dir.empty()) {
    return Fail("--state-dir is empty; the agent needs a directory for its outbox and command "
                "journal");
  }
  std::error_code ec;
  std::filesystem::create_directories(flags.state_dir, ec);
  if (ec) {
    return Fail(absl::StrCat("cannot create --state-dir ", flags.state_dir, ": ", ec.message()));
  }
  auto outbox = Outbox::Open(flags.state_dir);
  if (!outbox.ok()) return Fail(outbox.status().message());
  auto journal = CommandJournal::Open(flags.state_dir);
  if (!journal.ok()) return Fail(journal.status().message());
  PolicyStore policies = PolicyStore::Open(flags.state_dir);

  ShutdownSignals signals;

  absl::BitGen gen;
  AgentIdentity identity{flags.host_id.empty() ? Hostname() : flags.host_id,
                         absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen)), Hostname(),
                         kVersion};
  SubprocessRunner runner;
  ZpoolClient zpool(&runner, *zpool_path, config->zpool_timeout);
  std::optional<tls::TlsFiles> mtls;
  const tls::TlsFiles files =
      PreferSet({flags.tls_ca, flags.tls_cert, flags.tls_key}, config->tls);  // flags win
  if (files.any()) {
    if (absl::Status usable = tls::CheckTlsFiles(files, SystemClock::Get().Now()); !usable.ok()) {
      return Fail(usable.message());
    }
    mtls = files;
  }
  GrpcControllerLink link(flags.controller, kReportDeadline, mtls);
  DiskEnricher disks(HostPaths{flags.dev_root, flags.sys_root}, ClassOverridesOf(*config));
  HostReaderDeps reader_deps;
  reader_deps.zpool = &zpool;
  reader_deps.disks = &disks;
  reader_deps.stack_checker = [&] { return CheckStack(*zpool_path, runner); };
  HostReader reader(std::move(reader_deps), *config, {absl::LocalTimeZone()});
  auto scrubber = AutonomousScrubber::Open(
      AutonomyDeps{&zpool, &policies, identity.host_id, ReadLoadAverage}, flags.state_dir);
  if (!scrubber.ok()) return Fail(scrubber.status().message());
  AutonomyHandoff autonomy(&policies, &*scrubber);

  // What systemd's watchdog follows: the report loop, not zpool (see AgentDeps::heartbeat).
  Heartbeat heartbeat(&MonotonicClock::Get(), kLoopStalledAfter);
  // The collector's thread starts before the loop exists; it reaches the loop through this.
  std::atomic<AgentLoop*> loop_ref{nullptr};
  CollectorTiming timing{config->poll_interval, config->stack_check_interval,
                         config->zpool_timeout / 2};
  auto collector = std::make_unique<ThreadCollector>(
      &reader,
      [&](const v1::Command& command, absl::Time now) { loop_ref.load()->Execute(command, now); },
      timing, &SystemClock::Get(),
      [&] {
        if (AgentLoop* loop = loop_ref.load()) loop->ObserveNow();
      },
      [&](const std::vector<v1::Pool>& pools, absl::Time now) { autonomy.AfterRead(pools, now); });
  AgentDeps deps;
  deps.clock = &SystemClock::Get();
  deps.collector = collector.get();
  deps.link = &link;
  deps.outbox = outbox->get();
  deps.journal = &*journal;
  deps.zpool = &zpool;
  deps.load_reader = ReadLoadAverage;
  deps.autonomy = &autonomy;
  deps.heartbeat = &heartbeat;
  AgentLoop loop(std::move(deps), *config, identity);
  loop_ref.store(&loop);
  spdlog::info("agent {} (instance {}, stream {}, {} observation(s) to deliver) reporting to {} "
               "({}) using {}",
               identity.host_id, identity.instance_id, (*outbox)->stream_id(), (*outbox)->size(),
               flags.controller, mtls.has_value() ? "mutual TLS" : "plaintext", *zpool_path);
  signals.CallOnSignal([&] {
    systemd.Notify("STOPPING=1");
    loop.Stop();
    link.CancelInFlight();
  });
  // Pings every half interval while the loop's heartbeat is fresh; from READY=1 on, when
  // systemd arms its watchdog, until the process ends (systemd watches a stopping service
  // too).
  std::optional<WatchdogPinger> watchdog;
  if (std::optional<absl::Duration> interval = systemd.watchdog_interval()) {
    watchdog.emplace(
        *interval / 2, [&heartbeat] { return heartbeat.Fresh(); },
        [&systemd] { systemd.Notify("WATCHDOG=1"); }, "the report loop");
    spdlog::info("systemd watchdog: a ping every {} while the report loop moves (at most {} "
                 "without)",
                 absl::FormatDuration(*interval / 2), absl::FormatDuration(kLoopStalledAfter));
  }
  // The state dir, outbox, journal and config are open; the loop is about to run.
  systemd.Notify(absl::StrCat("READY=1\nSTATUS=reporting to ", flags.controller));
  if (watchdog.has_value()) watchdog->Start();
  loop.Run();
  if (!collector->Stop(absl::Seconds(3))) {
    // A zpool child that cannot be killed holds the collector's thread: end without it.
    spdlog::warn("agent stopped (a zpool call is still hanging)");
    spdlog::shutdown();
    std::_Exit(0);
  }
  spdlog::info("agent stopped");
  return 0;
}

}  // namespace zfleet::agent
