// zfleet-controller: stores the fleet's history and tells agents what to scrub.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "controller/controller_app.h"

int main(int argc, char** argv) {
  zfleet::controller::ControllerFlags flags;
  CLI::App app{
      "zfleet-controller: keeps the fleet's ZFS history in SQLite and serves agents "
      "and the zfleet CLI over gRPC"};
  app.add_option("--listen", flags.listen, "gRPC address HOST:PORT")->capture_default_str();
  app.add_option("--db", flags.db, "SQLite database file")->required();
  app.add_option("--config", flags.config, "controller.toml");
  app.add_option("--metrics-listen", flags.metrics_listen, "Prometheus /metrics address HOST:PORT");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "zfleet-controller: %s (see --help)\n", e.what());
    return 2;
  }
  return zfleet::controller::RunController(flags);
}
