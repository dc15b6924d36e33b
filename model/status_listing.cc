#include "model/status_listing.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <utility>

#include "model/pool_health.h"

namespace zfleet {
namespace {

bool ByHostAndPool(const v1::PoolStatus& a, const v1::PoolStatus& b) {
  return std::tie(a.host_id(), a.pool()) < std::tie(b.host_id(), b.pool());
}

}  // namespace

StatusListing::StatusListing(const v1::GetStatusRequest& request)
    : unhealthy_only_(request.unhealthy_only()), limit_(request.limit()) {}

void StatusListing::Add(v1::PoolStatus pool) {
  summary_.set_pools_total(summary_.pools_total() + 1);
  ++(*summary_.mutable_pools_by_state())[pool.state().empty() ? "UNKNOWN" : pool.state()];
  if (!EvaluatePool(pool).healthy()) {
    summary_.set_pools_unhealthy(summary_.pools_unhealthy() + 1);
    Keep(unhealthy_, std::move(pool));
  } else if (!unhealthy_only_) {
    Keep(healthy_, std::move(pool));
  }
}

void StatusListing::Keep(std::vector<v1::PoolStatus>& pools, v1::PoolStatus pool) {
  pools.push_back(std::move(pool));
  // Trimming only when twice the limit is held keeps the cost per pool amortised constant.
  if (limit_ > 0 && pools.size() >= 2 * limit_) Trim(pools, limit_);
}

void StatusListing::Trim(std::vector<v1::PoolStatus>& pools, size_t keep) {
  if (pools.size() <= keep) return;
  std::nth_element(pools.begin(), pools.begin() + static_cast<std::ptrdiff_t>(keep), pools.end(),
                   ByHostAndPool);
  pools.erase(pools.begin() + static_cast<std::ptrdiff_t>(keep), pools.end());
}

void StatusListing::Finish(v1::GetStatusResponse* response) && {
  if (limit_ > 0) {
    Trim(unhealthy_, limit_);
    Trim(healthy_, limit_ - unhealthy_.size());
  }
  std::vector<v1::PoolStatus> listed = std::move(unhealthy_);
  listed.reserve(listed.size() + healthy_.size());
  std::move(healthy_.begin(), healthy_.end(), std::back_inserter(listed));
  std::sort(listed.begin(), listed.end(), ByHostAndPool);
  auto* pools = response->mutable_pools();
  pools->Clear();
  pools->Reserve(static_cast<int>(listed.size()));
  for (v1::PoolStatus& pool : listed) *pools->Add() = std::move(pool);
  *response->mutable_summary() = std::move(summary_);
}

}  // namespace zfleet
