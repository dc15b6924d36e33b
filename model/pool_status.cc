#include "model/pool_status.h"

namespace zfleet {
namespace {

bool HasNonZeroCounter(const v1::Vdev& vdev) {
  return vdev.read_errors() > 0 || vdev.write_errors() > 0 || vdev.checksum_errors() > 0;
}

// Collects vdevs with non-zero counters and sums leaf counters, depth first.
void Walk(const v1::Vdev& vdev, v1::PoolStatus* status) {
  if (HasNonZeroCounter(vdev)) status->add_devices_with_errors(vdev.name());
  if (vdev.children_size() == 0) {
    if (vdev.has_read_errors() || vdev.has_write_errors() || vdev.has_checksum_errors()) {
      status->set_device_errors(status->device_errors() + vdev.read_errors() + vdev.write_errors() +
                                vdev.checksum_errors());
    }
    return;
  }
  for (const auto& child : vdev.children()) Walk(child, status);
}

}  // namespace

v1::PoolStatus PoolStatusOf(const v1::Pool& pool) {
  v1::PoolStatus status;
  status.set_pool(pool.name());
  status.set_state(pool.state());
  status.set_status_text(pool.status());
  const v1::Scan& scan = pool.scan();
  status.set_scan_function(scan.function());
  status.set_scan_state(scan.state());
  if (scan.has_percent_done()) status.set_percent_done(scan.percent_done());
  if (scan.has_end_time()) status.set_scan_end_time(scan.end_time());
  if (pool.errors().has_count()) status.set_data_errors(pool.errors().count());
  for (const auto& vdev : pool.vdevs()) Walk(vdev, &status);
  return status;
}

v1::PoolStatus PoolStatusOf(const v1::PoolSummary& summary) {
  v1::PoolStatus status = PoolStatusOf(summary.pool());
  status.set_host_id(summary.host_id());
  status.set_last_seen(summary.last_seen());
  status.set_host_reporting(summary.host_reporting());
  return status;
}

}  // namespace zfleet
