// WebhookSender over an in-memory queue, a scripted POST and a FakeClock: rounds run by
// RunOnce(), except the thread test, which waits (bounded) for the thread's POSTs.
#include "controller/alerts/webhook_sender.h"

#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/log_capture.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kHookT0 = absl::FromUnixSeconds(1700000000);
const char kHookUrlA[] = "http://hook-a:9000/zfleet";
const char kHookUrlB[] = "http://hook-b:9000";

// Per URL a FIFO of notifications, as the store's outbox behaves. Thread-safe.
class MemoryQueue : public NotificationQueue {
 public:
  void Push(int64_t id, const std::vector<std::string>& urls) {
    absl::MutexLock lock(&mu_);
    for (const std::string& url : urls) {
      queues_[url].push_back({id, absl::StrCat("{\"event\":\"opened\",\"n\":", id, "}")});
    }
  }
  absl::StatusOr<std::optional<QueuedNotification>> Next(const std::string& url) override {
    absl::MutexLock lock(&mu_);
    auto& q = queues_[url];
    if (q.empty()) return std::nullopt;
    return q.front();
  }
  absl::Status Done(const std::string& url, int64_t id) override {
    absl::MutexLock lock(&mu_);
    auto& q = queues_[url];
    if (q.empty() || q.front().id != id) return absl::InternalError("not the head");
    q.pop_front();
    return absl::OkStatus();
  }
  absl::Status Failed(const std::string& url, int64_t) override {
    absl::MutexLock lock(&mu_);
    ++failed_[url];
    return absl::OkStatus();
  }
  size_t size(const std::string& url) {
    absl::MutexLock lock(&mu_);
    return queues_[url].size();
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::deque<QueuedNotification>> queues_;
  std::map<std::string, int> failed_;
};

// Records the ids each URL took; answers each POST as the URL's script says (OK when the
// URL has none). Thread-safe.
class ScriptedReceiver {
 public:
  void Answer(const std::string& url, absl::Status status) {
    absl::MutexLock lock(&mu_);
    answers_[url] = std::move(status);
  }
  WebhookSender::PostFn Fn() {
    return [this](const HttpEndpoint& endpoint, const std::string& json) {
      absl::MutexLock lock(&mu_);
      ++posts_[endpoint.url];
      auto it = answers_.find(endpoint.url);
      if (it != answers_.end() && !it->second.ok()) return it->second;
      const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(json);
      taken_[endpoint.url].push_back(doc.at("id").get<int64_t>());
      first_keys_.push_back(doc.begin().key());
      return absl::OkStatus();
    };
  }
  std::vector<int64_t> taken(const std::string& url) {
    absl::MutexLock lock(&mu_);
    return taken_[url];
  }
  int posts(const std::string& url) {
    absl::MutexLock lock(&mu_);
    return posts_[url];
  }
  std::vector<std::string> first_keys() {
    absl::MutexLock lock(&mu_);
    return first_keys_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, absl::Status> answers_;
  std::map<std::string, std::vector<int64_t>> taken_;
  std::map<std::string, int> posts_;
  std::vector<std::string> first_keys_;
};

WebhookSenderOptions TwoHooks() {
  WebhookSenderOptions options;
  for (const char* url : {kHookUrlA, kHookUrlB}) {
    absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint(url);
    EXPECT_TRUE(endpoint.ok());
    options.targets.push_back(*endpoint);
  }
  options.first_backoff = absl::Seconds(1);
  options.max_backoff = absl::Seconds(8);
  return options;
}

TEST(WebhookBackoffTest, DoublesUpToTheMaximum) {
  const absl::Duration first = absl::Seconds(1), max = absl::Seconds(60);
  EXPECT_EQ(WebhookBackoff(1, first, max), absl::Seconds(1));
  EXPECT_EQ(WebhookBackoff(2, first, max), absl::Seconds(2));
  EXPECT_EQ(WebhookBackoff(4, first, max), absl::Seconds(8));
  EXPECT_EQ(WebhookBackoff(7, first, max), absl::Seconds(60));
  EXPECT_EQ(WebhookBackoff(100000, first, max), absl::Seconds(60));
}

TEST(WithNotificationIdTest, PutsTheIdFirstAndRefusesNonObjects) {
  auto body = WithNotificationId("{\"event\":\"opened\",\"id\":7}", 42);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "{\"id\":42,\"event\":\"opened\"}");
  EXPECT_EQ(WithNotificationId("[1]", 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WithNotificationId("{broken", 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WebhookSenderTest, EveryUrlTakesEveryNotificationOnceInOrder) {
  FakeClock clock(kHookT0);
  MemoryQueue queue;
  ScriptedReceiver receiver;
  WebhookSender sender(TwoHooks(), queue, clock, receiver.Fn());
  for (int64_t id = 1; id <= 3; ++id) queue.Push(id, {kHookUrlA, kHookUrlB});
  sender.RunOnce();
  sender.RunOnce();  // nothing left: nothing sent again
  EXPECT_THAT(receiver.taken(kHookUrlA), ElementsAre(1, 2, 3));
  EXPECT_THAT(receiver.taken(kHookUrlB), ElementsAre(1, 2, 3));
  EXPECT_EQ(queue.size(kHookUrlA), 0u);
  EXPECT_THAT(receiver.first_keys(), ::testing::Each("id"));
  EXPECT_EQ(sender.Stats()[0].sent, 3);
}

TEST(WebhookSenderTest, AReceiverDownKeepsItsQueueAndBacksOffWhileOthersGoOn) {
  zfleet::testing::LogCapture log;
  FakeClock clock(kHookT0);
  MemoryQueue queue;
  ScriptedReceiver receiver;
  WebhookSender sender(TwoHooks(), queue, clock, receiver.Fn());
  receiver.Answer(kHookUrlA, absl::UnavailableError("webhook http://hook-a:9000/zfleet: "
                                                    "connection refused"));
  queue.Push(1, {kHookUrlA, kHookUrlB});
  queue.Push(2, {kHookUrlA, kHookUrlB});
  sender.RunOnce();
  EXPECT_THAT(receiver.taken(kHookUrlB), ElementsAre(1, 2));
  EXPECT_EQ(receiver.posts(kHookUrlA), 1);  // the head failed: the rest wait behind it
  EXPECT_EQ(queue.size(kHookUrlA), 2u);
  // Backing off: 1 s, then 2 s, then 4 s…; no POST before each is up.
  sender.RunOnce();
  EXPECT_EQ(receiver.posts(kHookUrlA), 1);
  clock.Advance(absl::Seconds(1));
  sender.RunOnce();
  EXPECT_EQ(receiver.posts(kHookUrlA), 2);
  clock.Advance(absl::Seconds(1));
  sender.RunOnce();
  EXPECT_EQ(receiver.posts(kHookUrlA), 2);
  clock.Advance(absl::Seconds(1));
  sender.RunOnce();
  EXPECT_EQ(receiver.posts(kHookUrlA), 3);
  WebhookTargetStats a = sender.Stats()[0];
  EXPECT_TRUE(a.failing);
  EXPECT_EQ(a.posts_failed, 3);
  EXPECT_THAT(a.last_error, HasSubstr("connection refused"));
  // One warning for the outage, not one per retry.
  const std::vector<std::string> parts = absl::StrSplit(log.text(), "retried with back-off");
  EXPECT_EQ(parts.size(), 2u) << log.text();

  receiver.Answer(kHookUrlA, absl::OkStatus());
  clock.Advance(absl::Seconds(4));
  sender.RunOnce();
  EXPECT_THAT(receiver.taken(kHookUrlA), ElementsAre(1, 2));
  a = sender.Stats()[0];
  EXPECT_FALSE(a.failing);
  EXPECT_EQ(a.last_error, "");
  EXPECT_THAT(log.text(), HasSubstr("taking notifications again after 3 failed posts"));
  // Back-off starts over after a success.
  receiver.Answer(kHookUrlA, absl::UnavailableError("HTTP 503"));
  queue.Push(3, {kHookUrlA});
  sender.RunOnce();
  receiver.Answer(kHookUrlA, absl::OkStatus());
  clock.Advance(absl::Seconds(1));
  sender.RunOnce();
  EXPECT_THAT(receiver.taken(kHookUrlA), ElementsAre(1, 2, 3));
}

TEST(WebhookSenderTest, ARefusedBodyIsDroppedAndTheQueueGoesOn) {
  zfleet::testing::LogCapture log;
  FakeClock clock(kHookT0);
  MemoryQueue queue;
  ScriptedReceiver receiver;
  WebhookSenderOptions options = TwoHooks();
  options.targets.resize(1);
  WebhookSender sender(std::move(options), queue, clock, receiver.Fn());
  receiver.Answer(kHookUrlA, absl::InvalidArgumentError("webhook A: HTTP 400: bad"));
  queue.Push(1, {kHookUrlA});
  sender.RunOnce();
  EXPECT_EQ(queue.size(kHookUrlA), 0u);
  EXPECT_EQ(sender.Stats()[0].refused, 1);
  EXPECT_FALSE(sender.Stats()[0].failing);
  EXPECT_THAT(log.text(), HasSubstr("HTTP 400: bad; notification 1 dropped"));
  receiver.Answer(kHookUrlA, absl::OkStatus());
  queue.Push(2, {kHookUrlA});
  sender.RunOnce();
  EXPECT_THAT(receiver.taken(kHookUrlA), ElementsAre(2));
}

TEST(WebhookSenderTest, TheThreadSendsWhatIsQueuedAfterAWake) {
  MemoryQueue queue;
  ScriptedReceiver receiver;
  WebhookSenderOptions options = TwoHooks();
  options.poll = absl::Hours(1);  // only Wake() makes it look again
  WebhookSender sender(std::move(options), queue, SystemClock::Get(), receiver.Fn());
  sender.Start();
  queue.Push(1, {kHookUrlA, kHookUrlB});
  sender.Wake();
  for (int i = 0; i < 500 && receiver.taken(kHookUrlB).size() < 1; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  sender.Stop();
  EXPECT_THAT(receiver.taken(kHookUrlA), ElementsAre(1));
  EXPECT_THAT(receiver.taken(kHookUrlB), ElementsAre(1));
}

TEST(WebhookSenderOptionsTest, FromTheConfig) {
  WebhookConfig config;
  config.urls = {"https://hooks.example:8443/zfleet"};
  config.timeout = absl::Seconds(3);
  config.bearer_token = "t";
  config.tls.ca = "/ca.crt";
  config.max_backoff = absl::Minutes(2);
  auto options = WebhookSenderOptionsFrom(config);
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_EQ(options->targets.size(), 1u);
  const HttpEndpoint& e = options->targets[0];
  EXPECT_EQ(e.receiver, "webhook");
  EXPECT_EQ(e.timeout, absl::Seconds(3));
  EXPECT_EQ(e.bearer_token, "t");
  EXPECT_EQ(e.tls.ca, "/ca.crt");
  EXPECT_EQ(options->max_backoff, absl::Minutes(2));
}

}  // namespace
}  // namespace zfleet::controller
