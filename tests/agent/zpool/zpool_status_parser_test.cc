// The pool, vdev tree, errors and whole-output messages of `zpool status`; the scan of every
// fixture is checked in zpool_status_fixtures_test.cc.
#include "agent/zpool/zpool_status_parser.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/zpool/parser_fixtures.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A minimal legacy pool around one scrub line, for the scan forms no recording has.
std::string LegacyPoolWithScan(const std::string& scan_line) {
  return absl::StrCat("  pool: p\n state: ONLINE\n scrub: ", scan_line,
                      "\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n"
                      "\tp           ONLINE       0     0     0\n"
                      "\t  /tmp/zt/a ONLINE       0     0     0\n\n"
                      "errors: No known data errors\n");
}

TEST(ZpoolStatusLegacyTest, DegradedMirrorWithOfflineFile) {
  const StatusParseResult result = ParseFixture("legacy/degraded_offline.txt");
  ASSERT_EQ(result.pools.size(), 1u);
  const v1::Pool& pool = result.pools[0];
  EXPECT_EQ(pool.name(), "zfmirror");
  EXPECT_EQ(pool.state(), "DEGRADED");
  EXPECT_EQ(pool.status(),
            "One or more devices has been taken offline by the administrator. Sufficient "
            "replicas exist for the pool to continue functioning in a degraded state.");
  EXPECT_EQ(pool.action(),
            "Online the device using 'zpool online' or replace the device with 'zpool "
            "replace'.");
  EXPECT_EQ(pool.see(), "");
  ASSERT_EQ(pool.vdevs_size(), 1);
  const v1::Vdev& mirror = pool.vdevs(0);
  EXPECT_EQ(mirror.name(), "mirror-0");
  EXPECT_EQ(mirror.type(), "mirror");
  EXPECT_EQ(mirror.role(), "data");
  EXPECT_EQ(mirror.state(), "DEGRADED");
  EXPECT_EQ(mirror.path(), "");
  ASSERT_EQ(mirror.children_size(), 2);
  const v1::Vdev& a = mirror.children(0);
  EXPECT_EQ(a.name(), "/tmp/zt/a");
  EXPECT_EQ(a.type(), "file");
  EXPECT_EQ(a.path(), "/tmp/zt/a");
  EXPECT_EQ(a.note(), "20.5M repaired");
  EXPECT_EQ(a.bytes_repaired(), 21495808u);
  EXPECT_EQ(a.checksum_errors(), 0u);
  const v1::Vdev& b = mirror.children(1);
  EXPECT_EQ(b.state(), "OFFLINE");
  EXPECT_EQ(b.note(), "");
  EXPECT_FALSE(b.has_bytes_repaired());
  EXPECT_EQ(pool.errors().count(), 0u);
  EXPECT_EQ(pool.errors().text(), "No known data errors");
  EXPECT_THAT(pool.unparsed(), IsEmpty());
}

TEST(ZpoolStatusLegacyTest, RepairedScrubAndPermanentErrorFiles) {
  const StatusParseResult result = ParseFixture("legacy/scrub_repaired_and_permanent.txt");
  ASSERT_EQ(result.pools.size(), 2u);
  const v1::Pool& mirror_pool = result.pools[0];
  EXPECT_EQ(mirror_pool.see(), "http://www.sun.com/msg/ZFS-8000-9P");
  EXPECT_EQ(mirror_pool.vdevs(0).children(0).checksum_errors(), 328u);

  const v1::Pool& single = result.pools[1];
  EXPECT_EQ(single.name(), "zfsingle");
  EXPECT_EQ(single.scan().errors(), 103u);
  EXPECT_EQ(single.scan().bytes_repaired(), 168u * 1024);  // from the leaf's note
  ASSERT_EQ(single.vdevs_size(), 1);  // the root line's 114 is the pool's, not a vdev
  const v1::Vdev& file = single.vdevs(0);
  EXPECT_EQ(file.name(), "/tmp/zt/c");
  EXPECT_EQ(file.type(), "file");
  EXPECT_EQ(file.checksum_errors(), 391u);
  EXPECT_EQ(file.note(), "168K repaired");
  EXPECT_EQ(single.errors().text(), "Permanent errors have been detected in the following files:");
  EXPECT_EQ(single.errors().count(), 23u);
  ASSERT_EQ(single.errors().files_size(), 23);
  EXPECT_EQ(single.errors().files(0), "zfsingle:<0x1>");
  EXPECT_EQ(single.errors().files(2), "zfsingle:/");
  EXPECT_EQ(single.errors().files(3), "zfsingle:/f1");
  EXPECT_EQ(single.errors().files(22), "zfsingle:/f20");
}

