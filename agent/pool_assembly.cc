#include "agent/pool_assembly.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "agent/zpool_list_parser.h"
#include "common/status_macros.h"

namespace zfleet::agent {
namespace {

void ClassifyLeaves(const AgentConfig& config, const std::string& pool, v1::Vdev& vdev) {
  for (auto& child : *vdev.mutable_children()) ClassifyLeaves(config, pool, child);
  if (vdev.children_size() > 0) return;
  v1::DiskIdentity& disk = *vdev.mutable_disk();
  if (!disk.has_transport() && vdev.type() == "file") disk.set_transport("file");
  std::string cls = ClassOverride(config, pool, vdev.path());
  if (cls.empty()) cls = DefaultClassForTransport(disk.has_transport() ? disk.transport() : "");
  disk.set_class_(cls);
}

}  // namespace

std::string DefaultClassForTransport(absl::string_view transport) {
  static const auto* const kClasses = new absl::flat_hash_map<std::string, std::string>{
      {"sata", "sata"}, {"ata", "sata"}, {"sas", "sas"}, {"fc", "fc"},  {"nvme", "nvme"},
      {"usb", "usb"},   {"scsi", "scsi"}, {"virtio", "virtual"}};
  auto it = kClasses->find(transport);
  return it == kClasses->end() ? "unknown" : it->second;
}

absl::StatusOr<AssembledPools> AssemblePools(const ZpoolOutputs& outputs,
                                             const AgentConfig& config,
                                             const StatusParseOptions& options) {
  ASSIGN_OR_RETURN(std::vector<PoolListEntry> listed, ParseZpoolList(outputs.list_text));
  ASSIGN_OR_RETURN(StatusParseResult status, ParseZpoolStatus(outputs.status_text, options));

  absl::flat_hash_map<std::string, v1::Pool*> by_name;
  for (auto& pool : status.pools) by_name[pool.name()] = &pool;

  AssembledPools result;
  result.unparsed_count = status.unparsed_count;
  for (const PoolListEntry& entry : listed) {
    v1::Pool pool;
    if (auto it = by_name.find(entry.name); it != by_name.end()) {
      pool = std::move(*it->second);
    } else {
      // Listed but absent from status (it changed between the two calls): report what
      // list knows rather than dropping the pool.
      pool.set_name(entry.name);
      pool.set_state(entry.health);
    }
    ApplyListEntry(entry, pool);
    for (auto& vdev : *pool.mutable_vdevs()) ClassifyLeaves(config, pool.name(), vdev);
    result.pools.push_back(std::move(pool));
  }
  return result;
}

}  // namespace zfleet::agent
