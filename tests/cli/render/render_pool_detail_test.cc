#include "cli/render/render_pool_detail.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using fixtures::kPlain;
using fixtures::Leaf;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

v1::GetPoolResponse DegradedTank() {
  v1::Pool p = fixtures::HealthyPool("tank");
  p.set_state("DEGRADED");
  p.set_status("One or more devices are faulted.\nSufficient replicas exist.");
  p.set_action("Replace the faulted device.");
  p.set_see("https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-4J");
  v1::Scan* scan = p.mutable_scan();
  scan->set_state("scanning");
  scan->set_start_time(kNow - 3600);
  scan->clear_end_time();
  scan->set_percent_done(45.23);
  scan->set_bytes_scanned(uint64_t{400} << 30);
  scan->set_bytes_repaired(uint64_t{41} << 19);
  scan->set_seconds_to_go(2506);

  v1::Vdev* mirror = p.mutable_vdevs(0);
  mirror->set_state("DEGRADED");
  v1::DiskIdentity* disk = mirror->mutable_children(0)->mutable_disk();
  disk->set_serial("WD-WX11A");
  disk->set_model("WDC WD40EFRX");
  disk->set_class_("sata");
  disk->set_enclosure_slot("3");
  v1::Vdev* bad = mirror->mutable_children(1);
  bad->set_state("FAULTED");
  bad->set_checksum_errors(5);
  bad->set_note("too many errors");

  v1::Vdev* log = p.add_vdevs();
  *log = Leaf("nvme0n1");
  log->set_role("log");
  v1::Vdev* spare = p.add_vdevs();
  *spare = Leaf("sdd");
  spare->set_role("spare");
  spare->set_state("AVAIL");
  spare->clear_read_errors();
  spare->clear_write_errors();
  spare->clear_checksum_errors();

  p.mutable_errors()->set_count(2);
  p.mutable_errors()->add_files("/tank/a");
  p.mutable_errors()->add_files("/tank/b");

  v1::GetPoolResponse r;
  *r.mutable_pool() = fixtures::Summary("h1", p);
  v1::ScrubRun* newest = r.add_scrub_runs();
  *newest = fixtures::ScrubRun(12, "manual", "running");
  newest->set_requested_at(kNow - 3660);
  newest->set_started_at(kNow - 3600);
  v1::ScrubRun* older = r.add_scrub_runs();
  older->set_id(3);
  SetTrigger(*older, v1::TRIGGER_SCHEDULED);
  SetRunState(*older, v1::RUN_FINISHED);
  older->set_requested_at(kNow - 8 * 86400);
  older->set_started_at(kNow - 8 * 86400);
  older->set_ended_at(kNow - 8 * 86400 + 5400);
  older->set_bytes_repaired(0);
  older->set_errors(0);
  return r;
}

TEST(RenderPoolDetailTest, HeaderFieldsLikeZpoolStatus) {
  const std::string out = RenderPoolDetailText(DegradedTank(), kPlain);
  EXPECT_THAT(out, HasSubstr("   host: h1 (reporting, last seen 2026-11-21 09:59:48 UTC, 12s ago)\n"
                             "   pool: tank\n"
                             "  state: DEGRADED\n"
                             " status: One or more devices are faulted.\n"
                             "         Sufficient replicas exist.\n"
                             " action: Replace the faulted device.\n"
                             "    see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-4J\n"
                             "   size: 1T (400G allocated, 624G free, 39% full, 3% fragmented)\n"
                             "   scan: scrub in progress since 2026-11-21 09:00:00\n"
                             "         400G scanned, 20.5M repaired, 45.2% done, 41m46s to go\n"));
}

TEST(RenderPoolDetailTest, VdevTreeIndentedAndGroupedByRole) {
  const std::string out = RenderPoolDetailText(DegradedTank(), kPlain);
  EXPECT_THAT(
      out,
      HasSubstr(
          " config:\n\n"
          "         NAME        STATE     READ  WRITE  CKSUM  NOTE             DEVICE\n"
          "         tank        DEGRADED\n"
          "           mirror-0  DEGRADED     0      0      0\n"
          "             sda     ONLINE       0      0      0                   /dev/sda, serial "
          "WD-WX11A, model WDC WD40EFRX, class sata, slot 3\n"
          "             sdb     FAULTED      0      0      5  too many errors  /dev/sdb\n"
          "         logs\n"
          "           nvme0n1   ONLINE       0      0      0                   /dev/nvme0n1\n"
          "         spares\n"
          "           sdd       AVAIL        -      -      -                   /dev/sdd\n"));
}

