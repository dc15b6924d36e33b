#include "agent/zpool/zpool_status_json_parser.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "agent/zpool/zpool_status_parser.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/agent/zpool/parser_fixtures.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kNov15At002401 = 1794702241;  // Sun Nov 15 00:24:01 2026 UTC

StatusParseResult ParseJsonOk(const std::string& text) {
  absl::StatusOr<StatusParseResult> result = ParseZpoolStatusJson(text);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : StatusParseResult{};
}

v1::Pool OnlyPool(const std::string& fixture) {
  StatusParseResult result = ParseJsonOk(ReadFixture(fixture));
  EXPECT_EQ(result.pools.size(), 1u) << fixture;
  EXPECT_EQ(result.unparsed_count, 0) << fixture;
  return result.pools.empty() ? v1::Pool{} : result.pools[0];
}

// One pool from a document holding only `pool_body` (the inside of a pool object).
v1::Pool PoolFrom(const std::string& pool_body) {
  StatusParseResult r =
      ParseJsonOk(absl::StrCat(R"({"pools": {"p": {"name": "p", )", pool_body, "}}}"));
  return r.pools.empty() ? v1::Pool{} : r.pools[0];
}

// A pool with one data leaf `leaf` (a JSON object body) under the root vdev.
v1::Vdev LeafFrom(const std::string& leaf, const std::string& scan = "") {
  v1::Pool pool = PoolFrom(absl::StrCat(
      scan, R"("vdevs": {"p": {"vdev_type": "root", "vdevs": {"d": {"name": "d", )", leaf, "}}}}"));
  return pool.vdevs_size() == 1 ? pool.vdevs(0) : v1::Vdev{};
}

// ---------------------------------------------------------------------------------------
// Twins: a JSON fixture and the text fixture of the same situation read the same wherever
// both carry a fact. Facts only one side has (JSON's device path and per-device repaired
// bytes; the text's rate and time to go) are dropped from both before comparing.

void KeepSharedFacts(google::protobuf::Message& a, google::protobuf::Message& b) {
  const google::protobuf::Descriptor* desc = a.GetDescriptor();
  const google::protobuf::Reflection* ra = a.GetReflection();
  const google::protobuf::Reflection* rb = b.GetReflection();
  for (int i = 0; i < desc->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = desc->field(i);
    const bool message = f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    if (f->is_repeated()) {
      if (!message || ra->FieldSize(a, f) != rb->FieldSize(b, f)) continue;
      for (int k = 0; k < ra->FieldSize(a, f); ++k) {
        KeepSharedFacts(*ra->MutableRepeatedMessage(&a, f, k),
                        *rb->MutableRepeatedMessage(&b, f, k));
      }
    } else if (message) {
      KeepSharedFacts(*ra->MutableMessage(&a, f), *rb->MutableMessage(&b, f));
    } else if (f->has_presence() && ra->HasField(a, f) != rb->HasField(b, f)) {
      ra->ClearField(&a, f);
      rb->ClearField(&b, f);
    } else if (f->name() == "path") {  // the printed name vs. the device path
      ra->ClearField(&a, f);
      rb->ClearField(&b, f);
    }
  }
}

int RoleRank(const std::string& role) {
  static const char* const kOrder[] = {"data", "dedup", "special", "log", "cache", "spare"};
  for (int i = 0; i < 6; ++i) {
    if (role == kOrder[i]) return i;
  }
  return 6;
}

struct TwinCase {
  std::string json;
  std::string text;
};

// The differences between the pools read from a JSON and a text fixture; "" when none.
std::string TwinDiff(const std::string& json_fixture, const std::string& text_fixture) {
  v1::Pool from_json = OnlyPool(json_fixture);
  absl::StatusOr<StatusParseResult> text = ParseZpoolStatus(ReadFixture(text_fixture));
  if (!text.ok() || text->pools.size() != 1) return "text fixture does not hold one pool";
  v1::Pool from_text = text->pools[0];
  // zpool prints dedup before special; the hand-written raidz2_all_roles.txt has them the
  // other way round, so classes are compared in zpool's order.
  std::stable_sort(
      from_text.mutable_vdevs()->begin(), from_text.mutable_vdevs()->end(),
      [](const v1::Vdev& a, const v1::Vdev& b) { return RoleRank(a.role()) < RoleRank(b.role()); });
  KeepSharedFacts(from_json, from_text);
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  differ.Compare(from_text, from_json);
  return diff;
}

class TwinTest : public ::testing::TestWithParam<TwinCase> {};

