#include "controller/controller_app.h"

#include <cstdio>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/heartbeat.h"
#include "common/log.h"
#include "common/periodic_runner.h"
#include "common/shutdown_signals.h"
#include "common/systemd_notify.h"
#include "common/tls/tls_files.h"
#include "common/watchdog_pinger.h"
#include "controller/auth/listen_policy.h"
#include "controller/controller.h"
#include "controller/service/grpc_server.h"
#include "controller/service/metrics_server.h"

namespace zfleet::controller {
namespace {

// How often the certificate files are re-read, so a rotation needs no restart.
constexpr absl::Duration kTlsRefresh = absl::Seconds(2);

int Fail(absl::string_view message) {
  std::fprintf(stderr, "zfleet-controller: %.*s\n", static_cast<int>(message.size()),
               message.data());
  return 1;
}


// At SIGHUP: the files are re-read on their own every kTlsRefresh; this says whether what
// is on disk now is usable, so an operator rotating by hand sees a mistake at once.
void CheckTlsOnHangup(const tls::TlsFiles& files) {
  if (absl::Status ok = tls::CheckTlsFiles(files, SystemClock::Get().Now()); !ok.ok()) {
    spdlog::error("SIGHUP: the certificate files are not usable, new connections will fail: {}",
                  ok.message());
    return;
  }
  spdlog::info("SIGHUP: certificate files are valid; new connections use them within {}",
               absl::FormatDuration(kTlsRefresh));
}

// systemd's watchdog over the liveness probe (liveness_probe.h): the probe runs every
// quarter interval and beats `passed` when it passes, and a ping goes out every half
// interval while the last pass is at most one interval old. A store lock or store that never
// comes free holds the probe, the pings stop, and systemd restarts the controller within
// two intervals; a probe merely slowed by a long write is still in time.
class StoreWatchdog {
 public:
  StoreWatchdog(Controller* controller, SystemdNotifier* systemd, absl::Duration interval)
      : passed_(&MonotonicClock::Get(), interval),
        prober_(interval / 4, [this, controller] { Probe(*controller); }),
        pinger_(
            interval / 2, [this] { return passed_.Fresh(); },
            [systemd] { systemd->Notify("WATCHDOG=1"); },
            "the liveness probe (the store lock and a read of the store)") {}

  void Start() {
    prober_.Start();
    pinger_.Start();
  }

 private:
  // On the prober's thread.
  void Probe(Controller& controller) {
    const absl::Status passed = controller.liveness().Check();
    if (passed.ok()) {
      if (failing_) spdlog::info("liveness probe: the store answers again");
      failing_ = false;
      passed_.Beat();
    } else if (!failing_) {
      spdlog::error("liveness probe: the store answers with an error: {}", passed.message());
      failing_ = true;
    }
  }

  Heartbeat passed_;
  bool failing_ = false;  // the prober's thread only
  // Destroyed in reverse: the pinger stops first, then the prober.
  PeriodicRunner prober_;
  WatchdogPinger pinger_;
};

}  // namespace

int RunController(const ControllerFlags& flags) {
  InitLogging("zfleet-controller");
  // Read before any thread starts (the environment is not safe to read beside setenv).
  SystemdNotifier systemd = SystemdNotifier::FromEnvironment();
  if (flags.db.empty()) return Fail("--db PATH is required");
  auto config = LoadControllerConfig(flags.config);
  if (!config.ok()) return Fail(config.status().message());

  const tls::TlsFiles files =
      PreferSet({flags.tls_ca, flags.tls_cert, flags.tls_key}, config->tls);  // flags win
  GrpcServerOptions options;
  options.listen = flags.listen;
  options.tls_refresh = kTlsRefresh;
  if (files.any()) {
    if (absl::Status usable = tls::CheckTlsFiles(files, SystemClock::Get().Now()); !usable.ok()) {
      return Fail(usable.message());
    }
    options.tls = files;
  } else {
    if (absl::Status allowed = CheckPlaintextListen(flags.listen, false, flags.insecure_plaintext);
        !allowed.ok()) {
      return Fail(allowed.message());
    }
    if (flags.metrics_tls) return Fail("--metrics-tls needs --tls-ca, --tls-cert and --tls-key");
  }

  auto controller = Controller::Open(flags.db, &*config, &SystemClock::Get());
  if (!controller.ok()) {
    return Fail(absl::StrCat("cannot open --db ", flags.db, ": ", controller.status().message()));
  }

  ShutdownSignals signals;

  auto server = GrpcServer::Start(options, controller->get());
  if (!server.ok()) return Fail(server.status().message());
  std::unique_ptr<MetricsServer> metrics;
  if (!flags.metrics_listen.empty()) {
    Controller* root = controller->get();
    auto started = MetricsServer::Start(
        flags.metrics_listen, [root] { return root->Metrics(); },
        flags.metrics_tls ? &files : nullptr);
    if (!started.ok()) {
      (*server)->Shutdown();
      return Fail(absl::StrCat("--metrics-listen: ", started.status().message()));
    }
    metrics = *std::move(started);
    spdlog::info("serving /metrics on port {}{}", metrics->port(),
                 flags.metrics_tls ? " over HTTPS (client certificates required)" : "");
  }
  (*controller)->StartTicking();
  if (!options.tls.has_value() && !IsLoopbackListen(flags.listen)) {
    spdlog::warn("serving PLAINTEXT on {} (--insecure-plaintext): anyone who can reach it may "
                 "report as any host and act as admin",
                 flags.listen);
  }
  // Logged once everything is up, so a start-up failure stays one line on stderr.
  spdlog::info("listening on port {} ({}; db {}, agents report every {})", (*server)->port(),
               options.tls.has_value() ? "mutual TLS" : "plaintext", flags.db,
               absl::FormatDuration(config->report_interval));

  GrpcServer* serving = server->get();
  signals.CallOnSignal(
      [serving, &systemd] {
        systemd.Notify("STOPPING=1");
        serving->Shutdown();
      },
      [&options] {
        if (options.tls.has_value()) CheckTlsOnHangup(*options.tls);
      });
  // Until the process ends: systemd watches a stopping service too.
  std::optional<StoreWatchdog> watchdog;
  if (std::optional<absl::Duration> interval = systemd.watchdog_interval()) {
    watchdog.emplace(controller->get(), &systemd, *interval);
    watchdog->Start();
    spdlog::info("systemd watchdog: a ping every {} while the store lock and the store answer",
                 absl::FormatDuration(*interval / 2));
  }
  // The gRPC server and /metrics listen and the tick runs: ready.
  systemd.Notify(absl::StrCat("READY=1\nSTATUS=listening on port ", (*server)->port()));
  serving->Wait();
  (*controller)->StopTicking();
  if (metrics != nullptr) metrics->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace zfleet::controller
