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

absl::StatusOr<v1::ReportResponse> ReportProcessor::Process(const v1::ReportRequest& report) {
  RETURN_IF_ERROR(CheckReportLimits(report));
  RETURN_IF_ERROR(ValidateReport(report));
  const absl::Time now = clock_->Now();
  const bool shortcut = shortcut_.load();
  const ReportFingerprint fingerprint = shortcut ? FingerprintReport(report) : ReportFingerprint();
  if (shortcut) {
    std::optional<v1::ReportResponse> answer = cache_.Answer(report, fingerprint, now);
    if (answer.has_value()) return *std::move(answer);
  }
  absl::MutexLock lock(store_mu_);
  std::optional<ReportTouch> before = cache_.Take(report.host_id());
  bool before_written = false;
  absl::StatusOr<v1::ReportResponse> response =
      StorePath(report, shortcut ? &fingerprint : nullptr, now,
                before.has_value() ? &*before : nullptr, &before_written);
  if (before.has_value() && !before_written) cache_.PutBack({*std::move(before)});
  return response;
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

absl::StatusOr<v1::ReportResponse> ReportProcessor::StorePath(const v1::ReportRequest& report,
                                                              const ReportFingerprint* fingerprint,
                                                              absl::Time now,
                                                              const ReportTouch* before,
                                                              bool* before_written) {
  absl::StatusOr<StoredReportView> view = store_->ReadReportView(report);
  if (!view.ok()) {
    return WithContext(view.status(), absl::StrCat("reading the store for ", report.host_id()));
  }
  if (before != nullptr && view->host.has_value()) {
    // The store is a touch behind what the host last said.
    view->stream = before->stream;
    view->host->last_seen = before->now;
    if (view->liveness.has_value()) view->liveness->last_seen = before->now;
  }
  const ReportOrder order = OrderReport(view->stream, report, now);
  if (order.outcome == v1::REPORT_STALE) {
    spdlog::warn("report {} of {} (stream {}) is older than what is stored from another "
                 "stream; nothing kept",
                 report.sequence(), report.host_id(), report.stream_id());
    v1::ReportResponse response;
    response.set_outcome(v1::REPORT_STALE);
    return response;
  }
  // A duplicate was applied before: only that the host is alive, its acks and its agent
  // scrubs count now.
  v1::ReportRequest duplicate;
  if (order.outcome == v1::REPORT_DUPLICATE) {
    duplicate = report;
    duplicate.clear_pools();
    duplicate.set_pools_valid(false);
    // Its agent scrubs stay: the agent attaches the ones it holds when it sends, so a
    // resent observation may carry new ones (those already stored are recognized).
  }
  const v1::ReportRequest& applied = order.outcome == v1::REPORT_DUPLICATE ? duplicate : report;
  ASSIGN_OR_RETURN(ReportDiff diff, DiffReport(*view, applied, now));
  ReportWrite write =
      DeriveReportWrite(*view, diff, applied, config_->MissingAfter(), now, order.observed);
  write.stream = order.advance;
  absl::StatusOr<std::vector<std::optional<RaisedEvent>>> raised =
      store_->ApplyReport(write, before);
  // A report always rewrites its host's row: its success says the disk took it.
  store_->health().Observe(raised.status(), now);
  // The agent keeps the observation and sends it again; the health says it once a minute.
  if (IsDiskFull(raised.status())) return store_->health().DiskFullError();
  if (!raised.ok()) return raised.status();
  *before_written = true;
  LogRaisedEvents(write.events, *raised);
  for (const v1::AgentScrub* scrub : write.dropped_agent_scrubs) {
    spdlog::warn(
        "{}: not recording the scrub the agent started on its own at {}: pool {} is "
        "unknown",
        report.host_id(), FormatRfc3339(scrub->started_at()), scrub->pool());
  }
  ASSIGN_OR_RETURN(v1::ReportResponse response, Reply(report, now));
  response.set_outcome(order.outcome);
  if (fingerprint != nullptr && order.outcome == v1::REPORT_APPLIED &&
      response.commands_size() == 0 && report.backlog() == 0 && WritesOnlyTouch(*view, write)) {
    // Nothing can write between the commit and here: the store lock is held.
    ASSIGN_OR_RETURN(std::optional<int64_t> row, store_->hosts().RowId(report.host_id()));
    if (row.has_value()) {
      cache_.Remember(report, *fingerprint, *write.stream, *row,
                      store_->host_changes().Version(*row), response);
    }
  }
  return response;
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