TEST(ZpoolStatusLegacyTest, StatusXCountsDataErrors) {
  const StatusParseResult result = ParseFixture("legacy/status_x_unhealthy.txt");
  ASSERT_EQ(result.pools.size(), 2u);
  EXPECT_FALSE(result.all_pools_healthy);
  EXPECT_EQ(result.pools[1].errors().count(), 23u);
  EXPECT_EQ(result.pools[1].errors().text(), "23 data errors, use '-v' for a list");
  EXPECT_THAT(result.pools[1].errors().files(), IsEmpty());
}

TEST(ZpoolStatusLegacyTest, ScanFormsWithoutRecording) {
  const int64_t end = Utc(2026, 11, 21, 9, 48, 23);
  {
    const v1::Scan scan = ParseOk(LegacyPoolWithScan("none requested")).pools.at(0).scan();
    EXPECT_EQ(scan.function(), "none");
    EXPECT_EQ(scan.state(), "none");
    EXPECT_FALSE(scan.has_bytes_repaired());
  }
  {
    const v1::Scan scan =
        ParseOk(LegacyPoolWithScan(
                    "scrub stopped after 0h5m with 0 errors on Sat Nov 21 09:48:23 2026"))
            .pools.at(0)
            .scan();
    EXPECT_EQ(scan.state(), "canceled");
    EXPECT_EQ(scan.start_time(), end - 300);
    EXPECT_EQ(scan.end_time(), end);
    EXPECT_FALSE(scan.has_bytes_repaired());  // no leaf note states a figure
  }
  {
    const v1::Scan scan =
        ParseOk(LegacyPoolWithScan("scrub in progress for 0h1m, 45.23% done, 0h2m to go"))
            .pools.at(0)
            .scan();
    EXPECT_EQ(scan.state(), "scanning");
    EXPECT_DOUBLE_EQ(scan.percent_done(), 45.23);
    EXPECT_EQ(scan.seconds_to_go(), 120u);
    EXPECT_FALSE(scan.has_start_time());  // needs a clock; the parser has none
  }
  {
    const v1::Scan scan =
        ParseOk(LegacyPoolWithScan("resilver in progress for 0h0m, 10.00% done, 0h5m to go"))
            .pools.at(0)
            .scan();
    EXPECT_EQ(scan.function(), "resilver");
    EXPECT_EQ(scan.state(), "scanning");
  }
}

