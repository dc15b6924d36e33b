#include "agent/zpool/zpool_client.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/zpool/indent_column.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace zfleet::agent {
namespace {

// The usage of `command` in `usage`: its line and the deeper-indented lines continuing it,
// joined by spaces ("" when the command has no usage line).
std::string UsageOf(absl::string_view usage, absl::string_view command) {
  std::string out;
  int command_column = -1;  // >= 0 while inside the command's usage
  for (absl::string_view line : absl::StrSplit(usage, '\n')) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (command_column >= 0 && !text.empty() && IndentColumn(line) > command_column) {
      absl::StrAppend(&out, " ", text);
      continue;
    }
    command_column = -1;
    absl::string_view rest = text;
    if (absl::ConsumePrefix(&rest, command) && (rest.empty() || rest[0] == ' ')) {
      command_column = IndentColumn(line);
      absl::StrAppend(&out, out.empty() ? "" : " ", text);
    }
  }
  return out;
}

// True when `usage` offers flag `flag`, e.g. "[-H] [-p]", "[-s | -p]" or a single-letter
// cluster such as "[-vx]" or "[-gHLpPv]". Long options ("--json-int") are not clusters.
bool Offers(absl::string_view usage, char flag) {
  for (size_t i = 0; i + 1 < usage.size(); ++i) {
    if (usage[i] != '-') continue;
    if (i > 0 && usage[i - 1] != '[' && usage[i - 1] != ' ' && usage[i - 1] != '|') continue;
    for (size_t j = i + 1; j < usage.size() && absl::ascii_isalpha(usage[j]); ++j) {
      if (usage[j] == flag) return true;
    }
  }
  return false;
}

std::string FirstLine(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  return std::string(text.substr(0, text.find('\n')));
}

}  // namespace

ZpoolCapabilities CapabilitiesFromUsage(absl::string_view list_usage,
                                        absl::string_view status_usage,
                                        absl::string_view scrub_usage) {
  const std::string list = UsageOf(list_usage, "list");
  const std::string status = UsageOf(status_usage, "status");
  const std::string scrub = UsageOf(scrub_usage, "scrub");
  ZpoolCapabilities caps;
  caps.list_exact = Offers(list, 'p');
  caps.status_exact = Offers(status, 'p');
  caps.status_full_paths = Offers(status, 'P');
  caps.status_json = Offers(status, 'j') && absl::StrContains(status, "--json-int");
  caps.scrub_pause = Offers(scrub, 'p');
  caps.generation = caps.status_json                        ? "openzfs-json"
                    : caps.status_exact || caps.scrub_pause ? "openzfs"
                                                            : "legacy";
  return caps;
}

ZpoolClient::ZpoolClient(const CommandRunner* runner, std::string zpool_path,
                         absl::Duration timeout)
    : runner_(runner), zpool_path_(std::move(zpool_path)), timeout_(timeout) {}

absl::StatusOr<CommandResult> ZpoolClient::RunZpool(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {zpool_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return runner_->Run(argv, timeout_);
}

absl::StatusOr<ZpoolCapabilities> ZpoolClient::Probe() {
  {
    absl::MutexLock lock(&mu_);
    if (probed_) return caps_;
  }
  // `zpool CMD -?` prints the usage of CMD without touching any pool.
  std::string usage[3];
  const char* commands[3] = {"list", "status", "scrub"};
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(CommandResult r, RunZpool({commands[i], "-?"}));
    usage[i] = r.stdout_text + r.stderr_text;
  }
  ZpoolCapabilities caps = CapabilitiesFromUsage(usage[0], usage[1], usage[2]);
  absl::MutexLock lock(&mu_);
  probed_ = true;
  caps_ = caps;
  return caps_;
}

absl::StatusOr<ZpoolOutputs> ZpoolClient::Collect() {
  ASSIGN_OR_RETURN(ZpoolCapabilities caps, Probe());
  std::vector<std::string> list_args = {"list", "-H"};
  if (caps.list_exact) list_args.push_back("-p");
  ASSIGN_OR_RETURN(CommandResult list, RunZpool(list_args));
  if (list.exit_code != 0) {
    return absl::UnavailableError(absl::StrCat("zpool list failed (exit ", list.exit_code, "): ",
                                               FirstLine(list.stderr_text + list.stdout_text)));
  }
  // -P in both formats, so that vdev names stay the same when an upgrade brings -j.
  std::optional<CommandResult> status;
  bool is_json = false;
  if (caps.status_json) {
    std::vector<std::string> json_args = {"status", "-v", "-j", "--json-int"};
    if (caps.status_full_paths) json_args.push_back("-P");
    ASSIGN_OR_RETURN(CommandResult json, RunZpool(json_args));
    // zpool stops mid-document, exit status 0, on a name it cannot encode in its locale
    // (nvlist_print_json_string()); the text output prints such names as they are.
    if (json.exit_code == 0 && nlohmann::json::accept(json.stdout_text)) {
      status = std::move(json);
      is_json = true;
    }
  }
  if (!status) {
    std::vector<std::string> text_args = {"status", "-v"};
    if (caps.status_exact) text_args.push_back("-p");
    if (caps.status_full_paths) text_args.push_back("-P");
    ASSIGN_OR_RETURN(status, RunZpool(text_args));
  }
  if (status->exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("zpool status failed (exit ", status->exit_code,
                     "): ", FirstLine(status->stderr_text + status->stdout_text)));
  }
  absl::flat_hash_set<std::string> names;
  for (absl::string_view line : absl::StrSplit(list.stdout_text, '\n', absl::SkipEmpty())) {
    names.insert(std::string(line.substr(0, line.find('\t'))));
  }
  {
    absl::MutexLock lock(&mu_);
    discovered_ = std::move(names);
  }
  return ZpoolOutputs{std::move(list.stdout_text), std::move(status->stdout_text), is_json};
}

absl::Status ZpoolClient::Scrub(const std::string& pool, v1::CommandKind kind) {
  bool pause_ok = false;
  {
    absl::MutexLock lock(&mu_);
    if (!discovered_.contains(pool)) {
      return absl::NotFoundError(absl::StrCat("pool ", pool, " is not on this host"));
    }
    pause_ok = caps_.scrub_pause;
  }
  std::vector<std::string> args = {"scrub"};
  switch (kind) {
    case v1::SCRUB_START:
      break;
    case v1::SCRUB_STOP:
      args.push_back("-s");
      break;
    case v1::SCRUB_PAUSE:
      if (!pause_ok) {
        return absl::UnimplementedError("this host's zpool cannot pause a scrub");
      }
      args.push_back("-p");
      break;
    default:
      return absl::InvalidArgumentError("unknown scrub command");
  }
  args.push_back(pool);
  ASSIGN_OR_RETURN(CommandResult r, RunZpool(args));
  if (r.exit_code != 0) {
    return absl::FailedPreconditionError(absl::StrCat("zpool ", absl::StrJoin(args, " "), ": ",
                                                      FirstLine(r.stderr_text + r.stdout_text)));
  }
  return absl::OkStatus();
}

}  // namespace zfleet::agent
