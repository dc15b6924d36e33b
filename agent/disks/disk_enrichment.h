// Gives every leaf vdev its physical identity (from sysfs) and its scheduling class (an
// override, else the transport's default: disk_class.h). Identities are cached per path and
// refreshed after `ttl`, so a poll does not walk sysfs for every disk every time.
#ifndef ZFLEET_AGENT_DISKS_DISK_ENRICHMENT_H_
#define ZFLEET_AGENT_DISKS_DISK_ENRICHMENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "agent/disks/disk_class.h"
#include "agent/disks/disk_identity.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Thread-compatible.
class DiskEnricher {
 public:
  // `overrides` may be empty (no overrides); it is asked on every Enrich(), never cached.
  DiskEnricher(HostPaths paths, ClassOverrideFn overrides, absl::Duration ttl = absl::Minutes(10))
      : paths_(std::move(paths)), overrides_(std::move(overrides)), ttl_(ttl) {}

  // Fills identity and class of every leaf of every pool. A leaf whose device cannot be
  // identified keeps unknown facts (null in JSON) and gets class from overrides or "unknown".
  void Enrich(std::vector<v1::Pool>& pools, absl::Time now);

 private:
  struct Cached {
    v1::DiskIdentity identity;
    absl::Time at;
  };
  void EnrichVdev(const std::string& pool, v1::Vdev& vdev, absl::Time now);

  const HostPaths paths_;
  const ClassOverrideFn overrides_;
  const absl::Duration ttl_;
  absl::flat_hash_map<std::string, Cached> cache_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_DISKS_DISK_ENRICHMENT_H_
