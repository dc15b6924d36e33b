#include "cli/render/render_status.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::HealthyPool;
using fixtures::Host;
using fixtures::kPlain;
using fixtures::Summary;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

// A fleet as full listings; rendered through the compact status the controller answers.
struct Fleet {
  v1::ListHostsResponse hosts;
  v1::ListPoolsResponse pools;
  bool only_unhealthy = false;
  uint32_t limit = 100;  // the CLI's default
  // Answered as a controller that predates the limit: every pool, no summary.
  bool predates_limit = false;
};

StatusInput Input(const Fleet& fleet) {
  StatusInput input;
  input.request.set_unhealthy_only(fleet.only_unhealthy);
  input.request.set_limit(fleet.limit);
  input.status = StatusFromLists(fleet.hosts, fleet.pools,
                                 fleet.predates_limit ? v1::GetStatusRequest() : input.request);
  if (fleet.predates_limit) input.status.clear_summary();
  return input;
}

Fleet HealthyFleet() {
  Fleet in;
  *in.hosts.add_hosts() = Host("h1");
  *in.hosts.add_hosts() = Host("h2");
  *in.pools.add_pools() = Summary("h2", HealthyPool("backup"));
  *in.pools.add_pools() = Summary("h1", HealthyPool("tank"));
  return in;
}

TEST(RenderStatusTest, HealthyFleetWithDashXIsExactlyOneLine) {
  Fleet in = HealthyFleet();
  in.only_unhealthy = true;
  EXPECT_EQ(RenderStatusText(Input(in), kPlain), "all pools are healthy\n");
  // Also with colour on: nothing to colour, nothing added.
  EXPECT_EQ(RenderStatusText(Input(in), fixtures::kColor), "all pools are healthy\n");
}

TEST(RenderStatusTest, FullTableIsSortedAndAligned) {
  Fleet in = HealthyFleet();
  v1::Pool degraded = HealthyPool("scratch");
  degraded.set_state("DEGRADED");
  degraded.mutable_errors()->set_count(2);
  *degraded.mutable_vdevs(0)->mutable_children(1) = fixtures::Leaf("sdb", 0, 0, 1228);
  degraded.mutable_scan()->set_function("resilver");
  degraded.mutable_scan()->set_state("scanning");
  degraded.mutable_scan()->set_percent_done(12);
  *in.pools.add_pools() = Summary("h1", degraded);
  EXPECT_EQ(RenderStatusText(Input(in), kPlain),
            "hosts: 2 of 2 reporting\n"
            "pools: 3 (1 DEGRADED, 2 ONLINE)\n"
            "\n"
            "HOST  POOL     STATE     SCAN                             ERRORS  LAST-SEEN\n"
            "h1    scratch  DEGRADED  resilver 12%                       1230  12s ago\n"
            "h1    tank     ONLINE    scrub finished 2026-11-21 09:48       0  12s ago\n"
            "h2    backup   ONLINE    scrub finished 2026-11-21 09:48       0  12s ago\n");
}

struct UnhealthyCase {
  const char* name;
  void (*bend)(Fleet*);
};

class StatusDashXTest : public ::testing::TestWithParam<UnhealthyCase> {};

// Each criterion alone: -x lists exactly the bent pool (h2/backup), never the healthy one.
TEST_P(StatusDashXTest, ListsOnlyTheUnhealthyPool) {
  Fleet in = HealthyFleet();
  in.only_unhealthy = true;
  GetParam().bend(&in);
  const std::string out = RenderStatusText(Input(in), kPlain);
  EXPECT_THAT(out, HasSubstr("\nh2    backup"));
  EXPECT_THAT(out, Not(HasSubstr("tank")));
  EXPECT_THAT(out, Not(HasSubstr("all pools are healthy")));

  const Json doc = RenderStatusJson(Input(in));
  EXPECT_FALSE(doc["all_healthy"].get<bool>());
  ASSERT_EQ(doc["pools"].size(), 1u);
  EXPECT_EQ(doc["pools"][0]["pool"], "backup");
  EXPECT_FALSE(doc["pools"][0]["healthy"].get<bool>());
  EXPECT_EQ(doc["pools"][0]["problems"].size(), 1u);
  EXPECT_EQ(doc["pools_total"], 2);  // totals cover the fleet, not the filter
}

v1::Pool* Backup(Fleet* in) { return in->pools.mutable_pools(0)->mutable_pool(); }