TEST(ZpoolStatusTreeTest, ResilverWithReplacing) {
  const StatusParseResult result = ParseFixture("openzfs2/resilver_in_progress.txt");
  const v1::Pool& pool = result.pools.at(0);
  EXPECT_EQ(pool.state(), "DEGRADED");
  EXPECT_EQ(pool.status(),
            "One or more devices is currently being resilvered.  The pool will continue to "
            "function, possibly in a degraded state.");
  ASSERT_EQ(pool.vdevs_size(), 1);
  const v1::Vdev& raidz = pool.vdevs(0);
  EXPECT_EQ(raidz.type(), "raidz1");
  ASSERT_EQ(raidz.children_size(), 3);
  const v1::Vdev& replacing = raidz.children(1);
  EXPECT_EQ(replacing.name(), "replacing-1");
  EXPECT_EQ(replacing.type(), "replacing");
  EXPECT_EQ(replacing.path(), "");
  ASSERT_EQ(replacing.children_size(), 2);
  EXPECT_EQ(replacing.children(0).name(), "9871236540123456789");
  EXPECT_EQ(replacing.children(0).state(), "UNAVAIL");
  EXPECT_EQ(replacing.children(0).note(), "was /dev/sdb1");
  EXPECT_EQ(replacing.children(1).name(), "sdd");
  EXPECT_EQ(replacing.children(1).path(), "sdd");  // as printed, no /dev/ assumed
  EXPECT_EQ(replacing.children(1).note(), "(resilvering)");
  EXPECT_EQ(raidz.children(2).name(), "sdc");
}

TEST(ZpoolStatusTreeTest, DegradedWithUnavailAndFaultedDisks) {
  const v1::Pool pool = ParseFixture("openzfs08/degraded_unavail_08.txt").pools.at(0);
  EXPECT_EQ(pool.see(), "http://zfsonlinux.org/msg/ZFS-8000-4J");
  ASSERT_EQ(pool.vdevs_size(), 2);
  const v1::Vdev& missing = pool.vdevs(0).children(0);
  EXPECT_EQ(missing.name(), "14376451029340451286");
  EXPECT_EQ(missing.type(), "disk");
  EXPECT_EQ(missing.note(), "was /dev/sdc1");
  const v1::Vdev& faulted = pool.vdevs(1).children(0);
  EXPECT_EQ(faulted.state(), "FAULTED");
  EXPECT_EQ(faulted.read_errors(), 3u);
  EXPECT_EQ(faulted.write_errors(), 154u);
  EXPECT_EQ(faulted.checksum_errors(), 0u);
  EXPECT_EQ(faulted.note(), "too many errors");
}

TEST(ZpoolStatusTreeTest, CountersWithSuffixes) {
  EXPECT_EQ(ParseFixture("openzfs08/scrub_repaired_08.txt")
                .pools.at(0)
                .vdevs(0)
                .children(1)
                .checksum_errors(),
            1228u);
  const v1::Pool pool = ParseFixture("openzfs2/scrub_repaired.txt").pools.at(0);
  EXPECT_EQ(pool.vdevs(0).children(0).checksum_errors(), 3565158u);  // 3.4M
  EXPECT_EQ(pool.see(), "https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-9P");
}

TEST(ZpoolStatusTreeTest, Raidz2WithEveryRole) {
  const v1::Pool pool = ParseFixture("openzfs2/raidz2_all_roles.txt").pools.at(0);
  ASSERT_EQ(pool.vdevs_size(), 7);
  struct Top {
    const char* name;
    const char* type;
    const char* role;
  };
  const Top tops[] = {{"raidz2-0", "raidz2", "data"},
                      {"mirror-1", "mirror", "special"},
                      {"mirror-2", "mirror", "dedup"},
                      {"mirror-3", "mirror", "log"},
                      {"nvme0n1p4", "disk", "cache"},
                      {"wwn-0x5000c500a1b2c3e1", "disk", "spare"},
                      {"wwn-0x5000c500a1b2c3e2", "disk", "spare"}};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(pool.vdevs(i).name(), tops[i].name);
    EXPECT_EQ(pool.vdevs(i).type(), tops[i].type) << tops[i].name;
    EXPECT_EQ(pool.vdevs(i).role(), tops[i].role) << tops[i].name;
  }
  // Children inherit the role of their top-level vdev.
  EXPECT_EQ(pool.vdevs(1).children(1).role(), "special");
  EXPECT_EQ(pool.vdevs(3).children(0).name(), "nvme0n1p3");
  EXPECT_EQ(pool.vdevs(3).children(0).role(), "log");

  const v1::Vdev& spare_vdev = pool.vdevs(0).children(2);
  EXPECT_EQ(spare_vdev.name(), "spare-2");
  EXPECT_EQ(spare_vdev.type(), "spare");
  EXPECT_EQ(spare_vdev.children(0).note(), "too many errors");
  EXPECT_EQ(spare_vdev.children(0).write_errors(), 57u);

  const v1::Vdev& in_use = pool.vdevs(5);
  EXPECT_EQ(in_use.state(), "INUSE");
  EXPECT_EQ(in_use.note(), "currently in use");
  EXPECT_FALSE(in_use.has_read_errors());
  EXPECT_FALSE(in_use.has_write_errors());
  EXPECT_FALSE(in_use.has_checksum_errors());
  const v1::Vdev& avail = pool.vdevs(6);
  EXPECT_EQ(avail.state(), "AVAIL");
  EXPECT_EQ(avail.note(), "");
  EXPECT_FALSE(avail.has_read_errors());
}

