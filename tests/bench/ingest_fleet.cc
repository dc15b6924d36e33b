#include "tests/bench/ingest_fleet.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::bench {
namespace {

constexpr int kGroupWidth = 12;  // raidz2 vdevs of 12 disks, as large pools are laid out

struct DiskModel {
  const char* model;
  const char* id_prefix;  // of the /dev/disk/by-id name
  const char* transport;
  uint64_t bytes;
};
// Even pools on SATA disks, odd ones on SAS.
constexpr DiskModel kSata = {"ST16000NM001G-2KK103", "ata-ST16000NM001G-2KK103_", "sata",
                             16000900661248};
constexpr DiskModel kSas = {"HUH721212AL5200", "scsi-SHGST_HUH721212AL5200_", "sas",
                            12000138625024};

v1::Vdev MakeDisk(const DiskModel& m, uint64_t serial_number, int slot) {
  const std::string serial = absl::StrFormat("ZL%06X", serial_number);
  v1::Vdev leaf;
  leaf.set_name(absl::StrCat(m.id_prefix, serial));
  leaf.set_path(absl::StrCat("/dev/disk/by-id/", leaf.name()));
  leaf.set_type("disk");
  leaf.set_role("data");
  leaf.set_state("ONLINE");
  leaf.set_read_errors(0);
  leaf.set_write_errors(0);
  leaf.set_checksum_errors(0);
  v1::DiskIdentity* disk = leaf.mutable_disk();
  disk->set_serial(serial);
  disk->set_model(m.model);
  disk->set_wwn(absl::StrFormat("0x5000c500%08x", serial_number));
  disk->set_transport(m.transport);
  disk->set_rotational(true);
  disk->set_size_bytes(m.bytes);
  disk->set_enclosure_slot(absl::StrFormat("%d:%d", slot / 24, slot % 24));
  disk->set_class_(m.transport);
  return leaf;
}

v1::Pool MakePool(int host, int p, const FleetShape& shape, int64_t start) {
  const DiskModel& m = p % 2 == 0 ? kSata : kSas;
  v1::Pool pool;
  pool.set_name(absl::StrCat("tank", p));
  pool.set_state("ONLINE");
  pool.set_health("ONLINE");
  const uint64_t first_serial = static_cast<uint64_t>((host * shape.pools + p) * shape.disks);
  uint64_t data_bytes = 0;
  for (int g = 0; g * kGroupWidth < shape.disks; ++g) {
    v1::Vdev* group = pool.add_vdevs();
    group->set_name(absl::StrCat("raidz2-", g));
    group->set_type("raidz2");
    group->set_role("data");
    group->set_state("ONLINE");
    group->set_read_errors(0);
    group->set_write_errors(0);
    group->set_checksum_errors(0);
    const int end = std::min(shape.disks, (g + 1) * kGroupWidth);
    for (int d = g * kGroupWidth; d < end; ++d) {
      *group->add_children() = MakeDisk(m, first_serial + static_cast<uint64_t>(d), d);
    }
    data_bytes += m.bytes * static_cast<uint64_t>(std::max(1, end - g * kGroupWidth - 2));
  }
  const uint64_t allocated = data_bytes / 100 * static_cast<uint64_t>(30 + (host + p) % 50);
  pool.set_size_bytes(data_bytes);
  pool.set_allocated_bytes(allocated);
  pool.set_free_bytes(data_bytes - allocated);
  pool.set_fragmentation_percent(static_cast<uint32_t>(5 + (host + p) % 30));
  pool.set_capacity_percent(static_cast<uint32_t>(allocated * 100 / data_bytes));
  const int64_t scrubbed = start - 86400 * (1 + (host * 7 + p * 3) % 20);
  testing::SetFinishedScrub(pool.mutable_scan(), scrubbed, scrubbed + 9 * 3600);
  pool.mutable_errors()->set_count(0);
  pool.mutable_errors()->set_text("No known data errors");
  return pool;
}

void AddStackChecks(v1::HostInfo* info) {
  const char* checks[][3] = {
      {"zfs-module-loaded", "ok", "zfs 2.1.11-1 loaded"},
      {"zfs-module-installed:6.1.0-13-amd64", "ok", "zfs.ko built for 6.1.0-13-amd64"},
      {"systemd:zfs-zed", "ok", "zfs-zed.service active (running)"},
      {"systemd:zfs-import-cache", "ok", "zfs-import-cache.service enabled"}};
  for (const auto& c : checks) {
    v1::StackCheck* check = info->add_stack_checks();
    check->set_name(c[0]);
    check->set_level(c[1]);
    check->set_evidence(c[2]);
  }
}

}  // namespace

