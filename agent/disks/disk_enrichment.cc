#include "agent/disks/disk_enrichment.h"

namespace zfleet::agent {

void DiskEnricher::EnrichVdev(const std::string& pool, v1::Vdev& vdev, absl::Time now) {
  for (auto& child : *vdev.mutable_children()) EnrichVdev(pool, child, now);
  if (vdev.children_size() > 0) return;
  const std::string& path = vdev.path().empty() ? vdev.name() : vdev.path();
  auto it = cache_.find(path);
  if (it == cache_.end() || now - it->second.at >= ttl_) {
    Cached fresh{v1::DiskIdentity(), now};
    if (auto facts = IdentifyDevice(path, paths_); facts.ok()) {
      FillDiskIdentity(*facts, fresh.identity);
    } else if (vdev.type() == "file") {
      fresh.identity.set_transport("file");
    }
    it = cache_.insert_or_assign(path, std::move(fresh)).first;
  }
  v1::DiskIdentity& disk = *vdev.mutable_disk();
  disk = it->second.identity;
  disk.set_class_(DiskClass(overrides_, pool, path, disk.has_transport() ? disk.transport() : ""));
}

void DiskEnricher::Enrich(std::vector<v1::Pool>& pools, absl::Time now) {
  for (auto& pool : pools) {
    for (auto& vdev : *pool.mutable_vdevs()) EnrichVdev(pool.name(), vdev, now);
  }
}

}  // namespace zfleet::agent
