// The zfleet command line grammar: every flag and command, and the help text. CLI11
// writes what it parses into Flags; nothing here checks values or talks to anyone.
#ifndef ZFLEET_CLI_COMMAND_LINE_H_
#define ZFLEET_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cli/event_args.h"

namespace CLI {
class App;
}  // namespace CLI

namespace zfleet::cli {

inline constexpr absl::string_view kDefaultController = "127.0.0.1:7400";
inline constexpr absl::string_view kDefaultTimeout = "10s";
inline constexpr absl::string_view kDefaultAuditSince = "7d";
// Pools `zfleet status` lists unless told otherwise: a screenful, not a fleet.
inline constexpr int kDefaultStatusLimit = 100;

// Raw values as typed; the commands check them before anything is sent.
struct Flags {
  // Global.
  std::string controller;
  std::string timeout{kDefaultTimeout};
  bool json = false;
  bool wide = false;     // tables as wide as their widest cells, even on a terminal
  std::string tls_ca;    // "" = $ZFLEET_TLS_CA
  std::string tls_cert;  // "" = $ZFLEET_TLS_CERT
  std::string tls_key;   // "" = $ZFLEET_TLS_KEY
  // status
  bool unhealthy_only = false;
  int limit = kDefaultStatusLimit;
  // pool, history, scrub: HOST/POOL
  std::string pool_arg;
  // scrub
  bool stop = false;
  bool pause = false;
  bool now = false;
  bool wait = false;
  // events
  std::string since{kDefaultSince};
  std::string severity;
  bool unacked = false;
  // events, disks, cancel-queued
  std::string host;
  // ack
  std::vector<std::string> event_ids;  // incident ids, or event ids with --events
  bool ack_events = false;
  // incidents (resolved ones too), status (every pool)
  bool all = false;
  // watch
  std::string watch_what{"status"};
  std::string interval{"5s"};
  int count = 0;
  // completion
  std::string shell;
  // disks
  std::string model;
  bool by_model = false;
  // audit
  std::string audit_since{kDefaultAuditSince};
  // forget
  std::string forget_host;
  bool yes = false;
};

// The subcommands, for telling which one was given. Owned by the App.
struct Subcommands {
  CLI::App* status;
  CLI::App* hosts;
  CLI::App* pools;
  CLI::App* pool;
  CLI::App* history;
  CLI::App* scrub;
  CLI::App* schedule;
  CLI::App* events;
  CLI::App* incidents;
  CLI::App* ack;
  CLI::App* triage;
  CLI::App* watch;
  CLI::App* completion;
  CLI::App* disks;
  CLI::App* whoami;
  CLI::App* audit;
  CLI::App* forget;
  CLI::App* cancel_queued;
};

// Adds every option and subcommand to `app`, bound to `flags`. Exactly one subcommand
// is required; global options may also follow the command. `flags` must outlive `app`.
Subcommands BuildApp(CLI::App& app, Flags& flags);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMAND_LINE_H_
