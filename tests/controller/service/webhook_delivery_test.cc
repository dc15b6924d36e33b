// The webhook sink end to end inside the controller, its tick and sender threads running
// (so under TSan with this folder): a receiver on 127.0.0.1 that is down while a pool
// degrades, one of its incidents is acknowledged, the controller restarts and the pool
// recovers still gets every notification once, in order, when it comes up: the queue is in
// the store, and the sender retries with back-off.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/controller.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/pool_builders.h"
#include "tests/testing/temp_dir.h"

// As Debian's libcpp-httplib is built (controller/alerts/http_post.cc).
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

// Takes POSTs to /hook on 127.0.0.1:`port` and keeps their bodies.
class HookReceiver {
 public:
  explicit HookReceiver(int port) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      bodies_.push_back(nlohmann::json::parse(req.body));
      res.status = 204;
    });
    bound_ = server_.bind_to_port("127.0.0.1", port);
    if (bound_) thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; bound_ && i < 500 && !server_.is_running(); ++i) {
      absl::SleepFor(absl::Milliseconds(2));
    }
  }
  ~HookReceiver() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  bool bound() const { return bound_; }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  // Waits (at most `limit`) until `n` bodies arrived.
  bool WaitFor(size_t n, absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (bodies().size() < n && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    return bodies().size() >= n;
  }

 private:
  httplib::Server server_;
  bool bound_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::vector<nlohmann::json> bodies_;
};

v1::Pool HookMirror(const std::string& state, const std::string& f2_state) {
  v1::Vdev f1 = testing::DiskLeaf("f1");
  v1::Vdev f2 = testing::DiskLeaf("f2");
  f2.set_state(f2_state);
  v1::Pool pool = testing::MirrorPool("tank", state, {f1, f2});
  pool.mutable_errors()->set_count(0);
  return pool;
}

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = zfleet::testing::FreeLoopbackPort();
    url_ = absl::StrCat("http://127.0.0.1:", port_, "/hook");
    config_.webhook.urls = {url_};
    config_.webhook.timeout = absl::Seconds(2);
    config_.webhook.max_backoff = absl::Seconds(1);
    db_ = dir_.File("controller.db");
  }
  std::unique_ptr<Controller> Open() {
    absl::StatusOr<std::unique_ptr<Controller>> c =
        Controller::Open(db_, &config_, &SystemClock::Get());
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }
  void Report(Controller& c, const v1::Pool& pool) {
    absl::StatusOr<v1::ReportResponse> r = c.reports().Process(PoolsReport("st-01", {pool}));
    ASSERT_TRUE(r.ok()) << r.status();
    c.Tick();
  }

  zfleet::testing::TempDir dir_;
  int port_ = 0;
  std::string url_;
  std::string db_;
  ControllerConfig config_;
};

TEST_F(WebhookDeliveryTest, AReceiverDownThroughARestartGetsEveryNotificationOnceInOrder) {
  std::vector<int64_t> incident_ids;
  {
    std::unique_ptr<Controller> c = Open();
    ASSERT_NE(c, nullptr);
    c->StartTicking();
    Report(*c, HookMirror("DEGRADED", "FAULTED"));  // opens the pool's and the disk's incident
    v1::ListIncidentsResponse open = *c->events().ListIncidents(v1::ListIncidentsRequest());
    ASSERT_EQ(open.incidents_size(), 2);
    for (const auto& i : open.incidents()) incident_ids.push_back(i.id());
    v1::AckIncidentsRequest ack;
    ack.add_ids(incident_ids[0]);
    ack.set_by("alice");
    ASSERT_TRUE(c->events().AckIncidents(ack).ok());
    ASSERT_TRUE(c->events().AckIncidents(ack).ok());  // a second ack is no news
    // The receiver is down: the sender fails, keeps the queue and backs off.
    for (int i = 0; i < 300 && (c->WebhookStats().empty() || !c->WebhookStats()[0].failing); ++i) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    ASSERT_EQ(c->WebhookStats().size(), 1u);
    EXPECT_TRUE(c->WebhookStats()[0].failing);
    EXPECT_THAT(c->WebhookStats()[0].last_error, HasSubstr("connection refused"));
    const std::string metrics = *c->Metrics();
    EXPECT_THAT(metrics, HasSubstr(absl::StrCat("zfleet_webhook_up{url=\"", url_, "\"} 0")));
    EXPECT_THAT(metrics, HasSubstr(absl::StrCat("zfleet_webhook_queued_notifications{url=\"", url_,
                                                "\"} 3")));
  }
  // Restarted, the pool recovers before the receiver is back.
  std::unique_ptr<Controller> c = Open();
  ASSERT_NE(c, nullptr);
  Report(*c, HookMirror("ONLINE", "ONLINE"));
  HookReceiver receiver(port_);
  ASSERT_TRUE(receiver.bound());
  c->StartTicking();
  ASSERT_TRUE(receiver.WaitFor(5, absl::Seconds(20))) << receiver.bodies().size();
  absl::SleepFor(absl::Milliseconds(1500));  // more than a poll: nothing comes twice
  const std::vector<nlohmann::json> got = receiver.bodies();
  ASSERT_EQ(got.size(), 5u);
  std::map<int64_t, std::vector<std::string>> events_of;
  for (size_t i = 0; i < got.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(got[i - 1].at("id"), got[i].at("id"));  // in order, no repeat
    }
    events_of[got[i].at("incident").at("id").get<int64_t>()].push_back(got[i].at("event"));
  }
  EXPECT_THAT(events_of[incident_ids[0]],
              ::testing::ElementsAre("opened", "acknowledged", "resolved"));
  EXPECT_THAT(events_of[incident_ids[1]], ::testing::ElementsAre("opened", "resolved"));
  const std::string metrics = *c->Metrics();
  EXPECT_THAT(metrics, HasSubstr(absl::StrCat("zfleet_webhook_notifications_sent_total{url=\"",
                                              url_, "\"} 5")));
  EXPECT_THAT(metrics,
              HasSubstr(absl::StrCat("zfleet_webhook_queued_notifications{url=\"", url_, "\"} 0")));
  c->StopTicking();
}

TEST_F(WebhookDeliveryTest, AUrlTakenOutOfTheConfigLosesItsQueue) {
  {
    std::unique_ptr<Controller> c = Open();  // not ticking: nothing is sent
    ASSERT_NE(c, nullptr);
    Report(*c, HookMirror("DEGRADED", "FAULTED"));
    EXPECT_THAT(*c->Metrics(), HasSubstr(absl::StrCat("zfleet_webhook_queued_notifications{url=\"",
                                                      url_, "\"} 2")));
  }
  config_.webhook.urls.clear();
  std::unique_ptr<Controller> c = Open();
  ASSERT_NE(c, nullptr);
  c->StartTicking();  // a start drops the queues of URLs no longer configured
  c->StopTicking();
  config_.webhook.urls = {url_};  // the metrics read the store's queue for this URL
  std::vector<WebhookSinkMetrics> sinks = {{.url = url_}};
  const std::string metrics = *c->events().Metrics({}, sinks);
  EXPECT_THAT(metrics,
              HasSubstr(absl::StrCat("zfleet_webhook_queued_notifications{url=\"", url_, "\"} 0")));
}

}  // namespace
}  // namespace zfleet::controller
