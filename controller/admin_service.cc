#include "controller/admin_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/validation.h"

namespace zfleet::controller {
namespace {

constexpr int kDefaultAuditLimit = 1000;
constexpr int kMaxAuditLimit = 10000;

}  // namespace

absl::Status AdminService::Record(v1::AuditEntry entry) {
  entry.set_time(absl::ToUnixSeconds(clock_->Now()));
  absl::MutexLock lock(store_mu_);
  return store_->audit().Append(entry).status();
}

absl::StatusOr<v1::ListAuditResponse> AdminService::ListAudit(
    const v1::ListAuditRequest& request) {
  ASSIGN_OR_RETURN(const int limit,
                   RequestLimit(request.limit(), kDefaultAuditLimit, kMaxAuditLimit));
  const absl::Time since =
      request.since() == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(request.since());
  std::vector<v1::AuditEntry> entries;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(entries, store.audit().List(since, limit));
    return absl::OkStatus();
  }));
  v1::ListAuditResponse response;
  for (v1::AuditEntry& entry : entries) *response.add_entries() = std::move(entry);
  return response;
}

absl::StatusOr<v1::ForgetHostResponse> AdminService::ForgetHost(
    const v1::ForgetHostRequest& request) {
  RETURN_IF_ERROR(ValidateHostId(request.host_id()));
  absl::MutexLock lock(store_mu_);
  ASSIGN_OR_RETURN(ForgottenHost forgotten, store_->ForgetHost(request.host_id()));
  v1::ForgetHostResponse response;
  response.set_pools(forgotten.pools);
  response.set_events(forgotten.events);
  return response;
}

absl::StatusOr<v1::CancelQueuedResponse> AdminService::CancelQueued(
    const v1::CancelQueuedRequest& request, const std::string& by) {
  if (!request.host_id().empty()) RETURN_IF_ERROR(ValidateHostId(request.host_id()));
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(store_mu_);
  ASSIGN_OR_RETURN(int canceled, store_->CancelRequestedRuns(request.host_id(), now,
                                                             absl::StrCat("canceled by ", by)));
  v1::CancelQueuedResponse response;
  response.set_runs_canceled(canceled);
  return response;
}

}  // namespace zfleet::controller
