#include "cli/commands.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cli/format_util.h"
#include "cli/pool_ref.h"
#include "cli/render_hosts.h"
#include "cli/render_pool_detail.h"
#include "cli/render_pools.h"
#include "cli/render_scrub.h"
#include "cli/render_status.h"
#include "common/duration.h"
#include "common/status_macros.h"

namespace zfleet::cli {
namespace {

struct Flags {
  std::string controller;
  std::string timeout{kDefaultTimeout};
  bool json = false;
  bool unhealthy_only = false;
  std::string pool_arg;
  std::string scrub_arg;
  bool stop = false;
  bool pause = false;
};

struct Subcommands {
  CLI::App* status;
  CLI::App* hosts;
  CLI::App* pools;
  CLI::App* pool;
  CLI::App* scrub;
};

Subcommands BuildApp(CLI::App& app, Flags& f) {
  app.require_subcommand(1);
  app.footer(
      "Run 'zfleet COMMAND --help' for a command's options.\n"
      "Exit codes: 0 ok; 1 the controller refused or could not be reached; 2 bad arguments.");
  app.add_option("--controller", f.controller,
                 "controller address HOST:PORT (default: $ZFLEET_CONTROLLER, else " +
                     std::string(kDefaultController) + ")");
  app.add_flag("--json", f.json, "print one JSON document instead of text");
  app.add_option("--timeout", f.timeout, "deadline for each call to the controller")
      ->type_name("DURATION")
      ->default_str(std::string(kDefaultTimeout));

  Subcommands s;
  s.status = app.add_subcommand("status", "fleet summary and one line per pool");
  s.status->add_flag("-x", f.unhealthy_only, "only unhealthy pools");
  s.hosts = app.add_subcommand("hosts", "agents known to the controller");
  s.pools = app.add_subcommand("pools", "pools with size, capacity and last scrub");
  s.pool = app.add_subcommand("pool", "one pool in detail, like zpool status");
  // HOST/POOL is checked by ParsePoolRef (also when missing) for one kind of message.
  s.pool->add_option("pool", f.pool_arg, "the pool, e.g. h1/tank")->type_name("HOST/POOL");
  s.scrub = app.add_subcommand("scrub", "ask the controller to start, stop or pause a scrub");
  s.scrub->add_option("pool", f.scrub_arg, "the pool, e.g. h1/tank")->type_name("HOST/POOL");
  CLI::Option* stop = s.scrub->add_flag("--stop", f.stop, "stop a running scrub");
  CLI::Option* pause = s.scrub->add_flag("--pause", f.pause, "pause a running scrub");
  stop->excludes(pause);
  // Global options may also follow the command: `zfleet status --json`.
  for (CLI::App* sub : {s.status, s.hosts, s.pools, s.pool, s.scrub}) sub->fallthrough();
  return s;
}

CliResult Usage(absl::string_view why) {
  std::string line(why);
  absl::StrReplaceAll({{"\n", "; "}}, &line);
  absl::StripAsciiWhitespace(&line);
  return {kExitUsage, "", absl::StrCat("zfleet: ", line, "; run 'zfleet --help'\n")};
}

CliResult Failure(absl::string_view why) {
  std::string line(why);
  absl::StrReplaceAll({{"\n", "; "}}, &line);
  return {kExitFailure, "", absl::StrCat("zfleet: ", line, "\n")};
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

absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text) {
  ASSIGN_OR_RETURN(absl::Duration timeout, ParseHumanDuration(text));
  if (timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("must be longer than 0s");
  }
  return timeout;
}

absl::StatusOr<std::string> RunStatus(FleetApi& api, const Flags& f, const RenderOptions& ro) {
  StatusInput input;
  input.only_unhealthy = f.unhealthy_only;
  ASSIGN_OR_RETURN(input.hosts, api.ListHosts());
  ASSIGN_OR_RETURN(input.pools, api.ListPools());
  return f.json ? DumpJson(RenderStatusJson(input)) : RenderStatusText(input, ro);
}

absl::StatusOr<std::string> RunHosts(FleetApi& api, const Flags& f, const RenderOptions& ro) {
  ASSIGN_OR_RETURN(v1::ListHostsResponse hosts, api.ListHosts());
  return f.json ? DumpJson(RenderHostsJson(hosts)) : RenderHostsText(hosts, ro);
}

absl::StatusOr<std::string> RunPools(FleetApi& api, const Flags& f, const RenderOptions& ro) {
  ASSIGN_OR_RETURN(v1::ListPoolsResponse pools, api.ListPools());
  return f.json ? DumpJson(RenderPoolsJson(pools)) : RenderPoolsText(pools, ro);
}

absl::StatusOr<std::string> RunPool(FleetApi& api, const PoolRef& ref, const Flags& f,
                                    const RenderOptions& ro) {
  v1::GetPoolRequest request;
  request.set_host_id(ref.host);
  request.set_pool(ref.pool);
  ASSIGN_OR_RETURN(v1::GetPoolResponse response, api.GetPool(request));
  return f.json ? DumpJson(RenderPoolDetailJson(response)) : RenderPoolDetailText(response, ro);
}

absl::StatusOr<std::string> RunScrub(FleetApi& api, const PoolRef& ref, const Flags& f) {
  v1::RequestScrubRequest request;
  request.set_host_id(ref.host);
  request.set_pool(ref.pool);
  request.set_action(f.stop ? v1::STOP : f.pause ? v1::PAUSE : v1::START);
  ASSIGN_OR_RETURN(v1::RequestScrubResponse response, api.RequestScrub(request));
  return f.json ? DumpJson(RenderScrubJson(ref, request.action(), response))
                : RenderScrubText(ref, request.action(), response);
}

CliResult Run(const std::vector<std::string>& args, const Environment& env,
              const FleetApiFactory& make_api) {
  Flags f;
  CLI::App app("zfleet: the ZFS fleet as the controller sees it, for on-call.", "zfleet");
  const Subcommands sub = BuildApp(app, f);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return {kExitOk, app.help(), ""};
  } catch (const CLI::CallForAllHelp&) {
    return {kExitOk, app.help("", CLI::AppFormatMode::All), ""};
  } catch (const CLI::ParseError& e) {
    // CLI11 reports `zfleet bogus` as "a subcommand is required"; name the culprit.
    const std::vector<std::string> extra = app.remaining();
    if (app.get_subcommands().empty() && !extra.empty() && !absl::StartsWith(extra[0], "-")) {
      return Usage(absl::StrCat("unknown command \"", extra[0], "\""));
    }
    return Usage(e.what());
  }

