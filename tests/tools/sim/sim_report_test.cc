// zfleet-sim's output: the trace CSV recomputes the printed figures; the shell prints one
// JSON document or one error line.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/config/controller_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/temp_dir.h"
#include "tools/sim/sim_app.h"
#include "tools/sim/sim_metrics.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {
namespace {

using Json = nlohmann::json;
using zfleet::testing::ReadFile;

constexpr char kPolicy[] = R"([scheduler]
max_concurrent = 6
max_per_label = { rack = 2 }
[classes.sata]
windows = ["Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"]
[classes.sas]
windows = ["Sun 00:00-24:00"]
)";

constexpr char kFleet[] = R"({"hosts": [
 {"name": "h1", "labels": {"rack": "r1"}, "can_pause": false, "pools": [
   {"name": "tank", "class": "sata", "size_bytes": 9e12, "scan_bytes_per_s": 300e6,
    "last_scrub_age_days": 5},
   {"name": "bulk", "class": "sas", "size_bytes": 20e12, "scan_bytes_per_s": 500e6}]},
 {"name": "h2", "labels": {"rack": "r1"}, "pools": [
   {"name": "tank", "class": "sata", "size_bytes": 12e12, "scan_bytes_per_s": 300e6,
    "last_scrub_age_days": 8}]},
 {"name": "h3", "labels": {"rack": "r1"}, "pools": [
   {"name": "tank", "class": "sata", "size_bytes": 3e12, "scan_bytes_per_s": 300e6}]},
 {"name": "h4", "labels": {"rack": "r2"}, "pools": [
   {"name": "a", "class": "sata", "size_bytes": 6e12, "scan_bytes_per_s": 300e6,
    "last_scrub_age_days": 1},
   {"name": "b", "class": "nvme", "size_bytes": 2e12, "scan_bytes_per_s": 2e9,
    "last_scrub_age_days": 29}]}]})";

SimFlags Flags(const std::string& policy, const std::string& fleet, int days,
               const std::string& start = "", double jitter = 0) {
  SimFlags flags;
  flags.policy = policy;
  flags.fleet = fleet;
  flags.days = days;
  flags.start = start;
  flags.jitter = jitter;
  return flags;
}

SimFlags Outage(const std::string& fleet, const std::string& outage) {
  SimFlags flags = Flags("", fleet, 7, "2026-11-02T00:00:00Z");
  flags.outages = {outage};
  return flags;
}

// One directory per test process: ctest runs these tests in parallel processes, and a shared
// file name let one test read another's half-written fleet.
const zfleet::testing::TempDir& ProcessDir() {
  static const zfleet::testing::TempDir dir;
  return dir;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  ProcessDir().Write(name, text);
  return ProcessDir().File(name);
}

absl::Time ParseRfc3339(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &error)) << text;
  return t;
}