TEST_P(TwinTest, JsonAndTextAgree) { EXPECT_EQ(TwinDiff(GetParam().json, GetParam().text), ""); }

TEST(TwinDiffTest, SeesADifferentSituation) {
  EXPECT_THAT(TwinDiff("openzfs23/healthy.json", "openzfs2/scrub_in_progress_22.txt"),
              HasSubstr("scan.state"));
}

INSTANTIATE_TEST_SUITE_P(
    OpenZfs23, TwinTest,
    ::testing::Values(
        TwinCase{"openzfs23/healthy.json", "openzfs2/healthy_mirror.txt"},
        TwinCase{"openzfs23/scrub_in_progress.json", "openzfs2/scrub_in_progress_22.txt"},
        TwinCase{"openzfs23/scrub_repaired.json", "openzfs2/scrub_repaired.txt"},
        TwinCase{"openzfs23/resilver_replacing.json", "openzfs2/resilver_in_progress.txt"},
        TwinCase{"openzfs23/roles.json", "openzfs2/raidz2_all_roles.txt"}));

// ---------------------------------------------------------------------------------------
// Each fixture's own facts, including those only JSON carries.

TEST(ZpoolStatusJsonFixtureTest, Healthy) {
  const v1::Pool pool = OnlyPool("openzfs23/healthy.json");
  EXPECT_EQ(pool.name(), "tank");
  EXPECT_EQ(pool.state(), "ONLINE");
  EXPECT_EQ(pool.status(), "");
  EXPECT_EQ(pool.scan().function(), "scrub");
  EXPECT_EQ(pool.scan().state(), "finished");
  EXPECT_EQ(pool.scan().start_time(), kNov15At002401);
  EXPECT_EQ(pool.scan().end_time(), kNov15At002401 + 1);
  EXPECT_EQ(pool.scan().bytes_scanned(), 1257177088u);
  EXPECT_FALSE(pool.scan().has_percent_done());
  ASSERT_EQ(pool.vdevs_size(), 1);
  EXPECT_EQ(pool.vdevs(0).type(), "mirror");
  EXPECT_EQ(pool.vdevs(0).path(), "");
  EXPECT_EQ(pool.vdevs(0).children(0).path(), "/dev/nvme0n1p1");
  EXPECT_EQ(pool.errors().count(), 0u);
  EXPECT_EQ(pool.errors().text(), "No known data errors");
}

TEST(ZpoolStatusJsonFixtureTest, ScrubInProgress) {
  const v1::Scan scan = OnlyPool("openzfs23/scrub_in_progress.json").scan();
  EXPECT_EQ(scan.state(), "scanning");
  EXPECT_DOUBLE_EQ(scan.percent_done(), 31.25);
  EXPECT_EQ(scan.bytes_scanned(), kT + 23 * kT / 100);
  EXPECT_EQ(scan.bytes_issued(), 800 * kG);
  EXPECT_EQ(scan.bytes_total(), 2 * kT + kT / 2);
  EXPECT_EQ(scan.errors(), 0u);
  EXPECT_FALSE(scan.has_end_time());
  EXPECT_FALSE(scan.has_scan_rate_bytes_per_s());  // zpool derives it from the clock
}

TEST(ZpoolStatusJsonFixtureTest, ScrubRepairedNamesTheDevice) {
  const v1::Pool pool = OnlyPool("openzfs23/scrub_repaired.json");
  EXPECT_EQ(pool.scan().bytes_repaired(), 3 * kM / 2);
  EXPECT_EQ(pool.scan().start_time(), pool.scan().end_time() - 90123);
  EXPECT_EQ(pool.see(), "https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-9P");
  EXPECT_THAT(pool.status(), HasSubstr("error.  An attempt was made"));
  const v1::Vdev& sda = pool.vdevs(0).children(0);
  EXPECT_EQ(sda.checksum_errors(), 3565158u);
  EXPECT_EQ(sda.bytes_repaired(), 3 * kM / 2);
  EXPECT_EQ(sda.note(), "");  // "(repairing)" only while the scrub runs
  EXPECT_FALSE(pool.vdevs(0).children(1).has_bytes_repaired());
}

