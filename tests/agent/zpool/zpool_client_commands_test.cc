// ZpoolClient's failures and scrub commands against the fake zpool script. Capability
// detection and the happy Collect paths are in zpool_client_test.cc.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "agent/host/command_runner.h"
#include "agent/zpool/zpool_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_command_runner.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::zfleet::testing::ReadFile;

// A zpool whose usage offers scrub -p (OpenZFS 0.7+).
constexpr char kPauseUsage[] =
    "usage:\n\tlist [-gHLpPv] [-o property[,...]] [pool] ...\n"
    "\tstatus [-igLpPsvxD] [pool] ...\n\tscrub [-s | -p] <pool> ...\n";

class ZpoolCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zpool_ = zfleet::testing::InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
  }
  // Every zpool invocation so far, one per line ("scrub -s tank").
  std::vector<std::string> Calls() const {
    return absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n', absl::SkipEmpty());
  }
  // The invocations that were not capability probes.
  std::vector<std::string> WorkCalls() const {
    std::vector<std::string> out;
    for (const auto& c : Calls()) {
      if (!absl::EndsWith(c, " -?")) out.push_back(c);
    }
    return out;
  }
  void ClearCalls() const { std::filesystem::remove(dir_.File("calls.log")); }

  zfleet::testing::TempDir dir_;
  std::string zpool_;
  SubprocessRunner runner_;
};

