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

// The i-th element of `field`, added when missing: a reused report keeps its elements, and
// their strings keep their capacity.
template <typename T>
T* At(google::protobuf::RepeatedPtrField<T>* field, int i) {
  return i < field->size() ? field->Mutable(i) : field->Add();
}
template <typename T>
void Truncate(google::protobuf::RepeatedPtrField<T>* field, int size) {
  while (field->size() > size) field->RemoveLast();
}

// *out = the formatted text, in out's own buffer.
template <typename... Args>
void Format(std::string* out, const absl::FormatSpec<Args...>& format, const Args&... args) {
  out->clear();
  absl::StrAppendFormat(out, format, args...);
}

// Appends `v` in hex, at least `digits` of them, as "%0*X" (or "%0*x") would: a hundred
// disks' names in every report made this way leave the load generator cheap enough to pace
// 100,000 hosts on one thread.
void AppendHex(std::string* out, uint64_t v, int digits, bool upper) {
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 1;
  while (n < 16 && (v >> (4 * n)) != 0) ++n;
  n = std::max(n, digits);
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(n));
  for (int i = n - 1; i >= 0; --i, v >>= 4) (*out)[at + static_cast<size_t>(i)] = hex[v & 0xf];
}

void WriteDisk(const DiskModel& m, uint64_t serial_number, int slot, uint64_t checksum_errors,
               v1::Vdev* leaf) {
  v1::DiskIdentity* disk = leaf->mutable_disk();
  std::string* serial = disk->mutable_serial();
  serial->assign("ZL");
  AppendHex(serial, serial_number, 6, true);
  leaf->mutable_name()->assign(m.id_prefix).append(*serial);
  leaf->mutable_path()->assign("/dev/disk/by-id/").append(leaf->name());
  leaf->set_type("disk");
  leaf->set_role("data");
  leaf->set_state("ONLINE");
  leaf->set_read_errors(0);
  leaf->set_write_errors(0);
  leaf->set_checksum_errors(checksum_errors);
  disk->set_model(m.model);
  disk->mutable_wwn()->assign("0x5000c500");
  AppendHex(disk->mutable_wwn(), serial_number, 8, false);
  disk->set_transport(m.transport);
  disk->set_rotational(true);
  disk->set_size_bytes(m.bytes);
  disk->mutable_enclosure_slot()->clear();
  absl::StrAppend(disk->mutable_enclosure_slot(), slot / 24, ":", slot % 24);
  disk->set_class_(m.transport);
}

void AddStackChecks(v1::HostInfo* info) {
  const char* checks[][3] = {
      {"zfs-module-loaded", "ok", "zfs 2.1.11-1 loaded"},
      {"zfs-module-installed:6.1.0-13-amd64", "ok", "zfs.ko built for 6.1.0-13-amd64"},
      {"systemd:zfs-zed", "ok", "zfs-zed.service active (running)"},
      {"systemd:zfs-import-cache", "ok", "zfs-import-cache.service enabled"}};
  int i = 0;
  for (const auto& c : checks) {
    v1::StackCheck* check = At(info->mutable_stack_checks(), i++);
    check->set_name(c[0]);
    check->set_level(c[1]);
    check->set_evidence(c[2]);
  }
  Truncate(info->mutable_stack_checks(), i);
}

}  // namespace