TEST(ZpoolStatusJsonFixtureTest, ResilverWithReplacing) {
  const v1::Pool pool = OnlyPool("openzfs23/resilver_replacing.json");
  EXPECT_EQ(pool.scan().function(), "resilver");
  EXPECT_EQ(pool.scan().bytes_repaired(), 200 * kG);
  const v1::Vdev& replacing = pool.vdevs(0).children(1);
  EXPECT_EQ(replacing.type(), "replacing");
  EXPECT_EQ(replacing.children(0).state(), "UNAVAIL");
  EXPECT_EQ(replacing.children(0).note(), "was /dev/sdb1");
  EXPECT_EQ(replacing.children(1).note(), "(resilvering)");
  EXPECT_EQ(replacing.children(1).bytes_resilvered(), 200 * kG);
}

TEST(ZpoolStatusJsonFixtureTest, DegradedWithPermanentErrors) {
  const v1::Pool pool = OnlyPool("openzfs23/degraded.json");
  EXPECT_EQ(pool.state(), "DEGRADED");
  EXPECT_EQ(pool.scan().errors(), 2u);
  EXPECT_EQ(pool.vdevs(0).children(1).state(), "OFFLINE");
  const v1::Vdev& faulted = pool.vdevs(1).children(1);
  EXPECT_EQ(faulted.state(), "FAULTED");
  EXPECT_EQ(faulted.note(), "too many errors");
  EXPECT_EQ(faulted.write_errors(), 154u);
  EXPECT_EQ(pool.errors().count(), 2u);
  EXPECT_EQ(pool.errors().text(), "Permanent errors have been detected in the following files:");
  EXPECT_THAT(pool.errors().files(), ElementsAre("/backup/db/pg_wal/000000010000000A0000002F",
                                                 "backup/home@daily-2026-11-14:/alice/thesis.tex"));
}

TEST(ZpoolStatusJsonFixtureTest, EveryRoleInZpoolsOrder) {
  const v1::Pool pool = OnlyPool("openzfs23/roles.json");
  std::vector<std::string> roles;
  for (const v1::Vdev& v : pool.vdevs()) roles.push_back(v.role() + ":" + v.name());
  EXPECT_THAT(roles, ElementsAre("data:raidz2-0", "dedup:mirror-2", "special:mirror-1",
                                 "log:mirror-3", "cache:nvme0n1p4", "spare:wwn-0x5000c500a1b2c3e1",
                                 "spare:wwn-0x5000c500a1b2c3e2"));
  EXPECT_EQ(pool.vdevs(0).type(), "raidz2");
  EXPECT_EQ(pool.vdevs(0).children(2).type(), "spare");
  EXPECT_EQ(pool.vdevs(5).state(), "INUSE");
  EXPECT_EQ(pool.vdevs(5).note(), "currently in use");
  EXPECT_FALSE(pool.vdevs(5).has_read_errors());
  EXPECT_EQ(pool.vdevs(6).state(), "AVAIL");
  EXPECT_EQ(pool.vdevs(3).children(0).role(), "log");
}

// ---------------------------------------------------------------------------------------
// Number spellings, scan states, notes.

TEST(ZpoolStatusJsonTest, ExactStringsHumanStringsAndDatesReadLikeIntegers) {
  const std::string as_int = ReadFixture("openzfs23/scrub_repaired.json");
  std::string as_strings = absl::StrReplaceAll(
      as_int, {{"\"start_time\": 1794612119", "\"start_time\": \"Fri Nov 13 23:21:59 2026\""},
               {"\"end_time\": 1794702242", "\"end_time\": \"1794702242\""},
               {"\"checksum_errors\": 3565158", "\"checksum_errors\": \"3565158\""},
               {"\"processed\": 1572864", "\"processed\": \"1.50M\""}});
  ASSERT_NE(as_strings, as_int);
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(ParseJsonOk(as_int).pools.at(0), ParseJsonOk(as_strings).pools.at(0)))
      << diff;
}

TEST(ZpoolStatusJsonTest, ScanStates) {
  const std::string base =
      R"("function": "SCRUB", "start_time": 100, "end_time": 200, "to_examine": 1000,
         "skipped": 200, "issued": 400, "examined": 500, "processed": 0, "errors": 0)";
  v1::Scan paused =
      PoolFrom(
          absl::StrCat(R"("scan_stats": {"state": "SCANNING", "scrub_pause": 150, )", base, "}"))
          .scan();
  EXPECT_EQ(paused.state(), "paused");
  EXPECT_DOUBLE_EQ(paused.percent_done(), 50);  // issued / (to_examine - skipped)
  EXPECT_FALSE(paused.has_end_time());
  v1::Scan canceled =
      PoolFrom(absl::StrCat(R"("scan_stats": {"state": "CANCELED", )", base, "}")).scan();
  EXPECT_EQ(canceled.state(), "canceled");
  EXPECT_EQ(canceled.end_time(), 200);
  EXPECT_FALSE(canceled.has_percent_done());
  v1::Pool never = PoolFrom(R"("state": "ONLINE")");
  EXPECT_EQ(never.scan().function(), "none");
  EXPECT_EQ(never.scan().state(), "none");
  EXPECT_FALSE(never.errors().has_count());
}

