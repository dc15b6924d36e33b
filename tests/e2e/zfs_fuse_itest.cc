// End-to-end on real ZFS: zfs-fuse pools with real corruption, the real controller, agent
// and CLI, all over mutual TLS. Under CI (env CI set) a machine that cannot run zfs-fuse fails these tests.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "common/time_format.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/real_alertmanager.h"
#include "tests/testing/zfs_fuse.h"

namespace zfleet::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr size_t kDevSize = 128 << 20;
const std::string kHost = "e2e-host";

class ZfsFuseEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto zfs = ZfsFuse::Acquire();
    if (!zfs.ok()) {
      unavailable_ = new std::string(zfs.status().message());
      return;
    }
    zfs_ = zfs->release();
    DestroyStalePools();
    dir_ = new TempDir();
    const std::string tag = std::to_string(getpid());
    mirror_ = "zfe2em" + tag;
    single_ = "zfe2es" + tag;
    setup_error_ = new std::string(CreateCorruptedPools().ToString());
    if (*setup_error_ != "OK") return;
    fleet_ = new ProcessFleet(dir_);
    // The whole suite runs as a deployment would: mutual TLS, the agent with its own
    // certificate, the CLI as an admin.
    if (!fleet_->EnableMutualTls()) {
      *setup_error_ = "zfleet-controller pki failed";
      return;
    }
    fleet_->StartController();
    fleet_->StartAgent(kHost, zfs_->zpool());
  }

  // Pools named zfe2e* belong to these tests; one left by an interrupted run (its files
  // gone, so FAULTED) would show up in every later status and triage.
  static void DestroyStalePools() {
    RunResult list = RunProgram({zfs_->zpool(), "list", "-H", "-o", "name"}, 60);
    for (absl::string_view name : absl::StrSplit(list.out, '\n', absl::SkipEmpty())) {
      if (absl::StartsWith(name, "zfe2e")) (void)zfs_->Zpool({"destroy", "-f", std::string(name)});
    }
  }

  static absl::Status CreateCorruptedPools() {
    for (const char* f : {"m1", "m2", "s1"}) {
      std::filesystem::resize_file(
          (std::ofstream(dir_->File(f)), dir_->File(f)), kDevSize);
    }
    std::filesystem::create_directories(dir_->File("mnt-m"));
    std::filesystem::create_directories(dir_->File("mnt-s"));
    auto zpool = [](std::vector<std::string> args) { return zfs_->Zpool(args); };
    if (auto s = zpool({"create", "-f", "-m", dir_->File("mnt-m"), mirror_, "mirror",
                        dir_->File("m1"), dir_->File("m2")});
        !s.ok()) {
      return s;
    }
    if (auto s = zpool({"create", "-f", "-m", dir_->File("mnt-s"), single_, dir_->File("s1")});
        !s.ok()) {
      return s;
    }
    if (auto s = WriteRandomFiles(dir_->File("mnt-m"), 20, 1 << 20); !s.ok()) return s;
    if (auto s = WriteRandomFiles(dir_->File("mnt-s"), 20, 1 << 20); !s.ok()) return s;
    // ZfsFuse::Zpool waits out "pool is busy" while zfs-fuse still holds the new files.
    if (auto s = zpool({"export", mirror_}); !s.ok()) return s;
    if (auto s = zpool({"export", single_}); !s.ok()) return s;
    // Skip the front labels (first 4 MiB) so the pools still import; hit the data.
    if (auto s = CorruptFile(dir_->File("m1"), 4 << 20, 60 << 20); !s.ok()) return s;
    if (auto s = CorruptFile(dir_->File("s1"), 4 << 20, 30 << 20); !s.ok()) return s;
    if (auto s = zpool({"import", "-d", dir_->path(), mirror_}); !s.ok()) return s;
    // The single-disk pool's root dataset may be too damaged to mount; the pool imports.
    (void)zpool({"import", "-d", dir_->path(), single_});
    return zpool({"list", single_});
  }

  static void TearDownTestSuite() {
    delete fleet_;  // agent and controller first, then the pools they watch
    fleet_ = nullptr;
    if (zfs_ != nullptr) {
      (void)zfs_->Zpool({"destroy", "-f", mirror_});
      (void)zfs_->Zpool({"destroy", "-f", single_});
    }
    delete dir_;
    delete zfs_;
    delete unavailable_;
    delete setup_error_;
  }

  void SetUp() override {
    if (unavailable_ != nullptr) {
      if (RealZfsRequired()) FAIL() << "real ZFS is required under CI: " << *unavailable_;
      GTEST_SKIP() << "no real ZFS here: " << *unavailable_;
    }
    ASSERT_EQ(*setup_error_, "OK");
  }

  // Scrubs through the CLI and waits for the run to finish; returns the pool JSON.
  Json ScrubAndWait(const std::string& pool) {
    const std::string ref = kHost + "/" + pool;
    fleet_->WaitForJson({"pool", ref}, [](const Json&) { return true; });
    RunResult scrub = fleet_->Cli({"scrub", ref});
    EXPECT_EQ(scrub.exit_code, 0) << scrub.err << fleet_->Logs();
    return fleet_->WaitForJson({"pool", ref}, [](const Json& j) {
      return !j["scrub_runs"].empty() && j["scrub_runs"][0]["trigger"] == "manual" &&
             j["scrub_runs"][0]["state"] == "finished";
    });
  }

  static inline ZfsFuse* zfs_ = nullptr;
  static inline TempDir* dir_ = nullptr;
  static inline ProcessFleet* fleet_ = nullptr;
  static inline std::string* unavailable_ = nullptr;
  static inline std::string* setup_error_ = nullptr;
  static inline std::string mirror_;
  static inline std::string single_;
};

