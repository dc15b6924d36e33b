#include "common/systemd_notify.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/notify_socket.h"
#include "tests/testing/temp_dir.h"

namespace zfleet {
namespace {

using ::testing::HasSubstr;
using ::zfleet::testing::NotifySocket;
using ::zfleet::testing::TempDir;

// An abstract socket name no other test (or test binary) uses at the same time.
std::string AbstractName(const std::string& what) {
  static int counter = 0;
  return absl::StrCat("@zfleet-notify-test-", getpid(), "-", what, "-", ++counter);
}

TEST(SendNotifyTest, SendsExactlyTheTextToAPathSocket) {
  TempDir dir;
  NotifySocket systemd(dir.File("notify.sock"));
  ASSERT_TRUE(systemd.ok()) << systemd.error();
  ASSERT_TRUE(SendNotify(systemd.address(), "READY=1\nSTATUS=listening on port 7400").ok());
  const auto message = systemd.Receive(absl::Seconds(5));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->text, "READY=1\nSTATUS=listening on port 7400");
  EXPECT_FALSE(systemd.Receive(absl::Milliseconds(50)).has_value()) << "one datagram per call";
}

TEST(SendNotifyTest, SendsExactlyTheTextToAnAbstractSocket) {
  NotifySocket systemd(AbstractName("abstract"));
  ASSERT_TRUE(systemd.ok()) << systemd.error();
  ASSERT_TRUE(SendNotify(systemd.address(), "WATCHDOG=1").ok());
  ASSERT_TRUE(SendNotify(systemd.address(), "STOPPING=1").ok());
  const auto first = systemd.Receive(absl::Seconds(5));
  const auto second = systemd.Receive(absl::Seconds(5));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->text, "WATCHDOG=1");
  EXPECT_EQ(second->text, "STOPPING=1");
}

TEST(SendNotifyTest, NoSocketIsANoOp) { EXPECT_TRUE(SendNotify("", "READY=1").ok()); }

TEST(SendNotifyTest, ASocketThatIsNotThereIsAnErrorNotACrash) {
  TempDir dir;
  const absl::Status missing = SendNotify(dir.File("nothing.sock"), "READY=1");
  EXPECT_TRUE(absl::IsNotFound(missing)) << missing;
  EXPECT_THAT(missing.message(), HasSubstr(dir.File("nothing.sock")));

  dir.Write("plain-file", "");  // a path, but no socket behind it
  EXPECT_FALSE(SendNotify(dir.File("plain-file"), "READY=1").ok());

  const absl::Status abstract = SendNotify(AbstractName("nobody"), "READY=1");
  EXPECT_FALSE(abstract.ok());
  EXPECT_TRUE(absl::IsUnavailable(abstract)) << abstract;  // ECONNREFUSED
}

TEST(SendNotifyTest, AddressesOfAnotherFormAreRefused) {
  EXPECT_TRUE(absl::IsInvalidArgument(SendNotify("relative/notify.sock", "READY=1")));
  EXPECT_TRUE(absl::IsInvalidArgument(SendNotify("vsock:2:1234", "READY=1")));
  EXPECT_TRUE(absl::IsInvalidArgument(SendNotify("/" + std::string(200, 'x'), "READY=1")));
  EXPECT_TRUE(absl::IsInvalidArgument(SendNotify("@" + std::string(200, 'x'), "READY=1")));
}

TEST(SendNotifyTest, AFullQueueFailsAtOnceInsteadOfBlocking) {
  NotifySocket systemd(AbstractName("full"));
  ASSERT_TRUE(systemd.ok()) << systemd.error();
  // Nobody reads: the kernel's queue for the socket fills up (a few hundred datagrams).
  absl::Status status;
  for (int i = 0; i < 100000 && status.ok(); ++i) {
    status = SendNotify(systemd.address(), "WATCHDOG=1");
  }
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
}

SystemdEnv Env(std::optional<std::string> usec, std::optional<std::string> pid = std::nullopt) {
  return SystemdEnv{"/run/systemd/notify", std::move(usec), std::move(pid)};
}

TEST(WatchdogIntervalTest, ParsesMicroseconds) {
  auto interval = WatchdogInterval(Env("30000000"), 42);
  ASSERT_TRUE(interval.ok()) << interval.status();
  EXPECT_EQ(*interval, absl::Seconds(30));
  interval = WatchdogInterval(Env("400000"), 42);
  ASSERT_TRUE(interval.ok());
  EXPECT_EQ(*interval, absl::Milliseconds(400));
}

TEST(WatchdogIntervalTest, UnsetMeansNoWatchdog) {
  auto interval = WatchdogInterval(Env(std::nullopt), 42);
  ASSERT_TRUE(interval.ok());
  EXPECT_EQ(*interval, std::nullopt);
  // A pid alone (systemd sets both) is not a watchdog either.
  interval = WatchdogInterval(Env(std::nullopt, "42"), 42);
  ASSERT_TRUE(interval.ok());
  EXPECT_EQ(*interval, std::nullopt);
}

TEST(WatchdogIntervalTest, BadValuesAndZeroAreErrors) {
  for (const char* bad : {"", "0", "-5", "abc", "12s", "1.5", "99999999999999999999999"}) {
    auto interval = WatchdogInterval(Env(bad), 42);
    EXPECT_TRUE(absl::IsInvalidArgument(interval.status())) << "'" << bad << "'";
  }
}

TEST(WatchdogIntervalTest, OnlyForTheProcessWatchdogPidNames) {
  auto mine = WatchdogInterval(Env("1000000", "42"), 42);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(*mine, absl::Seconds(1));
  // A child that inherited the environment (or a wrapper's pid) is not the one watched.
  auto other = WatchdogInterval(Env("1000000", "43"), 42);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, std::nullopt);
  for (const char* bad : {"", "0", "-1", "pid"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(WatchdogInterval(Env("1000000", bad), 42).status()))
        << "'" << bad << "'";
  }
}

TEST(SystemdNotifierTest, WithoutNotifySocketNothingIsSentAndNoWatchdog) {
  SystemdNotifier notifier(SystemdEnv{std::nullopt, "1000000", std::nullopt}, getpid());
  EXPECT_FALSE(notifier.enabled());
  // Nowhere to send the pings to.
  EXPECT_EQ(notifier.watchdog_interval(), std::nullopt);
  notifier.Notify("READY=1");
}

TEST(SystemdNotifierTest, SendsToItsSocketAndCarriesOnAfterFailures) {
  NotifySocket systemd(AbstractName("notifier"));
  ASSERT_TRUE(systemd.ok()) << systemd.error();
  SystemdNotifier notifier(SystemdEnv{systemd.address(), "2000000", std::nullopt}, getpid());
  EXPECT_TRUE(notifier.enabled());
  EXPECT_EQ(notifier.watchdog_interval(), absl::Seconds(2));
  notifier.Notify("READY=1");
  const auto message = systemd.Receive(absl::Seconds(5));
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->text, "READY=1");

  SystemdNotifier broken(SystemdEnv{AbstractName("gone"), "bad", std::nullopt}, getpid());
  EXPECT_TRUE(broken.enabled());
  // The bad WATCHDOG_USEC was logged and the watchdog is off; the failed sends are logged
  // once, and neither stops the caller.
  EXPECT_EQ(broken.watchdog_interval(), std::nullopt);
  broken.Notify("READY=1");
  broken.Notify("WATCHDOG=1");
}

}  // namespace
}  // namespace zfleet