TEST(ZpoolStatusPoolTest, SuspendedPool) {
  const v1::Pool pool = ParseFixture("openzfs2/suspended.txt").pools.at(0);
  EXPECT_EQ(pool.state(), "SUSPENDED");
  EXPECT_EQ(pool.status(), "One or more devices are faulted in response to IO failures.");
  EXPECT_EQ(pool.see(), "https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-HC");
  ASSERT_EQ(pool.vdevs_size(), 1);
  EXPECT_EQ(pool.vdevs(0).state(), "FAULTED");
  EXPECT_EQ(pool.vdevs(0).read_errors(), 3u);
  EXPECT_EQ(pool.vdevs(0).write_errors(), 12u);
  EXPECT_EQ(pool.errors().text(), "List of errors unavailable: pool I/O is currently suspended");
  EXPECT_FALSE(pool.errors().has_count());  // unknown, not zero
}

TEST(ZpoolStatusPoolTest, UnavailPoolWithDevicesThatCannotOpen) {
  const v1::Pool pool = ParseFixture("openzfs2/faulted_cannot_open.txt").pools.at(0);
  EXPECT_EQ(pool.state(), "UNAVAIL");
  const v1::Vdev& mirror = pool.vdevs(0);
  EXPECT_EQ(mirror.note(), "insufficient replicas");
  EXPECT_EQ(mirror.children(0).note(), "cannot open");
  EXPECT_EQ(mirror.children(1).state(), "FAULTED");
  EXPECT_EQ(mirror.children(1).note(), "corrupted data");
}

TEST(ZpoolStatusPoolTest, PermanentErrorFilesKeptVerbatim) {
  const v1::Pool pool = ParseFixture("openzfs2/permanent_errors.txt").pools.at(0);
  EXPECT_EQ(pool.errors().count(), 3u);
  EXPECT_THAT(pool.errors().files(), ElementsAre("/tank/a", "tank/fs@snap:/b", "<metadata>:<0x0>"));
  EXPECT_EQ(pool.vdevs(0).checksum_errors(), 6u);
}

TEST(ZpoolStatusPoolTest, UnknownLinesAreKeptWhileTheRestParses) {
  const StatusParseResult result = ParseFixture("openzfs08/multi_pool_08.txt");
  ASSERT_EQ(result.pools.size(), 2u);
  EXPECT_EQ(result.unparsed_count, 2);
  EXPECT_THAT(result.unparsed, IsEmpty());
  // A line after a pool's block belongs to that pool.
  EXPECT_THAT(result.pools[0].unparsed(),
              ElementsAre("WARNING: this line is no part of any zpool output"));
  const v1::Pool& backup = result.pools[1];
  EXPECT_THAT(backup.unparsed(), ElementsAre("future: something a newer zpool prints"));
  EXPECT_EQ(backup.scan().function(), "none");
  EXPECT_EQ(backup.errors().count(), 23u);
  ASSERT_EQ(backup.vdevs_size(), 1);
  EXPECT_EQ(backup.vdevs(0).name(), "sdf");
  EXPECT_EQ(backup.vdevs(0).path(), "sdf");
}

