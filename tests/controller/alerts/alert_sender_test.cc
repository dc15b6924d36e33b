// AlertSender over a fake POST and a FakeClock: rounds run by RunOnce(), except for the
// thread tests, which wait (bounded) for the threads' POSTs.
#include "controller/alerts/alert_sender.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/log_capture.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kSenderT0 = absl::FromUnixSeconds(1700000000);

Alert SenderAlert(int i) {
  Alert a;
  a.key = absl::StrCat("incident:", i);
  a.labels = {{"alertname", "ZfsTest"}, {"pool", absl::StrCat("p", i)}};
  a.starts_at = kSenderT0;
  return a;
}

std::vector<Alert> SenderAlerts(int n) {
  std::vector<Alert> out;
  for (int i = 0; i < n; ++i) out.push_back(SenderAlert(i));
  return out;
}

// Records every POST; fails those to URLs in `down`. Thread-safe.
class FakePoster {
 public:
  AlertSender::PostFn Fn() {
    return [this](const HttpEndpoint& endpoint, const std::string& json) {
      absl::MutexLock lock(&mu_);
      posts_.push_back({endpoint.url, nlohmann::json::parse(json).size()});
      if (down_.contains(endpoint.url)) {
        return absl::UnavailableError(
            absl::StrCat("alertmanager ", endpoint.url, ": connection refused"));
      }
      return absl::OkStatus();
    };
  }
  void SetDown(const std::string& url, bool down) {
    absl::MutexLock lock(&mu_);
    if (down) {
      down_.insert(url);
    } else {
      down_.erase(url);
    }
  }
  // "URL:ALERTS" per POST since the last call.
  std::vector<std::string> Take() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (const auto& [url, n] : posts_) out.push_back(absl::StrCat(url, ":", n));
    posts_.clear();
    return out;
  }
  // Waits up to 10 s for `n` POSTs not yet taken.
  bool WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    want_ = n;
    return mu_.AwaitWithTimeout(absl::Condition(this, &FakePoster::Enough), absl::Seconds(10));
  }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<std::string, size_t>> posts_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> down_ ABSL_GUARDED_BY(mu_);
  size_t want_ ABSL_GUARDED_BY(mu_) = 0;

  bool Enough() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return posts_.size() >= want_; }
};

AlertSenderOptions TwoTargets() {
  AlertSenderOptions options;
  for (const char* url : {"http://am-a:9093", "http://am-b:9093"}) {
    absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint(url);
    EXPECT_TRUE(endpoint.ok()) << endpoint.status();
    options.targets.push_back(*endpoint);
  }
  options.max_batch = 3;
  return options;
}

TEST(AlertSenderTest, EveryTargetGetsTheDueAlertsInBatches) {
  FakeClock clock(kSenderT0);
  FakePoster poster;
  AlertSender sender(TwoTargets(), clock, poster.Fn());
  sender.Update(SenderAlerts(7), {});
  sender.RunOnce();
  EXPECT_THAT(poster.Take(),
              ElementsAre("http://am-a:9093:3", "http://am-a:9093:3", "http://am-a:9093:1",
                          "http://am-b:9093:3", "http://am-b:9093:3", "http://am-b:9093:1"));
  sender.RunOnce();
  EXPECT_THAT(poster.Take(), ElementsAre());
  clock.Advance(absl::Minutes(1));
  sender.RunOnce();
  EXPECT_EQ(poster.Take().size(), 6u);
  const std::vector<AlertTargetStats> stats = sender.Stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].url, "http://am-a:9093");
  EXPECT_EQ(stats[0].alerts_sent, 14);
  EXPECT_EQ(stats[0].posts_ok, 6);
  EXPECT_EQ(stats[0].posts_failed, 0);
  EXPECT_EQ(stats[0].tracked, 7);
}

