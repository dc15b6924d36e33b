#include "agent/agent_loop.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/command_executor.h"
#include "common/log.h"
#include "common/time_format.h"
#include "model/clean_strings.h"
#include "model/report_limits.h"

namespace zfleet::agent {
namespace {

constexpr absl::Duration kMinBackoff = absl::Seconds(1);
constexpr absl::Duration kMaxBackoff = absl::Seconds(60);
// Observations sent per tick at most, so a long backlog does not starve the rest of the loop.
constexpr int kSendsPerTick = 64;

std::string Rfc3339(absl::Time t) { return FormatRfc3339(absl::ToUnixSeconds(t)); }

// The view as the controller is told it, without what is only current (load, send time).
v1::ReportRequest ObservationOf(const HostView& view, absl::Time now) {
  v1::ReportRequest r;
  r.set_observed_at(absl::ToUnixSeconds(now));
  r.mutable_host()->set_zpool_generation(view.generation);
  for (const v1::StackCheck& check : view.stack_checks) {
    *r.mutable_host()->add_stack_checks() = check;
  }
  v1::ZpoolHealth& zpool = *r.mutable_zpool();
  if (view.pools_read_at != absl::InfinitePast()) {
    zpool.set_pools_read_at(absl::ToUnixSeconds(view.pools_read_at));
  }
  if (!view.answering()) {
    zpool.set_not_answering_since(absl::ToUnixSeconds(*view.not_answering_since));
    zpool.set_detail(view.not_answering_detail);
    r.set_collect_error(absl::StrCat(
        "zpool not answering since ", Rfc3339(*view.not_answering_since), " (",
        view.not_answering_detail, ")",
        view.pools_read_at == absl::InfinitePast()
            ? ""
            : absl::StrCat("; pools as last read at ", Rfc3339(view.pools_read_at))));
  } else {
    r.set_collect_error(view.collect_error);
  }
  r.set_pools_valid(r.collect_error().empty());
  if (r.pools_valid()) {
    for (const v1::Pool& pool : view.pools) *r.add_pools() = pool;
  }
  FitReportToLimits(&r);
  return r;
}

// What makes two views the same observation: everything the controller stores, not when
// the pools were read nor how long a hang has lasted.
std::string Digest(const v1::ReportRequest& observation) {
  v1::ReportRequest r = observation;
  r.clear_observed_at();
  r.mutable_zpool()->clear_detail();
  r.mutable_zpool()->clear_pools_read_at();
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  r.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

AgentLoop::AgentLoop(AgentDeps deps, AgentConfig config, AgentIdentity identity)
    : deps_(std::move(deps)), config_(std::move(config)), identity_(std::move(identity)) {}

void AgentLoop::Observe(const HostView& view, absl::Time now) {
  // Nothing is known before the first read ends (or hangs): "no pools" would be a lie.
  if (view.pools_read_at == absl::InfinitePast() && view.collect_error.empty() &&
      view.answering()) {
    return;
  }
  v1::ReportRequest observation = ObservationOf(view, now);
  const std::string digest = Digest(observation);
  const bool changed = digest != last_digest_;
  if (!changed && !(deps_.outbox->empty() && now >= next_report_)) return;
  std::string key = ObservationStateKey(observation);
  const bool state_change = key != last_state_key_;
  if (absl::Status s = deps_.outbox->Append(std::move(observation), state_change); !s.ok()) {
    // A full disk: the change is looked at again next tick; say so once a minute.
    if (now >= next_append_warning_) {
      spdlog::error("cannot keep an observation in the outbox: {}; retrying", s.message());
      next_append_warning_ = now + absl::Minutes(1);
    }
    return;
  }
  last_digest_ = digest;
  last_state_key_ = std::move(key);
}

v1::ReportRequest AgentLoop::Outgoing(v1::ReportRequest r, absl::Time now, size_t* acks_sent) {
  r.set_host_id(identity_.host_id);
  r.set_instance_id(identity_.instance_id);
  r.set_report_time(absl::ToUnixSeconds(now));
  r.set_backlog(static_cast<uint32_t>(deps_.outbox->size() - 1));
  v1::HostInfo& host = *r.mutable_host();
  host.set_hostname(identity_.hostname);
  host.set_agent_version(identity_.agent_version);
  host.set_zpool_path(deps_.zpool->zpool_path());
  for (const auto& [k, v] : config_.labels) (*host.mutable_labels())[k] = v;
  if (auto load = deps_.load_reader ? deps_.load_reader() : std::nullopt) host.set_load1(*load);
  for (const auto& ack : deps_.journal->PendingAcks()) *r.add_acks() = ack;
  *acks_sent = static_cast<size_t>(r.acks_size());
  if (deps_.autonomy != nullptr) {
    for (v1::AgentScrub& scrub : deps_.autonomy->ToReport()) {
      *r.add_agent_scrubs() = std::move(scrub);
    }
  }
  // The observation was cleaned when read; the rest of the host's text (hostname, zpool
  // path, a command's stderr, a failed scrub's) is cleaned here.
  CleanStrings(&host);
  for (v1::CommandAck& ack : *r.mutable_acks()) CleanStrings(&ack);
  for (v1::AgentScrub& scrub : *r.mutable_agent_scrubs()) CleanStrings(&scrub);
  FitReportToLimits(&r);
  // Only a host beyond any real one (or a broken agent.toml label) gets here: warn on every
  // report, since the controller refuses each one.
  if (absl::Status limits = CheckReportLimits(r); !limits.ok()) {
    spdlog::warn("report {} is over the controller's limits and will be refused: {}",
                 r.sequence(), limits.message());
  }
  return r;
}

void AgentLoop::Failed(const absl::Status& status, absl::Time now) {
  // One line when the controller goes away, one when it is back: no flood.
  if (failures_ == 0) {
    spdlog::warn("controller unreachable ({}); retrying with back-off, {} observation(s) kept",
                 status.message(), deps_.outbox->size());
  }
  ++failures_;
  backoff_ = std::clamp(backoff_ * 2, kMinBackoff, kMaxBackoff);
  retry_at_ = now + backoff_;
}

void AgentLoop::Deliver(absl::Time now) {
  if (now < retry_at_) return;
  for (int sent = 0; sent < kSendsPerTick; ++sent) {
    size_t acks_sent = 0;
    v1::ReportRequest request;
    {
      absl::MutexLock lock(&outbox_mu_);
      if (deps_.outbox->empty()) return;
      request = Outgoing(*deps_.outbox->Front(), now, &acks_sent);
    }
    absl::StatusOr<v1::ReportResponse> reply = deps_.link->Report(request);
    Beat();  // a backlog of slow reports is progress too, one report at a time
    if (!reply.ok() && absl::IsInvalidArgument(reply.status())) {
      // The controller will never take this one (over its limits): it must not block the
      // ones behind it.
      spdlog::error("controller refused observation {}: {}; dropped", request.sequence(),
                    reply.status().message());
      absl::MutexLock lock(&outbox_mu_);
      (void)deps_.outbox->PopFront();
      continue;
    }
    if (!reply.ok()) return Failed(reply.status(), now);
    if (failures_ > 0) {
      spdlog::info("controller reachable again after {} failed attempt(s); delivering {} "
                   "observation(s)",
                   failures_, deps_.outbox->size());
    }
    failures_ = 0;
    backoff_ = absl::ZeroDuration();
    ++reports_sent_;
    if (reply->outcome() == v1::REPORT_STALE) {
      spdlog::warn("controller refused observation {} as older than what it holds; dropped",
                   request.sequence());
    }
    bool drained = false;
    {
      absl::MutexLock lock(&outbox_mu_);
      if (absl::Status s = deps_.outbox->PopFront(); !s.ok()) {
        // Sent again after a restart; the controller answers it as a duplicate.
        spdlog::warn("cannot mark observation {} delivered: {}", request.sequence(), s.message());
      }
      drained = deps_.outbox->empty();
    }
    deps_.journal->ConfirmDelivered(acks_sent);
    if (deps_.autonomy != nullptr && reply->outcome() != v1::REPORT_STALE) {
      // The limits may have cut the list: what was sent is what the request still holds.
      deps_.autonomy->Accepted({request.agent_scrubs().begin(), request.agent_scrubs().end()},
                               reply->has_policy() ? &reply->policy() : nullptr, now);
    }
    {
      absl::MutexLock lock(&outbox_mu_);
      if (reply->next_report_interval_s() > 0) {
        report_interval_ = absl::Seconds(reply->next_report_interval_s());
      }
      // The periodic report is due one interval after the last delivery.
      if (drained) next_report_ = now + report_interval_;
    }
    std::vector<v1::Command> commands(reply->commands().begin(), reply->commands().end());
    deps_.collector->Submit(commands);
  }
}

void AgentLoop::Execute(const v1::Command& command, absl::Time now) {
  // The journal is thread-safe: the loop reads its acks while a command runs here.
  CommandExecutor(deps_.zpool, deps_.journal).Execute(command, now);
}

absl::Time AgentLoop::Tick() {
  Beat();
  const absl::Time now = deps_.clock->Now();
  const bool acks_waiting = !deps_.journal->PendingAcks().empty();
  {
    absl::MutexLock lock(&outbox_mu_);
    // Acks of commands run since the last report go out at once, with the latest observation.
    if (acks_waiting && deps_.outbox->empty()) next_report_ = std::min(next_report_, now);
    Observe(deps_.collector->View(now), now);
  }
  Deliver(now);
  absl::MutexLock lock(&outbox_mu_);
  absl::Time next = deps_.collector->NextDue();
  if (deps_.outbox->empty()) {
    next = std::min(next, next_report_);
  } else {
    next = std::min(next, failures_ > 0 ? retry_at_ : now);
  }
  return std::max(next, now);
}

void AgentLoop::Run() {
  while (true) {
    absl::Time next = Tick();
    absl::MutexLock lock(&wake_mu_);
    // Real-time wait: the clock only says what time it is; sleeping is the shell's job. It
    // is cut in slices, each a heartbeat, so that a loop waiting out a long back-off or
    // report interval (a minute or more) still shows it is alive.
    absl::Duration left = next - deps_.clock->Now();
    while (!wake_mu_.AwaitWithTimeout(absl::Condition(this, &AgentLoop::StoppedOrWoken),
                                      std::min(left, kWaitSlice)) &&
           left > kWaitSlice) {
      left -= kWaitSlice;
      Beat();
    }
    woken_ = false;
    if (stop_) return;
  }
}

void AgentLoop::Stop() {
  absl::MutexLock lock(&wake_mu_);
  stop_ = true;
}

void AgentLoop::ObserveNow() {
  const absl::Time now = deps_.clock->Now();
  {
    absl::MutexLock lock(&outbox_mu_);
    Observe(deps_.collector->View(now), now);
  }
  Wake();
}

void AgentLoop::Wake() {
  absl::MutexLock lock(&wake_mu_);
  woken_ = true;
}

}  // namespace zfleet::agent
