#include "controller/controller_app.h"

#include <cstdio>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/shutdown_signals.h"
#include "common/tls/tls_files.h"
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

}  // namespace

int RunController(const ControllerFlags& flags) {
  InitLogging("zfleet-controller");
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
    EventQueries* events = &(*controller)->events();
    auto started = MetricsServer::Start(
        flags.metrics_listen, [events] { return events->Metrics(); },
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
  signals.CallOnSignal([serving] { serving->Shutdown(); },
                       [&options] {
                         if (options.tls.has_value()) CheckTlsOnHangup(*options.tls);
                       });
  serving->Wait();
  (*controller)->StopTicking();
  if (metrics != nullptr) metrics->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace zfleet::controller