TEST(ZpoolStatusPoolTest, OpenZfs22ExtraSectionsAreKeptAsUnparsed) {
  const StatusParseResult result = ParseFixture("openzfs2/multi_pool_extras_22.txt");
  ASSERT_EQ(result.pools.size(), 2u);
  const v1::Pool& tank = result.pools[0];
  EXPECT_EQ(tank.scan().state(), "finished");
  EXPECT_THAT(
      tank.unparsed(),
      ElementsAre(
          "    scan warning: skipped blocks that are only referenced by the checkpoint.",
          "expand: expansion of raidz1-0 in progress since Sun Nov 15 00:20:00 2026",
          "\t100G / 1.20T copied at 50.0M/s, 8.33% done, 06:06:40 to go",
          "remove: Removal of vdev 1 copied 2.50G in 0h1m, completed on Sun Nov 15 00:10:00 "
          "2026",
          "\t1.20M memory used for removed device mappings",
          "checkpoint: created Sun Nov 15 00:00:00 2026, consumes 1.21M"));
  ASSERT_EQ(tank.vdevs_size(), 2);
  EXPECT_EQ(tank.vdevs(1).type(), "indirect");
  EXPECT_EQ(tank.vdevs(1).path(), "");

  const v1::Pool& fast = result.pools[1];
  EXPECT_THAT(fast.unparsed(), ElementsAre("\tthis line is no part of any zpool output"));
  EXPECT_EQ(fast.scan().state(), "scanning");
  EXPECT_DOUBLE_EQ(fast.scan().percent_done(), 31.25);
  ASSERT_EQ(fast.vdevs_size(), 1);
  EXPECT_EQ(fast.vdevs(0).children_size(), 2);
  EXPECT_EQ(fast.errors().count(), 2u);
  EXPECT_EQ(result.unparsed_count, 7);
}

TEST(ZpoolStatusPoolTest, SecondScanLineReplacesOnlyWhenRunning) {
  const std::string pool_head = "  pool: d\n state: DEGRADED\n";
  const std::string tree =
      "config:\n\n\tNAME     STATE     READ WRITE CKSUM\n\td        DEGRADED     0     0     0\n"
      "\t  sda    ONLINE       0     0     0\n\nerrors: No known data errors\n";
  const std::string scrub =
      "  scan: scrub repaired 0B in 00:00:01 with 0 errors on Sun Nov 15 00:24:02 2026\n";
  const std::string rebuild_running =
      "  scan: resilver (draid1:2d:4c:0s-0) in progress since Sun Nov 15 01:00:00 2026\n"
      "\t1.00G / 2.00G scanned at 100M/s, 1.00G / 2.00G issued at 100M/s\n"
      "\t1.00G resilvered, 50.00% done, 00:00:10 to go\n";
  const std::string rebuild_done =
      "  scan: resilvered (draid1:2d:4c:0s-0) 1.00G in 00:00:20 with 0 errors on Sun Nov 15 "
      "01:00:20 2026\n";

  const StatusParseResult running = ParseOk(pool_head + scrub + rebuild_running + tree);
  const v1::Scan& scan = running.pools.at(0).scan();
  EXPECT_EQ(scan.function(), "resilver");
  EXPECT_EQ(scan.state(), "scanning");
  EXPECT_DOUBLE_EQ(scan.percent_done(), 50.0);
  EXPECT_EQ(running.unparsed_count, 0);

  const StatusParseResult done = ParseOk(pool_head + scrub + rebuild_done + tree);
  EXPECT_EQ(done.pools.at(0).scan().function(), "scrub");
  EXPECT_THAT(done.pools.at(0).unparsed(),
              ElementsAre(rebuild_done.substr(0, rebuild_done.size() - 1)));
}

