#include "controller/report_processor.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/event_hooks.h"
#include "controller/scrub_tracking.h"
#include "controller/validation.h"

namespace zfleet::controller {

absl::Status ValidateReport(const v1::ReportRequest& report) {
  RETURN_IF_ERROR(ValidateHostId(report.host_id()));
  if (report.instance_id().empty()) return absl::InvalidArgumentError("instance_id is empty");
  for (const auto& pool : report.pools()) {
    RETURN_IF_ERROR(ValidatePoolName(pool.name()));
  }
  return absl::OkStatus();
}

absl::Status ReportProcessor::ApplyAcks(const v1::ReportRequest& report, absl::Time now) {
  if (report.acks().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, store_->OpenScrubRuns(report.host_id()));
  for (const v1::CommandAck& ack : report.acks()) {
    ASSIGN_OR_RETURN(std::optional<CommandRecord> command,
                     store_->AckCommand(report.host_id(), ack, now));
    if (!command.has_value() || command->scrub_run_id == 0) continue;
    for (v1::ScrubRun& run : open) {
      if (run.id() != command->scrub_run_id) continue;
      v1::ScrubRun acked = ApplyAck(run, command->kind, ack);
      if (acked.SerializeAsString() != run.SerializeAsString()) {
        RETURN_IF_ERROR(store_->UpdateScrubRun(acked));
        RETURN_IF_ERROR(OnScrubRunUpdated(*store_, run, acked, now));
        run = acked;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ReportProcessor::ApplyPools(const v1::ReportRequest& report, absl::Time now) {
  // A failed zpool read says nothing about the pools: keep what we knew.
  if (!report.pools_valid()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, store_->OpenScrubRuns(report.host_id()));
  std::vector<std::string> present;
  for (const v1::Pool& pool : report.pools()) {
    present.push_back(pool.name());
    ASSIGN_OR_RETURN(PoolWrite write, store_->RecordPool(report.host_id(), pool, now));
    RETURN_IF_ERROR(OnPoolStored(*store_, report.host_id(), write, pool, now));
    std::vector<v1::ScrubRun> pool_runs;
    for (const auto& run : open) {
      if (run.pool() == pool.name()) pool_runs.push_back(run);
    }
    ScrubTrackingResult tracked = TrackScrubs(report.host_id(), write.previous, pool, pool_runs);
    if (tracked.external.has_value()) {
      // Before recording a scrub nobody asked for, check it is not the one whose run just
      // ended (a stop ack arrives before or with the scan that shows it).
      ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> latest,
                       store_->ListScrubRuns(report.host_id(), pool.name(), 1));
      if (!latest.empty()) {
        tracked = TrackScrubs(report.host_id(), write.previous, pool, pool_runs, &latest.front());
      }
    }
    for (const auto& run : tracked.updated) {
      RETURN_IF_ERROR(store_->UpdateScrubRun(run));
      for (const auto& old : pool_runs) {
        if (old.id() == run.id()) RETURN_IF_ERROR(OnScrubRunUpdated(*store_, old, run, now));
      }
    }
    if (tracked.external.has_value()) {
      v1::ScrubRun run = *tracked.external;
      ASSIGN_OR_RETURN(int64_t id, store_->InsertScrubRun(run));
      run.set_id(id);
      RETURN_IF_ERROR(OnScrubRunUpdated(*store_, std::nullopt, run, now));
    }
  }
  RETURN_IF_ERROR(OnPoolsReported(*store_, report.host_id(), present, now));
  return store_->MarkPoolsAbsent(report.host_id(), present);
}

absl::StatusOr<v1::ReportResponse> ReportProcessor::Process(const v1::ReportRequest& report) {
  RETURN_IF_ERROR(ValidateReport(report));
  const absl::Time now = clock_->Now();
  v1::ReportResponse response;
  absl::MutexLock lock(store_mu_);
  RETURN_IF_ERROR(WithContext(store_->RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<HostRecord> before, store_->GetHost(report.host_id()));
    RETURN_IF_ERROR(store_->UpsertHost(report.host_id(), report.instance_id(), report.host(),
                                       report.collect_error(), now));
    RETURN_IF_ERROR(OnHostReported(*store_, *config_, report.host_id(), before, report.host(), now));
    RETURN_IF_ERROR(ApplyAcks(report, now));
    return ApplyPools(report, now);
  }), absl::StrCat("storing report of ", report.host_id())));
  ASSIGN_OR_RETURN(std::vector<CommandRecord> pending, store_->PendingCommands(report.host_id()));
  for (const CommandRecord& c : pending) {
    v1::Command* command = response.add_commands();
    command->set_id(c.id);
    command->set_kind(c.kind);
    command->set_pool(c.pool);
  }
  response.set_next_report_interval_s(
      static_cast<uint32_t>(absl::ToInt64Seconds(config_->report_interval)));
  return response;
}

}  // namespace zfleet::controller
