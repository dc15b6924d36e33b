#include "agent/disks/disk_enrichment.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::zfleet::testing::TempDir;

constexpr char kSataById[] = "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567-part1";
constexpr char kNvmeById[] =
    "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456-part1";
constexpr char kSataModelFile[] =
    "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/model";
const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

HostPaths Fixture(const std::string& name) {
  const std::string root = std::string(ZFLEET_TESTDATA_DIR) + "/sysfs/" + name;
  return HostPaths{root + "/dev", root + "/sys"};
}

v1::Vdev Leaf(const std::string& path, const std::string& type = "disk") {
  v1::Vdev leaf;
  leaf.set_name(path.substr(path.rfind('/') + 1));
  leaf.set_type(type);
  leaf.set_role("data");
  leaf.set_state("ONLINE");
  leaf.set_path(path);
  return leaf;
}

// A pool with one mirror of the given leaves.
std::vector<v1::Pool> PoolOf(const std::string& name, const std::vector<v1::Vdev>& leaves) {
  v1::Pool pool;
  pool.set_name(name);
  v1::Vdev* mirror = pool.add_vdevs();
  mirror->set_name("mirror-0");
  mirror->set_type("mirror");
  for (const auto& leaf : leaves) *mirror->add_children() = leaf;
  return {pool};
}

const v1::DiskIdentity& LeafDisk(const std::vector<v1::Pool>& pools, int i) {
  return pools[0].vdevs(0).children(i).disk();
}

TEST(DiskEnricherTest, IdentityAndClassFromTransport) {
  struct Case {
    std::string fixture, path, want_transport, want_class, want_serial;
  };
  const Case cases[] = {
      {"sata_hdd", kSataById, "sata", "sata", "WD-WCC7K1234567"},
      {"sata_hdd", "sda", "sata", "sata", "WD-WCC7K1234567"},  // bare name as zpool prints it
      {"nvme", kNvmeById, "nvme", "nvme", "S4EWNX0R123456"},
  };
  for (const Case& c : cases) {
    DiskEnricher enricher(Fixture(c.fixture), /*overrides=*/nullptr);
    std::vector<v1::Pool> pools = PoolOf("tank", {Leaf(c.path)});
    enricher.Enrich(pools, kT0);
    const v1::DiskIdentity& disk = LeafDisk(pools, 0);
    EXPECT_EQ(disk.transport(), c.want_transport) << c.path;
    EXPECT_EQ(disk.class_(), c.want_class) << c.path;
    EXPECT_EQ(disk.serial(), c.want_serial) << c.path;
    // Interior vdevs carry no disk identity.
    EXPECT_FALSE(pools[0].vdevs(0).has_disk()) << c.path;
  }
}

TEST(DiskEnricherTest, LeafWithoutPathIsIdentifiedByItsName) {
  DiskEnricher enricher(Fixture("sata_hdd"), /*overrides=*/nullptr);
  v1::Vdev leaf = Leaf("sda");
  leaf.clear_path();
  std::vector<v1::Pool> pools = PoolOf("tank", {leaf});
  enricher.Enrich(pools, kT0);
  EXPECT_EQ(LeafDisk(pools, 0).serial(), "WD-WCC7K1234567");
  EXPECT_EQ(LeafDisk(pools, 0).class_(), "sata");
}

TEST(DiskEnricherTest, OverridesBeatTheTransport) {
  // What agent.toml's pools = { "tank" = "sas", "lab-*" = "virtual" } and devices =
  // { "/dev/disk/by-id/nvme-*" = "scsi" } answer (leaf_classes_test.cc: the real globs).
  const ClassOverrideFn overrides = [](absl::string_view pool,
                                       absl::string_view device) -> std::string {
    if (device == kNvmeById) return "scsi";
    if (pool == "tank") return "sas";
    if (pool == "lab-1") return "virtual";
    return "";
  };
  struct Case {
    std::string fixture, pool, path, want_class, want_transport;
  };
  const Case cases[] = {
      {"sata_hdd", "tank", kSataById, "sas", "sata"},       // pool override; facts unchanged
      {"sata_hdd", "other", kSataById, "sata", "sata"},     // no override: transport
      {"nvme", "tank", kNvmeById, "scsi", "nvme"},          // device override before pool
      {"sata_hdd", "lab-1", "/dev/sdz", "virtual", ""},     // unidentified, overridden
      {"sata_hdd", "other", "/dev/sdz", "unknown", ""},     // unidentified, no override
  };
  for (const Case& c : cases) {
    DiskEnricher enricher(Fixture(c.fixture), overrides);
    std::vector<v1::Pool> pools = PoolOf(c.pool, {Leaf(c.path)});
    enricher.Enrich(pools, kT0);
    const v1::DiskIdentity& disk = LeafDisk(pools, 0);
    EXPECT_EQ(disk.class_(), c.want_class) << c.pool << " " << c.path;
    EXPECT_EQ(disk.has_transport() ? disk.transport() : "", c.want_transport) << c.path;
  }
}

