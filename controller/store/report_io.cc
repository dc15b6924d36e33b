// Store::ReadReportView and Store::ApplyReport: one agent report's read and write.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/store.h"

namespace zfleet::controller {

absl::StatusOr<StoredReportView> Store::ReadReportView(const v1::ReportRequest& report) {
  const std::string& host_id = report.host_id();
  StoredReportView view;
  ASSIGN_OR_RETURN(view.host, hosts_.Get(host_id));
  if (!view.host.has_value()) return view;  // a new host has nothing stored yet
  ASSIGN_OR_RETURN(view.liveness, hosts_.GetLiveness(host_id));
  ASSIGN_OR_RETURN(view.stream, hosts_.GetStream(host_id));
  for (const v1::Pool& pool : report.pools()) {
    if (view.pools.contains(pool.name())) continue;
    ASSIGN_OR_RETURN(view.pools[pool.name()], pools_.Stored(host_id, pool.name()));
    ASSIGN_OR_RETURN(view.scan_progress[pool.name()],
                     scan_watch_.GetProgress(host_id, pool.name()));
  }
  ASSIGN_OR_RETURN(view.present_pools, pools_.ListPresentNames(host_id));
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, scrub_runs_.Open(host_id));
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> latest, scrub_runs_.LatestOfHost(host_id));
  std::vector<v1::ScrubRun> near;  // runs that may already record the report's agent scrubs
  for (const v1::AgentScrub& scrub : report.agent_scrubs()) {
    ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> found,
                     scrub_runs_.StartedNear(host_id, scrub.pool(), scrub.started_at(),
                                             kAgentScrubMatchSeconds));
    for (v1::ScrubRun& run : found) near.push_back(std::move(run));
  }
  absl::flat_hash_set<int64_t> ids;
  for (std::vector<v1::ScrubRun>* runs : {&open, &latest, &near}) {
    for (v1::ScrubRun& run : *runs) {
      if (ids.insert(run.id()).second) view.runs.push_back(std::move(run));
    }
  }
  std::sort(view.runs.begin(), view.runs.end(),
            [](const v1::ScrubRun& a, const v1::ScrubRun& b) { return a.id() < b.id(); });
  for (const v1::CommandAck& ack : report.acks()) {
    if (view.acked_commands.contains(ack.id())) continue;
    ASSIGN_OR_RETURN(std::optional<CommandRecord> command, commands_.Get(host_id, ack.id()));
    if (command.has_value()) view.acked_commands[ack.id()] = *std::move(command);
  }
  return view;
}

absl::StatusOr<std::vector<std::optional<RaisedEvent>>> Store::ApplyReport(
    const ReportWrite& write, const ReportTouch* before) {
  std::vector<std::optional<RaisedEvent>> raised;
  absl::Status status = Atomically([&]() -> absl::Status {
    if (before != nullptr) RETURN_IF_ERROR(WriteTouch(*before));
    RETURN_IF_ERROR(WriteReport(write));
    ASSIGN_OR_RETURN(raised, events_.InsertAll(write.events));
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(WithContext(status, absl::StrCat("storing report of ", write.host_id)));
  return raised;
}

absl::Status Store::WriteTouches(const std::vector<ReportTouch>& touches) {
  HostChanges::Suppressed quiet(&host_changes_);
  return WithContext(RunInTransaction([&]() -> absl::Status {
                       for (const ReportTouch& touch : touches) RETURN_IF_ERROR(WriteTouch(touch));
                       return absl::OkStatus();
                     }),
                     absl::StrCat("storing the last-seen times of ", touches.size(), " hosts"));
}

absl::Status Store::WriteTouch(const ReportTouch& touch) {
  RETURN_IF_ERROR(hosts_.Touch(touch.host_id, touch.instance_id, touch.info, touch.collect_error,
                               touch.now, touch.stream));
  return pools_.TouchPresent(touch.host_id, touch.observed);
}

absl::Status Store::WriteReport(const ReportWrite& write) {
  const std::string& host = write.host_id;
  RETURN_IF_ERROR(
      hosts_.Upsert(host, write.instance_id, write.info, write.collect_error, write.now));
  if (write.stack_attention.has_value()) {
    RETURN_IF_ERROR(hosts_.SetStackAttention(host, *write.stack_attention));
  }
  if (write.clear_missing) RETURN_IF_ERROR(hosts_.SetMissing(host, std::nullopt));
  if (write.stream.has_value()) RETURN_IF_ERROR(hosts_.SetStream(host, *write.stream));
  if (write.zpool_stuck.has_value()) {
    RETURN_IF_ERROR(hosts_.SetZpoolStuck(host, write.zpool_stuck->since, write.zpool_stuck->detail));
  }
  for (const CommandRecord& command : write.command_outcomes) {
    RETURN_IF_ERROR(commands_.SetOutcome(command));
  }
  // Pools before what refers to them: scan progress, concerns and runs name their pool.
  for (const ReportWrite::Pool& p : write.pools) {
    RETURN_IF_ERROR(pools_.Write(host, *p.pool, p.plan, write.observed));
  }
  for (const auto& [pool, progress] : write.scan_progress) {
    RETURN_IF_ERROR(scan_watch_.SetProgress(host, pool, progress));
  }
  for (const auto& [pool, kind] : write.cleared_concerns) {
    RETURN_IF_ERROR(scan_watch_.ClearConcern(host, pool, kind));
  }
  for (const v1::ScrubRun& run : write.updated_runs) RETURN_IF_ERROR(scrub_runs_.Update(run));
  for (const v1::ScrubRun& run : write.new_runs) {
    RETURN_IF_ERROR(scrub_runs_.Insert(run).status());
  }
  if (!write.present_pools.has_value()) return absl::OkStatus();
  return pools_.MarkAbsent(host, *write.present_pools);
}

}  // namespace zfleet::controller
