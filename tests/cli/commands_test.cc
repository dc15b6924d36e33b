#include "cli/commands.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/version.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_harness.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::ordered_json;

class CommandsTest : public CliTest {};

TEST_F(CommandsTest, BadArgumentsExitTwoWithOneLineAndNoCall) {
  ExpectUsageError({}, "subcommand is required");
  ExpectUsageError({"bogus"}, "unknown command \"bogus\"");
  ExpectUsageError({"status", "--bogus"}, "--bogus");
  ExpectUsageError({"hosts", "-x"}, "-x");
  ExpectUsageError({"status", "--limit", "0"}, "--limit: must be 1 or more");
  ExpectUsageError({"status", "--limit", "-3"}, "--limit: must be 1 or more");
  ExpectUsageError({"status", "--limit", "many"}, "--limit");
  ExpectUsageError({"status", "--limit", "5", "--all"}, "excludes");
  ExpectUsageError({"pool"}, "missing HOST/POOL");
  ExpectUsageError({"pool", "tank"}, "bad pool \"tank\"");
  ExpectUsageError({"pool", "h1/tank/home"}, "a dataset, not a pool");
  ExpectUsageError({"scrub", "/tank"}, "empty host");
  ExpectUsageError({"scrub", "h1/tank", "--stop", "--pause"}, "--stop excludes --pause");
  ExpectUsageError({"history"}, "missing HOST/POOL");
  ExpectUsageError({"history", "h1"}, "bad pool \"h1\"");
  ExpectUsageError({"schedule", "h1/tank"}, "h1/tank");
  ExpectUsageError({"triage", "--since", "1h"}, "--since");
  ExpectUsageError({"pool", "h1/a", "h1/b"}, "h1/b");
  ExpectUsageError({"--timeout", "soon", "hosts"}, "--timeout: bad duration");
  ExpectUsageError({"--timeout", "0s", "hosts"}, "--timeout: must be longer than 0s");
  ExpectUsageError({"--controller", "ctl", "hosts"}, "bad controller address \"ctl\"");
  ExpectUsageError({"--controller", "ctl:99999", "hosts"}, "bad controller address");
  EXPECT_TRUE(targets_.empty()) << "no client may be made for bad arguments";
}

TEST_F(CommandsTest, VersionPrintsTheProjectVersionAndContactsNobody) {
  const CliResult r = Run({"--version"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, absl::StrCat("zfleet ", kVersion, "\n"));
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(targets_.empty());
}

TEST_F(CommandsTest, HelpWorksEverywhere) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"-h"},
                                             {"status", "--help"},
                                             {"hosts", "--help"},
                                             {"pools", "--help"},
                                             {"pool", "--help"},
                                             {"scrub", "--help"},
                                             {"history", "--help"},
                                             {"schedule", "--help"},
                                             {"events", "--help"},
                                             {"ack", "--help"},
                                             {"incidents", "--help"},
                                             {"triage", "--help"},
                                             {"watch", "--help"},
                                             {"completion", "--help"},
                                             {"disks", "--help"},
                                             {"whoami", "--help"},
                                             {"audit", "--help"},
                                             {"forget", "--help"},
                                             {"cancel-queued", "--help"}}) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << args[0];
    EXPECT_THAT(r.out, HasSubstr("Usage: zfleet")) << args[0];
    EXPECT_EQ(r.err, "");
  }
  EXPECT_THAT(Run({"scrub", "--help"}).out, HasSubstr("--pause"));
  EXPECT_THAT(Run({"scrub", "--help"}).out, HasSubstr("--now"));
  EXPECT_THAT(Run({"scrub", "--help"}).out, HasSubstr("--wait"));
  EXPECT_THAT(Run({"watch", "--help"}).out, HasSubstr("--interval DURATION=5s"));
  EXPECT_THAT(Run({"events", "--help"}).out, HasSubstr("--since DURATION=24h"));
  EXPECT_THAT(Run({"disks", "--help"}).out, HasSubstr("--by-model"));
  EXPECT_THAT(Run({"audit", "--help"}).out, HasSubstr("--since DURATION=7d"));
  EXPECT_THAT(Run({"forget", "--help"}).out, HasSubstr("--yes"));
  const std::string help = Run({"--help"}).out;
  EXPECT_THAT(help, HasSubstr("Exit codes"));
  for (const char* command :
       {"status", "hosts", "pools", "pool", "history", "scrub", "schedule", "events", "incidents",
        "ack", "triage", "disks", "watch", "completion", "whoami", "audit", "forget",
        "cancel-queued"}) {
    EXPECT_THAT(help, HasSubstr(std::string("\n  ") + command + " ")) << command;
  }
  EXPECT_TRUE(targets_.empty());
}

