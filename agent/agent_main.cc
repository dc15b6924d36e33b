// zfleet-agent: reports this host's pools to the controller and runs its scrub commands.
#include <string>

#include "CLI/CLI.hpp"
#include "agent/agent_app.h"
#include "common/version.h"

int main(int argc, char** argv) {
  zfleet::agent::AgentFlags flags;
  CLI::App app{"zfleet-agent: reports this host's ZFS pools to zfleet-controller and runs the "
               "scrubs it asks for"};
  app.add_option("--controller", flags.controller, "controller address HOST:PORT")
      ->capture_default_str();
  app.add_option("--host-id", flags.host_id, "name of this host in the fleet (default: hostname)");
  app.add_option("--zpool", flags.zpool, "path of zpool (default: zpool on PATH)");
  app.add_option("--config", flags.config, "agent.toml (poll interval, labels, class overrides)");
  app.add_option("--state-dir", flags.state_dir,
                 "directory for the outbox of undelivered observations and the command journal")
      ->capture_default_str();
  app.add_option("--tls-ca", flags.tls_ca, "CA certificates (PEM) the controller must chain to");
  app.add_option("--tls-cert", flags.tls_cert, "this agent's certificate (PEM, CN = host id)");
  app.add_option("--tls-key", flags.tls_key, "this agent's private key (PEM)");
  app.set_version_flag("--version", std::string("zfleet-agent ") + zfleet::kVersion);
  CLI::App* inspect = app.add_subcommand("inspect", "print what the agent would report and exit");
  inspect->add_option("--zpool", flags.zpool, "path of zpool (default: zpool on PATH)");
  inspect->add_option("--config", flags.config, "agent.toml");
  inspect->add_flag("--json", flags.json, "one JSON document");
  for (CLI::App* a : {&app, inspect}) {
    a->add_option("--dev-root", flags.dev_root, "root of /dev for disk identity")
        ->capture_default_str();
    a->add_option("--sys-root", flags.sys_root, "root of /sys for disk identity")
        ->capture_default_str();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "zfleet-agent: %s (see --help)\n", e.what());
    return 2;
  }
  return inspect->parsed() ? zfleet::agent::RunInspect(flags) : zfleet::agent::RunAgent(flags);
}
