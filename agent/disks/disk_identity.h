// Which physical disk sits behind a leaf vdev: the path zpool prints is resolved to its
// block device under /dev, and transport, size, model, serial, WWN and enclosure slot are
// read from sysfs. Both roots are injected so tests run on a fixture tree
// (tests/testdata/sysfs/<case>/{dev,sys}).
#ifndef ZFLEET_AGENT_DISKS_DISK_IDENTITY_H_
#define ZFLEET_AGENT_DISKS_DISK_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct HostPaths {
  std::string dev_root = "/dev";
  std::string sys_root = "/sys";
};

// Every fact is optional: absent means the host did not say (reported as null, not 0).
struct DiskFacts {
  std::string resolved_path;  // "/dev/sda1" after symlinks; a file vdev's own path
  std::string block_device;   // the whole disk, "sda" (also for a partition); "" for files
  std::string partition;      // "sda1" when the vdev is a partition of block_device
  // sata, sas, nvme, fc, usb, scsi, virtio, loop, file; nullopt when sysfs does not tell
  // (e.g. dm, md, xen).
  std::optional<std::string> transport;
  std::optional<bool> rotational;
  std::optional<uint64_t> size_bytes;  // the whole disk (the file, for file vdevs)
  std::optional<std::string> vendor;   // SCSI vendor ("SEAGATE"); never "ATA" or a PCI id
  std::optional<std::string> model;
  std::optional<std::string> serial;
  std::optional<std::string> wwn;             // "0x5000c500a1b2c3d4" (naa) or "eui.…" (NVMe)
  std::optional<std::string> enclosure_id;    // the enclosure's `id`, else its sysfs name
  std::optional<std::string> enclosure_slot;  // the component's name: "Slot 05"
};

// Identifies the disk behind `vdev_path`, which is what zpool prints for a leaf:
// - an absolute path under /dev (/dev/sda1, /dev/disk/by-id/…, /dev/disk/by-vdev/…,
//   /dev/disk/by-path/…, /dev/mapper/…), resolved inside paths.dev_root;
// - an absolute path elsewhere (a file vdev such as /var/tmp/pool/f1), looked at on the
//   real filesystem: a regular file gives transport "file", a block device node is found
//   in sysfs by its major:minor;
// - a bare name ("sda", "ata-…-part1", a by-vdev alias "A05"), tried as /dev/NAME and in
//   /dev/disk/by-{vdev,id,path,partuuid,partlabel,uuid,label} and /dev/mapper, in that
//   order, as zpool itself searches.
// A partition (sda1, nvme0n1p1) is reported as its whole disk, with `partition` set.
// Returns InvalidArgument for an empty path or a path that is neither file nor device,
// NotFound when the path does not resolve or the device has no /sys/class/block entry.
// Reads only; safe to call from any thread.
absl::StatusOr<DiskFacts> IdentifyDevice(absl::string_view vdev_path, const HostPaths& paths);

// Pure: the transport named by a block device's resolved sysfs path
// ("/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/…/block/sda" → "sata") and its SCSI
// vendor (a SATA disk behind a SAS HBA has vendor "ATA" and is reported "sata").
// nullopt when the path names no known bus.
std::optional<std::string> TransportFromSysfsPath(absl::string_view sysfs_path,
                                                  absl::string_view scsi_vendor);

// Pure: the WWN carried by a sysfs `wwid` ("naa.5000c500a1b2c3d4" → "0x5000c500a1b2c3d4",
// "eui.0025385b91b2c6a1" kept); nullopt for identifiers that are not a WWN ("t10.ATA …").
std::optional<std::string> WwnFromWwid(absl::string_view wwid);

// Pure: the serial from a SCSI VPD page 0x80 (4-byte header, then ASCII); nullopt when
// the page is malformed or the serial is blank.
std::optional<std::string> SerialFromVpdPage80(absl::string_view page);

// Copies the known facts into `out` and leaves the others unset. Does not set `class`
// (disk_class.h derives it from transport and the agent's overrides). The model is
// prefixed by the vendor when there is one ("SEAGATE ST4000NM0025"); the slot reads
// "Slot 05 (enclosure 0x500304801e1a2b3f)".
void FillDiskIdentity(const DiskFacts& facts, v1::DiskIdentity& out);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_DISKS_DISK_IDENTITY_H_