TEST_F(CommandsTest, ControllerFromFlagThenEnvThenDefault) {
  Run({"hosts"});
  env_.controller_env = "ctl.example.net:7400";
  Run({"hosts"});
  Run({"--controller", "10.0.0.1:9000", "hosts"});
  Run({"hosts", "--controller", "[::1]:7400"});
  EXPECT_THAT(targets_, ::testing::ElementsAre("127.0.0.1:7400", "ctl.example.net:7400",
                                               "10.0.0.1:9000", "[::1]:7400"));
}

TEST_F(CommandsTest, TimeoutDefaultsToTenSeconds) {
  Run({"hosts"});
  Run({"--timeout", "1m30s", "hosts"});
  EXPECT_THAT(timeouts_, ::testing::ElementsAre(absl::Seconds(10), absl::Seconds(90)));
}

TEST_F(CommandsTest, JsonBeforeOrAfterTheCommandIsOneDocument) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "status"}, {"status", "--json"}, {"status", "-x", "--json"}}) {
    const CliResult r = Run(args);
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    const Json doc = Json::parse(r.out);  // throws (fails the test) on a second document
    EXPECT_TRUE(doc["all_healthy"].get<bool>());
    EXPECT_EQ(r.out.back(), '\n');
  }
  EXPECT_EQ(Json::parse(Run({"hosts", "--json"}).out)["hosts"].size(), 1u);
  EXPECT_EQ(Json::parse(Run({"pools", "--json"}).out)["pools"][0]["pool"], "tank");
  EXPECT_EQ(Json::parse(Run({"pool", "h1/tank", "--json"}).out)["host"], "h1");
}

TEST_F(CommandsTest, StatusDashXOnHealthyFleet) {
  const CliResult r = Run({"status", "-x"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, "all pools are healthy\n");
}

// The filter and the limit go to the controller, which lists only those pools.
TEST_F(CommandsTest, StatusSendsItsFilterAndLimit) {
  Run({"status"});
  Run({"status", "-x", "--limit", "7"});
  Run({"status", "--all"});
  Run({"watch", "status", "--count", "1", "--interval", "1s"});
  ASSERT_EQ(fleet_.get_status.size(), 4u);
  EXPECT_FALSE(fleet_.get_status[0].unhealthy_only());
  EXPECT_EQ(fleet_.get_status[0].limit(), 100u);
  EXPECT_TRUE(fleet_.get_status[1].unhealthy_only());
  EXPECT_EQ(fleet_.get_status[1].limit(), 7u);
  EXPECT_EQ(fleet_.get_status[2].limit(), 0u);  // every pool
  EXPECT_EQ(fleet_.get_status[3].limit(), 100u);
}

TEST_F(CommandsTest, StatusPastItsLimitSaysHowToSeeTheRest) {
  v1::PoolSummary second = fleet_.pools.pools(0);
  second.mutable_pool()->set_name("zeta");
  *fleet_.pools.add_pools() = second;
  const CliResult r = Run({"status", "--limit", "1"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("pools: 2 (2 ONLINE)\n"));
  EXPECT_THAT(r.out, HasSubstr(" tank "));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("zeta")));
  EXPECT_THAT(r.out, EndsWith("listed 1 of 2 pools, none unhealthy; --all lists every pool\n"));
  EXPECT_THAT(Run({"status", "--all"}).out, HasSubstr("zeta"));

  fleet_.status_predates_limit = true;  // an older controller: the CLI lists and counts
  EXPECT_EQ(Run({"status", "--limit", "1"}).out, r.out);
}

