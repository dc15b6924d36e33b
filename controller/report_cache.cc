#include "controller/report_cache.h"

#include <utility>

#include "controller/ingest/report_order.h"

namespace zfleet::controller {

std::optional<std::string> ReportCache::Answer(const v1::ReportEnvelope& report,
                                               const ReportFingerprint& fingerprint,
                                               absl::Time now) {
  // Acks, agent scrubs and a backlog each ask the store for something; a report without a
  // stream has no order to check.
  if (report.acks_size() > 0 || report.agent_scrubs_size() > 0 || report.backlog() > 0 ||
      report.stream_id().empty()) {
    return std::nullopt;
  }
  absl::MutexLock lock(&mu_);
  auto it = hosts_.find(report.host_id());
  if (it == hosts_.end()) return std::nullopt;
  Host& host = it->second;
  if (host.fingerprint != fingerprint || host.instance_id != report.instance_id()) {
    return std::nullopt;
  }
  if (changes_->Version(host.row) != host.version) {
    hosts_.erase(it);  // someone wrote to the host: only the store knows what it holds now
    return std::nullopt;
  }
  const ReportOrder order = OrderReport(host.stream, PositionOf(report), now);
  if (order.outcome != v1::REPORT_APPLIED || !order.advance.has_value()) return std::nullopt;
  host.stream = *order.advance;
  touches_[report.host_id()] = ReportTouch{.host_id = report.host_id(),
                                           .instance_id = report.instance_id(),
                                           .info = report.host(),
                                           .collect_error = report.collect_error(),
                                           .now = now,
                                           .stream = host.stream,
                                           .observed = order.observed};
  return host.response;
}

void ReportCache::Remember(const v1::ReportRequest& report, const ReportFingerprint& fingerprint,
                           const HostStream& stream, int64_t host_row, uint64_t version,
                           const v1::ReportResponse& response) {
  Host host{.fingerprint = fingerprint,
            .instance_id = report.instance_id(),
            .stream = stream,
            .row = host_row,
            .version = version,
            .response = {}};
  if (response.outcome() != v1::REPORT_APPLIED || !response.SerializeToString(&host.response)) {
    return;
  }
  absl::MutexLock lock(&mu_);
  hosts_[report.host_id()] = std::move(host);
}

std::optional<ReportTouch> ReportCache::Take(const std::string& host_id) {
  absl::MutexLock lock(&mu_);
  hosts_.erase(host_id);
  auto it = touches_.find(host_id);
  if (it == touches_.end()) return std::nullopt;
  ReportTouch touch = std::move(it->second);
  touches_.erase(it);
  return touch;
}

std::vector<ReportTouch> ReportCache::TakeTouches() {
  absl::MutexLock lock(&mu_);
  std::vector<ReportTouch> taken;
  taken.reserve(touches_.size());
  for (auto& [host, touch] : touches_) taken.push_back(std::move(touch));
  touches_.clear();
  return taken;
}

void ReportCache::PutBack(std::vector<ReportTouch> touches) {
  absl::MutexLock lock(&mu_);
  for (ReportTouch& touch : touches) {
    std::string host = touch.host_id;
    touches_.try_emplace(std::move(host), std::move(touch));  // a newer one stays
  }
}

size_t ReportCache::hosts() const {
  absl::MutexLock lock(&mu_);
  return hosts_.size();
}

size_t ReportCache::waiting() const {
  absl::MutexLock lock(&mu_);
  return touches_.size();
}

}  // namespace zfleet::controller