TEST(ZpoolStatusPoolTest, ErrorScrubProgressDoesNotMixIntoTheScrub) {
  const StatusParseResult result = ParseOk(
      "  pool: t\n state: ONLINE\n"
      " scrub: error scrub paused since Sun Nov 15 01:00:00 2026\n"
      "\terror scrub started on Sun Nov 15 00:00:00 2026\n"
      "\t12.00% done, issued I/O for 3 error blocks\n"
      "config:\n\n\tNAME  STATE     READ WRITE CKSUM\n\tt     ONLINE       0     0     0\n"
      "\t  sda ONLINE       0     0     0\n\nerrors: No known data errors\n");
  const v1::Pool& pool = result.pools.at(0);
  EXPECT_EQ(pool.scan().function(), "");
  EXPECT_FALSE(pool.scan().has_percent_done());
  EXPECT_EQ(pool.unparsed_size(), 3);
  EXPECT_EQ(pool.vdevs_size(), 1);
}

TEST(ZpoolStatusPoolTest, DatesAreReadInTheGivenZone) {
  StatusParseOptions options;
  options.time_zone = absl::FixedTimeZone(-5 * 3600);
  const StatusParseResult result = ParseOk(ReadFixture("openzfs2/scrub_canceled.txt"), options);
  EXPECT_EQ(result.pools.at(0).scan().end_time(), Utc(2026, 11, 15, 5, 30, 0));
}

TEST(ZpoolStatusPoolTest, CarriageReturnsAreIgnored) {
  std::string text = ReadFixture("openzfs2/healthy_mirror.txt");
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const StatusParseResult result = ParseOk(crlf);
  EXPECT_EQ(result.unparsed_count, 0);
  EXPECT_EQ(result.pools.at(0).state(), "ONLINE");
  EXPECT_EQ(result.pools.at(0).vdevs(0).children(1).name(), "nvme1n1");
}

TEST(ZpoolStatusMessagesTest, WholeOutputMessages) {
  const StatusParseResult healthy = ParseFixture("openzfs2/status_x_healthy.txt");
  EXPECT_TRUE(healthy.all_pools_healthy);
  EXPECT_FALSE(healthy.no_pools);
  EXPECT_THAT(healthy.pools, IsEmpty());

  const StatusParseResult none = ParseFixture("openzfs2/no_pools.txt");
  EXPECT_TRUE(none.no_pools);
  EXPECT_FALSE(none.all_pools_healthy);

  const StatusParseResult one = ParseOk("pool 'tank' is healthy\n");
  EXPECT_TRUE(one.all_pools_healthy);
  EXPECT_THAT(one.pools, IsEmpty());
}

TEST(ZpoolStatusMessagesTest, LinesBeforeTheFirstPoolAreKeptInTheResult) {
  const StatusParseResult result =
      ParseOk("Sun Nov 15 00:24:02 UTC 2026\n" + ReadFixture("openzfs2/healthy_mirror.txt"));
  EXPECT_THAT(result.unparsed, ElementsAre("Sun Nov 15 00:24:02 UTC 2026"));
  EXPECT_EQ(result.unparsed_count, 1);
  EXPECT_EQ(result.pools.size(), 1u);
}

TEST(ZpoolStatusMessagesTest, InvalidArgumentWhenNotZpoolStatusAtAll) {
  struct Case {
    std::string text;
    std::string first_line;  // named in the error message
  };
  for (const Case& c :
       {Case{"\nhello world\nsecond line\n", "hello world"},
        Case{"zfmirror\t123M\t21.5M\t101M\t17%\t1.00x\tONLINE\t-\n", "zfmirror\t123M"},
        Case{"cannot open 'tank': no such pool\n", "cannot open 'tank'"}}) {
    absl::StatusOr<StatusParseResult> result = ParseZpoolStatus(c.text);
    ASSERT_FALSE(result.ok()) << c.text;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.first_line));
  }
  absl::StatusOr<StatusParseResult> empty = ParseZpoolStatus("");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zfleet::agent
