#include "cli/command_line.h"

#include <string>

#include "CLI/CLI.hpp"

namespace zfleet::cli {
namespace {

constexpr char kFooter[] =
    "Run 'zfleet COMMAND --help' for a command's options.\n"
    "HOST/POOL names one pool, e.g. h1/tank. DURATION is e.g. 30s, 5m, 2h, 7d or 1h30m.\n"
    "Times are UTC. --json prints one JSON document per call (see README).\n"
    "A controller with mutual TLS needs --tls-ca, --tls-cert and --tls-key (or\n"
    "ZFLEET_TLS_CA, ZFLEET_TLS_CERT, ZFLEET_TLS_KEY); what you may do is your\n"
    "certificate's role: viewer reads; operator also scrubs and acks; admin also\n"
    "forgets hosts and cancels queued scrubs.\n"
    "Exit codes: 0 ok; 1 the controller refused or could not be reached, 'ack' named\n"
    "unknown ids, or a waited-for scrub did not finish; 2 bad arguments or --tls-*\n"
    "files (nothing was sent); 3 a waited-for scrub repaired data or found errors.";

void AddPoolArg(CLI::App* sub, Flags& f) {
  // HOST/POOL is checked by ParsePoolRef (also when missing) for one kind of message.
  sub->add_option("pool", f.pool_arg, "the pool, e.g. h1/tank")->type_name("HOST/POOL");
}

}  // namespace

Subcommands BuildApp(CLI::App& app, Flags& f) {
  app.require_subcommand(1);
  app.footer(kFooter);
  app.add_option("--controller", f.controller,
                 "controller address HOST:PORT (default: $ZFLEET_CONTROLLER, else " +
                     std::string(kDefaultController) + ")");
  app.add_flag("--json", f.json, "print one JSON document instead of text");
  app.add_flag("--wide", f.wide,
               "on a terminal, print tables in full and triage unwrapped instead of fitting "
               "them to its width");
  app.add_option("--timeout", f.timeout, "deadline for each call to the controller")
      ->type_name("DURATION")
      ->default_str(std::string(kDefaultTimeout));
  app.add_option("--tls-ca", f.tls_ca,
                 "mutual TLS: the controller's CA bundle (default: $ZFLEET_TLS_CA)")
      ->type_name("FILE");
  app.add_option("--tls-cert", f.tls_cert,
                 "mutual TLS: your certificate (default: $ZFLEET_TLS_CERT)")
      ->type_name("FILE");
  app.add_option("--tls-key", f.tls_key, "mutual TLS: its private key (default: $ZFLEET_TLS_KEY)")
      ->type_name("FILE");

  Subcommands s;
  s.status = app.add_subcommand(
      "status", "fleet summary and one line per pool, unhealthy ones first past --limit");
  s.status->add_flag("-x", f.unhealthy_only, "only unhealthy pools");
  CLI::Option* limit =
      s.status
          ->add_option("--limit", f.limit,
                       "list at most N pools: every unhealthy one first, then healthy ones")
          ->type_name("N")
          ->default_str(std::to_string(kDefaultStatusLimit));
  s.status->add_flag("--all", f.all, "list every pool, however many")->excludes(limit);
  s.hosts = app.add_subcommand("hosts", "agents known to the controller");
  s.pools = app.add_subcommand("pools", "pools with size, capacity and last scrub");
  s.pool = app.add_subcommand("pool", "one pool in detail, like zpool status");
  AddPoolArg(s.pool, f);
  s.history = app.add_subcommand("history", "a pool's scrub runs and state changes, newest first");
  AddPoolArg(s.history, f);

  s.scrub = app.add_subcommand("scrub", "ask the controller to start, stop or pause a scrub");
  AddPoolArg(s.scrub, f);
  CLI::Option* stop = s.scrub->add_flag("--stop", f.stop, "stop a running scrub");
  CLI::Option* pause = s.scrub->add_flag("--pause", f.pause, "pause a running scrub");
  CLI::Option* now = s.scrub->add_flag("--now", f.now,
                                       "start at once, bypassing the scheduler's caps and windows");
  CLI::Option* wait = s.scrub->add_flag(
      "--wait", f.wait,
      "show its progress until it ends; exit 0 clean, 3 found errors, 1 not finished");
  wait->excludes(stop);
  wait->excludes(pause);
  stop->excludes(pause);
  now->excludes(stop);
  now->excludes(pause);
  s.schedule = app.add_subcommand(
      "schedule", "each pool's last scrub, next due date, and why a due pool waits");

  s.events = app.add_subcommand("events", "the controller's event log, newest first");
  s.events->add_option("--since", f.since, "events newer than this")
      ->type_name("DURATION")
      ->default_str(std::string(kDefaultSince));
  s.events->add_option("--severity", f.severity, "this severity and worse")
      ->type_name("info|warning|critical");
  s.events->add_option("--host", f.host, "only this host")->type_name("HOST");
  s.events->add_flag("--unacked", f.unacked, "only events nobody acknowledged");
  s.incidents = app.add_subcommand(
      "incidents", "one incident per problem: open ones, most severe first (--all: resolved too)");
  s.incidents->add_flag("--all", f.all, "resolved incidents too, newest first");
  s.incidents->add_option("--host", f.host, "only this host")->type_name("HOST");
  s.ack = app.add_subcommand(
      "ack", "acknowledge incidents (recorded as your certificate's name, or $USER on plaintext)");
  s.ack
      ->add_option("ids", f.event_ids,
                   "incident ids as 'zfleet triage' and 'zfleet incidents' "
                   "show them")
      ->type_name("ID...");
  s.ack->add_flag("--events", f.ack_events, "the ids are event ids ('zfleet events')");

  s.triage = app.add_subcommand(
      "triage", "what needs attention now, most severe first, with the action to take");
  s.disks = app.add_subcommand("disks", "every disk with identity and error counters");
  s.disks->add_option("--model", f.model, "models containing this text")->type_name("MODEL");
  s.disks->add_option("--host", f.host, "only this host")->type_name("HOST");
  s.disks->add_flag("--by-model", f.by_model, "error counts summed per model across the fleet");

  s.watch = app.add_subcommand(
      "watch", "status or triage, redrawn every --interval until interrupted (or --count times)");
  s.watch->add_option("what", f.watch_what, "status (default) or triage")
      ->type_name("status|triage");
  s.watch->add_option("--interval", f.interval, "time between redraws")
      ->type_name("DURATION")
      ->default_str("5s");
  s.watch->add_option("--count", f.count, "stop after this many redraws (0: never)")
      ->type_name("N");

  s.completion = app.add_subcommand(
      "completion", "print the bash or zsh completion script (the packages install both)");
  s.completion->add_option("shell", f.shell, "bash or zsh")->type_name("bash|zsh");

  s.whoami = app.add_subcommand("whoami", "who the controller takes you for, and your role");
  s.audit = app.add_subcommand("audit", "who asked the controller for what, newest first");
  s.audit->add_option("--since", f.audit_since, "entries newer than this")
      ->type_name("DURATION")
      ->default_str(std::string(kDefaultAuditSince));
  s.forget = app.add_subcommand(
      "forget", "remove a decommissioned host and all its history (admin; needs --yes)");
  // HOST is checked by Prepare (also when missing) for one kind of message.
  s.forget->add_option("host", f.forget_host, "the host, as 'zfleet hosts' shows it")
      ->type_name("HOST");
  s.forget->add_flag("--yes", f.yes, "confirm: the host's pools, runs and events are deleted");
  s.cancel_queued = app.add_subcommand(
      "cancel-queued", "cancel every scrub request that has not started yet (admin)");
  s.cancel_queued->add_option("--host", f.host, "only on this host")->type_name("HOST");

  for (CLI::App* sub :
       {s.status, s.hosts, s.pools, s.pool, s.history, s.scrub, s.schedule, s.events, s.incidents,
        s.ack, s.triage, s.watch, s.disks, s.whoami, s.audit, s.forget, s.cancel_queued}) {
    sub->fallthrough();
  }
  return s;
}

}  // namespace zfleet::cli
