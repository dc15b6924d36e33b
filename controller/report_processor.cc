#include "controller/report_processor.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "controller/agent_policy.h"
#include "controller/events/raise.h"
#include "controller/ingest/report_diff.h"
#include "controller/ingest/report_effects.h"
#include "controller/ingest/report_order.h"
#include "controller/validation.h"
#include "model/report_limits.h"

namespace zfleet::controller {

absl::Status ValidateReport(const v1::ReportRequest& report) {
  RETURN_IF_ERROR(ValidateHostId(report.host_id()));
  if (report.instance_id().empty()) return absl::InvalidArgumentError("instance_id is empty");
  for (const auto& pool : report.pools()) {
    RETURN_IF_ERROR(ValidatePoolName(pool.name()));
  }
  for (const auto& scrub : report.agent_scrubs()) {
    RETURN_IF_ERROR(WithContext(ValidatePoolName(scrub.pool()), "agent scrub"));
  }
  return absl::OkStatus();
}

// One report on the store path, from its group's transaction to the answer.
struct ReportProcessor::Stored {
  Stored(const v1::ReportRequest& r, const ReportFingerprint* f, absl::Time t)
      : report(r), fingerprint(f), now(t) {}

  const v1::ReportRequest& report;
  const ReportFingerprint* fingerprint;  // null: the shortcut is off
  absl::Time now;
  std::optional<ReportTouch> before;  // the host's touch still waiting, taken in
  // Set in the transaction:
  StoredReportView view;
  v1::ReportRequest duplicate;  // what of a duplicate is applied; `write` borrows from it
  ReportWrite write;
  std::vector<std::optional<RaisedEvent>> raised;
  v1::ReportResponse response;
  std::optional<int64_t> remember_row;  // set when the report may be answered from memory
  // Set after it:
  absl::StatusOr<v1::ReportResponse> result = absl::UnknownError("not stored");
};

absl::StatusOr<v1::ReportResponse> ReportProcessor::Process(const v1::ReportRequest& report) {
  // Checked on the message: the envelope's parse would refuse a top-level string that is
  // not UTF-8 without naming it.
  RETURN_IF_ERROR(CheckReportLimits(report));
  ASSIGN_OR_RETURN(const ReceivedReport received, ReceiveReport(report));
  ASSIGN_OR_RETURN(const std::string reply, Process(received));
  v1::ReportResponse response;
  if (!response.ParseFromString(reply)) return absl::InternalError("a reply does not parse");
  return response;
}

absl::StatusOr<std::string> ReportProcessor::Process(const ReceivedReport& received) {
  const absl::Time now = clock_->Now();
  const bool shortcut = shortcut_.load() && received.bytes.size() <= kMaxReportBytes;
  const ReportFingerprint fingerprint =
      shortcut ? FingerprintReport(received.envelope) : ReportFingerprint();
  if (shortcut) {
    // A remembered fingerprint is that of a report that passed every check below, and
    // what the fingerprint leaves out has no bound: the report needs none of them.
    std::optional<std::string> answer = cache_.Answer(received.envelope, fingerprint, now);
    if (answer.has_value()) {
      answered_from_memory_.fetch_add(1, std::memory_order_relaxed);
      return *std::move(answer);
    }
  }
  v1::ReportRequest parsed;
  ASSIGN_OR_RETURN(const v1::ReportRequest* report, ParseWhole(received, parsed));
  RETURN_IF_ERROR(CheckReportLimits(*report));
  RETURN_IF_ERROR(ValidateReport(*report));
  Stored stored(*report, shortcut ? &fingerprint : nullptr, now);
  GroupCommit::Job job{.in_transaction = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                             store_mu_) { return StoreInGroup(stored); },
                       .after = [&](const absl::Status& outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                    store_mu_) { Finish(stored, outcome); }};
  group_.Run(job);
  if (!stored.result.ok()) return stored.result.status();
  answered_from_store_.fetch_add(1, std::memory_order_relaxed);
  return stored.result->SerializeAsString();
}

ReportPathMetrics ReportProcessor::path_metrics() const {
  return {.answered_from_memory = answered_from_memory_.load(std::memory_order_relaxed),
          .answered_from_store = answered_from_store_.load(std::memory_order_relaxed),
          .shortcut_hosts = static_cast<int64_t>(cache_.hosts()),
          .touches_waiting = static_cast<int64_t>(cache_.waiting())};
}

absl::Status ReportProcessor::WriteTouches() {
  absl::MutexLock lock(store_mu_);
  std::vector<ReportTouch> touches = cache_.TakeTouches();
  if (touches.empty()) return absl::OkStatus();
  const absl::Status status = store_->WriteTouches(touches);
  store_->health().Observe(status, clock_->Now());
  if (!status.ok()) cache_.PutBack(std::move(touches));
  return status;
}

