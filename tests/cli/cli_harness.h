// Runs whole `zfleet` commands against a FakeFleet, for the command tests.
#ifndef ZFLEET_TESTS_CLI_CLI_HARNESS_H_
#define ZFLEET_TESTS_CLI_CLI_HARNESS_H_

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fake_fleet_api.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {

// A fleet of one healthy pool h1/tank, "now" fixed at fixtures::kNow.
class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    *fleet_.hosts.add_hosts() = fixtures::Host("h1");
    *fleet_.pools.add_pools() = fixtures::Summary("h1", fixtures::HealthyPool("tank"));
    env_.now = fixtures::Now();
  }

  CliResult Run(std::vector<std::string> args) {
    return RunCli(args, env_, [this](const ControllerConnection& connection) {
      targets_.push_back(connection.target);
      timeouts_.push_back(connection.timeout);
      connections_.push_back(connection);
      return std::make_unique<FakeFleetApi>(&fleet_);
    });
  }

  void ExpectUsageError(const std::vector<std::string>& args, const std::string& reason) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << ::testing::PrintToString(args);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, ::testing::StartsWith("zfleet: "));
    EXPECT_THAT(r.err, ::testing::HasSubstr(reason));
    EXPECT_THAT(r.err, ::testing::EndsWith("run 'zfleet --help'\n"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }

  FakeFleet fleet_;
  Environment env_;
  std::vector<std::string> targets_;
  std::vector<absl::Duration> timeouts_;
  std::vector<ControllerConnection> connections_;
};

}  // namespace zfleet::cli

#endif  // ZFLEET_TESTS_CLI_CLI_HARNESS_H_
