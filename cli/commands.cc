#include "cli/commands.h"

#include <exception>
#include <optional>
#include <tuple>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/command_runners.h"
#include "cli/completion.h"
#include "cli/event_args.h"
#include "common/duration.h"
#include "common/status_macros.h"
#include "common/version.h"

namespace zfleet::cli {
namespace {

std::string OneLine(absl::string_view why) {
  std::string line(why);
  absl::StrReplaceAll({{"\n", "; "}}, &line);
  absl::StripAsciiWhitespace(&line);
  return line;
}

// Accepts HOST:PORT ("[::1]:7400" too) and gRPC URIs with a scheme ("unix:/run/z.sock",
// "dns:///ctl:7400"), which gRPC validates itself.
absl::Status ValidateController(const std::string& target) {
  if (target.empty()) return absl::InvalidArgumentError("empty controller address");
  const bool has_scheme = absl::StartsWith(target, "unix:") || absl::StartsWith(target, "dns:") ||
                          absl::StartsWith(target, "ipv4:") || absl::StartsWith(target, "ipv6:");
  if (has_scheme) return absl::OkStatus();
  const size_t colon = target.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(target).substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad controller address \"", target, "\" (want HOST:PORT, e.g. ", kDefaultController, ")"));
  }
  return absl::OkStatus();
}

// --timeout, --interval: a duration longer than zero.
absl::StatusOr<absl::Duration> ParsePositive(absl::string_view flag, const std::string& text) {
  absl::StatusOr<absl::Duration> d = ParseHumanDuration(text);
  if (!d.ok()) return WithContext(d.status(), flag);
  if (*d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": must be longer than 0s"));
  }
  return d;
}

// `forget HOST --yes`: a host name (not HOST/POOL), and the confirmation.
absl::Status CheckForget(const Flags& f) {
  if (f.forget_host.empty()) return absl::InvalidArgumentError("forget: missing HOST");
  if (absl::StrContains(f.forget_host, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("forget takes a HOST, not HOST/POOL: \"", f.forget_host, "\""));
  }
  if (!f.yes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "forget removes host \"", f.forget_host,
        "\" and all its history (pools, scrub runs, events) from the controller; pass --yes"));
  }
  return absl::OkStatus();
}

// The --tls-* files, each from its flag or else the environment: none (plaintext), or all
// three, checked by env.check_tls. InvalidArgument with the line to print otherwise.
absl::StatusOr<std::optional<tls::TlsFiles>> TlsFilesOf(const Flags& f, const Environment& env) {
  const tls::TlsFiles files = PreferSet({f.tls_ca, f.tls_cert, f.tls_key}, env.tls_env);
  if (!files.any()) return std::nullopt;
  std::vector<std::string> flags;
  std::vector<std::string> vars;
  for (const auto& [file, flag, var] :
       {std::tuple(&files.ca, "--tls-ca", "ZFLEET_TLS_CA"),
        std::tuple(&files.cert, "--tls-cert", "ZFLEET_TLS_CERT"),
        std::tuple(&files.key, "--tls-key", "ZFLEET_TLS_KEY")}) {
    if (!file->empty()) continue;
    flags.push_back(flag);
    vars.push_back(var);
  }
  if (!flags.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-ca, --tls-cert and --tls-key go together; ", absl::StrJoin(flags, " and "),
        flags.size() == 1 ? " is" : " are", " missing (or set ", absl::StrJoin(vars, ", "),
        ")"));
  }
  if (env.check_tls) RETURN_IF_ERROR(env.check_tls(files));
  return files;
}

// Checks everything a command needs before any client exists; InvalidArgument with the
// line to print otherwise.
absl::Status Prepare(const Subcommands& sub, const Environment& env, Invocation* in) {
  Flags& f = in->flags;
  if (f.controller.empty()) {
    f.controller =
        env.controller_env.empty() ? std::string(kDefaultController) : env.controller_env;
  }
  RETURN_IF_ERROR(ValidateController(f.controller));
  if (sub.pool->parsed() || sub.history->parsed() || sub.scrub->parsed()) {
    ASSIGN_OR_RETURN(in->ref, ParsePoolRef(f.pool_arg));
  }
  if (sub.events->parsed()) {
    ASSIGN_OR_RETURN(in->since, ParseSince(f.since, env.now));
    ASSIGN_OR_RETURN(in->min_severity, ParseSeverity(f.severity));
  }
  if (sub.status->parsed() && f.limit < 1) {
    return absl::InvalidArgumentError("--limit: must be 1 or more (--all lists every pool)");
  }
  if (sub.ack->parsed()) {
    ASSIGN_OR_RETURN(in->event_ids, ParseAckIds(f.event_ids, f.ack_events));
  }
  if (sub.watch->parsed()) {
    if (f.watch_what != "status" && f.watch_what != "triage") {
      return absl::InvalidArgumentError(
          absl::StrCat("watch: want status or triage, not \"", f.watch_what, "\""));
    }
    ASSIGN_OR_RETURN(in->interval, ParsePositive("--interval", f.interval));
    if (f.count < 0) return absl::InvalidArgumentError("--count: must be 0 or more");
  }
  if (sub.audit->parsed()) {
    ASSIGN_OR_RETURN(in->since, ParseSince(f.audit_since, env.now));
  }
  if (sub.forget->parsed()) RETURN_IF_ERROR(CheckForget(f));
  in->user = env.user.empty() ? "unknown" : env.user;
  in->env = &env;
  in->render =
      RenderOptions{.color = env.color && !f.json, .width = f.wide ? 0 : env.width, .now = env.now};
  return absl::OkStatus();
}