TEST_F(ZfsFuseEndToEnd, MirrorScrubRepairsOnlyTheCorruptedFileVdev) {
  Json pool = ScrubAndWait(mirror_);
  ASSERT_FALSE(pool.is_null()) << fleet_->Logs();
  ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << pool.dump(2) << fleet_->Logs();
  EXPECT_GT(pool["scrub_runs"][0]["bytes_repaired"].get<uint64_t>(), 0u);
  const Json& mirror = pool["vdevs"][0];
  ASSERT_EQ(mirror["type"], "mirror") << pool.dump(2);
  ASSERT_EQ(mirror["children"].size(), 2u);
  const Json& corrupted = mirror["children"][0];
  const Json& clean = mirror["children"][1];
  EXPECT_EQ(corrupted["path"], dir_->File("m1"));
  EXPECT_EQ(corrupted["type"], "file");
  EXPECT_GT(corrupted["checksum_errors"].get<uint64_t>(), 0u);
  EXPECT_GT(corrupted["bytes_repaired"].get<uint64_t>(), 0u);
  EXPECT_EQ(clean["checksum_errors"].get<uint64_t>(), 0u);
  EXPECT_TRUE(clean["bytes_repaired"].is_null());
  EXPECT_EQ(pool["errors"]["count"], 0);

  RunResult human = fleet_->Cli({"pool", kHost + "/" + mirror_});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_THAT(human.out, HasSubstr("repaired"));
}