TEST(ZpoolStatusJsonTest, UnknownScanFunctionIsKeptNotGuessed) {
  StatusParseResult r = ParseJsonOk(
      R"({"pools": {"p": {"scan_stats": {"function": "ERRORSCRUB", "state": "SCANNING"}}}})");
  EXPECT_EQ(r.pools.at(0).scan().function(), "none");
  EXPECT_THAT(r.pools.at(0).unparsed(),
              ElementsAre("scan_stats: function=ERRORSCRUB state=SCANNING"));
  EXPECT_EQ(r.unparsed_count, 1);
}

TEST(ZpoolStatusJsonTest, DraidRebuild) {
  const std::string rebuild =
      R"("rebuild_stats": {"draid1:2d:4c:1s-0": {"state": "ACTIVE", "start_time": 100,
         "end_time": 0, "scanned": 299, "issued": 200, "rebuilt": 150, "to_scan": 999,
         "errors": 0}})";
  v1::Scan running =
      PoolFrom(absl::StrCat(
                   R"("scan_stats": {"function": "SCRUB", "state": "FINISHED", "end_time": 50, )",
                   rebuild, "}"))
          .scan();
  EXPECT_EQ(running.function(), "resilver");
  EXPECT_EQ(running.state(), "scanning");
  EXPECT_EQ(running.bytes_repaired(), 150u);
  EXPECT_DOUBLE_EQ(running.percent_done(), 29.9);  // scanned * 100 / (to_scan + 1)
  v1::Scan done =
      PoolFrom(absl::StrCat(
                   R"("scan_stats": {)",
                   absl::StrReplaceAll(
                       rebuild, {{"ACTIVE", "COMPLETE"}, {"\"end_time\": 0", "\"end_time\": 400"}}),
                   "}"))
          .scan();
  EXPECT_EQ(done.state(), "finished");
  EXPECT_EQ(done.end_time(), 400);
}

struct NoteCase {
  std::string leaf;
  std::string state;
  std::string note;
};

class NoteTest : public ::testing::TestWithParam<NoteCase> {};

TEST_P(NoteTest, ReadsLikeTheTextOutput) {
  const std::string running =
      R"("scan_stats": {"function": "RESILVER", "state": "SCANNING", "start_time": 1}, )";
  const v1::Vdev v = LeafFrom(GetParam().leaf, running);
  EXPECT_EQ(v.state(), GetParam().state);
  EXPECT_EQ(v.note(), GetParam().note);
}

INSTANTIATE_TEST_SUITE_P(
    AllNotes, NoteTest,
    ::testing::Values(
        NoteCase{R"("state": "CANT_OPEN", "aux": "OPEN_FAILED")", "UNAVAIL", "cannot open"},
        NoteCase{R"("state": "CANT_OPEN", "aux": "CORRUPT_DATA")", "FAULTED", "corrupted data"},
        NoteCase{R"("state": "CLOSED")", "OFFLINE", ""},
        NoteCase{R"("state": "REMOVED", "aux": "EXTERNAL")", "REMOVED", "external device fault"},
        NoteCase{R"("state": "FAULTED", "aux": "ERR_EXCEEDED", "read_errors": 0, "slow_ios": 9)",
                 "FAULTED", "too many slow I/Os"},
        NoteCase{R"("state": "ONLINE", "configured_ashift": 9, "physical_ashift": 12)", "ONLINE",
                 "block size: 512B configured, 4096B native"},
        NoteCase{R"("state": "ONLINE", "removing": 1)", "ONLINE", "(removing)"},
        NoteCase{R"("state": "ONLINE", "resilver_deferred": 1)", "ONLINE", "(awaiting resilver)"},
        NoteCase{R"("state": "DEGRADED", "scan_processed": 5)", "DEGRADED", ""},
        NoteCase{R"("state": "HEALTHY", "scan_processed": 5)", "ONLINE", "(resilvering)"}));

