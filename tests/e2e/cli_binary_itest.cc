// The real binaries on bad input: one clear line, a non-zero exit, nothing lost.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"

namespace zfleet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliBinary, UnreachableControllerIsOneLineAndNonZero) {
  const std::string address = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  RunResult r = RunProgram({BinaryPath("zfleet"), "--controller", address, "--timeout", "2s", "status"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot reach controller at " + address));
  EXPECT_EQ(r.out, "");
}

TEST(CliBinary, EveryBinaryHasHelp) {
  for (const char* name : {"zfleet", "zfleet-agent", "zfleet-controller"}) {
    RunResult r = RunProgram({BinaryPath(name), "--help"});
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_THAT(r.out, HasSubstr("--help")) << name;
  }
}

TEST(CliBinary, BadFlagsAreOneLineAndNonZero) {
  for (const char* name : {"zfleet", "zfleet-agent", "zfleet-controller"}) {
    RunResult r = RunProgram({BinaryPath(name), "--no-such-flag"});
    EXPECT_NE(r.exit_code, 0) << name;
    EXPECT_EQ(Lines(r.err), 1) << name << ": " << r.err;
  }
}

TEST(CliBinary, ControllerRefusesBrokenConfigWithFileAndLine) {
  TempDir dir;
  dir.Write("controller.toml", "[agents]\nreport_interval = \"soon\"\n");
  RunResult r = RunProgram({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                     dir.File("db"), "--config", dir.File("controller.toml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("zfleet-controller: " + dir.File("controller.toml") + ":2: "));
  EXPECT_EQ(Lines(r.err), 1) << r.err;
}

TEST(CliBinary, ControllerRefusesADatabaseItCannotOpen) {
  TempDir dir;
  RunResult r = RunProgram({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                     dir.File("missing-dir/db")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot open --db"));
  EXPECT_EQ(Lines(r.err), 1) << r.err;
}

TEST(CliBinary, AgentRefusesUnknownConfigKey) {
  TempDir dir;
  dir.Write("agent.toml", "[agent]\npoll_interval = \"5s\"\ncolour = \"blue\"\n");
  RunResult r = RunProgram({BinaryPath("zfleet-agent"), "--controller", "127.0.0.1:1", "--zpool",
                     "/bin/true", "--config", dir.File("agent.toml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("agent.toml:3: unknown key agent.colour"));
}

TEST(CliBinary, InspectOnMalformedZpoolOutputFailsWithOneLine) {
  TempDir dir;
  dir.Write("zpool", "#!/bin/sh\n[ \"$2\" = \"-?\" ] && exit 2\necho 'this is not zpool output'\n");
  chmod(dir.File("zpool").c_str(), 0755);
  RunResult r = RunProgram({BinaryPath("zfleet-agent"), "inspect", "--zpool", dir.File("zpool")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, StartsWith("zfleet-agent: "));
}

TEST(ControllerBinary, ServesPrometheusMetrics) {
  TempDir dir;
  const int port = FreeLoopbackPort();
  ChildProcess controller({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                           dir.File("db"), "--metrics-listen",
                           "127.0.0.1:" + std::to_string(port)},
                          dir.File("controller.log"));
  std::string page;
  for (int i = 0; i < 100 && page.empty(); ++i) {  // bounded: ~10 s for the binary to start
    page = HttpGet(port, "/metrics");
    if (page.empty()) usleep(100 * 1000);
  }
  EXPECT_THAT(page, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(page, HasSubstr("# TYPE zfleet_hosts_reporting gauge"));
  EXPECT_THAT(page, HasSubstr("zfleet_hosts_reporting 0"));
  EXPECT_THAT(HttpGet(port, "/other"), StartsWith("HTTP/1.1 404"));
}

TEST(ControllerBinary, RefusesAMetricsAddressItCannotUse) {
  TempDir dir;
  RunResult r = RunProgram({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                            dir.File("db"), "--metrics-listen", "not-an-address"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--metrics-listen"));
  EXPECT_EQ(Lines(r.err), 1) << r.err;
}

}  // namespace
}  // namespace zfleet::testing