TEST_F(ZfsFuseEndToEnd, SingleDiskPoolListsItsPermanentErrorFiles) {
  Json pool = ScrubAndWait(single_);
  ASSERT_FALSE(pool.is_null()) << fleet_->Logs();
  ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << pool.dump(2) << fleet_->Logs();
  EXPECT_GT(pool["errors"]["count"].get<uint64_t>(), 0u) << pool.dump(2);
  ASSERT_FALSE(pool["errors"]["files"].empty()) << pool.dump(2);
  EXPECT_THAT(pool["errors"]["files"][0].get<std::string>(), HasSubstr(single_));

  RunResult status = fleet_->Cli({"status", "-x"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_THAT(status.out, HasSubstr(single_));
  EXPECT_THAT(status.out, ::testing::Not(HasSubstr("all pools are healthy")));
}

TEST_F(ZfsFuseEndToEnd, ScrubOfUnknownPoolFailsWithAClearMessage) {
  fleet_->WaitForJson({"pool", kHost + "/" + mirror_}, [](const Json&) { return true; });
  RunResult r = fleet_->Cli({"scrub", kHost + "/no-such-pool"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("unknown pool " + kHost + "/no-such-pool"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  RunResult host = fleet_->Cli({"scrub", "no-such-host/tank"});
  EXPECT_NE(host.exit_code, 0);
  EXPECT_THAT(host.err, HasSubstr("unknown host no-such-host"));
}

// The first event of `kind` for `pool` (any pool when ""), or null, from `zfleet events`.
Json FindEvent(const Json& events, const std::string& kind, const std::string& pool) {
  if (!events.is_object() || !events.contains("events")) return nullptr;
  for (const Json& e : events["events"]) {
    if (e["kind"] == kind && (pool.empty() || e["pool"] == pool)) return e;
  }
  return nullptr;
}

TEST_F(ZfsFuseEndToEnd, CorruptedMirrorRaisesADeviceWarningAndTriageNamesTheVdev) {
  Json pool = ScrubAndWait(mirror_);
  ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << fleet_->Logs();
  Json events = fleet_->WaitForJson({"events", "--since", "1h"}, [&](const Json& j) {
    return !FindEvent(j, "device_errors", mirror_).is_null();
  });
  Json warning = FindEvent(events, "device_errors", mirror_);
  ASSERT_FALSE(warning.is_null()) << events.dump(2);
  EXPECT_EQ(warning["severity"], "warning");
  EXPECT_EQ(warning["device"], dir_->File("m1"));
  EXPECT_FALSE(FindEvent(events, "scrub_repaired", mirror_).is_null()) << events.dump(2);

  Json triage = fleet_->CliJson({"triage"});
  ASSERT_TRUE(triage.is_object()) << fleet_->Logs();
  bool listed = false;
  for (const Json& item : triage["items"]) {
    if (item["disk"].is_object() && item["disk"]["path"] == dir_->File("m1")) {
      listed = true;
      EXPECT_GT(item["disk"]["checksum_errors"].get<uint64_t>(), 0u);
      EXPECT_FALSE(item["action"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(listed) << triage.dump(2);
}

// The demo's scenario (a corrupted mirror side, a single-disk pool with lost files, both
// scrubbed): triage lists each problem once, as an incident, never the events beneath.
TEST_F(ZfsFuseEndToEnd, TriageOfTheDemoScenarioIsOneIncidentPerProblem) {
  for (const std::string& p : {mirror_, single_}) {
    Json pool = ScrubAndWait(p);
    ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << pool.dump(2) << fleet_->Logs();
  }
  Json triage = fleet_->WaitForJson({"triage"}, [&](const Json& j) {
    bool mirror_disk = false, lost_files = false;
    for (const Json& item : j["items"]) {
      mirror_disk |= item["kind"] == "bad_disk" && item["pool"] == mirror_;
      lost_files |= item["kind"] == "data_errors" && item["pool"] == single_;
    }
    return mirror_disk && lost_files;
  });
  std::set<std::string> problems;
  for (const Json& item : triage["items"]) {
    const std::string kind = item["kind"];
    EXPECT_NE(kind, "event") << triage.dump(2);
    const std::string key = kind + " " + item["pool"].dump() + " " + item["subject"].dump();
    EXPECT_TRUE(problems.insert(key).second) << "listed twice: " << key << triage.dump(2);
    EXPECT_TRUE(item["incident"].is_number()) << item.dump();
  }
  // The mirror's bad side, and the single pool's lost files and its disk: nothing else.
  EXPECT_LE(problems.size(), 4u) << triage.dump(2);
  // Events stay the log: the mirror's device errors and both repairs are there.
  Json events = fleet_->CliJson({"events", "--since", "1h"});
  EXPECT_FALSE(FindEvent(events, "device_errors", mirror_).is_null()) << events.dump(2);

  // Ack applies to the incident; triage says who took it.
  const int64_t id = triage["items"][0]["incident"];
  RunResult ack = fleet_->Cli({"ack", std::to_string(id)});
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  Json after = fleet_->CliJson({"triage"});
  bool acked = false;
  for (const Json& item : after["items"]) {
    if (item["incident"] == id) acked = !item["acknowledged_by"].is_null();
  }
  EXPECT_TRUE(acked) << after.dump(2);
  Json incidents = fleet_->CliJson({"incidents"});
  EXPECT_EQ(incidents["incidents"].size(), problems.size()) << incidents.dump(2);
}

TEST_F(ZfsFuseEndToEnd, PermanentErrorsRaiseACriticalEventWithTheFiles) {
  Json pool = ScrubAndWait(single_);
  ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << fleet_->Logs();
  Json events = fleet_->WaitForJson({"events", "--severity", "critical"}, [&](const Json& j) {
    return !FindEvent(j, "data_errors", single_).is_null();
  });
  Json critical = FindEvent(events, "data_errors", single_);
  ASSERT_FALSE(critical.is_null()) << events.dump(2);
  EXPECT_EQ(critical["severity"], "critical");
  EXPECT_THAT(critical["message"].get<std::string>(), HasSubstr(single_ + ":/f"));
}

TEST_F(ZfsFuseEndToEnd, OfflineThenReplaceRaisesDegradedThenResilverFinished) {
  const std::string pool = "zfe2er" + std::to_string(getpid());
  for (const char* f : {"r1", "r2", "r3"}) {
    std::ofstream(dir_->File(f)).close();
    std::filesystem::resize_file(dir_->File(f), kDevSize);
  }
  ASSERT_TRUE(zfs_->Zpool({"create", "-f", "-m", "none", pool, "mirror", dir_->File("r1"),
                           dir_->File("r2")})
                  .ok());
  const std::string ref = kHost + "/" + pool;
  fleet_->WaitForJson({"pool", ref}, [](const Json& j) { return j.is_object(); });
  ASSERT_TRUE(zfs_->Zpool({"offline", pool, dir_->File("r2")}).ok());
  Json degraded = fleet_->WaitForJson({"events", "--since", "1h"}, [&](const Json& j) {
    return !FindEvent(j, "pool_state", pool).is_null();
  });
  Json state = FindEvent(degraded, "pool_state", pool);
  ASSERT_FALSE(state.is_null()) << degraded.dump(2) << fleet_->Logs();
  EXPECT_EQ(state["severity"], "warning");
  EXPECT_THAT(state["message"].get<std::string>(), HasSubstr("DEGRADED"));

  ASSERT_TRUE(zfs_->Zpool({"replace", pool, dir_->File("r2"), dir_->File("r3")}).ok());
  Json resilvered = fleet_->WaitForJson({"events", "--since", "1h"}, [&](const Json& j) {
    return !FindEvent(j, "resilver_finished", pool).is_null();
  });
  EXPECT_FALSE(FindEvent(resilvered, "resilver_finished", pool).is_null())
      << resilvered.dump(2) << fleet_->Logs();
  (void)zfs_->Zpool({"destroy", "-f", pool});
}

TEST_F(ZfsFuseEndToEnd, StoppedAgentRaisesHostMissingAndHostBackWhenItReturns) {
  fleet_->WaitForJson({"hosts"}, [](const Json& j) { return !j["hosts"].empty(); });
  fleet_->StopAgent();
  Json missing = fleet_->WaitForJson({"events", "--since", "1h"}, [](const Json& j) {
    return !FindEvent(j, "host_missing", "").is_null();
  });
  ASSERT_FALSE(FindEvent(missing, "host_missing", "").is_null()) << fleet_->Logs();
  Json hosts = fleet_->CliJson({"hosts"});
  EXPECT_EQ(hosts["hosts"][0]["reporting"], false) << hosts.dump(2);

  fleet_->StartAgent(kHost, zfs_->zpool());
  Json back = fleet_->WaitForJson({"events", "--since", "1h"}, [](const Json& j) {
    return !FindEvent(j, "host_back", "").is_null();
  });
  EXPECT_FALSE(FindEvent(back, "host_back", "").is_null()) << fleet_->Logs();
}

TEST_F(ZfsFuseEndToEnd, ControllerKilledAndRestartedKeepsHistoryAndEvents) {
  Json pool = ScrubAndWait(mirror_);
  ASSERT_EQ(pool["scrub_runs"][0]["state"], "finished") << fleet_->Logs();
  const Json history_before = fleet_->CliJson({"history", kHost + "/" + mirror_});
  const Json events_before = fleet_->CliJson({"events", "--since", "1h"});
  ASSERT_TRUE(history_before.is_object());
  fleet_->StopController(SIGKILL);  // a crash: only what was committed survives
  fleet_->StartController();
  Json history_after = fleet_->WaitForJson({"history", kHost + "/" + mirror_},
                                           [](const Json& j) { return j.is_object(); });
  ASSERT_TRUE(history_after.is_object()) << fleet_->Logs();
  EXPECT_GE(history_after["scrub_runs"].size(), history_before["scrub_runs"].size());
  EXPECT_EQ(history_after["scrub_runs"][0]["id"], history_before["scrub_runs"][0]["id"]);
  const Json events_after = fleet_->CliJson({"events", "--since", "1h"});
  EXPECT_GE(events_after["events"].size(), events_before["events"].size());
}

// The events of `kind` about `pool` ("" = any), oldest first.
std::vector<Json> EventsOf(const Json& events, const std::string& kind, const std::string& pool) {
  std::vector<Json> out;
  if (!events.is_object()) return out;
  for (const Json& e : events["events"]) {
    if (e["kind"] == kind && (pool.empty() || e["pool"] == pool)) out.insert(out.begin(), e);
  }
  return out;
}

// A small mirror of its own for a fault test; destroyed by the destructor.
class ScratchMirror {
 public:
  ScratchMirror(ZfsFuse* zfs, const TempDir* dir, const std::string& tag)
      : zfs_(zfs),
        name_("zfe2e" + tag + std::to_string(getpid())),
        a_(dir->File(tag + "-a")),
        b_(dir->File(tag + "-b")) {
    for (const std::string& f : {a_, b_}) {
      std::ofstream(f).close();
      std::filesystem::resize_file(f, kDevSize);
    }
    created_ = zfs_->Zpool({"create", "-f", "-m", "none", name_, "mirror", a_, b_});
  }
  ~ScratchMirror() { (void)zfs_->Zpool({"destroy", "-f", name_}); }
  const absl::Status& created() const { return created_; }
  const std::string& name() const { return name_; }
  const std::string& b() const { return b_; }

 private:
  ZfsFuse* zfs_;
  std::string name_, a_, b_;
  absl::Status created_;
};

// `zfleet scrub --wait` follows a real scrub to its end and exits with its result;
// `zfleet watch` redraws triage until --count.
TEST_F(ZfsFuseEndToEnd, ScrubWaitFollowsARealScrubAndWatchRedraws) {
  ScratchMirror mirror(zfs_, dir_, "wt");
  ASSERT_TRUE(mirror.created().ok()) << mirror.created();
  const std::string ref = kHost + "/" + mirror.name();
  fleet_->WaitForJson({"pool", ref}, [](const Json& j) { return j.is_object(); });
  RunResult wait = fleet_->Cli({"scrub", ref, "--now", "--wait"});
  EXPECT_EQ(wait.exit_code, 0) << wait.err << fleet_->Logs();
  EXPECT_THAT(wait.out, HasSubstr("scrub of " + ref + " finished clean")) << wait.out;

  RunResult watch = fleet_->Cli({"watch", "triage", "--interval", "1s", "--count", "2"});
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  size_t frames = 0;
  for (size_t at = 0; (at = watch.out.find("every 1s: zfleet triage", at)) != std::string::npos;
       ++at) {
    ++frames;
  }
  EXPECT_EQ(frames, 2u) << watch.out;
}

// The alerts of `pool` Alertmanager lists as active, by alertname.
std::set<std::string> AlertsOf(zfleet::testing::RealAlertmanager& am, const std::string& pool) {
  std::set<std::string> names;
  const Json alerts = am.Alerts();
  if (!alerts.is_array()) return names;
  for (const Json& a : alerts) {
    if (a["labels"].value("pool", "") == pool) names.insert(a["labels"].value("alertname", ""));
  }
  return names;
}

// A pool that degrades reaches a real Alertmanager (started here on loopback) as its
// incidents' alerts, with the labels on-call routes by; healthy again, they leave it.
TEST_F(ZfsFuseEndToEnd, AlertmanagerGetsTheDegradedPoolAndSeesItResolved) {
  REQUIRE_ALERTMANAGER();
  zfleet::testing::RealAlertmanager am({});
  ASSERT_EQ(am.Start(), "");
  fleet_->StopController();
  fleet_->StartController(
      absl::StrCat("[alerts]\nalertmanager = [\"", am.url(), "\"]\nresend = \"2s\"\n"));
  struct Restore {  // the suite's controller again, without alerts, however this ends
    ~Restore() {
      fleet_->StopController();
      fleet_->StartController();
    }
  } restore;
  ScratchMirror mirror(zfs_, dir_, "am");
  ASSERT_TRUE(mirror.created().ok()) << mirror.created();
  const std::string ref = kHost + "/" + mirror.name();
  fleet_->WaitForJson({"pool", ref}, [](const Json& j) { return j.is_object(); });
  ASSERT_TRUE(zfs_->Zpool({"offline", mirror.name(), mirror.b()}).ok());

  std::set<std::string> firing;
  for (int i = 0; i < 120 && firing.count("ZfleetUnhealthyPool") == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(500));
    firing = AlertsOf(am, mirror.name());
  }
  // The pool DEGRADED and its OFFLINE disk: one alert each.
  EXPECT_THAT(firing, ::testing::ElementsAre("ZfleetBadDisk", "ZfleetUnhealthyPool"))
      << am.Alerts().dump(2) << fleet_->Logs();
  for (const Json& a : am.Alerts()) {
    if (a["labels"].value("alertname", "") != "ZfleetUnhealthyPool") continue;
    EXPECT_EQ(a["labels"]["host"], kHost);
    EXPECT_EQ(a["labels"]["severity"], "warning");
    EXPECT_EQ(a["labels"]["kind"], "unhealthy_pool");
    EXPECT_THAT(a["annotations"]["summary"].get<std::string>(), HasSubstr("DEGRADED"));
    EXPECT_EQ(a["annotations"]["command"], "zfleet pool " + ref);
    EXPECT_FALSE(a["annotations"]["incident"].get<std::string>().empty());
  }

  ASSERT_TRUE(zfs_->Zpool({"online", mirror.name(), mirror.b()}).ok());
  for (int i = 0; i < 120 && !AlertsOf(am, mirror.name()).empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(500));
  }
  EXPECT_TRUE(AlertsOf(am, mirror.name()).empty()) << am.Alerts().dump(2) << fleet_->Logs();
  Json incidents = fleet_->CliJson({"incidents", "--all", "--host", kHost});
  int resolved = 0;
  for (const Json& i : incidents["incidents"]) {
    if (i["pool"] == mirror.name() && !i["resolved_at"].is_null()) ++resolved;
  }
  EXPECT_EQ(resolved, 2) << incidents.dump(2);
}

// The controller frozen (SIGSTOP), then killed, while a mirror degrades and recovers: the
// agent keeps both changes in its outbox and delivers them once the controller is back,
// each dated when the agent saw it, in order.
TEST_F(ZfsFuseEndToEnd, ChangesWhileTheControllerIsFrozenOrKilledArriveInOrderDatedWhenSeen) {
  ScratchMirror mirror(zfs_, dir_, "fz");
  ASSERT_TRUE(mirror.created().ok()) << mirror.created();
  const std::string ref = kHost + "/" + mirror.name();
  ASSERT_TRUE(fleet_->WaitForJson({"pool", ref}, [](const Json& j) { return j.is_object(); })
                  .is_object())
      << fleet_->Logs();
  fleet_->SignalController(SIGSTOP);
  // Event times are RFC 3339 in UTC, which compare as strings.
  const std::string frozen_at = FormatRfc3339(absl::ToUnixSeconds(absl::Now()));
  ASSERT_TRUE(zfs_->Zpool({"offline", mirror.name(), mirror.b()}).ok());
  absl::SleepFor(absl::Seconds(4));  // several agent polls see it DEGRADED
  ASSERT_TRUE(zfs_->Zpool({"online", mirror.name(), mirror.b()}).ok());
  absl::SleepFor(absl::Seconds(4));
  // A crash on top: the controller never saw either change; it must get them after restart.
  fleet_->StopController(SIGKILL);
  const std::string back_at = FormatRfc3339(absl::ToUnixSeconds(absl::Now()));
  fleet_->StartController();
  Json events = fleet_->WaitForJson({"events", "--since", "1h"}, [&](const Json& j) {
    return EventsOf(j, "pool_state", mirror.name()).size() >= 2;
  });
  const std::vector<Json> states = EventsOf(events, "pool_state", mirror.name());
  ASSERT_EQ(states.size(), 2u) << events.dump(2) << fleet_->Logs();
  EXPECT_THAT(states[0]["message"].get<std::string>(), HasSubstr("DEGRADED"));
  EXPECT_THAT(states[1]["message"].get<std::string>(), HasSubstr("ONLINE again"));
  // Dated when the agent saw them, while the controller was frozen, not when they arrived.
  for (const Json& e : states) {
    EXPECT_GE(e["time"].get<std::string>(), frozen_at) << e.dump();
    EXPECT_LE(e["time"].get<std::string>(), back_at) << e.dump();
  }
  EXPECT_LE(states[0]["time"].get<std::string>(), states[1]["time"].get<std::string>());
  EXPECT_THAT(ReadFile(dir_->File("agent.log")), HasSubstr("controller unreachable"));
}

// zfs-fuse frozen: every zpool call hangs. The host keeps reporting (never "missing"), one
// zpool_stuck event and a triage item say why, and when zfs-fuse thaws one event says it
// answers again. SIGTERM ends the agent within seconds even then.
TEST_F(ZfsFuseEndToEnd, FrozenZfsKeepsTheHostReportingWithOneEventAndStopsCleanly) {
  if (zfs_->daemon_pid() <= 0) {
    if (RealZfsRequired()) FAIL() << "CI must run its own zfs-fuse to freeze it";
    GTEST_SKIP() << "this host's own ZFS is not ours to freeze";
  }
  // zpool calls time out after 6 s; one running 3 s counts as not answering.
  fleet_->StopAgent();
  fleet_->StartAgent(kHost, zfs_->zpool(),
                     "[agent]\npoll_interval = \"1s\"\nzpool_timeout = \"6s\"\n");
  // Settled: reporting, and the restart's gap (if any) already judged by the tick.
  absl::SleepFor(absl::Seconds(5));
  fleet_->WaitForJson({"hosts"}, [](const Json& j) {
    return !j["hosts"].empty() && j["hosts"][0]["reporting"] == true;
  });
  const size_t missing_before =
      EventsOf(fleet_->CliJson({"events", "--since", "1h"}), "host_missing", "").size();
  struct Thaw {  // whatever happens below, zfs-fuse runs again
    int pid;
    ~Thaw() { kill(pid, SIGCONT); }
  } thaw{zfs_->daemon_pid()};
  ASSERT_EQ(kill(zfs_->daemon_pid(), SIGSTOP), 0);
  Json stuck = fleet_->WaitForJson({"events", "--since", "1h"}, [](const Json& j) {
    return !EventsOf(j, "zpool_stuck", "").empty();
  });
  ASSERT_EQ(EventsOf(stuck, "zpool_stuck", "").size(), 1u) << stuck.dump(2) << fleet_->Logs();
  Json triage = fleet_->CliJson({"triage"});
  bool listed = false;
  for (const Json& item : triage["items"]) {
    listed |= item["kind"] == "zpool_stuck";
    // The root cause is one item: its pools, as last read, are held under it.
    if (item["host"] == kHost) {
      EXPECT_TRUE(item["pool"].is_null()) << item.dump();
    }
  }
  EXPECT_TRUE(listed) << triage.dump(2);
  absl::SleepFor(absl::Seconds(12));  // hung across two zpool timeouts and many reports
  Json hosts = fleet_->CliJson({"hosts"});
  EXPECT_EQ(hosts["hosts"][0]["reporting"], true) << hosts.dump(2);
  Json during = fleet_->CliJson({"events", "--since", "1h"});
  EXPECT_EQ(EventsOf(during, "zpool_stuck", "").size(), 1u) << during.dump(2);
  EXPECT_EQ(EventsOf(during, "host_missing", "").size(), missing_before) << during.dump(2);

  // SIGTERM while a zpool call hangs: the agent ends within a few seconds, cleanly.
  const auto [status, took] = fleet_->StopAgentTimed(SIGTERM);
  EXPECT_EQ(status, 0) << fleet_->Logs();
  EXPECT_LT(took, absl::Seconds(5));
  fleet_->StartAgent(kHost, zfs_->zpool(),
                     "[agent]\npoll_interval = \"1s\"\nzpool_timeout = \"6s\"\n");
  ASSERT_EQ(kill(zfs_->daemon_pid(), SIGCONT), 0);
  Json answering = fleet_->WaitForJson({"events", "--since", "1h"}, [](const Json& j) {
    return !EventsOf(j, "zpool_answering", "").empty();
  });
  EXPECT_EQ(EventsOf(answering, "zpool_answering", "").size(), 1u)
      << answering.dump(2) << fleet_->Logs();
  fleet_->StopAgent();
  fleet_->StartAgent(kHost, zfs_->zpool());
}

}  // namespace
}  // namespace zfleet::testing