TEST(DiskEnricherTest, UnidentifiedLeafKeepsUnknownFacts) {
  DiskEnricher enricher(Fixture("sata_hdd"), /*overrides=*/nullptr);
  std::vector<v1::Pool> pools = PoolOf("tank", {Leaf("/dev/disk/by-id/ata-GONE")});
  enricher.Enrich(pools, kT0);
  const v1::DiskIdentity& disk = LeafDisk(pools, 0);
  EXPECT_FALSE(disk.has_serial());
  EXPECT_FALSE(disk.has_model());
  EXPECT_FALSE(disk.has_transport());
  EXPECT_FALSE(disk.has_size_bytes());
  EXPECT_EQ(disk.class_(), "unknown");
}

TEST(DiskEnricherTest, FileVdevsHaveTransportFile) {
  TempDir dir;
  dir.Write("f1", std::string(8192, 'z'));
  DiskEnricher enricher(Fixture("broken"), /*overrides=*/nullptr);
  std::vector<v1::Pool> pools =
      PoolOf("demo", {Leaf(dir.File("f1"), "file"), Leaf(dir.File("gone"), "file")});
  enricher.Enrich(pools, kT0);
  const v1::DiskIdentity& present = LeafDisk(pools, 0);
  EXPECT_EQ(present.transport(), "file");
  EXPECT_EQ(present.size_bytes(), 8192u);
  EXPECT_EQ(present.class_(), "unknown");
  // A file vdev whose file cannot be looked at is still a file.
  const v1::DiskIdentity& missing = LeafDisk(pools, 1);
  EXPECT_EQ(missing.transport(), "file");
  EXPECT_FALSE(missing.has_size_bytes());
  EXPECT_EQ(missing.class_(), "unknown");
}

// A private copy of the sata_hdd tree that the test can change.
class DiskEnricherCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code ec;
    std::filesystem::copy(std::string(ZFLEET_TESTDATA_DIR) + "/sysfs/sata_hdd", dir_.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::copy_symlinks,
                          ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  HostPaths Paths() const { return HostPaths{dir_.File("dev"), dir_.File("sys")}; }
  std::string ModelAt(DiskEnricher& enricher, absl::Time now) {
    std::vector<v1::Pool> pools = PoolOf("tank", {Leaf(kSataById)});
    enricher.Enrich(pools, now);
    return LeafDisk(pools, 0).has_model() ? LeafDisk(pools, 0).model() : "<none>";
  }

  TempDir dir_;
};

TEST_F(DiskEnricherCacheTest, SysfsIsReadOncePerTtl) {
  DiskEnricher enricher(Paths(), /*overrides=*/nullptr, absl::Minutes(10));
  EXPECT_EQ(ModelAt(enricher, kT0), "WDC WD40EFRX-68N");
  dir_.Write(kSataModelFile, "WDC WD40EFRX-NEW\n");
  EXPECT_EQ(ModelAt(enricher, kT0 + absl::Minutes(5)), "WDC WD40EFRX-68N");
  EXPECT_EQ(ModelAt(enricher, kT0 + absl::Minutes(10) - absl::Seconds(1)), "WDC WD40EFRX-68N");
  EXPECT_EQ(ModelAt(enricher, kT0 + absl::Minutes(10)), "WDC WD40EFRX-NEW");
}

TEST_F(DiskEnricherCacheTest, AFailedLookupIsCachedToo) {
  // A disk that vanished is not looked for on every poll; it is found again after the ttl.
  DiskEnricher enricher(Paths(), /*overrides=*/nullptr, absl::Minutes(10));
  const std::string sys_backup = dir_.File("sys.bak");
  std::filesystem::rename(dir_.File("sys"), sys_backup);
  EXPECT_EQ(ModelAt(enricher, kT0), "<none>");
  std::filesystem::rename(sys_backup, dir_.File("sys"));
  EXPECT_EQ(ModelAt(enricher, kT0 + absl::Minutes(1)), "<none>");
  EXPECT_EQ(ModelAt(enricher, kT0 + absl::Minutes(10)), "WDC WD40EFRX-68N");
}

TEST_F(DiskEnricherCacheTest, EveryLeafWithTheSamePathGetsTheIdentity) {
  DiskEnricher enricher(Paths(), /*overrides=*/nullptr);
  std::vector<v1::Pool> pools = PoolOf("tank", {Leaf(kSataById), Leaf(kSataById)});
  enricher.Enrich(pools, kT0);
  EXPECT_EQ(LeafDisk(pools, 0).serial(), "WD-WCC7K1234567");
  EXPECT_EQ(LeafDisk(pools, 1).serial(), "WD-WCC7K1234567");
  EXPECT_EQ(LeafDisk(pools, 1).class_(), "sata");
}

TEST_F(DiskEnricherCacheTest, ClassOverrideIsNotCachedWithTheIdentity) {
  // The same disk seen in two pools gets each pool's override.
  DiskEnricher enricher(Paths(), [](absl::string_view pool, absl::string_view) {
    return std::string(pool == "cold" ? "usb" : "");
  });
  std::vector<v1::Pool> cold = PoolOf("cold", {Leaf(kSataById)});
  std::vector<v1::Pool> hot = PoolOf("hot", {Leaf(kSataById)});
  enricher.Enrich(cold, kT0);
  enricher.Enrich(hot, kT0);
  EXPECT_EQ(LeafDisk(cold, 0).class_(), "usb");
  EXPECT_EQ(LeafDisk(hot, 0).class_(), "sata");
}

}  // namespace
}  // namespace zfleet::agent