TEST_F(CommandsTest, PoolAsksForTheRightPool) {
  const CliResult r = Run({"pool", "h1/tank"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("   pool: tank\n"));
  ASSERT_EQ(fleet_.get_pool.size(), 1u);
  EXPECT_EQ(fleet_.get_pool[0].host_id(), "h1");
  EXPECT_EQ(fleet_.get_pool[0].pool(), "tank");
}

TEST_F(CommandsTest, ScrubMapsFlagsToActions) {
  EXPECT_EQ(Run({"scrub", "h1/tank"}).out, "scrub requested on h1/tank (run 12, command abc)\n");
  EXPECT_EQ(Run({"scrub", "h1/tank", "--stop"}).out,
            "stop requested on h1/tank (run 12, command abc)\n");
  EXPECT_EQ(Json::parse(Run({"--json", "scrub", "--pause", "h1/tank"}).out)["action"], "pause");
  ASSERT_EQ(fleet_.scrub.size(), 3u);
  EXPECT_EQ(fleet_.scrub[0].action(), v1::START);
  EXPECT_EQ(fleet_.scrub[1].action(), v1::STOP);
  EXPECT_EQ(fleet_.scrub[2].action(), v1::PAUSE);
}

TEST_F(CommandsTest, ServerErrorsExitOneWithTheServersMessage) {
  fleet_.error = absl::NotFoundError("unknown pool h1/nope");
  const CliResult r = Run({"--json", "pool", "h1/nope"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out, "");  // no half document
  EXPECT_EQ(r.err, "zfleet: unknown pool h1/nope\n");

  fleet_.error = absl::UnavailableError("cannot reach controller at 127.0.0.1:7400: refused\nx");
  const CliResult down = Run({"status"});
  EXPECT_EQ(down.exit_code, kExitFailure);
  EXPECT_EQ(down.err, "zfleet: cannot reach controller at 127.0.0.1:7400: refused; x\n");
}

TEST_F(CommandsTest, ColourOnlyForTerminalsAndNeverInJson) {
  env_.color = true;
  EXPECT_THAT(Run({"status"}).out, HasSubstr("\033["));
  EXPECT_THAT(Run({"status", "--json"}).out, ::testing::Not(HasSubstr("\033[")));
  env_.color = false;
  EXPECT_THAT(Run({"status"}).out, ::testing::Not(HasSubstr("\033[")));
}

TEST_F(CommandsTest, TablesFitTheTerminalUnlessWide) {
  const std::string full = Run({"status"}).out;  // not a terminal: no limit
  ASSERT_THAT(full, ::testing::Not(HasSubstr("…")));
  env_.width = 30;
  const std::string narrow = Run({"status"}).out;
  EXPECT_NE(narrow, full);
  EXPECT_THAT(narrow, HasSubstr("…"));
  EXPECT_EQ(Run({"--wide", "status"}).out, full);
  const std::string json_on_terminal = Run({"--json", "status"}).out;
  env_.width = 0;
  EXPECT_EQ(json_on_terminal, Run({"--json", "status"}).out);
}

TEST_F(CommandsTest, CompletionScriptsNeedNoController) {
  const CliResult bash = Run({"completion", "bash"});
  EXPECT_EQ(bash.exit_code, kExitOk) << bash.err;
  EXPECT_THAT(bash.out, HasSubstr("complete -F _zfleet zfleet\n"));
  EXPECT_THAT(bash.out, HasSubstr(" incidents "));
  EXPECT_THAT(bash.out, HasSubstr("--wait"));
  const CliResult zsh = Run({"completion", "zsh"});
  EXPECT_THAT(zsh.out, ::testing::StartsWith("#compdef zfleet\n"));
  EXPECT_TRUE(targets_.empty());  // no controller was asked
  ExpectUsageError({"completion", "fish"}, "completion: want bash or zsh, not \"fish\"");
}

}  // namespace
}  // namespace zfleet::cli