CliResult Run(const std::vector<std::string>& args, const Environment& env,
              const FleetApiFactory& make_api) {
  Invocation in;
  CLI::App app("zfleet: the ZFS fleet as the controller sees it, for on-call.", "zfleet");
  const Subcommands sub = BuildApp(app, in.flags);
  app.set_version_flag("--version", std::string("zfleet ") + kVersion);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return {kExitOk, app.help(), ""};
  } catch (const CLI::CallForAllHelp&) {
    return {kExitOk, app.help("", CLI::AppFormatMode::All), ""};
  } catch (const CLI::CallForVersion& e) {  // e.what(): set_version_flag's text
    return {kExitOk, absl::StrCat(e.what(), "\n"), ""};
  } catch (const CLI::ParseError& e) {
    // CLI11 reports `zfleet bogus` as "a subcommand is required"; name the culprit.
    const std::vector<std::string> extra = app.remaining();
    if (app.get_subcommands().empty() && !extra.empty() && !absl::StartsWith(extra[0], "-")) {
      return UsageResult(absl::StrCat("unknown command \"", extra[0], "\""));
    }
    return UsageResult(e.what());
  }
  // Needs no controller: the grammar itself.
  if (sub.completion->parsed()) {
    if (in.flags.shell == "bash") return {kExitOk, BashCompletion(app), ""};
    if (in.flags.shell == "zsh") return {kExitOk, ZshCompletion(app), ""};
    return UsageResult(absl::StrCat("completion: want bash or zsh, not \"", in.flags.shell, "\""));
  }
  if (absl::Status s = Prepare(sub, env, &in); !s.ok()) return UsageResult(s.message());
  absl::StatusOr<absl::Duration> timeout = ParsePositive("--timeout", in.flags.timeout);
  if (!timeout.ok()) return UsageResult(timeout.status().message());
  // Last: reads the files (through env.check_tls) only once the arguments are good.
  absl::StatusOr<std::optional<tls::TlsFiles>> tls_files = TlsFilesOf(in.flags, env);
  if (!tls_files.ok()) return UsageResult(tls_files.status().message());

  const std::pair<CLI::App*, Runner> runners[] = {
      {sub.status, RunOutput<StatusOutput>},
      {sub.hosts, RunOutput<HostsOutput>},
      {sub.pools, RunOutput<PoolsOutput>},
      {sub.pool, RunOutput<PoolOutput>},
      {sub.history, RunOutput<HistoryOutput>},
      {sub.scrub, RunScrub},
      {sub.schedule, RunOutput<ScheduleOutput>},
      {sub.events, RunOutput<EventsOutput>},
      {sub.incidents, RunOutput<IncidentsOutput>},
      {sub.ack, RunAck},
      {sub.triage, RunOutput<TriageOutput>},
      {sub.watch, RunWatch},
      {sub.disks, RunOutput<DisksOutput>},
      {sub.whoami, RunOutput<WhoAmIOutput>},
      {sub.audit, RunOutput<AuditOutput>},
      {sub.forget, RunOutput<ForgetOutput>},
      {sub.cancel_queued, RunOutput<CancelQueuedOutput>}};
  for (const auto& [command, runner] : runners) {
    if (!command->parsed()) continue;
    std::unique_ptr<FleetApi> api = make_api(ControllerConnection{
        .target = in.flags.controller, .timeout = *timeout, .tls = *std::move(tls_files)});
    return runner(*api, in);
  }
  return UsageResult("no command");  // unreachable: CLI11 requires one
}

}  // namespace

CliResult UsageResult(absl::string_view why) {
  return {kExitUsage, "", absl::StrCat("zfleet: ", OneLine(why), "; run 'zfleet --help'\n")};
}

CliResult FailureResult(absl::string_view why, std::string out) {
  return {kExitFailure, std::move(out), absl::StrCat("zfleet: ", OneLine(why), "\n")};
}

CliResult OutputResult(absl::StatusOr<std::string> out) {
  if (!out.ok()) return FailureResult(out.status().message());
  return {kExitOk, *std::move(out), ""};
}

CliResult RunCli(const std::vector<std::string>& args, const Environment& env,
                 const FleetApiFactory& make_api) {
  // Nothing below is expected to throw; this keeps a surprise (e.g. bad_alloc) to one
  // line instead of a terminate() with a trace.
  try {
    return Run(args, env, make_api);
  } catch (const std::exception& e) {
    return FailureResult(absl::StrCat("internal error: ", e.what()));
  }
}

}  // namespace zfleet::cli
