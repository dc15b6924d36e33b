// The real binaries on bad input: one clear line, a non-zero exit, nothing lost.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

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
  RunResult r =
      RunProgram({BinaryPath("zfleet"), "--controller", address, "--timeout", "2s", "status"});
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
                           dir.File("db"), "--metrics-listen", "127.0.0.1:" + std::to_string(port)},
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

// Lines of `text` (a terminal's \r\n or \n) that are wider than `width` display columns.
std::vector<std::string> LinesWiderThan(const std::string& text, size_t width) {
  std::vector<std::string> wide;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t shown = std::count_if(line.begin(), line.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    if (shown > width) wide.push_back(line);
  }
  return wide;
}

// On an 80-column terminal (a pty made by `script`, COLUMNS=80) tables fit it, long cells cut
// with "…"; --wide and a pipe get them whole.
TEST(CliBinary, TablesFitAnEightyColumnTerminal) {
  TempDir dir;
  ProcessFleet fleet(&dir);
  const std::string host = "storage-node-0001.rack-07.datacenter-east.example.com";
  fleet.StartController(EveryClassScrubbedEvery(kNeverDue));
  fleet.StartAgent(host, InstallFakeZpool(dir, "fake_host/list.txt", "fake_host/healthy.txt"));
  ASSERT_TRUE(fleet
                  .WaitForJson(
                      {"pools"},
                      [](const nlohmann::json& j) {
                        return j["pools"].is_array() && j["pools"].size() == 2;
                      },
                      30)
                  .is_object())
      << fleet.Logs();

  const std::string zfleet = BinaryPath("zfleet") + " --controller " + fleet.address();
  for (const char* command : {"pools", "events", "hosts", "status"}) {
    SCOPED_TRACE(command);
    RunResult tty = RunProgram(
        {"env", "COLUMNS=80", "NO_COLOR=1", "script", "-qec", zfleet + " " + command, "/dev/null"});
    ASSERT_EQ(tty.exit_code, 0) << tty.out << tty.err;
    EXPECT_THAT(LinesWiderThan(tty.out, 80), ::testing::IsEmpty()) << tty.out;
    EXPECT_THAT(tty.out, HasSubstr("…"));
    RunResult wide = RunProgram({"env", "COLUMNS=80", "NO_COLOR=1", "script", "-qec",
                                 zfleet + " --wide " + command, "/dev/null"});
    ASSERT_EQ(wide.exit_code, 0) << wide.err;
    EXPECT_THAT(wide.out, HasSubstr(host));
    RunResult piped = fleet.Cli({command});
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_THAT(piped.out, HasSubstr(host));
    EXPECT_THAT(piped.out, ::testing::Not(HasSubstr("…")));
  }
  fleet.StopAgent();
  fleet.StopController();
}

// The words of `text`, wherever its lines break (a terminal's \r\n or \n).
std::vector<std::string> WordsOf(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// On an 80-column terminal `zfleet triage` wraps its lines at spaces, continuation lines
// under the place, and loses nothing; --wide and a pipe get each line whole.
TEST(CliBinary, TriageWrapsToAnEightyColumnTerminal) {
  TempDir dir;
  ProcessFleet fleet(&dir);
  const std::string host = "storage-node-0001.rack-07.datacenter-east.example.com";
  fleet.StartController(EveryClassScrubbedEvery(kNeverDue));
  const std::string zpool = InstallFakeZpool(dir, "fake_host/list.txt", "fake_host/healthy.txt");
  // tank with permanent data errors and no disk errors (whose counter trend would grow).
  dir.Write("list.txt", "tank\t7.25T\t3.10T\t4.15T\t42%\t1.00x\tONLINE\t-\n");
  std::string status =
      ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/openzfs2/permanent_errors.txt");
  const size_t sda = status.find("ONLINE       0     0     6");
  ASSERT_NE(sda, std::string::npos);
  status.replace(sda, 26, "ONLINE       0     0     0");
  dir.Write("status.txt", status);
  fleet.StartAgent(host, zpool);
  // The data errors, and whatever this machine's ZFS stack check adds, each with its
  // incident: from then on the text stays the same from one call to the next.
  auto items_with_incidents = [](const nlohmann::json& j) {
    if (!j.is_object() || !j["items"].is_array() || j["items"].empty()) return false;
    return std::all_of(j["items"].begin(), j["items"].end(),
                       [](const nlohmann::json& item) { return item["incident"].is_number(); });
  };
  const nlohmann::json triage = fleet.WaitForJson({"triage"}, items_with_incidents, 30);
  ASSERT_TRUE(items_with_incidents(triage)) << triage.dump(2) << fleet.Logs();

  const std::string zfleet = BinaryPath("zfleet") + " --controller " + fleet.address();
  RunResult piped = fleet.Cli({"triage"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  ASSERT_THAT(LinesWiderThan(piped.out, 80), ::testing::Not(::testing::IsEmpty())) << piped.out;
  RunResult tty = RunProgram(
      {"env", "COLUMNS=80", "NO_COLOR=1", "script", "-qec", zfleet + " triage", "/dev/null"});
  ASSERT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  EXPECT_THAT(LinesWiderThan(tty.out, 80), ::testing::IsEmpty()) << tty.out;
  EXPECT_EQ(WordsOf(tty.out), WordsOf(piped.out)) << tty.out;
  EXPECT_THAT(tty.out, HasSubstr("\nCRITICAL  " + host + "/tank:"));
  EXPECT_THAT(tty.out, HasSubstr("\n          ")) << tty.out;  // continuations under the place
  EXPECT_THAT(tty.out, ::testing::Not(HasSubstr("…")));
  RunResult wide = RunProgram({"env", "COLUMNS=80", "NO_COLOR=1", "script", "-qec",
                               zfleet + " --wide triage", "/dev/null"});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_EQ(LinesWiderThan(wide.out, 80), LinesWiderThan(piped.out, 80)) << wide.out;
  fleet.StopAgent();
  fleet.StopController();
}

}  // namespace
}  // namespace zfleet::testing