absl::Status ReportProcessor::StoreInGroup(Stored& s) {
  const v1::ReportRequest& report = s.report;
  s.before = cache_.Take(report.host_id());
  absl::StatusOr<StoredReportView> view = store_->ReadReportView(report);
  if (!view.ok()) {
    return WithContext(view.status(), absl::StrCat("reading the store for ", report.host_id()));
  }
  s.view = *std::move(view);
  if (s.before.has_value() && s.view.host.has_value()) {
    // The store is a touch behind what the host last said.
    s.view.stream = s.before->stream;
    s.view.host->last_seen = s.before->now;
    if (s.view.liveness.has_value()) s.view.liveness->last_seen = s.before->now;
  }
  const ReportOrder order = OrderReport(s.view.stream, report, s.now);
  s.response.set_outcome(order.outcome);
  if (order.outcome == v1::REPORT_STALE) return absl::OkStatus();
  // A duplicate was applied before: only that the host is alive, its acks and its agent
  // scrubs count now.
  if (order.outcome == v1::REPORT_DUPLICATE) {
    s.duplicate = report;
    s.duplicate.clear_pools();
    s.duplicate.set_pools_valid(false);
    // Its agent scrubs stay: the agent attaches the ones it holds when it sends, so a
    // resent observation may carry new ones (those already stored are recognized).
  }
  const v1::ReportRequest& applied = order.outcome == v1::REPORT_DUPLICATE ? s.duplicate : report;
  ASSIGN_OR_RETURN(ReportDiff diff, DiffReport(s.view, applied, s.now));
  s.write =
      DeriveReportWrite(s.view, diff, applied, config_->MissingAfter(), s.now, order.observed);
  s.write.stream = order.advance;
  const ReportTouch* before = s.before.has_value() ? &*s.before : nullptr;
  ASSIGN_OR_RETURN(s.raised, store_->ApplyReport(s.write, before));
  ASSIGN_OR_RETURN(v1::ReportResponse reply, Reply(report, s.now));
  reply.set_outcome(order.outcome);
  s.response = std::move(reply);
  if (s.fingerprint != nullptr && order.outcome == v1::REPORT_APPLIED &&
      s.response.commands_size() == 0 && report.backlog() == 0 &&
      WritesOnlyTouch(s.view, s.write)) {
    ASSIGN_OR_RETURN(s.remember_row, store_->hosts().RowId(report.host_id()));
  }
  return absl::OkStatus();
}

void ReportProcessor::Finish(Stored& s, const absl::Status& outcome) {
  const v1::ReportRequest& report = s.report;
  if (s.response.outcome() == v1::REPORT_STALE) {
    spdlog::warn(
        "report {} of {} (stream {}) is older than what is stored from another "
        "stream; nothing kept",
        report.sequence(), report.host_id(), report.stream_id());
  }
  if (s.response.outcome() != v1::REPORT_STALE || !outcome.ok()) {
    // A report always rewrites its host's row: its success says the disk took it.
    store_->health().Observe(outcome, s.now);
  }
  if (!outcome.ok()) {
    if (s.before.has_value()) cache_.PutBack({*std::move(s.before)});
    // The agent keeps the observation and sends it again; the health says it once a
    // minute.
    s.result = IsDiskFull(outcome) ? store_->health().DiskFullError() : outcome;
    return;
  }
  if (s.response.outcome() == v1::REPORT_STALE) {
    if (s.before.has_value()) cache_.PutBack({*std::move(s.before)});
    s.result = std::move(s.response);
    return;
  }
  LogRaisedEvents(s.write.events, s.raised);
  for (const v1::AgentScrub* scrub : s.write.dropped_agent_scrubs) {
    spdlog::warn(
        "{}: not recording the scrub the agent started on its own at {}: pool {} is "
        "unknown",
        report.host_id(), FormatRfc3339(scrub->started_at()), scrub->pool());
  }
  if (s.remember_row.has_value()) {
    // Nothing can write between the commit and here: the store lock is held.
    cache_.Remember(report, *s.fingerprint, *s.write.stream, *s.remember_row,
                    store_->host_changes().Version(*s.remember_row), s.response);
  }
  s.result = std::move(s.response);
}

absl::StatusOr<v1::ReportResponse> ReportProcessor::Reply(const v1::ReportRequest& report,
                                                          absl::Time now) {
  v1::ReportResponse response;
  response.set_next_report_interval_s(
      static_cast<uint32_t>(absl::ToInt64Seconds(config_->report_interval)));
  ASSIGN_OR_RETURN(std::vector<PoolScrubState> pools,
                   store_->pools().ListScrubStatesOfHost(report.host_id()));
  *response.mutable_policy() = MakeAgentPolicy(*config_, pools);
  // An agent still delivering older observations would run commands decided on a view it
  // has moved on from; they wait until it has caught up.
  if (report.backlog() > 0) return response;
  ASSIGN_OR_RETURN(std::vector<CommandRecord> pending,
                   store_->commands().Pending(report.host_id(), now));
  for (const CommandRecord& c : pending) {
    v1::Command* command = response.add_commands();
    command->set_id(c.id);
    command->set_kind(c.kind);
    command->set_pool(c.pool);
    if (c.expires_at.has_value()) command->set_expires_at(absl::ToUnixSeconds(*c.expires_at));
  }
  return response;
}

}  // namespace zfleet::controller
