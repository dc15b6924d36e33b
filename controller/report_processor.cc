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
  absl::MutexLock lock(store_mu_);
  absl::StatusOr<StoredReportView> view = store_->ReadReportView(report);
  if (!view.ok()) {
    return WithContext(view.status(), absl::StrCat("reading the store for ", report.host_id()));
  }
  ASSIGN_OR_RETURN(ReportDiff diff, DiffReport(*view, report, now));
  const ReportWrite write = DeriveReportWrite(*view, diff, report, config_->MissingAfter(), now);
  ASSIGN_OR_RETURN(std::vector<std::optional<int64_t>> raised, store_->ApplyReport(write));
  LogRaisedEvents(write.events, raised);
  for (const v1::AgentScrub* scrub : write.dropped_agent_scrubs) {
    spdlog::warn(
        "{}: not recording the scrub the agent started on its own at {}: pool {} is "
        "unknown",
        report.host_id(), FormatRfc3339(scrub->started_at()), scrub->pool());
  }
  return Reply(report.host_id());
}

absl::StatusOr<v1::ReportResponse> ReportProcessor::Reply(const std::string& host_id) {
  ASSIGN_OR_RETURN(std::vector<CommandRecord> pending, store_->commands().Pending(host_id));
  v1::ReportResponse response;
  for (const CommandRecord& c : pending) {
    v1::Command* command = response.add_commands();
    command->set_id(c.id);
    command->set_kind(c.kind);
    command->set_pool(c.pool);
  }
  response.set_next_report_interval_s(
      static_cast<uint32_t>(absl::ToInt64Seconds(config_->report_interval)));
  ASSIGN_OR_RETURN(std::vector<PoolScrubState> pools,
                   store_->pools().ListScrubStatesOfHost(host_id));
  *response.mutable_policy() = MakeAgentPolicy(*config_, pools);
  return response;
}

}  // namespace zfleet::controller
