#include "agent/agent_app.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "agent/agent_loop.h"
#include "agent/inspect_render.h"
#include "agent/pool_assembly.h"
#include "common/log.h"

namespace zfleet::agent {
namespace {

constexpr char kVersion[] = "0.1.0";

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
  auto caps = zpool.Probe();
  if (!caps.ok()) return Fail(caps.status().message());
  auto outputs = zpool.Collect();
  if (!outputs.ok()) return Fail(outputs.status().message());
  auto assembled = AssemblePools(*outputs, *config, {absl::LocalTimeZone()});
  if (!assembled.ok()) return Fail(assembled.status().message());
  InspectView view{*zpool_path, *caps, std::move(assembled->pools), assembled->unparsed_count};
  std::cout << (flags.json ? RenderInspectJson(view) : RenderInspectText(view));
  return 0;
}

int RunAgent(const AgentFlags& flags) {
  InitLogging("zfleet-agent");
  auto zpool_path = FindZpool(flags.zpool);
  if (!zpool_path.ok()) return Fail(zpool_path.status().message());
  auto config = LoadConfig(flags.config);
  if (!config.ok()) return Fail(config.status().message());
  if (!flags.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(flags.state_dir, ec);
    if (ec) return Fail(absl::StrCat("cannot create --state-dir ", flags.state_dir, ": ", ec.message()));
  }
  auto journal = CommandJournal::Open(flags.state_dir);
  if (!journal.ok()) return Fail(journal.status().message());

  // Signals are taken by a waiting thread instead of a handler, so stopping is plain code.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::BitGen gen;
  AgentIdentity identity{flags.host_id.empty() ? Hostname() : flags.host_id,
                         absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen)), Hostname(),
                         kVersion};
  SubprocessRunner runner;
  ZpoolClient zpool(&runner, *zpool_path, config->zpool_timeout);
  GrpcControllerLink link(flags.controller, absl::Seconds(10));
  AgentLoop loop(&SystemClock::Get(), &zpool, &link, &*journal, *config, identity,
                 {absl::LocalTimeZone()}, ReadLoadAverage);
  spdlog::info("agent {} (instance {}) reporting to {} using {}", identity.host_id,
               identity.instance_id, flags.controller, *zpool_path);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    loop.Stop();
  });
  loop.Run();
  waiter.join();
  spdlog::info("agent stopped");
  return 0;
}

}  // namespace zfleet::agent