TEST(SimReportTest, TheTraceRecomputesThePrintedFigures) {
  auto fleet = ParseSimFleet(kFleet, "fleet.json");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  auto config = ParseControllerConfig(kPolicy, "policy.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const SchedulerPolicy& policy = config->scheduler;
  // Ends on a Saturday noon, inside the sata window, so scrubs may still be running.
  SimOptions options{absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone()),
                     absl::Hours(24 * 40 + 12)};
  SimRun run = RunScheduler(*fleet, policy, options);
  Json report = Json::parse(SimReportJson(
      *fleet, options, ComputeFigures(*fleet, policy, options, run),
      ComputeFigures(*fleet, policy, options, RunCronBaseline(*fleet, policy, options))));
  const absl::Time end = ParseRfc3339(report["end"]);
  EXPECT_EQ(ParseRfc3339(report["start"]), options.start);

  std::vector<std::string> lines = absl::StrSplit(TraceCsv(*fleet, run), '\n', absl::SkipEmpty());
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines[0], "scrub_id,host,pool,class,start,end");
  struct Row {
    std::string id, host, pool, cls;
    absl::Time start, end;
  };
  std::vector<Row> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(f.size(), 6u) << lines[i];
    rows.push_back(
        {f[0], f[1], f[2], f[3], ParseRfc3339(f[4]), f[5].empty() ? end : ParseRfc3339(f[5])});
  }
  // scrubs, and the starts of each pool.
  std::set<std::string> ids;
  std::map<std::string, std::vector<absl::Time>> starts;  // "host/pool" → first starts
  std::map<std::string, std::string> class_of;
  for (const Row& r : rows) {
    class_of[r.host + "/" + r.pool] = r.cls;
    if (ids.insert(r.id).second) starts[r.host + "/" + r.pool].push_back(r.start);
  }
  EXPECT_EQ(report["scrubs"], ids.size());
  // Peaks: at each start, count the rows covering it.
  int peak_fleet = 0, peak_host = 0, peak_rack = 0;
  for (const Row& r : rows) {
    std::map<std::string, int> hosts, racks;
    int n = 0;
    for (const Row& o : rows) {
      if (o.start <= r.start && r.start < o.end) {
        ++n;
        peak_host = std::max(peak_host, ++hosts[o.host]);
        peak_rack = std::max(peak_rack, ++racks[o.host == "h4" ? "r2" : "r1"]);
      }
    }
    peak_fleet = std::max(peak_fleet, n);
  }
  EXPECT_EQ(report["peak_concurrent"]["fleet"], peak_fleet);
  EXPECT_EQ(report["peak_concurrent"]["per_host"], peak_host);
  EXPECT_EQ(report["peak_concurrent"]["per_label"]["rack"], peak_rack);
  EXPECT_LE(peak_rack, 2);
  // Gaps and overdue days, from the starts and fleet.json's ages.
  std::map<std::string, double> age = {{"h1/tank", 5}, {"h2/tank", 8}, {"h4/a", 1}, {"h4/b", 29}};
  std::map<std::string, std::vector<double>> gaps;
  double overdue = 0;
  auto days = [](absl::Duration d) { return absl::ToDoubleHours(d) / 24; };
  for (const auto& [pool, cls] : std::map<std::string, std::string>{{"h1/tank", "sata"},
                                                                    {"h1/bulk", "sas"},
                                                                    {"h2/tank", "sata"},
                                                                    {"h3/tank", "sata"},
                                                                    {"h4/a", "sata"},
                                                                    {"h4/b", "nvme"}}) {
    absl::Duration interval = absl::Hours(24 * (cls == "sata" ? 7 : 30));
    bool known = age.count(pool) > 0;
    absl::Time anchor =
        options.start - (known ? absl::Hours(24) * age[pool] : absl::ZeroDuration());
    std::vector<absl::Time> s = starts[pool];
    s.push_back(end);
    for (size_t i = 0; i < s.size(); ++i) {
      absl::Time from = std::max(anchor + interval, options.start);
      if (s[i] > from) overdue += days(s[i] - from);
      if (i + 1 < s.size() && known) gaps[cls].push_back(days(s[i] - anchor));
      anchor = s[i];
      known = true;
    }
  }
  EXPECT_NEAR(report["overdue_pool_days"].get<double>(), overdue, 0.001);
  for (const auto& [cls, g] : gaps) {
    double sum = 0, max = 0;
    for (double x : g) sum += x, max = std::max(max, x);
    EXPECT_NEAR(report["classes"][cls]["max_gap_days"].get<double>(), max, 0.001) << cls;
    EXPECT_NEAR(report["classes"][cls]["mean_gap_days"].get<double>(), sum / g.size(), 0.001);
  }
  // Hours outside windows: only h1 cannot pause, so only its scrubs run past a window.
  double outside = 0;
  for (const Row& r : rows) {
    DiskClass c = *ParseDiskClass(r.cls);
    double h = absl::ToDoubleHours(
        policy.For(c).windows.ClosedTimeBetween(r.start, r.end, policy.timezone));
    if (r.host != "h1") {
      EXPECT_EQ(h, 0) << r.id;
    }
    outside += h;
  }
  EXPECT_GT(outside, 0);
  EXPECT_NEAR(report["scrub_hours_outside_windows"].get<double>(), outside, 0.001);
  EXPECT_EQ(report["baseline"]["peak_concurrent"]["per_host"], 2);
}

TEST(SimAppTest, PrintsOneJsonDocumentAndWritesTheTrace) {
  SimFlags flags;
  flags.policy = WriteTemp("policy.toml", kPolicy);
  flags.fleet = WriteTemp("fleet.json", kFleet);
  flags.trace = ProcessDir().File("trace.csv");
  flags.days = 14;
  flags.json = true;
  absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 11, 4, 9, 0, 0), absl::UTCTimeZone());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int rc = RunSim(flags, now);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ASSERT_EQ(rc, 0);
  Json report = Json::parse(out);
  EXPECT_EQ(report["start"], "2026-11-09T00:00:00Z");
  EXPECT_EQ(report["end"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(report["hosts"], 4);
  EXPECT_EQ(report["pools"], 6);
  EXPECT_TRUE(report["baseline"].contains("overdue_pool_days"));
  // The bound never exceeds what the scheduler reached; shortfalls is a list of lines.
  ASSERT_TRUE(report.contains("overdue_lower_bound"));
  EXPECT_LE(report["overdue_lower_bound"].get<double>(),
            report["overdue_pool_days"].get<double>() + 0.001);
  EXPECT_TRUE(report["shortfalls"].is_array());
  // h2's tank was last scrubbed 8 days before the start: late before anything runs.
  ASSERT_TRUE(report["late_at_start"].is_array());
  EXPECT_THAT(report["late_at_start"].get<std::vector<std::string>>(),
              ::testing::AllOf(::testing::Contains("h2/tank"),
                               ::testing::Not(::testing::Contains("h4/a"))));
  EXPECT_EQ(ReadFile(flags.trace).substr(0, 35), "scrub_id,host,pool,class,start,end\n");

  flags.json = false;
  flags.start = "2026-11-02T00:00:00Z";
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunSim(flags, now), 0);
  const std::string text = ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(text, ::testing::StartsWith("2026-11-02T00:00:00Z to 2026-11-16T00:00:00Z (14 "
                                          "days), 4 hosts, 6 pools\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\nlate at the start: [0-9]+ pools \\([^\n]*h2/tank"));
}