  if (f.controller.empty()) {
    f.controller =
        env.controller_env.empty() ? std::string(kDefaultController) : env.controller_env;
  }
  if (absl::Status s = ValidateController(f.controller); !s.ok()) return Usage(s.message());
  absl::StatusOr<absl::Duration> timeout = ParseTimeout(f.timeout);
  if (!timeout.ok()) return Usage(absl::StrCat("--timeout: ", timeout.status().message()));
  PoolRef ref;
  if (sub.pool->parsed() || sub.scrub->parsed()) {
    absl::StatusOr<PoolRef> parsed = ParsePoolRef(sub.pool->parsed() ? f.pool_arg : f.scrub_arg);
    if (!parsed.ok()) return Usage(parsed.status().message());
    ref = *std::move(parsed);
  }

  const RenderOptions ro{.color = env.color && !f.json, .now = env.now};
  std::unique_ptr<FleetApi> api = make_api(f.controller, *timeout);
  absl::StatusOr<std::string> out;
  if (sub.status->parsed()) {
    out = RunStatus(*api, f, ro);
  } else if (sub.hosts->parsed()) {
    out = RunHosts(*api, f, ro);
  } else if (sub.pools->parsed()) {
    out = RunPools(*api, f, ro);
  } else if (sub.pool->parsed()) {
    out = RunPool(*api, ref, f, ro);
  } else {
    out = RunScrub(*api, ref, f);
  }
  if (!out.ok()) return Failure(out.status().message());
  return {kExitOk, *std::move(out), ""};
}

}  // namespace

CliResult RunCli(const std::vector<std::string>& args, const Environment& env,
                 const FleetApiFactory& make_api) {
  // Nothing below is expected to throw; this keeps a surprise (e.g. bad_alloc) to one
  // line instead of a terminate() with a trace.
  try {
    return Run(args, env, make_api);
  } catch (const std::exception& e) {
    return Failure(absl::StrCat("internal error: ", e.what()));
  }
}

}  // namespace zfleet::cli