TEST_F(ZpoolCommandsTest, CollectFailureIsUnavailableWithZpoolsFirstLine) {
  dir_.Write("fail.txt", "connect: Connection refused\nis zfs-fuse running?\n");
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  EXPECT_EQ(outputs.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(outputs.status().message(),
              HasSubstr("zpool list failed (exit 1): connect: Connection refused"));
  EXPECT_THAT(outputs.status().message(), Not(HasSubstr("is zfs-fuse running")));

  // The daemon comes back: the next Collect works.
  std::filesystem::remove(dir_.File("fail.txt"));
  outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_THAT(outputs->list_text, HasSubstr("tank\t"));
  EXPECT_THAT(outputs->status_text, HasSubstr("pool: tank"));
}

TEST_F(ZpoolCommandsTest, StatusFailureIsUnavailableToo) {
  std::filesystem::remove(dir_.File("status.txt"));  // the fake's `status` then fails
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  EXPECT_EQ(outputs.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(outputs.status().message(), HasSubstr("zpool status failed (exit 1): "));
  EXPECT_THAT(outputs.status().message(), HasSubstr("status.txt"));
  // A failed collection discovers nothing.
  EXPECT_EQ(client.Scrub("tank", v1::SCRUB_START).code(), absl::StatusCode::kNotFound);
}

TEST_F(ZpoolCommandsTest, MissingZpoolIsNotFound) {
  ZpoolClient client(&runner_, dir_.File("no-such-zpool"), absl::Seconds(10));
  EXPECT_EQ(client.Probe().status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  EXPECT_EQ(outputs.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(outputs.status().message(), HasSubstr("no-such-zpool"));
}

TEST_F(ZpoolCommandsTest, ProbesOnceAndCollectsListThenStatus) {
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  ASSERT_TRUE(client.Collect().ok());
  ASSERT_TRUE(client.Collect().ok());
  EXPECT_THAT(Calls(), ElementsAre("list -?", "status -?", "scrub -?", "list -H", "status -v",
                                   "list -H", "status -v"));
}

TEST_F(ZpoolCommandsTest, ScrubOnlyPoolsTheLastCollectDiscovered) {
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  // Nothing discovered yet: refused without running zpool.
  absl::Status before = client.Scrub("tank", v1::SCRUB_START);
  EXPECT_EQ(before.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(before.message(), HasSubstr("tank"));
  EXPECT_THAT(Calls(), IsEmpty());

  ASSERT_TRUE(client.Collect().ok());
  ClearCalls();
  EXPECT_EQ(client.Scrub("nope", v1::SCRUB_START).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.Scrub("tan", v1::SCRUB_START).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.Scrub("", v1::SCRUB_START).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Calls(), IsEmpty());

  // `fast` is exported; the next Collect forgets it.
  dir_.Write("list.txt", "tank\t7.25T\t3.10T\t4.15T\t42%\t1.00x\tONLINE\t-\n");
  ASSERT_TRUE(client.Collect().ok());
  ClearCalls();
  EXPECT_EQ(client.Scrub("fast", v1::SCRUB_START).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(client.Scrub("tank", v1::SCRUB_START).ok());
  EXPECT_THAT(Calls(), ElementsAre("scrub tank"));
}

// The exact argv per command kind, on a zpool that can pause. (A FakeCommandRunner here:
// fake_zpool.sh knows `scrub -s` but not `scrub -p`.)
TEST(ZpoolScrubArgvTest, StartStopAndPause) {
  zfleet::testing::FakeCommandRunner runner;
  runner.Answer("/sbin/zpool list -?", "", 2, kPauseUsage);
  runner.Answer("/sbin/zpool status -?", "", 2, kPauseUsage);
  runner.Answer("/sbin/zpool scrub -?", "", 2, kPauseUsage);
  runner.Answer("/sbin/zpool list -H -p",
                "tank\t100\t50\t50\t-\t-\t3\t50\t1.00\tONLINE\t-\n"
                "fast\t100\t50\t50\t-\t-\t3\t50\t1.00\tONLINE\t-\n");
  runner.Answer("/sbin/zpool status -v -p -P", "");
  for (const char* ok : {"/sbin/zpool scrub tank", "/sbin/zpool scrub -s fast",
                         "/sbin/zpool scrub -p tank"}) {
    runner.Answer(ok, "");
  }
  ZpoolClient client(&runner, "/sbin/zpool", absl::Seconds(10));
  ASSERT_TRUE(client.Collect().ok());
  ASSERT_EQ(client.Probe()->generation, "openzfs");
  struct Case {
    v1::CommandKind kind;
    std::string pool;
    std::string want_call;
  };
  const Case cases[] = {
      {v1::SCRUB_START, "tank", "/sbin/zpool scrub tank"},
      {v1::SCRUB_STOP, "fast", "/sbin/zpool scrub -s fast"},
      {v1::SCRUB_PAUSE, "tank", "/sbin/zpool scrub -p tank"},
  };
  for (const Case& c : cases) {
    const size_t before = runner.calls().size();
    absl::Status s = client.Scrub(c.pool, c.kind);
    EXPECT_TRUE(s.ok()) << c.want_call << ": " << s;
    const std::vector<std::string> calls = runner.calls();
    ASSERT_EQ(calls.size(), before + 1) << c.want_call;
    EXPECT_EQ(calls.back(), c.want_call);
  }
  const size_t before = runner.calls().size();
  EXPECT_EQ(client.Scrub("tank", v1::COMMAND_KIND_UNSPECIFIED).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runner.calls().size(), before);
}

TEST_F(ZpoolCommandsTest, PauseIsUnimplementedOnLegacyZpool) {
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));  // default usage: zfs-fuse
  ASSERT_TRUE(client.Collect().ok());
  ASSERT_EQ(client.Probe()->generation, "legacy");
  ClearCalls();
  absl::Status s = client.Scrub("tank", v1::SCRUB_PAUSE);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(s.message(), HasSubstr("pause"));
  EXPECT_THAT(Calls(), IsEmpty());
  // Stop works there.
  EXPECT_TRUE(client.Scrub("tank", v1::SCRUB_STOP).ok());
  EXPECT_THAT(Calls(), ElementsAre("scrub -s tank"));
}

TEST_F(ZpoolCommandsTest, ZpoolRefusalIsFailedPreconditionWithItsMessage) {
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  ASSERT_TRUE(client.Collect().ok());
  // Exported between the collection and the command: zpool itself refuses.
  dir_.Write("list.txt", "fast\t1.81T\t100G\t1.71T\t5%\t1.00x\tONLINE\t-\n");
  absl::Status s = client.Scrub("tank", v1::SCRUB_START);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("zpool scrub tank: cannot open 'tank': no such pool"));
}

TEST_F(ZpoolCommandsTest, StartChangesWhatTheNextCollectSees) {
  dir_.Write("on_scrub.txt", ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/scrubbing.txt"));
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  ASSERT_TRUE(client.Collect().ok());
  ASSERT_TRUE(client.Scrub("tank", v1::SCRUB_START).ok());
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_THAT(outputs->status_text, HasSubstr("scrub in progress"));
  EXPECT_THAT(WorkCalls(), ElementsAre("list -H", "status -v", "scrub tank", "list -H",
                                       "status -v"));
}

TEST_F(ZpoolCommandsTest, TimeoutIsPassedToTheRunner) {
  // A zpool that hangs is cut off at the client's timeout rather than blocking the agent.
  dir_.Write("zpool-hang", "#!/bin/sh\nexec sleep 5\n");
  std::filesystem::permissions(dir_.File("zpool-hang"), std::filesystem::perms::owner_all);
  ZpoolClient client(&runner_, dir_.File("zpool-hang"), absl::Milliseconds(200));
  EXPECT_EQ(client.Collect().status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace zfleet::agent