TEST(SimAppTest, OutageClosesTheClassWindowsAndIsPrinted) {
  SimFlags flags = Flags(WriteTemp("policy.toml", kPolicy), WriteTemp("fleet.json", kFleet), 21,
                         "2026-11-02T00:00:00Z");
  flags.outages = {"sata:2d/2026-11-16T00:00:00Z"};
  flags.trace = ProcessDir().File("outage.csv");
  flags.json = true;
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunSim(flags, absl::UnixEpoch()), 0);
  Json report = Json::parse(::testing::internal::GetCapturedStdout());
  EXPECT_EQ(report["outages"], Json::parse(R"([{"class": "sata",
      "from": "2026-11-04T00:00:00Z", "to": "2026-11-16T00:00:00Z"}])"));
  // No SATA scrub runs inside the outage; some run before or after it.
  int sata_segments = 0;
  std::vector<std::string> lines = absl::StrSplit(ReadFile(flags.trace), '\n');
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    if (f.size() != 6 || f[3] != "sata") continue;
    ++sata_segments;
    EXPECT_FALSE(f[4] < "2026-11-16T00:00:00Z" && (f[5].empty() || f[5] > "2026-11-04T00:00:00Z"))
        << lines[i];
  }
  EXPECT_GT(sata_segments, 0);

  flags.json = false;
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunSim(flags, absl::UnixEpoch()), 0);
  EXPECT_THAT(::testing::internal::GetCapturedStdout(),
              ::testing::HasSubstr("hosts, 6 pools\noutage: sata windows closed "
                                   "2026-11-04T00:00:00Z to 2026-11-16T00:00:00Z\n"));
}

TEST(SimAppTest, BadInputGivesOneErrorLine) {
  std::string policy = WriteTemp("bad.toml", "[scheduler]\nmax_concurrent = 0\n");
  std::string fleet = WriteTemp("bad.json", R"({"hosts": [{"name": "a", "pools": 3}]})");
  std::string good_fleet = WriteTemp("good.json", kFleet);
  struct Case {
    SimFlags flags;
    std::string error;
  } cases[] = {
      {Flags(policy, good_fleet, 7),
       "zfleet-sim: " + policy +
           ":2: scheduler.max_concurrent must be an integer from 1 to 1000000\n"},
      {Flags("", fleet, 7), "zfleet-sim: " + fleet + ": hosts[0].pools: must be a list\n"},
      {Flags("", "/nonexistent.json", 7), "zfleet-sim: cannot read fleet file /nonexistent.json\n"},
      {Flags("/nonexistent.toml", good_fleet, 7),
       "zfleet-sim: cannot read config /nonexistent.toml\n"},
      {Flags("", good_fleet, 0), "zfleet-sim: --days must be from 1 to 3650\n"},
      {Flags("", good_fleet, 7, "yesterday"),
       "zfleet-sim: --start: bad time \"yesterday\" (want RFC 3339, e.g. 2026-11-02T00:00:00Z)\n"},
      {Flags("", good_fleet, 7, "", 2.0), "zfleet-sim: --jitter must be from 0 to 0.9\n"},
      {Flags("", "", 7), "zfleet-sim: --fleet FILE is required\n"},
      {Outage(good_fleet, "sata"),
       "zfleet-sim: --outage \"sata\": want CLASS:FROM/TO, e.g. "
       "sata:7d/37d\n"},
      {Outage(good_fleet, "tape:1d/2d"),
       "zfleet-sim: --outage \"tape:1d/2d\": unknown class \"tape\" (want sata, scsi, usb, "
       "unknown, sas, fc, nvme or virtual)\n"},
      {Outage(good_fleet, "sata:soon/2d"),
       "zfleet-sim: --outage \"sata:soon/2d\": FROM and TO must be RFC 3339 times or durations "
       "after the start\n"},
      {Outage(good_fleet, "sata:3d/2026-11-01T00:00:00Z"),
       "zfleet-sim: --outage \"sata:3d/2026-11-01T00:00:00Z\": TO must come after FROM\n"},
  };
  for (const Case& c : cases) {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(RunSim(c.flags, absl::UnixEpoch()), 1);
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), c.error);
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  }
}

}  // namespace
}  // namespace zfleet::controller