INSTANTIATE_TEST_SUITE_P(
    Criteria, StatusDashXTest,
    ::testing::Values(
        UnhealthyCase{"state", [](Fleet* in) { Backup(in)->set_state("FAULTED"); }},
        UnhealthyCase{"data_errors", [](Fleet* in) { Backup(in)->mutable_errors()->set_count(1); }},
        UnhealthyCase{"write_errors",
                      [](Fleet* in) {
                        Backup(in)->mutable_vdevs(0)->mutable_children(0)->set_write_errors(2);
                      }},
        UnhealthyCase{"status_text",
                      [](Fleet* in) { Backup(in)->set_status("One or more devices..."); }},
        UnhealthyCase{"host_not_reporting",
                      [](Fleet* in) {
                        in->pools.mutable_pools(0)->set_host_reporting(false);
                        in->hosts.mutable_hosts(1)->set_reporting(false);
                      }}),
    [](const ::testing::TestParamInfo<UnhealthyCase>& info) { return info.param.name; });

TEST(RenderStatusTest, NotReportingHostShowsInSummary) {
  Fleet in = HealthyFleet();
  *in.hosts.add_hosts() = Host("h3", /*reporting=*/false, /*pool_count=*/0);
  EXPECT_THAT(RenderStatusText(Input(in), kPlain), HasSubstr("hosts: 2 of 3 reporting\n"));
}

TEST(RenderStatusTest, UnknownCountsShowDash) {
  Fleet in;
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("ONLINE");
  *in.pools.add_pools() = Summary("h1", pool);
  EXPECT_THAT(RenderStatusText(Input(in), kPlain),
              HasSubstr("h1    tank  ONLINE  none       -  12s ago\n"));
}

TEST(RenderStatusTest, JsonShape) {
  Fleet in = HealthyFleet();
  *in.hosts.add_hosts() = Host("h3", /*reporting=*/false, 0);
  v1::Pool unknown;
  unknown.set_name("new");
  unknown.set_state("ONLINE");
  v1::PoolSummary never_seen = Summary("h1", unknown);
  never_seen.set_last_seen(0);
  *in.pools.add_pools() = never_seen;

  const Json doc = Json::parse(RenderStatusJson(Input(in)).dump());
  EXPECT_EQ(doc["hosts_total"], 3);
  EXPECT_EQ(doc["hosts_reporting"], 2);
  EXPECT_EQ(doc["pools_total"], 3);
  EXPECT_EQ(doc["pools_by_state"], Json::parse(R"({"ONLINE": 3})"));
  EXPECT_TRUE(doc["all_healthy"].get<bool>());
  ASSERT_EQ(doc["pools"].size(), 3u);

  const Json& tank = doc["pools"][2];  // h1/new, h1/tank, h2/backup
  EXPECT_EQ(tank, Json::parse(R"({
    "host": "h2", "pool": "backup", "state": "ONLINE", "healthy": true, "problems": [],
    "scan": {"function": "scrub", "state": "finished", "percent_done": 100.0},
    "data_errors": 0, "device_errors": 0, "last_seen": "2026-11-21T09:59:48Z",
    "host_reporting": true})"));

  const Json& fresh = doc["pools"][0];
  EXPECT_EQ(fresh["pool"], "new");
  EXPECT_TRUE(fresh["data_errors"].is_null());
  EXPECT_TRUE(fresh["device_errors"].is_null());
  EXPECT_TRUE(fresh["last_seen"].is_null());
  EXPECT_TRUE(fresh["scan"]["percent_done"].is_null());
  EXPECT_EQ(fresh["scan"]["function"], "none");

  std::vector<std::string> keys;
  for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
  EXPECT_THAT(keys, ::testing::ElementsAre("hosts_total", "hosts_reporting", "pools_total",
                                           "pools_by_state", "pools_unhealthy", "all_healthy",
                                           "pools", "pools_unlisted"));
  EXPECT_EQ(doc["pools_unhealthy"], 0);
  EXPECT_EQ(doc["pools_unlisted"], 0);
}

// h1/p0 .. h1/p5, the ones named in `broken` DEGRADED.
Fleet SixPools(const std::vector<int>& broken) {
  Fleet in;
  *in.hosts.add_hosts() = Host("h1");
  for (int i = 5; i >= 0; --i) {
    v1::Pool pool = HealthyPool("p" + std::to_string(i));
    if (std::find(broken.begin(), broken.end(), i) != broken.end()) pool.set_state("DEGRADED");
    *in.pools.add_pools() = Summary("h1", pool);
  }
  return in;
}

