#include "agent/disks/disk_identity.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "agent/host/sysfs_reader.h"
#include "common/status_macros.h"

namespace zfleet::agent {
namespace {

constexpr uint64_t kSectorBytes = 512;  // sysfs `size` is always in 512-byte units

// Where zpool looks for a bare vdev name, most specific first.
constexpr const char* kBareNameDirs[] = {"/dev/",
                                         "/dev/disk/by-vdev/",
                                         "/dev/disk/by-id/",
                                         "/dev/disk/by-path/",
                                         "/dev/disk/by-partuuid/",
                                         "/dev/disk/by-partlabel/",
                                         "/dev/disk/by-uuid/",
                                         "/dev/disk/by-label/",
                                         "/dev/mapper/"};

bool StartsWithDigitAfter(absl::string_view s, absl::string_view prefix) {
  return absl::StartsWith(s, prefix) && s.size() > prefix.size() &&
         absl::ascii_isdigit(static_cast<unsigned char>(s[prefix.size()]));
}

std::optional<uint64_t> ParseU64(const std::optional<std::string>& text) {
  uint64_t value = 0;
  if (!text.has_value() || !absl::SimpleAtoi(*text, &value)) return std::nullopt;
  return value;
}

// The USB device (the directory with idVendor) above a disk carries the serial a USB
// bridge rarely passes through to SCSI.
std::optional<std::string> UsbSerial(const RootedDir& sys, absl::string_view device_dir) {
  for (std::string dir(device_dir); dir.size() > sys.mount().size(); dir = Dirname(dir)) {
    if (sys.Exists(dir + "/idVendor")) return sys.ReadAttribute(dir + "/serial");
  }
  return std::nullopt;
}

void SetSlot(const RootedDir& sys, const std::string& enclosure_dir, std::string slot,
             DiskFacts& facts) {
  facts.enclosure_slot = std::move(slot);
  facts.enclosure_id = sys.ReadAttribute(enclosure_dir + "/id");
  if (!facts.enclosure_id.has_value()) facts.enclosure_id = Basename(enclosure_dir);
}

// The ses driver links the disk's SCSI device to its slot ("enclosure_device:Slot 05");
// without that link, every slot of every enclosure is compared with the disk.
void FindEnclosureSlot(const RootedDir& sys, const std::string& device_dir, DiskFacts& facts) {
  constexpr absl::string_view kLinkPrefix = "enclosure_device:";
  for (const std::string& name : sys.List(device_dir)) {
    if (!absl::StartsWith(name, kLinkPrefix)) continue;
    absl::StatusOr<std::string> component = sys.Resolve(device_dir + "/" + name);
    if (!component.ok()) continue;
    SetSlot(sys, Dirname(*component), name.substr(kLinkPrefix.size()), facts);
    return;
  }
  const std::string base = "/sys/class/enclosure/";
  for (const std::string& enclosure : sys.List(base)) {
    for (const std::string& component : sys.List(base + enclosure)) {
      absl::StatusOr<std::string> target =
          sys.Resolve(absl::StrCat(base, enclosure, "/", component, "/device"));
      if (!target.ok() || *target != device_dir) continue;
      SetSlot(sys, base + enclosure, component, facts);
      return;
    }
  }
}

// Reads the facts of the block device whose resolved sysfs directory is `dir`.
DiskFacts ReadBlockDevice(const RootedDir& sys, std::string dir) {
  DiskFacts facts;
  if (sys.Exists(dir + "/partition")) {
    facts.partition = Basename(dir);
    dir = Dirname(dir);
  }
  facts.block_device = Basename(dir);
  if (std::optional<uint64_t> sectors = ParseU64(sys.ReadAttribute(dir + "/size"))) {
    facts.size_bytes = *sectors * kSectorBytes;
  }
  std::optional<std::string> rotational = sys.ReadAttribute(dir + "/queue/rotational");
  if (rotational == "0" || rotational == "1") facts.rotational = (*rotational == "1");

  absl::StatusOr<std::string> device_dir = sys.Resolve(dir + "/device");
  std::string raw_vendor;
  if (device_dir.ok()) {
    facts.model = sys.ReadAttribute(*device_dir + "/model");
    raw_vendor = sys.ReadAttribute(*device_dir + "/vendor").value_or("");
    // libata reports "ATA"; virtio and NVMe controllers give a PCI id ("0x1af4").
    if (!raw_vendor.empty() && raw_vendor != "ATA" && !absl::StartsWith(raw_vendor, "0x")) {
      facts.vendor = raw_vendor;
    }
  }
  facts.serial = sys.ReadAttribute(dir + "/serial");
  if (!facts.serial.has_value() && device_dir.ok()) {
    facts.serial = sys.ReadAttribute(*device_dir + "/serial");
    if (!facts.serial.has_value()) {
      std::optional<std::string> page = sys.ReadBytes(*device_dir + "/vpd_pg80");
      if (page.has_value()) facts.serial = SerialFromVpdPage80(*page);
    }
  }
  std::optional<std::string> wwid = sys.ReadAttribute(dir + "/wwid");
  if (!wwid.has_value() && device_dir.ok()) wwid = sys.ReadAttribute(*device_dir + "/wwid");
  if (wwid.has_value()) facts.wwn = WwnFromWwid(*wwid);

  facts.transport = TransportFromSysfsPath(dir, raw_vendor);
  if (device_dir.ok()) {
    if (!facts.serial.has_value() && facts.transport == "usb") {
      facts.serial = UsbSerial(sys, *device_dir);
    }
    FindEnclosureSlot(sys, *device_dir, facts);
  }
  return facts;
}

// A block device node found on the real filesystem, looked up by its major:minor.
absl::StatusOr<DiskFacts> IdentifyNode(const RootedDir& sys, const std::string& path, dev_t rdev) {
  const std::string link = absl::StrCat("/sys/dev/block/", major(rdev), ":", minor(rdev));
  absl::StatusOr<std::string> dir = sys.Resolve(link);
  if (!dir.ok()) {
    return absl::NotFoundError(absl::StrCat(path, ": no sysfs entry ", link));
  }
  DiskFacts facts = ReadBlockDevice(sys, *dir);
  facts.resolved_path = path;
  return facts;
}

absl::StatusOr<DiskFacts> IdentifyRealPath(const RootedDir& sys, const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  if (S_ISBLK(st.st_mode)) return IdentifyNode(sys, path, st.st_rdev);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is neither a regular file nor a block device"));
  }
  DiskFacts facts;
  facts.resolved_path = path;
  facts.transport = "file";
  facts.size_bytes = static_cast<uint64_t>(st.st_size);
  return facts;
}

}  // namespace

