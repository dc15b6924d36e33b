#include "agent/agent_loop.h"

#include <algorithm>
#include <utility>

#include "agent/command_executor.h"
#include "agent/disks/disk_class.h"
#include "agent/zpool/pool_assembly.h"
#include "common/log.h"
#include "common/utf8.h"
#include "model/clean_strings.h"
#include "model/report_limits.h"

namespace zfleet::agent {
namespace {

constexpr absl::Duration kMinBackoff = absl::Seconds(1);
constexpr absl::Duration kMaxBackoff = absl::Seconds(60);

// What the controller would store: the pools and the collection error, serialized
// deterministically so equal views compare equal.
std::string Digest(const std::vector<v1::Pool>& pools, const std::string& error,
                   const std::vector<v1::StackCheck>& checks) {
  v1::ReportRequest r;
  for (const auto& p : pools) *r.add_pools() = p;
  r.set_collect_error(error);
  for (const auto& c : checks) *r.mutable_host()->add_stack_checks() = c;
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  r.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

AgentLoop::AgentLoop(AgentDeps deps, AgentConfig config, AgentIdentity identity,
                     StatusParseOptions parse_options)
    : deps_(std::move(deps)),
      config_(std::move(config)),
      class_overrides_(ClassOverridesOf(config_)),
      identity_(std::move(identity)),
      parse_options_(std::move(parse_options)) {}

void AgentLoop::Poll(absl::Time now) {
  next_poll_ = now + config_.poll_interval;
  auto caps = deps_.zpool->Probe();
  if (caps.ok()) generation_ = caps->generation;
  auto outputs = deps_.zpool->Collect();
  if (!outputs.ok()) {
    if (collect_error_ != outputs.status().message()) {
      spdlog::warn("cannot read pools: {}", outputs.status().message());
    }
    collect_error_ = std::string(outputs.status().message());
    Collected();
    return;
  }
  auto assembled = AssemblePools(*outputs, parse_options_);
  if (!assembled.ok()) {
    if (collect_error_ != assembled.status().message()) {
      spdlog::warn("cannot parse zpool output: {}", assembled.status().message());
    }
    collect_error_ = std::string(assembled.status().message());
    Collected();
    return;
  }
  if (assembled->unparsed_count != unparsed_logged_) {
    spdlog::info("zpool output has {} line(s) this agent does not understand; they are kept "
                 "in each pool's unparsed list",
                 assembled->unparsed_count);
    unparsed_logged_ = assembled->unparsed_count;
  }
  collect_error_.clear();
  pools_ = std::move(assembled->pools);
  ClassifyLeaves(pools_, class_overrides_);
  if (deps_.disks != nullptr) deps_.disks->Enrich(pools_, now);
  Collected();
}

void AgentLoop::Collected() {
  int cleaned = 0;
  for (v1::Pool& pool : pools_) cleaned += CleanStrings(&pool);
  for (v1::StackCheck& check : stack_checks_) cleaned += CleanStrings(&check);
  if (!IsValidUtf8(collect_error_)) {
    collect_error_ = CleanUtf8(collect_error_);
    ++cleaned;
  }
  if (cleaned > 0) {
    spdlog::debug("{} string(s) read from the host were not valid UTF-8; their bad bytes are "
                  "kept as \\xNN",
                  cleaned);
  }
  digest_ = Digest(pools_, collect_error_, stack_checks_);
}

v1::ReportRequest AgentLoop::BuildReport(absl::Time now) {
  v1::ReportRequest r;
  r.set_host_id(identity_.host_id);
  r.set_instance_id(identity_.instance_id);
  r.set_sequence(++sequence_);
  r.set_report_time(absl::ToUnixSeconds(now));
  v1::HostInfo& host = *r.mutable_host();
  host.set_hostname(identity_.hostname);
  host.set_agent_version(identity_.agent_version);
  host.set_zpool_path(deps_.zpool->zpool_path());
  host.set_zpool_generation(generation_);
  for (const auto& [k, v] : config_.labels) (*host.mutable_labels())[k] = v;
  if (auto load = deps_.load_reader ? deps_.load_reader() : std::nullopt) host.set_load1(*load);
  for (const auto& check : stack_checks_) *host.add_stack_checks() = check;
  r.set_pools_valid(collect_error_.empty());
  r.set_collect_error(collect_error_);
  if (collect_error_.empty()) {
    for (const auto& p : pools_) *r.add_pools() = p;
  }
  for (const auto& ack : deps_.journal->PendingAcks()) *r.add_acks() = ack;
  // The pools, stack checks and collection error were cleaned when read (Collected); the
  // rest of the host's text (hostname, zpool path, a command's stderr) is cleaned here.
  CleanStrings(&host);
  for (v1::CommandAck& ack : *r.mutable_acks()) CleanStrings(&ack);
  FitReportToLimits(&r);
  // Only a host beyond any real one (or a broken agent.toml label) gets here: warn on every
  // report, since the controller refuses each one.
  if (absl::Status limits = CheckReportLimits(r); !limits.ok()) {
    spdlog::warn("report {} is over the controller's limits and will be refused: {}",
                 r.sequence(), limits.message());
  }
  return r;
}

void AgentLoop::Execute(const v1::Command& command, absl::Time now) {
  CommandExecutor(deps_.zpool, deps_.journal).Execute(command, now);
}

void AgentLoop::SendReport(absl::Time now) {
  v1::ReportRequest request = BuildReport(now);
  const size_t acks_sent = static_cast<size_t>(request.acks_size());
  absl::StatusOr<v1::ReportResponse> reply = deps_.link->Report(request);
  if (!reply.ok()) {
    // One line when the controller goes away, one when it is back: no flood.
    if (failures_ == 0) {
      spdlog::warn("controller unreachable ({}); retrying with back-off",
                   reply.status().message());
    }
    ++failures_;
    backoff_ = std::clamp(backoff_ * 2, kMinBackoff, kMaxBackoff);
    retry_at_ = now + backoff_;
    return;
  }
  if (failures_ > 0) spdlog::info("controller reachable again after {} failed attempt(s)", failures_);
  failures_ = 0;
  backoff_ = absl::ZeroDuration();
  ++reports_sent_;
  deps_.journal->ConfirmDelivered(acks_sent);
  last_sent_digest_ = digest_;
  if (reply->next_report_interval_s() > 0) {
    report_interval_ = absl::Seconds(reply->next_report_interval_s());
  }
  next_report_ = now + report_interval_;
  for (const auto& command : reply->commands()) Execute(command, now);
  // A command changes what zpool says: look again and report at once.
  if (reply->commands_size() > 0) next_poll_ = now;
}

absl::Time AgentLoop::Tick() {
  const absl::Time now = deps_.clock->Now();
  if (now >= next_poll_) Poll(now);
  if (deps_.stack_checker && now >= next_stack_check_) {
    stack_checks_ = deps_.stack_checker();
    next_stack_check_ = now + config_.stack_check_interval;
    Collected();
  }
  auto report_due = [&] {
    return now >= next_report_ ||
           digest_ != last_sent_digest_ ||
           !deps_.journal->PendingAcks().empty();
  };
  if (report_due() && now >= retry_at_) SendReport(now);
  // While the controller is away and a report is still due, the retry time governs; when
  // nothing is due any more (a change was undone), the regular schedule does.
  const bool retrying = failures_ > 0 && report_due();
  absl::Time next = std::min(next_poll_, retrying ? retry_at_ : next_report_);
  if (deps_.stack_checker) next = std::min(next, next_stack_check_);
  return std::max(next, now);
}

void AgentLoop::Run() {
  while (true) {
    absl::Time next = Tick();
    absl::MutexLock lock(&stop_mu_);
    // Real-time wait: the clock only says what time it is; sleeping is the shell's job.
    stop_mu_.AwaitWithTimeout(absl::Condition(&stop_), next - deps_.clock->Now());
    if (stop_) return;
  }
}

void AgentLoop::Stop() {
  absl::MutexLock lock(&stop_mu_);
  stop_ = true;
}

}  // namespace zfleet::agent
