// The daemons under a stand-in for systemd: the real zfleet-controller and zfleet-agent on
// 127.0.0.1, run with NOTIFY_SOCKET naming a datagram socket the test bound and
// WATCHDOG_USEC=400000, as a Type=notify unit with WatchdogSec=400ms would run them. What
// they send is what systemd would act on: READY=1 once they serve, WATCHDOG=1 at least every
// 400 ms while they do their job (the agent's: its report loop, not zpool), STOPPING=1 at
// SIGTERM.
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/notify_socket.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {
namespace {

constexpr char kWatchdogUsec[] = "400000";
constexpr absl::Duration kWatchdog = absl::Milliseconds(400);
// How long the pings are watched each time, and what counts as "repeatedly": a ping every
// 200 ms expected, half of that required, and no silence systemd could not have missed by a
// wide margin (the host may be busy with other builds).
constexpr absl::Duration kWatch = absl::Seconds(3);
constexpr size_t kMinPings = 7;
constexpr absl::Duration kMaxGap = absl::Milliseconds(1500);

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // A hung fake zpool ends once its file is gone (the agent may have been killed).
    std::remove(dir_.File("hang.txt").c_str());
    agent_.reset();
    controller_.reset();
  }

  // argv run under `env` with systemd's variables for `systemd`'s socket.
  std::vector<std::string> UnderSystemd(const std::vector<std::string>& argv) const {
    std::vector<std::string> out = {"env", "NOTIFY_SOCKET=" + systemd_.address(),
                                    std::string("WATCHDOG_USEC=") + kWatchdogUsec};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

  std::vector<std::string> ControllerArgv() {
    dir_.Write("controller.toml",
               "[agents]\nreport_interval = \"1s\"\n[scheduler]\ntick = \"1s\"\n");
    return {BinaryPath("zfleet-controller"), "--listen", absl::StrCat("127.0.0.1:", port_), "--db",
            dir_.File("zfleet.db"),          "--config", dir_.File("controller.toml")};
  }
  void StartController(bool under_systemd) {
    std::vector<std::string> argv = ControllerArgv();
    controller_ = std::make_unique<ChildProcess>(under_systemd ? UnderSystemd(argv) : argv,
                                                 dir_.File("controller.log"));
  }

  // The agent, reporting to port_ (whether a controller listens there or not) over a fake
  // zpool; zpool times out after 4 s, so a hang is seen and retried during a test.
  void StartAgent() {
    const std::string zpool = InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
    dir_.Write("agent.toml", "[agent]\npoll_interval = \"1s\"\nzpool_timeout = \"4s\"\n");
    agent_ = std::make_unique<ChildProcess>(
        UnderSystemd({BinaryPath("zfleet-agent"), "--controller", absl::StrCat("127.0.0.1:", port_),
                      "--host-id", "h1", "--zpool", zpool, "--config", dir_.File("agent.toml"),
                      "--state-dir", dir_.File("agent-state")}),
        dir_.File("agent.log"));
  }

  // Watches the pings for kWatch: they come repeatedly, without a long silence.
  void ExpectPingsFor(const std::string& what) {
    const absl::Time from = absl::Now();
    const std::vector<NotifySocket::Message> pings = systemd_.Collect("WATCHDOG=1", kWatch);
    const absl::Time to = absl::Now();
    EXPECT_GE(pings.size(), kMinPings) << what << Logs();
    EXPECT_LT(LongestGap(pings, from, to), kMaxGap) << what << Logs();
  }

  // Nothing the daemon sent before READY=1 was a ping: systemd arms its watchdog at READY.
  void ExpectNoPingBeforeReady() const {
    for (const NotifySocket::Message& m : systemd_.received()) {
      if (HasLine(m.text, "READY=1")) return;
      EXPECT_FALSE(HasLine(m.text, "WATCHDOG=1")) << "a ping before READY=1";
    }
  }

  // How many times the fake zpool was called with exactly `args`.
  int ZpoolCalls(const std::string& args) const {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n')) {
      n += line == args;
    }
    return n;
  }

  std::string Logs() const {
    return "\n--- controller.log\n" + ReadFile(dir_.File("controller.log")) + "--- agent.log\n" +
           ReadFile(dir_.File("agent.log"));
  }

  TempDir dir_;
  NotifySocket systemd_{dir_.File("notify.sock")};
  const int port_ = FreeLoopbackPort();
  std::unique_ptr<ChildProcess> controller_;
  std::unique_ptr<ChildProcess> agent_;
};