std::vector<std::string> TableNames(const std::string& out) {
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, "h1 ")) {
      names.push_back(std::string(absl::StripAsciiWhitespace(line.substr(3, 6))));
    }
  }
  return names;
}

TEST(RenderStatusTest, PastTheLimitEveryUnhealthyPoolIsListedAndTheRestCounted) {
  Fleet in = SixPools({5});
  in.limit = 3;
  const std::string out = RenderStatusText(Input(in), kPlain);
  EXPECT_THAT(TableNames(out), ::testing::ElementsAre("p0", "p1", "p5"));
  EXPECT_THAT(out, HasSubstr("pools: 6 (1 DEGRADED, 5 ONLINE)\n"));
  EXPECT_THAT(out, ::testing::EndsWith(
                       "\nlisted 3 of 6 pools, every unhealthy one (1) among them; --all lists "
                       "every pool\n"));

  const Json doc = RenderStatusJson(Input(in));
  EXPECT_EQ(doc["pools"].size(), 3u);
  EXPECT_EQ(doc["pools_total"], 6);
  EXPECT_EQ(doc["pools_unhealthy"], 1);
  EXPECT_EQ(doc["pools_unlisted"], 3);
  EXPECT_FALSE(doc["all_healthy"].get<bool>());
}

TEST(RenderStatusTest, MoreUnhealthyPoolsThanTheLimitSaysSo) {
  Fleet in = SixPools({1, 3, 4});
  in.limit = 2;
  std::string out = RenderStatusText(Input(in), kPlain);
  EXPECT_THAT(TableNames(out), ::testing::ElementsAre("p1", "p3"));
  EXPECT_THAT(out, ::testing::EndsWith(
                       "\nlisted 2 of 6 pools, all unhealthy (3 are); --all lists every pool\n"));

  in.only_unhealthy = true;
  out = RenderStatusText(Input(in), kPlain);
  EXPECT_THAT(TableNames(out), ::testing::ElementsAre("p1", "p3"));
  EXPECT_THAT(out, ::testing::EndsWith("\nlisted 2 of 3 unhealthy pools; --all lists every one\n"));
  EXPECT_EQ(RenderStatusJson(Input(in))["pools_unlisted"], 1);
}

TEST(RenderStatusTest, AHealthyFleetPastTheLimitSaysNoneIsUnhealthy) {
  Fleet in = SixPools({});
  in.limit = 4;
  const std::string out = RenderStatusText(Input(in), kPlain);
  EXPECT_THAT(TableNames(out), ::testing::ElementsAre("p0", "p1", "p2", "p3"));
  EXPECT_THAT(
      out, ::testing::EndsWith("\nlisted 4 of 6 pools, none unhealthy; --all lists every pool\n"));
  in.limit = 0;  // --all
  EXPECT_THAT(RenderStatusText(Input(in), kPlain), Not(HasSubstr("listed")));
  EXPECT_EQ(TableNames(RenderStatusText(Input(in), kPlain)).size(), 6u);
}

// A controller that predates the limit sends every pool and no summary: the CLI lists and
// counts them itself, so the output is the same.
TEST(RenderStatusTest, AnOlderControllerGivesTheSameOutput) {
  for (const bool only_unhealthy : {false, true}) {
    for (const uint32_t limit : {0u, 2u, 100u}) {
      Fleet in = SixPools({1, 3, 4});
      *in.hosts.add_hosts() = Host("h2", /*reporting=*/false, 0);
      in.only_unhealthy = only_unhealthy;
      in.limit = limit;
      Fleet old = in;
      old.predates_limit = true;
      ASSERT_FALSE(Input(old).status.has_summary());
      ASSERT_EQ(Input(old).status.pools_size(), 6);
      EXPECT_EQ(RenderStatusText(Input(old), kPlain), RenderStatusText(Input(in), kPlain))
          << only_unhealthy << " " << limit;
      EXPECT_EQ(RenderStatusJson(Input(old)), RenderStatusJson(Input(in)));
    }
  }
}

TEST(RenderStatusTest, ColourOnlyWhenAsked) {
  Fleet in = HealthyFleet();
  EXPECT_THAT(RenderStatusText(Input(in), kPlain), Not(HasSubstr("\033[")));
  EXPECT_THAT(RenderStatusText(Input(in), fixtures::kColor), HasSubstr("\033[32mONLINE\033[0m"));
}

}  // namespace
}  // namespace zfleet::cli
