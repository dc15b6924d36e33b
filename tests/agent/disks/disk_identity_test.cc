#include "agent/disks/disk_identity.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::zfleet::testing::TempDir;

HostPaths IdentityFixture(const std::string& name) {
  const std::string root = std::string(ZFLEET_TESTDATA_DIR) + "/sysfs/" + name;
  return HostPaths{root + "/dev", root + "/sys"};
}

DiskFacts MustIdentify(const std::string& fixture, const std::string& path) {
  absl::StatusOr<DiskFacts> facts = IdentifyDevice(path, IdentityFixture(fixture));
  EXPECT_TRUE(facts.ok()) << fixture << " " << path << ": " << facts.status();
  return facts.ok() ? *facts : DiskFacts{};
}

TEST(DiskIdentityTest, SataPartitionByIdIsItsWholeDisk) {
  DiskFacts f =
      MustIdentify("sata_hdd", "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567-part1");
  EXPECT_EQ(f.resolved_path, "/dev/sda1");
  EXPECT_EQ(f.block_device, "sda");
  EXPECT_EQ(f.partition, "sda1");
  EXPECT_EQ(f.transport, "sata");
  EXPECT_EQ(f.rotational, true);
  EXPECT_EQ(f.size_bytes, uint64_t{7814037168} * 512);
  EXPECT_EQ(f.vendor, std::nullopt);  // "ATA" says nothing on-call needs
  EXPECT_EQ(f.model, "WDC WD40EFRX-68N");
  EXPECT_EQ(f.serial, "WD-WCC7K1234567");  // VPD 0x80, header and padding removed
  EXPECT_EQ(f.wwn, "0x50014ee2b5a1c3d4");
  EXPECT_EQ(f.enclosure_slot, std::nullopt);
  EXPECT_EQ(f.enclosure_id, std::nullopt);
}

TEST(DiskIdentityTest, SataEverySpellingNamesTheSameDisk) {
  const std::vector<std::string> spellings = {
      "/dev/sda1",
      "/dev/sda",
      "/dev/disk/by-id/wwn-0x50014ee2b5a1c3d4-part1",
      "sda",  // bare, as zpool prints
      "sda1",
      "ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567",  // bare by-id, whole disk
      "ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567-part1",
      "/dev/./disk//by-id/../by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567",
  };
  for (const std::string& path : spellings) {
    DiskFacts f = MustIdentify("sata_hdd", path);
    EXPECT_EQ(f.block_device, "sda") << path;
    EXPECT_EQ(f.serial, "WD-WCC7K1234567") << path;
  }
  EXPECT_EQ(MustIdentify("sata_hdd", "sda").partition, "");
  EXPECT_EQ(MustIdentify("sata_hdd", "sda").resolved_path, "/dev/sda");
}