TEST_F(SystemdNotifyTest, ControllerIsReadyOnlyOnceItServesPingsAndSaysWhenItStops) {
  ASSERT_TRUE(systemd_.ok()) << systemd_.error();
  StartController(/*under_systemd=*/true);
  const auto ready = systemd_.WaitForLine("READY=1", absl::Seconds(30));
  ASSERT_TRUE(ready.has_value()) << Logs();
  EXPECT_TRUE(HasLine(ready->text, absl::StrCat("STATUS=listening on port ", port_)))
      << ready->text;
  EXPECT_TRUE(AcceptsConnections(port_)) << "READY=1 before the gRPC port accepts" << Logs();
  ExpectNoPingBeforeReady();

  ExpectPingsFor("controller");

  EXPECT_EQ(controller_->Stop(SIGTERM), 0) << Logs();
  EXPECT_TRUE(systemd_.WaitForLine("STOPPING=1", absl::Seconds(5)).has_value()) << Logs();
}

TEST_F(SystemdNotifyTest, AgentIsReadyPingsWhileItReportsAndSaysWhenItStops) {
  ASSERT_TRUE(systemd_.ok()) << systemd_.error();
  StartController(/*under_systemd=*/false);
  ASSERT_TRUE(WaitFor([&] { return AcceptsConnections(port_); }, absl::Seconds(30))) << Logs();
  StartAgent();
  const auto ready = systemd_.WaitForLine("READY=1", absl::Seconds(30));
  ASSERT_TRUE(ready.has_value()) << Logs();
  EXPECT_TRUE(HasLine(ready->text, absl::StrCat("STATUS=reporting to 127.0.0.1:", port_)))
      << ready->text;
  ExpectNoPingBeforeReady();

  ExpectPingsFor("agent reporting");

  EXPECT_EQ(agent_->Stop(SIGTERM), 0) << Logs();
  EXPECT_TRUE(systemd_.WaitForLine("STOPPING=1", absl::Seconds(5)).has_value()) << Logs();
}

// No controller at all: every report attempt waits for a connection (5 s) and fails, and
// the loop backs off. That is the agent doing its job; systemd must not restart it.
TEST_F(SystemdNotifyTest, AgentKeepsPingingWhileTheControllerIsNotRunning) {
  ASSERT_TRUE(systemd_.ok()) << systemd_.error();
  StartAgent();
  ASSERT_TRUE(systemd_.WaitForLine("READY=1", absl::Seconds(30)).has_value()) << Logs();
  ASSERT_TRUE(WaitFor(
      [&] { return absl::StrContains(ReadFile(dir_.File("agent.log")), "controller unreachable"); },
      absl::Seconds(30)))
      << Logs();
  // Longer than one report attempt's wait for the connection.
  ExpectPingsFor("controller away");
  ExpectPingsFor("controller away, later");

  EXPECT_EQ(agent_->Stop(SIGTERM), 0) << Logs();
  EXPECT_TRUE(systemd_.WaitForLine("STOPPING=1", absl::Seconds(5)).has_value()) << Logs();
}

// zpool hangs from the first call: the collector's thread waits on it (and on each retry
// after the 4 s timeout); the report loop goes on reporting the hang, and the pings go on.
// A frozen agent (SIGSTOP) is silent: what a wedged one would look like to systemd.
TEST_F(SystemdNotifyTest, AgentKeepsPingingWhileZpoolHangsAndFallsSilentWhenFrozen) {
  ASSERT_TRUE(systemd_.ok()) << systemd_.error();
  StartController(/*under_systemd=*/false);
  ASSERT_TRUE(WaitFor([&] { return AcceptsConnections(port_); }, absl::Seconds(30))) << Logs();
  dir_.Write("hang.txt", "");
  StartAgent();
  ASSERT_TRUE(systemd_.WaitForLine("READY=1", absl::Seconds(30)).has_value()) << Logs();
  // The first `zpool list` is under way, and hangs.
  ASSERT_TRUE(WaitFor([&] { return ZpoolCalls("list -H") > 0; }, absl::Seconds(30))) << Logs();
  ExpectPingsFor("zpool hanging");
  ExpectPingsFor("zpool hanging past its timeout");
  EXPECT_EQ(ZpoolCalls("status -v"), 0) << "zpool answered: the hang did not hold";

  ASSERT_EQ(kill(agent_->pid(), SIGSTOP), 0);
  systemd_.Collect("WATCHDOG=1", absl::Milliseconds(300));  // what was sent before the stop
  EXPECT_TRUE(systemd_.Collect("WATCHDOG=1", 4 * kWatchdog).empty()) << "a frozen agent pinged";

  ASSERT_EQ(kill(agent_->pid(), SIGCONT), 0);
  EXPECT_TRUE(systemd_.WaitForLine("WATCHDOG=1", absl::Seconds(5)).has_value())
      << "no ping after SIGCONT" << Logs();
  agent_->Stop(SIGKILL);
}

}  // namespace
}  // namespace zfleet::testing
