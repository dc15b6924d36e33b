// What AgentLoop sends when the host's text is not UTF-8 or a pool lists more damaged files
// than a report carries: a report the controller can parse and accepts.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "agent/agent_loop.h"
#include "agent/command_journal.h"
#include "tests/agent/inline_agent.h"
#include "agent/controller_link.h"
#include "agent/host/command_runner.h"
#include "agent/zpool/zpool_client.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/report_limits.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;

class RecordingLink final : public ControllerLink {
 public:
  absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest& request) override {
    requests.push_back(request);
    return v1::ReportResponse();
  }
  std::vector<v1::ReportRequest> requests;
};

// Legacy (zfs-fuse) `zpool status -v` of one pool with `files` in its error list.
std::string StatusWithErrorFiles(const std::vector<std::string>& files) {
  std::string out =
      "  pool: tank\n"
      " state: ONLINE\n"
      "status: One or more devices has experienced an error resulting in data\n"
      "\tcorruption.  Applications may be affected.\n"
      "action: Restore the file in question if possible.\n"
      " scrub: scrub completed after 0h0m with 2 errors on Sat Nov 21 09:48:23 2026\n"
      "config:\n"
      "\n"
      "\tNAME        STATE     READ WRITE CKSUM\n"
      "\ttank        ONLINE       0     0     4\n"
      "\t  sda       ONLINE       0     0     4\n"
      "\n"
      "errors: Permanent errors have been detected in the following files:\n"
      "\n";
  for (const std::string& f : files) absl::StrAppend(&out, "        ", f, "\n");
  return out;
}

class AgentReportCleanTest : public ::testing::Test {
 protected:
  AgentReportCleanTest()
      : zpool_path_(
            zfleet::testing::InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt")),
        zpool_(&runner_, zpool_path_, absl::Seconds(10)) {
    dir_.Write("list.txt", "tank\t7.25T\t3.10T\t4.15T\t42%\t1.00x\tONLINE\t-\n");
  }

  // One tick of a fresh loop; the report it sent.
  v1::ReportRequest TickOnce(AgentConfig config) {
    InlineAgentParts parts;
    parts.clock = &clock_;
    parts.zpool = &zpool_;
    parts.link = &link_;
    parts.journal = &journal_;
    InlineAgent agent(parts, config, AgentIdentity{"nas1", "inst-1", "nas1.example", "0.1.0-test"});
    agent.loop().Tick();
    EXPECT_EQ(link_.requests.size(), 1u);
    return link_.requests.empty() ? v1::ReportRequest() : link_.requests.back();
  }

  zfleet::testing::TempDir dir_;
  const std::string zpool_path_;
  SubprocessRunner runner_;
  ZpoolClient zpool_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  RecordingLink link_;
  CommandJournal journal_ = CommandJournal::InMemory();
};

TEST_F(AgentReportCleanTest, BadBytesAreSentAsVisibleEscapes) {
  dir_.Write("status.txt", StatusWithErrorFiles({"/tank/caf\xe9.txt", "/tank/ok"}));
  AgentConfig config;
  config.labels["room"] = "B\xe4ume";
  const v1::ReportRequest r = TickOnce(config);
  ASSERT_EQ(r.pools_size(), 1);
  EXPECT_THAT(r.pools(0).errors().files(), ElementsAre("/tank/caf\\xe9.txt", "/tank/ok"));
  EXPECT_EQ(r.host().labels().at("room"), "B\\xe4ume");
  std::string bytes;
  ASSERT_TRUE(r.SerializeToString(&bytes));
  v1::ReportRequest parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes)) << "the controller can read it";
  EXPECT_TRUE(CheckReportLimits(r).ok()) << CheckReportLimits(r);
}

TEST_F(AgentReportCleanTest, LongErrorListIsCutToTheLimit) {
  std::vector<std::string> files;
  for (int i = 0; i < 1203; ++i) files.push_back(absl::StrCat("/tank/f", i));
  dir_.Write("status.txt", StatusWithErrorFiles(files));
  const v1::ReportRequest r = TickOnce(AgentConfig{});
  ASSERT_EQ(r.pools_size(), 1);
  const v1::PoolErrors& errors = r.pools(0).errors();
  ASSERT_EQ(errors.files_size(), kMaxErrorFilesPerPool);
  EXPECT_EQ(errors.files(0), "/tank/f0");
  EXPECT_EQ(errors.files(999), "… and 204 more");
  EXPECT_TRUE(CheckReportLimits(r).ok()) << CheckReportLimits(r);
}

}  // namespace
}  // namespace zfleet::agent
