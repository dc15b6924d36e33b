// zfleet-controller: stores the fleet's history and tells agents what to scrub;
// `zfleet-controller pki …` makes the certificates of mutual TLS.
#include <cstdio>
#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "controller/controller_app.h"
#include "controller/pki/pki_command.h"
#include "common/version.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "pki") {
    return zfleet::controller::pki::RunPkiCommand(argc - 1, argv + 1);
  }
  zfleet::controller::ControllerFlags flags;
  CLI::App app{
      "zfleet-controller: keeps the fleet's ZFS history in SQLite and serves agents "
      "and the zfleet CLI over gRPC"};
  app.set_version_flag("--version", std::string("zfleet-controller ") + zfleet::kVersion);
  app.add_option("--listen", flags.listen, "gRPC address HOST:PORT")->capture_default_str();
  app.add_option("--db", flags.db, "SQLite database file")->required();
  app.add_option("--config", flags.config, "controller.toml");
  app.add_option("--metrics-listen", flags.metrics_listen,
                 "Prometheus /metrics address HOST:PORT (a bare :PORT binds 127.0.0.1)");
  app.add_option("--tls-ca", flags.tls_ca, "CA certificates (PEM) clients must chain to");
  app.add_option("--tls-cert", flags.tls_cert, "this controller's certificate (PEM)");
  app.add_option("--tls-key", flags.tls_key, "this controller's private key (PEM)");
  app.add_flag("--insecure-plaintext", flags.insecure_plaintext,
               "serve without TLS on a non-loopback address (anyone who reaches it is admin)");
  app.add_flag("--metrics-tls", flags.metrics_tls,
               "serve /metrics over HTTPS, requiring a client certificate of --tls-ca");
  app.footer(
      "Certificates: zfleet-controller pki init|issue --help. Without --tls-* flags the "
      "controller serves plaintext on loopback only.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "zfleet-controller: %s (see --help)\n", e.what());
    return 2;
  }
  return zfleet::controller::RunController(flags);
}