TEST(DiskIdentityTest, SasDiskWithWwnAndEnclosureSlot) {
  DiskFacts f = MustIdentify("sas_enclosure", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4");
  EXPECT_EQ(f.block_device, "sdb");
  EXPECT_EQ(f.transport, "sas");
  EXPECT_EQ(f.vendor, "SEAGATE");
  EXPECT_EQ(f.model, "ST4000NM0025");
  EXPECT_EQ(f.serial, "ZC1ABCDE");
  EXPECT_EQ(f.wwn, "0x5000c500a1b2c3d4");
  EXPECT_EQ(f.enclosure_slot, "Slot 05");
  EXPECT_EQ(f.enclosure_id, "0x500304801e1a2b3f");

  v1::DiskIdentity out;
  FillDiskIdentity(f, out);
  EXPECT_EQ(out.model(), "SEAGATE ST4000NM0025");
  EXPECT_EQ(out.enclosure_slot(), "Slot 05 (enclosure 0x500304801e1a2b3f)");
  EXPECT_EQ(out.transport(), "sas");
  EXPECT_EQ(out.serial(), "ZC1ABCDE");
  EXPECT_FALSE(out.has_class_());
}

TEST(DiskIdentityTest, SataDiskBehindSasHbaIsSata) {
  DiskFacts f = MustIdentify("sas_enclosure", "scsi-35000c500a1b2c3d4");
  EXPECT_EQ(f.block_device, "sdb");
  f = MustIdentify("sas_enclosure", "ata-ST4000VN008-2DR166_ZGY12345");
  EXPECT_EQ(f.block_device, "sdc");
  EXPECT_EQ(f.transport, "sata");
  EXPECT_EQ(f.vendor, std::nullopt);
  EXPECT_EQ(f.serial, "ZGY12345");
  EXPECT_EQ(f.enclosure_slot, "Slot 04");
}

// The ses driver's enclosure_device: link is enough on its own; sdc has none and needs
// /sys/class/enclosure.
TEST(DiskIdentityTest, EnclosureSlotThroughTheDeviceLinkAlone) {
  TempDir dir;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::copy(std::string(ZFLEET_TESTDATA_DIR) + "/sysfs/sas_enclosure", dir.path(),
           fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(fs::remove(dir.File("sys/class/enclosure/0:0:12:0"), ec)) << ec.message();
  const HostPaths paths{dir.File("dev"), dir.File("sys")};
  absl::StatusOr<DiskFacts> sdb = IdentifyDevice("sdb", paths);
  ASSERT_TRUE(sdb.ok()) << sdb.status();
  EXPECT_EQ(sdb->enclosure_slot, "Slot 05");
  EXPECT_EQ(sdb->enclosure_id, "0x500304801e1a2b3f");
  absl::StatusOr<DiskFacts> sdc = IdentifyDevice("sdc", paths);
  ASSERT_TRUE(sdc.ok()) << sdc.status();
  EXPECT_EQ(sdc->enclosure_slot, std::nullopt);
}

TEST(DiskIdentityTest, NvmePartition) {
  DiskFacts f = MustIdentify(
      "nvme", "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456-part1");
  EXPECT_EQ(f.resolved_path, "/dev/nvme0n1p1");
  EXPECT_EQ(f.block_device, "nvme0n1");
  EXPECT_EQ(f.partition, "nvme0n1p1");
  EXPECT_EQ(f.transport, "nvme");
  EXPECT_EQ(f.rotational, false);
  EXPECT_EQ(f.size_bytes, uint64_t{1953525168} * 512);
  EXPECT_EQ(f.model, "Samsung SSD 970 EVO Plus 1TB");
  EXPECT_EQ(f.serial, "S4EWNX0R123456");
  EXPECT_EQ(f.wwn, "eui.0025385b91b2c6a1");
  EXPECT_EQ(MustIdentify("nvme", "nvme0n1p1").block_device, "nvme0n1");
}

TEST(DiskIdentityTest, UsbSerialComesFromTheUsbDevice) {
  DiskFacts f = MustIdentify("usb", "/dev/disk/by-id/usb-WD_Elements_25A2_575834314441-0:0");
  EXPECT_EQ(f.block_device, "sdd");
  EXPECT_EQ(f.transport, "usb");
  EXPECT_EQ(f.vendor, "WD");
  EXPECT_EQ(f.model, "Elements 25A2");
  EXPECT_EQ(f.serial, "575834314441");
  EXPECT_EQ(f.wwn, std::nullopt);
}

TEST(DiskIdentityTest, Virtio) {
  DiskFacts f = MustIdentify("virtio", "/dev/disk/by-id/virtio-zfleet-vd0");
  EXPECT_EQ(f.block_device, "vda");
  EXPECT_EQ(f.transport, "virtio");
  EXPECT_EQ(f.vendor, std::nullopt);  // "0x1af4" is a PCI id, not a vendor name
  EXPECT_EQ(f.model, std::nullopt);
  EXPECT_EQ(f.serial, "zfleet-vd0");
  EXPECT_EQ(f.size_bytes, uint64_t{536870912} * 512);
}

TEST(DiskIdentityTest, ByVdevAliasOnPlainScsi) {
  for (const std::string path : {"/dev/disk/by-vdev/A05-part1", "A05", "A05-part1"}) {
    DiskFacts f = MustIdentify("by_vdev", path);
    EXPECT_EQ(f.block_device, "sde") << path;
    EXPECT_EQ(f.transport, "scsi") << path;
    EXPECT_EQ(f.model, "HUH721212AL5200") << path;
    EXPECT_EQ(f.serial, "8DGABCDE") << path;
    EXPECT_EQ(f.wwn, "0x5000cca2a1b2c3d4") << path;
  }
}

TEST(DiskIdentityTest, FibreChannelByPath) {
  DiskFacts f =
      MustIdentify("fc", "/dev/disk/by-path/pci-0000:05:00.0-fc-0x500507680b21d5e1-lun-0");
  EXPECT_EQ(f.block_device, "sdf");
  EXPECT_EQ(f.transport, "fc");
  EXPECT_EQ(f.rotational, false);
  EXPECT_EQ(f.vendor, "IBM");
  EXPECT_EQ(f.wwn, "0x600507680c8082018000000000000a1b");
}

TEST(DiskIdentityTest, LoopDevice) {
  DiskFacts f = MustIdentify("loop", "/dev/loop0");
  EXPECT_EQ(f.block_device, "loop0");
  EXPECT_EQ(f.transport, "loop");
  EXPECT_EQ(f.size_bytes, uint64_t{524288} * 512);
  EXPECT_EQ(f.serial, std::nullopt);
  EXPECT_EQ(f.model, std::nullopt);
}

TEST(DiskIdentityTest, MapperAliasHasNoTransport) {
  DiskFacts f = MustIdentify("mapper", "mpatha");
  EXPECT_EQ(f.resolved_path, "/dev/dm-0");
  EXPECT_EQ(f.block_device, "dm-0");
  EXPECT_EQ(f.transport, std::nullopt);
  EXPECT_EQ(f.rotational, false);
}

TEST(DiskIdentityTest, RegularFileIsTransportFile) {
  TempDir dir;
  dir.Write("f1", std::string(4096, 'z'));
  absl::StatusOr<DiskFacts> f = IdentifyDevice(dir.File("f1"), IdentityFixture("broken"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->transport, "file");
  EXPECT_EQ(f->resolved_path, dir.File("f1"));
  EXPECT_EQ(f->size_bytes, 4096u);
  EXPECT_EQ(f->block_device, "");
  EXPECT_EQ(f->rotational, std::nullopt);
  EXPECT_EQ(f->serial, std::nullopt);

  EXPECT_EQ(IdentifyDevice(dir.File("missing"), IdentityFixture("broken")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(IdentifyDevice(dir.path(), IdentityFixture("broken")).status().code(),
            absl::StatusCode::kInvalidArgument);  // a directory
}

TEST(DiskIdentityTest, BlockNodeOutsideDevIsFoundByMajorMinor) {
  TempDir dir;
  const std::string node = dir.File("blk");
  if (::mknod(node.c_str(), S_IFBLK | 0600, makedev(8, 1)) != 0) {
    if (std::getenv("CI") != nullptr) FAIL() << "cannot mknod under CI (needs CAP_MKNOD)";
    GTEST_SKIP() << "cannot mknod here (needs CAP_MKNOD)";
  }
  absl::StatusOr<DiskFacts> f = IdentifyDevice(node, IdentityFixture("sata_hdd"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->block_device, "sda");
  EXPECT_EQ(f->partition, "sda1");
  EXPECT_EQ(f->transport, "sata");
  EXPECT_EQ(f->resolved_path, node);

  ASSERT_EQ(::mknod(dir.File("blk2").c_str(), S_IFBLK | 0600, makedev(8, 99)), 0);
  EXPECT_EQ(IdentifyDevice(dir.File("blk2"), IdentityFixture("sata_hdd")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DiskIdentityTest, FailuresAreCleanErrors) {
  const HostPaths broken = IdentityFixture("broken");
  struct Case {
    std::string path;
    absl::StatusCode code;
  };
  const std::vector<Case> cases = {
      {"", absl::StatusCode::kInvalidArgument},
      {"/dev", absl::StatusCode::kInvalidArgument},
      {"/dev/sdq", absl::StatusCode::kNotFound},    // disk gone
      {"sdq", absl::StatusCode::kNotFound},         // bare, nowhere
      {"/dev/nosys", absl::StatusCode::kNotFound},  // no /sys/class/block entry
      {"/dev/disk/by-id/dangling", absl::StatusCode::kNotFound},
      {"/dev/disk/by-id/escape", absl::StatusCode::kNotFound},  // never reads the real /etc
      {"/dev/disk/by-id/absolute-nosys", absl::StatusCode::kNotFound},
      {"/dev/disk/by-id/loop-a", absl::StatusCode::kFailedPrecondition},
      {"/dev/../etc/passwd", absl::StatusCode::kNotFound},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IdentifyDevice(c.path, broken).status().code(), c.code) << c.path;
  }
  absl::Status bare = IdentifyDevice("sdq", broken).status();
  EXPECT_NE(bare.message().find("/dev/disk/by-vdev/sdq"), std::string::npos) << bare;
  absl::Status nosys = IdentifyDevice("/dev/disk/by-id/absolute-nosys", broken).status();
  EXPECT_NE(nosys.message().find("/sys/class/block/nosys"), std::string::npos) << nosys;
}

TEST(DiskIdentityTest, FillLeavesUnknownFactsUnset) {
  v1::DiskIdentity out;
  FillDiskIdentity(DiskFacts{}, out);
  EXPECT_FALSE(out.has_transport());
  EXPECT_FALSE(out.has_rotational());
  EXPECT_FALSE(out.has_size_bytes());
  EXPECT_FALSE(out.has_model());
  EXPECT_FALSE(out.has_serial());
  EXPECT_FALSE(out.has_wwn());
  EXPECT_FALSE(out.has_enclosure_slot());

  DiskFacts slot_only;
  slot_only.enclosure_slot = "7";
  slot_only.model = "X";
  FillDiskIdentity(slot_only, out);
  EXPECT_EQ(out.enclosure_slot(), "7");
  EXPECT_EQ(out.model(), "X");
}

TEST(DiskIdentityTest, TransportFromSysfsPathTable) {
  struct Case {
    std::string path, vendor;
    std::optional<std::string> want;
  };
  const std::vector<Case> cases = {
      {"/sys/devices/pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sdc", "ATA",
       "sata"},
      {"/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
       "target0:0:0/0:0:0:0/block/sda",
       "SEAGATE", "sas"},
      {"/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
       "target0:0:0/0:0:0:0/block/sda",
       "ATA", "sata"},
      {"/sys/devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-0/target3:0:0/"
       "3:0:0:0/block/sdf",
       "IBM", "fc"},
      {"/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "", "nvme"},
      {"/sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1", "", "nvme"},
      {"/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/"
       "block/sdd",
       "WD", "usb"},
      {"/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "0x1af4", "virtio"},
      {"/sys/devices/pci0000:00/0000:00:05.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda", "QEMU",
       "virtio"},
      {"/sys/devices/pci0000:00/0000:00:10.0/host2/target2:0:1/2:0:1:0/block/sdb", "VMware",
       "scsi"},
      {"/sys/devices/pci0000:00/0000:00:10.0/host2/target2:0:1/2:0:1:0/block/sdb", "ATA", "sata"},
      {"/sys/devices/virtual/block/loop3", "", "loop"},
      {"/sys/devices/virtual/block/dm-0", "", std::nullopt},
      {"/sys/devices/virtual/block/md127", "", std::nullopt},
      {"/sys/devices/vbd-51712/block/xvda", "", std::nullopt},
      {"/sys/devices/platform/data/block/sdx", "", std::nullopt},  // "data" is not "ata3"
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TransportFromSysfsPath(c.path, c.vendor), c.want) << c.path << " " << c.vendor;
  }
}

TEST(DiskIdentityTest, WwnAndVpdParsing) {
  EXPECT_EQ(WwnFromWwid("naa.5000C500A1B2C3D4\n"), "0x5000c500a1b2c3d4");
  EXPECT_EQ(WwnFromWwid("eui.0025385B91B2C6A1"), "eui.0025385b91b2c6a1");
  EXPECT_EQ(WwnFromWwid("t10.ATA     WDC WD40EFRX-68N32N0     WD-WCC7K1234567"), std::nullopt);
  EXPECT_EQ(WwnFromWwid("nvme.144d-5334"), std::nullopt);
  EXPECT_EQ(WwnFromWwid("naa."), std::nullopt);
  EXPECT_EQ(WwnFromWwid(""), std::nullopt);

  using namespace std::string_literals;
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00\x05"
                                "AB12 "s),
            "AB12");
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00\x04"
                                "AB12trailing"s),
            "AB12");  // length wins
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00\x40"
                                "SHORT"s),
            "SHORT");  // truncated page
  EXPECT_EQ(SerialFromVpdPage80("\x00\x83\x00\x04"
                                "AB12"s),
            std::nullopt);  // wrong page
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00"s), std::nullopt);
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00\x04    "s), std::nullopt);  // blank
  EXPECT_EQ(SerialFromVpdPage80("\x00\x80\x00\x03"
                                "A\x01Z"s),
            std::nullopt);  // binary
}

}  // namespace
}  // namespace zfleet::agent