TEST(AlertSenderTest, AFailingTargetBacksOffAloneAndLogsOnceEachWay) {
  zfleet::testing::LogCapture log;
  FakeClock clock(kSenderT0);
  FakePoster poster;
  AlertSender sender(TwoTargets(), clock, poster.Fn());
  poster.SetDown("http://am-a:9093", true);
  sender.Update(SenderAlerts(2), {});
  sender.RunOnce();
  // The first batch failed: the round stops for am-a; am-b is not held up.
  EXPECT_THAT(poster.Take(), ElementsAre("http://am-a:9093:2", "http://am-b:9093:2"));
  sender.RunOnce();  // backing off
  EXPECT_THAT(poster.Take(), ElementsAre());
  clock.Advance(absl::Seconds(1));
  sender.RunOnce();
  EXPECT_THAT(poster.Take(), ElementsAre("http://am-a:9093:2"));
  clock.Advance(absl::Seconds(2));
  sender.RunOnce();
  EXPECT_THAT(poster.Take(), ElementsAre("http://am-a:9093:2"));
  std::vector<AlertTargetStats> stats = sender.Stats();
  EXPECT_TRUE(stats[0].failing);
  EXPECT_EQ(stats[0].posts_failed, 3);
  EXPECT_THAT(stats[0].last_error, HasSubstr("connection refused"));
  EXPECT_FALSE(stats[1].failing);
  EXPECT_EQ(stats[1].alerts_sent, 2);

  poster.SetDown("http://am-a:9093", false);
  clock.Advance(absl::Seconds(4));
  sender.RunOnce();
  EXPECT_THAT(poster.Take(), ElementsAre("http://am-a:9093:2"));
  stats = sender.Stats();
  EXPECT_FALSE(stats[0].failing);
  EXPECT_EQ(stats[0].last_error, "");
  EXPECT_EQ(stats[0].alerts_sent, 2);

  const std::string text = log.text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_THAT(text, HasSubstr("alertmanager http://am-a:9093: connection refused"));
  EXPECT_THAT(text, HasSubstr("accepting alerts again after 3 failed posts"));
}

TEST(AlertSenderOptionsFromTest, OneTargetPerUrlTlsOnlyForHttps) {
  AlertsConfig config;
  config.alertmanagers = {"http://am-a:9093", "https://am-b:9443/am"};
  config.resend = absl::Minutes(2);
  config.timeout = absl::Seconds(3);
  config.tls = {"/ca.crt", "/c.crt", "/c.key"};
  config.basic_auth_user = "zfleet";
  config.basic_auth_password = "pw";
  absl::StatusOr<AlertSenderOptions> options = AlertSenderOptionsFrom(config);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->policy.resend_every, absl::Minutes(2));
  EXPECT_EQ(options->policy.expire_after, absl::Minutes(8));
  ASSERT_EQ(options->targets.size(), 2u);
  EXPECT_EQ(options->targets[0].url, "http://am-a:9093");
  EXPECT_FALSE(options->targets[0].tls.any());
  EXPECT_EQ(options->targets[0].timeout, absl::Seconds(3));
  EXPECT_EQ(options->targets[0].user, "zfleet");
  EXPECT_EQ(options->targets[0].password, "pw");
  EXPECT_EQ(options->targets[1].parsed.path, "/am");
  EXPECT_EQ(options->targets[1].tls.ca, "/ca.crt");
  EXPECT_EQ(options->targets[1].tls.key, "/c.key");

  config.alertmanagers = {"am:9093"};
  EXPECT_EQ(AlertSenderOptionsFrom(config).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AlertSenderTest, NoTargetsSendsNothing) {
  FakeClock clock(kSenderT0);
  FakePoster poster;
  AlertSender sender(AlertSenderOptions{}, clock, poster.Fn());
  sender.Update(SenderAlerts(2), {});
  sender.RunOnce();
  sender.Start();
  sender.Stop();
  EXPECT_THAT(poster.Take(), ElementsAre());
  EXPECT_TRUE(sender.Stats().empty());
}

TEST(AlertSenderTest, ThreadsSendAfterUpdateAndStopIsIdempotent) {
  FakeClock clock(kSenderT0);
  FakePoster poster;
  AlertSenderOptions options = TwoTargets();
  options.poll = absl::Hours(1);  // only Update() wakes the threads here
  AlertSender sender(options, clock, poster.Fn());
  sender.Start();
  sender.Start();
  sender.Update(SenderAlerts(1), {});
  ASSERT_TRUE(poster.WaitFor(2));
  clock.Advance(absl::Seconds(5));
  sender.Update({}, {});  // vanished: sent resolved
  ASSERT_TRUE(poster.WaitFor(4));
  sender.Stop();
  sender.Stop();
  std::vector<std::string> posts = poster.Take();
  std::sort(posts.begin(), posts.end());
  EXPECT_THAT(posts, ElementsAre("http://am-a:9093:1", "http://am-a:9093:1", "http://am-b:9093:1",
                                 "http://am-b:9093:1"));
  // Stopped: an Update sends nothing; Start again resumes.
  sender.Update(SenderAlerts(2), {});
  sender.Start();
  ASSERT_TRUE(poster.WaitFor(2));
}

}  // namespace
}  // namespace zfleet::controller