absl::StatusOr<DiskFacts> IdentifyDevice(absl::string_view vdev_path, const HostPaths& paths) {
  if (vdev_path.empty()) return absl::InvalidArgumentError("empty vdev path");
  const RootedDir dev("/dev", paths.dev_root);
  const RootedDir sys("/sys", paths.sys_root);

  std::vector<std::string> candidates;
  if (absl::StartsWith(vdev_path, "/")) {
    if (dev.HostPath(vdev_path).empty()) return IdentifyRealPath(sys, std::string(vdev_path));
    candidates.emplace_back(vdev_path);
  } else {
    for (const char* dir : kBareNameDirs) candidates.push_back(absl::StrCat(dir, vdev_path));
  }

  absl::StatusOr<std::string> resolved = absl::NotFoundError("no candidate");
  for (const std::string& candidate : candidates) {
    resolved = dev.Resolve(candidate);
    if (resolved.ok()) break;
  }
  if (!resolved.ok()) {
    if (candidates.size() == 1) return WithContext(resolved.status(), "cannot resolve vdev");
    return absl::NotFoundError(absl::StrCat("cannot resolve vdev ", vdev_path, ": tried ",
                                            absl::StrJoin(candidates, ", ")));
  }
  if (*resolved == "/dev") {
    return absl::InvalidArgumentError(absl::StrCat(vdev_path, " names /dev itself"));
  }
  // sysfs spells a nested node (/dev/cciss/c0d0) with '!' (cciss!c0d0).
  const std::string name =
      absl::StrReplaceAll(absl::string_view(*resolved).substr(5), {{"/", "!"}});
  const std::string class_link = "/sys/class/block/" + name;
  absl::StatusOr<std::string> dir = sys.Resolve(class_link);
  if (!dir.ok()) {
    return absl::NotFoundError(absl::StrCat(vdev_path, " resolves to ", *resolved, " but ",
                                            class_link, " does not exist"));
  }
  DiskFacts facts = ReadBlockDevice(sys, *dir);
  facts.resolved_path = *resolved;
  return facts;
}

