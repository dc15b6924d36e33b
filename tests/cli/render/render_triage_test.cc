// `zfleet triage` output.
#include "cli/render/render_triage.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kDay;
using fixtures::kNow;
using fixtures::kPlain;
using fixtures::TriageItem;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

v1::TriageResponse Triage() {
  v1::TriageResponse t;
  t.set_evaluated_at(kNow);
  v1::TriageItem disk =
      TriageItem("warning", "bad_disk", "h1", "tank", "checksum errors grew",
                 "replace the disk: zpool replace tank /dev/sdb NEW", kNow - 2 * kDay);
  *disk.mutable_disk() = fixtures::Disk("h1", "tank", "sdb", "ST4000", 0, 0, 40);
  fixtures::AddSample(disk.mutable_disk(), kNow - 3 * kDay, 0, 0, 0);
  fixtures::AddSample(disk.mutable_disk(), kNow - 2 * kDay, 0, 0, 12);
  fixtures::AddSample(disk.mutable_disk(), kNow - kDay, 0, 0, 40);
  *t.add_items() = disk;
  *t.add_items() =
      TriageItem("critical", "unhealthy_pool", "h2", "big", "pool FAULTED, 3 data errors",
                 "restore the listed files from backup", kNow - 3600);
  *t.add_items() = TriageItem("warning", "host_missing", "h3", "", "host not reporting for 3h0m",
                              "check zfleet-agent on h3", 0);
  *t.add_items() =
      TriageItem("critical", "stack", "h4", "", "no zfs module for kernel 6.1.0-13-amd64",
                 "run `dkms install zfs/2.1.11 -k 6.1.0-13-amd64`", 0);
  return t;
}

TEST(RenderTriageTest, NothingNeedsAttentionExactly) {
  EXPECT_EQ(RenderTriageText(v1::TriageResponse(), kPlain), "nothing needs attention\n");
  v1::TriageResponse evaluated;
  evaluated.set_evaluated_at(kNow);
  EXPECT_EQ(RenderTriageText(evaluated, kPlain), "nothing needs attention\n");
}

TEST(RenderTriageTest, MostSevereFirstWithWhereWhatAndAction) {
  EXPECT_EQ(RenderTriageText(Triage(), kPlain),
            "4 items need attention: 2 critical, 2 warning\n"
            "\n"
            "CRITICAL  h2/big: pool FAULTED, 3 data errors (since 2026-11-21 09:00 UTC, "
            "1h0m ago)\n"
            "          ACTION: restore the listed files from backup\n"
            "CRITICAL  h4: no zfs module for kernel 6.1.0-13-amd64\n"
            "          ACTION: run `dkms install zfs/2.1.11 -k 6.1.0-13-amd64`\n"
            "WARNING   h1/tank disk /dev/sdb (serial SN-sdb, model ST4000, slot 3): "
            "checksum errors grew (since 2026-11-19 10:00 UTC, 2d0h ago)\n"
            "          errors: read 0, write 0, cksum 40; cksum 0→12→40 over 3 samples\n"
            "          ACTION: replace the disk: zpool replace tank /dev/sdb NEW\n"
            "WARNING   h3: host not reporting for 3h0m\n"
            "          ACTION: check zfleet-agent on h3\n");
}

TEST(RenderTriageTest, OneItemAndColour) {
  v1::TriageResponse t;
  *t.add_items() = TriageItem("critical", "stack", "", "", "stack check failed", "", 0);
  EXPECT_EQ(RenderTriageText(t, kPlain),
            "1 item needs attention: 1 critical\n\nCRITICAL  fleet: stack check failed\n");
  const std::string text = RenderTriageText(Triage(), fixtures::kColor);
  EXPECT_THAT(text, HasSubstr("\033[31mCRITICAL\033[0m  h2/big"));
  EXPECT_THAT(text, HasSubstr("\033[33mWARNING\033[0m   h1/tank"));
  EXPECT_THAT(text, HasSubstr("\033[1mACTION:\033[0m restore"));
}

TEST(RenderTriageTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderTriageJson(Triage()).dump());
  EXPECT_EQ(doc["evaluated_at"], "2026-11-21T10:00:00Z");
  ASSERT_EQ(doc["items"].size(), 4u);
  EXPECT_EQ(doc["items"][0], Json::parse(R"({"severity": "critical", "kind": "unhealthy_pool",
      "host": "h2", "pool": "big", "disk": null, "problem": "pool FAULTED, 3 data errors",
      "action": "restore the listed files from backup", "since": "2026-11-21T09:00:00Z",
      "incident": null, "acknowledged_by": null, "subject": null, "value": 0, "held": 0})"));
  EXPECT_TRUE(doc["items"][1]["pool"].is_null());
  EXPECT_TRUE(doc["items"][1]["since"].is_null());
  const Json& disk = doc["items"][2];
  EXPECT_EQ(disk["kind"], "bad_disk");
  EXPECT_EQ(disk["disk"]["serial"], "SN-sdb");
  EXPECT_EQ(disk["disk"]["enclosure_slot"], "3");
  EXPECT_EQ(disk["disk"]["history"].size(), 3u);
  EXPECT_EQ(RenderTriageJson(v1::TriageResponse()).dump(), R"({"evaluated_at":null,"items":[]})");
}

TEST(RenderTriageTest, IncidentLinesAndHeldIncidents) {
  v1::TriageResponse t;
  v1::TriageItem stuck = TriageItem("warning", "zpool_stuck", "h1", "", "zpool hangs", "", 0);
  stuck.set_incident_id(12);
  stuck.set_held(2);
  *t.add_items() = stuck;
  v1::TriageItem taken = TriageItem("warning", "host_missing", "h2", "", "silent", "", 0);
  taken.set_incident_id(13);
  taken.set_acknowledged_by("bob");
  *t.add_items() = taken;
  EXPECT_EQ(RenderTriageText(t, kPlain),
            "2 items need attention: 2 warning\n\n"
            "WARNING   h1: zpool hangs\n"
            "          holds 2 open incidents of this host as last known (`zfleet incidents "
            "--host h1`)\n"
            "          incident 12: `zfleet ack 12` when you take it\n"
            "WARNING   h2: silent\n"
            "          incident 13, acknowledged by bob\n");
  const Json doc = Json::parse(RenderTriageJson(t).dump());
  EXPECT_EQ(doc["items"][0]["incident"], 12);
  EXPECT_EQ(doc["items"][0]["held"], 2);
  EXPECT_EQ(doc["items"][1]["acknowledged_by"], "bob");
}

}  // namespace
}  // namespace zfleet::cli
