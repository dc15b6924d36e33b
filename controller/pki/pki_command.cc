#include "controller/pki/pki_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/clock.h"
#include "controller/pki/pki_actions.h"

namespace zfleet::controller::pki {
namespace {

constexpr char kPrefix[] = "zfleet-controller pki";

int Fail(int code, const std::string& reason) {
  std::fprintf(stderr, "%s: %s\n", kPrefix, reason.c_str());
  return code;
}

int Report(const absl::StatusOr<std::vector<std::string>>& written) {
  if (!written.ok()) {
    const int code = absl::IsInvalidArgument(written.status()) ? 2 : 1;
    return Fail(code, std::string(written.status().message()));
  }
  for (const std::string& path : *written) std::printf("%s\n", path.c_str());
  return 0;
}

}  // namespace

int RunPkiCommand(int argc, char** argv) {
  CLI::App app{"zfleet's own CA: certificates for mutual TLS", kPrefix};
  app.require_subcommand(1);
  std::string key_type = "ec";

  InitOptions init;
  CLI::App* init_cmd =
      app.add_subcommand("init", "make DIR/ca.{crt,key} and DIR/controller.{crt,key}");
  init_cmd->add_option("--dir", init.dir, "directory of the PKI")->required();
  init_cmd->add_option("--name", init.names,
                       "DNS name or IP address of the controller (repeatable); localhost, "
                       "127.0.0.1 and ::1 are always added");
  init_cmd->add_option("--days", init.days, "validity of the controller's certificate")
      ->capture_default_str();
  init_cmd->add_option("--ca-days", init.ca_days, "validity of the CA")->capture_default_str();
  init_cmd->add_option("--key-type", key_type, "ec (P-256) or ed25519")
      ->check(CLI::IsMember({"ec", "ed25519"}))
      ->capture_default_str();
  init_cmd->add_flag("--force", init.force, "replace existing files");

  IssueOptions issue;
  CLI::App* issue_cmd = app.add_subcommand(
      "issue", "issue DIR/agents/HOST.{crt,key} or DIR/users/NAME.{crt,key} from DIR's CA");
  issue_cmd->add_option("--dir", issue.dir, "directory of the PKI")->required();
  CLI::Option* agent = issue_cmd->add_option("--agent", issue.agent, "an agent's host id");
  CLI::Option* user = issue_cmd->add_option("--user", issue.user, "a person's user name");
  CLI::Option* role = issue_cmd->add_option("--role", issue.role, "viewer, operator or admin")
                          ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  agent->excludes(user);
  user->needs(role);
  role->needs(user);
  issue_cmd->add_option("--days", issue.days, "validity")->capture_default_str();
  issue_cmd->add_option("--key-type", key_type, "ec (P-256) or ed25519")
      ->check(CLI::IsMember({"ec", "ed25519"}))
      ->capture_default_str();
  issue_cmd->add_flag("--force", issue.force, "replace existing files");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(2, std::string(e.what()) + " (see --help)");
  }
  const absl::StatusOr<KeyType> type = ParseKeyType(key_type);
  if (!type.ok()) return Fail(2, std::string(type.status().message()));
  const absl::Time now = SystemClock::Get().Now();
  if (init_cmd->parsed()) {
    init.key_type = *type;
    return Report(InitPki(init, now));
  }
  issue.key_type = *type;
  return Report(IssueFromPki(issue, now));
}

}  // namespace zfleet::controller::pki
