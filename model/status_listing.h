// What `zfleet status` lists of a fleet (GetStatusRequest): every pool counted, at most
// `limit` of them kept, the unhealthy ones first. Fed one pool at a time, so building the
// answer takes memory for the pools listed, not for the fleet. Pure; thread-compatible.
#ifndef ZFLEET_MODEL_STATUS_LISTING_H_
#define ZFLEET_MODEL_STATUS_LISTING_H_

#include <cstddef>
#include <vector>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

class StatusListing {
 public:
  explicit StatusListing(const v1::GetStatusRequest& request);

  // One present pool, host_reporting set; pools may come in any order.
  void Add(v1::PoolStatus pool);

  // The listed pools, sorted by host and pool: the unhealthy ones first (those first in
  // host and pool order when there are more than the limit), then, unless only unhealthy
  // pools were asked for, healthy ones in host and pool order up to the limit. And the
  // summary of every pool added. Hosts are the caller's.
  void Finish(v1::GetStatusResponse* response) &&;

 private:
  // Keeps the first `keep` of `pools` in host and pool order.
  static void Trim(std::vector<v1::PoolStatus>& pools, size_t keep);
  void Keep(std::vector<v1::PoolStatus>& pools, v1::PoolStatus pool);

  const bool unhealthy_only_;
  const size_t limit_;  // 0: every pool
  v1::FleetStatusSummary summary_;
  std::vector<v1::PoolStatus> unhealthy_;
  std::vector<v1::PoolStatus> healthy_;
};

}  // namespace zfleet

#endif  // ZFLEET_MODEL_STATUS_LISTING_H_