void SimulatedHost::Write(const Fleet& fleet, int64_t now, double load1,
                          v1::ReportRequest* report) const {
  const FleetShape& shape = fleet.shape;
  const int host = index_;
  Format(report->mutable_host_id(), "node%05d.dc1", host);
  Format(report->mutable_instance_id(), "%s-%d", fleet.run, host);
  Format(report->mutable_stream_id(), "stream-%s-%d", fleet.run, host);
  report->set_pools_valid(true);
  report->set_sequence(sequence_);
  report->set_report_time(sequence_ > 0 ? now : 0);
  report->set_observed_at(sequence_ > 0 ? now : 0);
  if (sequence_ > 0) {
    report->mutable_zpool()->set_pools_read_at(now);
  } else {
    report->clear_zpool();
  }
  v1::HostInfo* info = report->mutable_host();
  info->set_hostname(report->host_id());
  info->set_agent_version("0.1.0");
  info->set_zpool_path("/usr/sbin/zpool");
  info->set_zpool_generation("openzfs-2");
  info->set_load1(load1);
  Format(&(*info->mutable_labels())["rack"], "r%04d", host / 40);
  (*info->mutable_labels())["site"] = "dc1";
  AddStackChecks(info);

  for (int p = 0; p < shape.pools; ++p) {
    const DiskModel& m = p % 2 == 0 ? kSata : kSas;
    v1::Pool* pool = At(report->mutable_pools(), p);
    pool->mutable_name()->assign("tank");
    absl::StrAppend(pool->mutable_name(), p);
    pool->set_state("ONLINE");
    pool->set_health("ONLINE");
    const auto first_serial = static_cast<uint64_t>((host * shape.pools + p) * shape.disks);
    uint64_t data_bytes = 0;
    int g = 0;
    for (; g * kGroupWidth < shape.disks; ++g) {
      v1::Vdev* group = At(pool->mutable_vdevs(), g);
      group->mutable_name()->assign("raidz2-");
      absl::StrAppend(group->mutable_name(), g);
      group->set_type("raidz2");
      group->set_role("data");
      group->set_state("ONLINE");
      group->set_read_errors(0);
      group->set_write_errors(0);
      group->set_checksum_errors(0);
      const int end = std::min(shape.disks, (g + 1) * kGroupWidth);
      for (int d = g * kGroupWidth; d < end; ++d) {
        uint64_t checksum_errors = 0;
        if (changed_ != nullptr) {
          for (const DiskChange& c : changed_->disks) {
            if (c.pool == p && c.disk == d) checksum_errors = c.checksum_errors;
          }
        }
        WriteDisk(m, first_serial + static_cast<uint64_t>(d), d, checksum_errors,
                  At(group->mutable_children(), d - g * kGroupWidth));
      }
      Truncate(group->mutable_children(), end - g * kGroupWidth);
      data_bytes += m.bytes * static_cast<uint64_t>(std::max(1, end - g * kGroupWidth - 2));
    }
    Truncate(pool->mutable_vdevs(), g);
    const uint64_t allocated = data_bytes / 100 * static_cast<uint64_t>(30 + (host + p) % 50);
    pool->set_size_bytes(data_bytes);
    pool->set_allocated_bytes(allocated);
    pool->set_free_bytes(data_bytes - allocated);
    pool->set_fragmentation_percent(static_cast<uint32_t>(5 + (host + p) % 30));
    pool->set_capacity_percent(static_cast<uint32_t>(allocated * 100 / data_bytes));

    const ScanChange* change = nullptr;
    if (changed_ != nullptr) {
      for (const ScanChange& c : changed_->scans) {
        if (c.pool == p) change = &c;
      }
    }
    v1::Scan* scan = pool->mutable_scan();
    if (change == nullptr) {
      const int64_t scrubbed = fleet.start - 86400 * (1 + (host * 7 + p * 3) % 20);
      testing::SetFinishedScrub(scan, scrubbed, scrubbed + 9 * 3600);
    } else if (!change->scanning) {
      testing::SetFinishedScrub(scan, change->start_time, change->end_time);
    } else {  // a scrub started, or moved on by quarters
      scan->Clear();
      scan->set_function("scrub");
      scan->set_state("scanning");
      scan->set_start_time(change->start_time);
      const auto moved =
          static_cast<uint64_t>(static_cast<double>(allocated) * change->percent / 100);
      scan->set_percent_done(change->percent);
      scan->set_bytes_scanned(moved);
      scan->set_bytes_issued(moved);
      scan->set_bytes_total(allocated);
      scan->set_bytes_repaired(0);
      if (change->percent > 0) {
        scan->set_scan_rate_bytes_per_s(900000000);
        scan->set_seconds_to_go((allocated - moved) / 900000000);
      }
    }
    pool->mutable_errors()->set_count(0);
    pool->mutable_errors()->set_text("No known data errors");
  }
  Truncate(report->mutable_pools(), shape.pools);
}

void SimulatedHost::Next(const Fleet& fleet, int64_t now, std::mt19937_64& rng,
                         v1::ReportRequest* report) {
  if (sequence_ > 0 && fleet.shape.changed > 0 &&
      std::uniform_real_distribution<double>(0, 1)(rng) < fleet.shape.changed) {
    Change(fleet, now, rng);
    ++changes_;
  }
  ++sequence_;
  Write(fleet, now, 0.2 + static_cast<double>(rng() % 300) / 100, report);
}

void SimulatedHost::Change(const Fleet& fleet, int64_t now, std::mt19937_64& rng) {
  const FleetShape& shape = fleet.shape;
  if (shape.pools == 0) return;
  if (changed_ == nullptr) changed_ = std::make_unique<Changes>();
  const int p = static_cast<int>(rng() % static_cast<uint64_t>(shape.pools));
  if (rng() % 2 == 0) {  // a disk's checksum errors rise
    const int groups = (shape.disks + kGroupWidth - 1) / kGroupWidth;
    const int g = static_cast<int>(rng() % static_cast<uint64_t>(groups));
    const int width = std::min(shape.disks, (g + 1) * kGroupWidth) - g * kGroupWidth;
    const int d = g * kGroupWidth + static_cast<int>(rng() % static_cast<uint64_t>(width));
    for (DiskChange& c : changed_->disks) {
      if (c.pool == p && c.disk == d) {
        ++c.checksum_errors;
        return;
      }
    }
    changed_->disks.push_back({p, d, 1});
    return;
  }
  ScanChange* scan = nullptr;  // a scrub starts, moves a quarter, or ends
  for (ScanChange& c : changed_->scans) {
    if (c.pool == p) scan = &c;
  }
  if (scan == nullptr) scan = &changed_->scans.emplace_back(ScanChange{.pool = p});
  if (!scan->scanning) {
    *scan = {.pool = p, .scanning = true, .percent = 0, .start_time = now};
  } else if (scan->percent + 25 >= 100) {
    scan->scanning = false;
    scan->end_time = std::max(now, scan->start_time);
  } else {
    scan->percent += 25;
  }
}

}  // namespace zfleet::bench
