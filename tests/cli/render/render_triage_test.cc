// `zfleet triage` output.
#include "cli/render/render_triage.h"

#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli/render/table.h"
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

constexpr char kLongPath[] = "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456";
constexpr char kLongHost[] = "storage-node-0001.rack-07.datacenter-east.example.com";

// Items with lines far longer than 80 columns: a long host, a by-id path, long texts.
v1::TriageResponse LongTriage() {
  v1::TriageResponse t;
  t.set_evaluated_at(kNow);
  v1::TriageItem disk = TriageItem(
      "warning", "bad_disk", kLongHost, "tank", "checksum errors keep growing on this disk",
      "replace the disk: zpool replace tank " + std::string(kLongPath) + " NEW-DISK", kNow - kDay);
  *disk.mutable_disk() = fixtures::Disk(kLongHost, "tank", "sdb", "WDC WD40EFRX-68N32N0", 0, 0, 40);
  disk.mutable_disk()->set_path(kLongPath);
  fixtures::AddSample(disk.mutable_disk(), kNow - 3 * kDay, 3, 0, 0);
  fixtures::AddSample(disk.mutable_disk(), kNow - 2 * kDay, 3, 0, 12);
  fixtures::AddSample(disk.mutable_disk(), kNow - kDay, 3, 0, 40);
  disk.set_incident_id(12);
  *t.add_items() = disk;
  v1::TriageItem stuck = TriageItem(
      "critical", "zpool_stuck", kLongHost, "",
      "zpool does not answer: every call timed out after 30s for the last 3 reports",
      "look at the ZFS daemon, the kernel log (dmesg) and the disk behind the pool", kNow - 3600);
  stuck.set_held(3);
  *t.add_items() = stuck;
  return t;
}

std::vector<std::string> TriageLines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The words of `text`, wherever its lines break.
std::vector<std::string> TriageWords(const std::string& text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \n"), absl::SkipEmpty());
}

TEST(RenderTriageTest, LinesFitTheWidthWithNothingLost) {
  const std::string whole = RenderTriageText(LongTriage(), kPlain);
  RenderOptions options = kPlain;
  options.width = 80;
  const std::string fitted = RenderTriageText(LongTriage(), options);
  EXPECT_GT(TriageLines(fitted).size(), TriageLines(whole).size());
  EXPECT_EQ(TriageWords(fitted), TriageWords(whole));
  int item_starts = 0;
  for (const std::string& line : TriageLines(fitted)) {
    SCOPED_TRACE(line);
    EXPECT_LE(DisplayWidth(line), 80u);
    if (line.starts_with("CRITICAL  ") || line.starts_with("WARNING   ")) {
      ++item_starts;
    } else if (!line.starts_with("2 items need attention")) {
      EXPECT_TRUE(line.starts_with(std::string(10, ' ')) && line[10] != ' ');
    }
  }
  EXPECT_EQ(item_starts, 2);  // no continuation line in the severity column
  // The path and a command that fits a line stay whole, to copy; one wider than any line
  // breaks at its spaces.
  EXPECT_THAT(fitted, HasSubstr(std::string("\n          ") + kLongPath + " (serial\n"));
  EXPECT_THAT(fitted, HasSubstr("incident 12: `zfleet ack 12` when you take it\n"));
  EXPECT_THAT(fitted, HasSubstr("(`zfleet incidents\n          --host " + std::string(kLongHost)));
  // Wide enough for every line: exactly as without a limit.
  options.width = 400;
  EXPECT_EQ(RenderTriageText(LongTriage(), options), whole);
  options.width = 80;
  EXPECT_THAT(
      RenderTriageText(Triage(), options),
      ::testing::StartsWith(
          "4 items need attention: 2 critical, 2 warning\n"
          "\n"
          "CRITICAL  h2/big: pool FAULTED, 3 data errors (since 2026-11-21 09:00 UTC, 1h0m\n"
          "          ago)\n"
          "          ACTION: restore the listed files from backup\n"));
}

TEST(RenderTriageTest, ColourEscapesDoNotCountTowardTheWidth) {
  RenderOptions options = fixtures::kColor;
  options.width = 80;
  const std::string fitted = RenderTriageText(LongTriage(), options);
  EXPECT_THAT(fitted, HasSubstr("\033[31mCRITICAL\033[0m  "));
  EXPECT_THAT(fitted, HasSubstr("\033[1mACTION:\033[0m "));
  EXPECT_EQ(TriageWords(fitted), TriageWords(RenderTriageText(LongTriage(), fixtures::kColor)));
  for (const std::string& line : TriageLines(fitted)) EXPECT_LE(DisplayWidth(line), 80u) << line;
  // The escapes are not taken for text: without them, the lines break where plain ones do.
  RenderOptions plain = kPlain;
  plain.width = 80;
  EXPECT_EQ(absl::StrReplaceAll(fitted, {{"\033[31m", ""}, {"\033[33m", ""}, {"\033[1m", ""},
                                         {"\033[0m", ""}}),
            RenderTriageText(LongTriage(), plain));
}

TEST(RenderTriageTest, NarrowWidthsEndWithEveryWordKept) {
  const std::vector<std::string> words = TriageWords(RenderTriageText(LongTriage(), kPlain));
  for (size_t width : {1u, 9u, 10u, 11u, 20u}) {
    SCOPED_TRACE(width);
    RenderOptions options = kPlain;
    options.width = width;
    const std::string fitted = RenderTriageText(LongTriage(), options);
    EXPECT_EQ(TriageWords(fitted), words);
    // A line wider than the width is one word alone after the indent.
    for (const std::string& line : TriageLines(fitted)) {
      if (DisplayWidth(line) > width) {
        EXPECT_EQ(TriageWords(line).size(), 1u) << line;
      }
    }
  }
}

}  // namespace
}  // namespace zfleet::cli