std::optional<std::string> TransportFromSysfsPath(absl::string_view sysfs_path,
                                                  absl::string_view scsi_vendor) {
  bool usb = false, nvme = false, virtio = false, fc = false, sas = false, ata = false,
       scsi = false;
  for (absl::string_view seg : absl::StrSplit(sysfs_path, '/', absl::SkipEmpty())) {
    usb = usb || StartsWithDigitAfter(seg, "usb");
    nvme = nvme || absl::StartsWith(seg, "nvme");
    virtio = virtio || StartsWithDigitAfter(seg, "virtio");
    fc = fc || absl::StartsWith(seg, "rport-");
    sas = sas || absl::StartsWith(seg, "end_device-");
    ata = ata || StartsWithDigitAfter(seg, "ata");
    scsi = scsi || StartsWithDigitAfter(seg, "target");
  }
  const bool ata_disk = scsi_vendor == "ATA";
  if (usb) return "usb";
  if (nvme) return "nvme";
  if (virtio) return "virtio";
  if (fc) return "fc";
  if (sas) return ata_disk ? "sata" : "sas";
  if (ata) return "sata";
  if (scsi) return ata_disk ? "sata" : "scsi";
  if (absl::StrContains(sysfs_path, "/virtual/block/loop")) return "loop";
  return std::nullopt;
}

std::optional<std::string> WwnFromWwid(absl::string_view wwid) {
  wwid = absl::StripAsciiWhitespace(wwid);
  if (absl::StartsWith(wwid, "naa.") && wwid.size() > 4) {
    return absl::StrCat("0x", absl::AsciiStrToLower(wwid.substr(4)));
  }
  if (absl::StartsWith(wwid, "eui.") && wwid.size() > 4) {
    return absl::StrCat("eui.", absl::AsciiStrToLower(wwid.substr(4)));
  }
  return std::nullopt;
}

std::optional<std::string> SerialFromVpdPage80(absl::string_view page) {
  if (page.size() < 4 || static_cast<unsigned char>(page[1]) != 0x80) return std::nullopt;
  const size_t length =
      (static_cast<unsigned char>(page[2]) << 8) | static_cast<unsigned char>(page[3]);
  std::string serial = TrimAttribute(page.substr(4, length));
  if (serial.empty()) return std::nullopt;
  for (char c : serial) {
    if (!absl::ascii_isprint(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return serial;
}

void FillDiskIdentity(const DiskFacts& facts, v1::DiskIdentity& out) {
  if (facts.transport.has_value()) out.set_transport(*facts.transport);
  if (facts.rotational.has_value()) out.set_rotational(*facts.rotational);
  if (facts.size_bytes.has_value()) out.set_size_bytes(*facts.size_bytes);
  if (facts.model.has_value()) {
    out.set_model(facts.vendor.has_value() ? absl::StrCat(*facts.vendor, " ", *facts.model)
                                           : *facts.model);
  }
  if (facts.serial.has_value()) out.set_serial(*facts.serial);
  if (facts.wwn.has_value()) out.set_wwn(*facts.wwn);
  if (facts.enclosure_slot.has_value()) {
    out.set_enclosure_slot(
        facts.enclosure_id.has_value()
            ? absl::StrCat(*facts.enclosure_slot, " (enclosure ", *facts.enclosure_id, ")")
            : *facts.enclosure_slot);
  }
}

}  // namespace zfleet::agent