SimulatedHost::SimulatedHost(int index, const FleetShape& shape, int64_t start,
                             const std::string& run)
    : shape_(shape) {
  const std::string name = absl::StrFormat("node%05d.dc1", index);
  report_.set_host_id(name);
  report_.set_instance_id(absl::StrCat(run, "-", index));
  report_.set_stream_id(absl::StrCat("stream-", run, "-", index));
  report_.set_pools_valid(true);
  v1::HostInfo* info = report_.mutable_host();
  info->set_hostname(name);
  info->set_agent_version("0.1.0");
  info->set_zpool_path("/usr/sbin/zpool");
  info->set_zpool_generation("openzfs-2");
  (*info->mutable_labels())["rack"] = absl::StrFormat("r%04d", index / 40);
  (*info->mutable_labels())["site"] = "dc1";
  AddStackChecks(info);
  for (int p = 0; p < shape.pools; ++p) *report_.add_pools() = MakePool(index, p, shape, start);
}

const v1::ReportRequest& SimulatedHost::Next(int64_t now, std::mt19937_64& rng) {
  if (report_.sequence() > 0 && shape_.changed > 0 &&
      std::uniform_real_distribution<double>(0, 1)(rng) < shape_.changed) {
    Change(now, rng);
    ++changes_;
  }
  report_.set_sequence(report_.sequence() + 1);
  report_.set_report_time(now);
  report_.set_observed_at(now);
  report_.mutable_zpool()->set_pools_read_at(now);
  report_.mutable_host()->set_load1(0.2 + static_cast<double>(rng() % 300) / 100);
  return report_;
}

void SimulatedHost::Change(int64_t now, std::mt19937_64& rng) {
  if (report_.pools_size() == 0) return;
  v1::Pool& pool = *report_.mutable_pools(static_cast<int>(rng() % report_.pools_size()));
  if (rng() % 2 == 0) {  // a disk's checksum errors rise
    v1::Vdev& group = *pool.mutable_vdevs(static_cast<int>(rng() % pool.vdevs_size()));
    v1::Vdev& leaf = *group.mutable_children(static_cast<int>(rng() % group.children_size()));
    leaf.set_checksum_errors(leaf.checksum_errors() + 1);
    return;
  }
  v1::Scan& scan = *pool.mutable_scan();  // a scrub starts, moves a quarter, or ends
  if (scan.state() == "finished") {
    scan.Clear();
    scan.set_function("scrub");
    scan.set_state("scanning");
    scan.set_start_time(now);
    scan.set_percent_done(0);
    scan.set_bytes_scanned(0);
    scan.set_bytes_issued(0);
    scan.set_bytes_total(pool.allocated_bytes());
    scan.set_bytes_repaired(0);
    return;
  }
  const double done = scan.percent_done() + 25;
  if (done >= 100) {
    testing::SetFinishedScrub(&scan, scan.start_time(), std::max(now, scan.start_time()));
    return;
  }
  const auto moved = static_cast<uint64_t>(static_cast<double>(scan.bytes_total()) * done / 100);
  scan.set_percent_done(done);
  scan.set_bytes_scanned(moved);
  scan.set_bytes_issued(moved);
  scan.set_scan_rate_bytes_per_s(900000000);
  scan.set_seconds_to_go(static_cast<uint64_t>(scan.bytes_total() - moved) / 900000000);
}

}  // namespace zfleet::bench
