#include "controller/controller_app.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/shutdown_signals.h"
#include "controller/controller.h"
#include "controller/service/grpc_server.h"
#include "controller/service/metrics_server.h"

namespace zfleet::controller {
namespace {

int Fail(absl::string_view message) {
  std::fprintf(stderr, "zfleet-controller: %.*s\n", static_cast<int>(message.size()),
               message.data());
  return 1;
}

}  // namespace

int RunController(const ControllerFlags& flags) {
  InitLogging("zfleet-controller");
  if (flags.db.empty()) return Fail("--db PATH is required");
  auto config = LoadControllerConfig(flags.config);
  if (!config.ok()) return Fail(config.status().message());
  auto controller = Controller::Open(flags.db, &*config, &SystemClock::Get());
  if (!controller.ok()) {
    return Fail(absl::StrCat("cannot open --db ", flags.db, ": ", controller.status().message()));
  }

  ShutdownSignals signals;

  auto server = GrpcServer::Start(flags.listen, controller->get());
  if (!server.ok()) return Fail(server.status().message());
  std::unique_ptr<MetricsServer> metrics;
  if (!flags.metrics_listen.empty()) {
    EventQueries* events = &(*controller)->events();
    auto started =
        MetricsServer::Start(flags.metrics_listen, [events] { return events->Metrics(); });
    if (!started.ok()) {
      (*server)->Shutdown();
      return Fail(absl::StrCat("--metrics-listen: ", started.status().message()));
    }
    metrics = *std::move(started);
    spdlog::info("serving /metrics on port {}", metrics->port());
  }
  (*controller)->StartTicking();
  // Logged once everything is up, so a start-up failure stays one line on stderr.
  spdlog::info("listening on port {} (db {}, agents report every {})", (*server)->port(), flags.db,
               absl::FormatDuration(config->report_interval));

  GrpcServer* serving = server->get();
  signals.CallOnSignal([serving] { serving->Shutdown(); });
  serving->Wait();
  (*controller)->StopTicking();
  if (metrics != nullptr) metrics->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace zfleet::controller
