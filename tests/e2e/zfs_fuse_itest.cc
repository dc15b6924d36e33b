// End-to-end on real ZFS: zfs-fuse pools with real corruption, the real controller, agent
// and CLI. Under CI (env CI set) a machine that cannot run zfs-fuse fails these tests.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"
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
    dir_ = new TempDir();
    const std::string tag = std::to_string(getpid());
    mirror_ = "zfe2em" + tag;
    single_ = "zfe2es" + tag;
    setup_error_ = new std::string(CreateCorruptedPools().ToString());
    if (*setup_error_ != "OK") return;
    fleet_ = new ProcessFleet(dir_);
    fleet_->StartController();
    fleet_->StartAgent(kHost, zfs_->zpool());
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

}  // namespace
}  // namespace zfleet::testing