TEST(ZpoolStatusJsonTest, SpareInUseByAnotherPool) {
  v1::Pool pool =
      PoolFrom(R"("spares": {"sdz": {"state": "INUSE", "aux": "SPARED", "used_by": "other"}})");
  ASSERT_EQ(pool.vdevs_size(), 1);
  EXPECT_EQ(pool.vdevs(0).role(), "spare");
  EXPECT_EQ(pool.vdevs(0).note(), "in use by pool 'other'");
}

TEST(ZpoolStatusJsonTest, SectionsWithoutAPlaceAreKept) {
  v1::Pool pool = PoolFrom(
      R"("removal_stats": {"state": "FINISHED", "removing_vdev": 1, "copied": 2684354560})");
  EXPECT_THAT(pool.unparsed(),
              ElementsAre("removal_stats: state=\"FINISHED\" removing_vdev=1 copied=2684354560"));
}

TEST(ZpoolStatusJsonTest, HealthyStatusCodeAndErrlistFailure) {
  v1::Pool pool = PoolFrom(R"("status": "OK", "error_count": "3", "errlist": "Permission denied")");
  EXPECT_EQ(pool.status(), "");
  EXPECT_EQ(pool.errors().count(), 3u);
  EXPECT_EQ(pool.errors().text(), "List of errors unavailable: Permission denied");
  EXPECT_EQ(PoolFrom(R"("error_count": 7)").errors().text(), "7 data errors, use '-v' for a list");
}

// ---------------------------------------------------------------------------------------
// What is not zpool status -j, and input of the wrong shape.

TEST(ZpoolStatusJsonTest, RefusesWhatIsNotStatusJson) {
  for (const char* text : {"", "  pool: tank\n state: ONLINE\n", "[1, 2]", R"({"pools": []})",
                           R"({"output_version": {}})", "{\"pools\": {"}) {
    absl::StatusOr<StatusParseResult> r = ParseZpoolStatusJson(text);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  absl::StatusOr<StatusParseResult> list = ParseZpoolStatusJson(
      R"({"output_version": {"command": "zpool list"}, "pools": {"tank": {}}})");
  EXPECT_THAT(list.status().message(), HasSubstr("zpool list"));
}

TEST(ZpoolStatusJsonTest, NoPools) {
  StatusParseResult r =
      ParseJsonOk(R"({"output_version": {"command": "zpool status"}, "pools": {}})");
  EXPECT_TRUE(r.no_pools);
  EXPECT_TRUE(r.pools.empty());
}

TEST(ZpoolStatusJsonTest, WrongTypesAreAbsentNeverFatal) {
  for (const char* body :
       {R"("state": 5, "status": [], "scan_stats": "x", "vdevs": [], "error_count": -1)",
        R"("vdevs": {"p": {"vdev_type": "root", "vdevs": {"a": 7, "b": {"read_errors": 1.5}}}})",
        R"("vdevs": {"p": {"vdev_type": "root", "vdevs": "x"}}, "spares": {"s": null})",
        R"("scan_stats": {"function": "SCRUB", "state": "SCANNING", "to_examine": 0,
            "skipped": 9, "issued": 1, "rebuild_stats": [1]}, "errlist": {"a": 1})",
        R"("name": null, "dedup": 1, "logs": {"m": {"vdevs": {"x": {"vdevs": {}}}}})"}) {
    absl::StatusOr<StatusParseResult> r =
        ParseZpoolStatusJson(absl::StrCat(R"({"pools": {"p": {)", body, "}, \"q\": 3}}"));
    ASSERT_TRUE(r.ok()) << body << ": " << r.status();
    EXPECT_EQ(r->pools.size(), 1u) << body;
    EXPECT_THAT(r->unparsed, ElementsAre("pools.q: not an object"));
  }
  EXPECT_FALSE(LeafFrom(R"("read_errors": -4)").has_read_errors());
  EXPECT_EQ(LeafFrom(R"("read_errors": "1.2K")").read_errors(), 1228u);
}

TEST(ZpoolStatusJsonTest, DeepTreesAreCutNotRecursedInto) {
  std::string tree = R"({"name": "leaf"})";
  for (int i = 0; i < 5000; ++i)
    tree = absl::StrCat(R"({"vdev_type": "mirror", "vdevs": {"v": )", tree, "}}");
  v1::Pool pool = PoolFrom(absl::StrCat(R"("vdevs": {"p": )", tree, "}"));
  EXPECT_THAT(pool.unparsed(), ElementsAre(HasSubstr("nested deeper than 16")));
}

}  // namespace
}  // namespace zfleet::agent