TEST(RenderPoolDetailTest, ErrorFilesAndScrubRuns) {
  const std::string out = RenderPoolDetailText(DegradedTank(), kPlain);
  EXPECT_THAT(out, HasSubstr(" errors: 2 data errors, permanent errors in the following files:\n"
                             "         /tank/a\n"
                             "         /tank/b\n"));
  EXPECT_THAT(out, HasSubstr("scrub runs (newest first):\n\n"
                             "         ID  TRIGGER    STATE     REQUESTED         STARTED"
                             "           ENDED             REPAIRED  ERRORS\n"
                             "         12  manual     running   2026-11-21 08:59  2026-11-21 09:00"
                             "  -                        -       -\n"
                             "          3  scheduled  finished  2026-11-13 10:00  2026-11-13 10:00"
                             "  2026-11-13 11:30        0B       0\n"));
  EXPECT_THAT(out, Not(HasSubstr("unparsed")));
}

TEST(RenderPoolDetailTest, AScrubTheAgentStartedOnItsOwnSaysAgent) {
  v1::GetPoolResponse r = DegradedTank();
  SetTrigger(*r.mutable_scrub_runs(1), v1::TRIGGER_AGENT);
  EXPECT_THAT(RenderPoolDetailText(r, kPlain),
              HasSubstr("          3  agent    finished  2026-11-13 10:00  2026-11-13 10:00"));
}

TEST(RenderPoolDetailTest, SparseFactsAndEmptyHistory) {
  v1::GetPoolResponse r;
  r.mutable_pool()->set_host_id("h9");
  r.mutable_pool()->mutable_pool()->set_name("old");
  r.mutable_pool()->mutable_pool()->set_state("ONLINE");
  r.mutable_pool()->mutable_pool()->add_unparsed("config: weird line");
  const std::string out = RenderPoolDetailText(r, kPlain);
  EXPECT_THAT(out, HasSubstr("   host: h9 (NOT REPORTING, never seen)\n"));
  EXPECT_THAT(out, HasSubstr("   size: unknown\n"));
  EXPECT_THAT(out, HasSubstr("   scan: none requested\n"));
  EXPECT_THAT(out, HasSubstr(" errors: unknown\n"));
  EXPECT_THAT(out, HasSubstr("unparsed: config: weird line\n"));
  EXPECT_THAT(out, HasSubstr("scrub runs: none recorded\n"));
  EXPECT_THAT(out, Not(HasSubstr("status:")));
}

TEST(RenderPoolDetailTest, JsonIsPoolJsonPlusFleetKeys) {
  const Json doc = Json::parse(RenderPoolDetailJson(DegradedTank()).dump());
  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  EXPECT_THAT(
      keys, ::testing::ElementsAre("host", "name", "state", "status", "action", "see", "scan",
                                   "errors", "vdevs", "size_bytes", "allocated_bytes", "free_bytes",
                                   "fragmentation_percent", "capacity_percent", "unparsed",
                                   "last_seen", "host_reporting", "scrub_runs"));
  EXPECT_EQ(doc["host"], "h1");
  EXPECT_EQ(doc["name"], "tank");
  EXPECT_EQ(doc["last_seen"], "2026-11-21T09:59:48Z");
  EXPECT_TRUE(doc["host_reporting"].get<bool>());
  EXPECT_EQ(doc["errors"]["count"], 2);
  EXPECT_EQ(doc["errors"]["files"], Json::parse(R"(["/tank/a", "/tank/b"])"));
  EXPECT_EQ(doc["scan"]["start_time"], "2026-11-21T09:00:00Z");
  EXPECT_TRUE(doc["scan"]["end_time"].is_null());

  const Json& sda = doc["vdevs"][0]["children"][0];
  EXPECT_EQ(sda["serial"], "WD-WX11A");
  EXPECT_EQ(sda["class"], "sata");
  EXPECT_TRUE(sda["wwn"].is_null());
  EXPECT_TRUE(doc["vdevs"][2]["checksum_errors"].is_null());  // the spare

  ASSERT_EQ(doc["scrub_runs"].size(), 2u);
  EXPECT_EQ(doc["scrub_runs"][0]["id"], 12);
  EXPECT_TRUE(doc["scrub_runs"][0]["ended_at"].is_null());
  EXPECT_EQ(doc["scrub_runs"][1]["ended_at"], "2026-11-13T11:30:00Z");
}

}  // namespace
}  // namespace zfleet::cli
