#include "agent/disks/disk_class.h"

#include "absl/container/flat_hash_map.h"

namespace zfleet::agent {
namespace {

void ClassifyLeaf(const std::string& pool, const ClassOverrideFn& overrides, v1::Vdev& vdev) {
  for (auto& child : *vdev.mutable_children()) ClassifyLeaf(pool, overrides, child);
  if (vdev.children_size() > 0) return;
  v1::DiskIdentity& disk = *vdev.mutable_disk();
  if (!disk.has_transport() && vdev.type() == "file") disk.set_transport("file");
  disk.set_class_(
      DiskClass(overrides, pool, vdev.path(), disk.has_transport() ? disk.transport() : ""));
}

}  // namespace

std::string DefaultClassForTransport(absl::string_view transport) {
  static const auto* const kClasses = new absl::flat_hash_map<std::string, std::string>{
      {"sata", "sata"}, {"ata", "sata"}, {"sas", "sas"},   {"fc", "fc"},
      {"nvme", "nvme"}, {"usb", "usb"},  {"scsi", "scsi"}, {"virtio", "virtual"}};
  auto it = kClasses->find(transport);
  return it == kClasses->end() ? "unknown" : it->second;
}

std::string DiskClass(const ClassOverrideFn& overrides, absl::string_view pool,
                      absl::string_view device_path, absl::string_view transport) {
  if (overrides) {
    std::string cls = overrides(pool, device_path);
    if (!cls.empty()) return cls;
  }
  return DefaultClassForTransport(transport);
}

void ClassifyLeaves(std::vector<v1::Pool>& pools, const ClassOverrideFn& overrides) {
  for (auto& pool : pools) {
    for (auto& vdev : *pool.mutable_vdevs()) ClassifyLeaf(pool.name(), overrides, vdev);
  }
}

}  // namespace zfleet::agent
