// Webhook notifications of incidents: the JSON body, and one queued per URL for each
// incident opened, updated and resolved, in the transaction of the change.
#include "controller/events/incident_notifications.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/events/incidents.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

const absl::Time kNoteT0 = absl::FromUnixSeconds(1'760'000'000);  // 2025-10-09T08:53:20Z

TEST(IncidentNotificationJsonTest, CarriesTheIncidentTheSummaryAndTheCommand) {
  v1::Incident i;
  i.set_id(12);
  i.set_kind("bad_disk");
  i.set_severity(v1::SEVERITY_CRITICAL);
  i.set_worst_severity(v1::SEVERITY_CRITICAL);
  i.set_host_id("st-01");
  i.set_pool("tank");
  i.set_subject("/dev/sdb");
  i.set_problem("/dev/sdb is FAULTED");
  i.set_action("replace the disk");
  i.set_opened_at(absl::ToUnixSeconds(kNoteT0));
  i.set_updated_at(absl::ToUnixSeconds(kNoteT0));
  const nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(IncidentNotificationJson(kIncidentOpened, i, kNoteT0));
  EXPECT_EQ(doc.at("event"), "opened");
  EXPECT_EQ(doc.at("at"), "2025-10-09T08:53:20Z");
  EXPECT_EQ(doc.at("summary"), "CRITICAL st-01/tank /dev/sdb: /dev/sdb is FAULTED");
  EXPECT_EQ(doc.at("command"), "zfleet pool st-01/tank");
  const auto& incident = doc.at("incident");
  EXPECT_EQ(incident.at("id"), 12);
  EXPECT_EQ(incident.at("kind"), "bad_disk");
  EXPECT_EQ(incident.at("severity"), "critical");
  EXPECT_EQ(incident.at("host"), "st-01");
  EXPECT_EQ(incident.at("subject"), "/dev/sdb");
  EXPECT_EQ(incident.at("action"), "replace the disk");
  EXPECT_TRUE(incident.at("resolved_at").is_null());
  EXPECT_TRUE(incident.at("acknowledged_by").is_null());

  i.set_pool("");
  i.set_kind("host_missing");
  i.set_subject("");
  i.set_resolved_at(absl::ToUnixSeconds(kNoteT0 + absl::Minutes(5)));
  const auto resolved =
      nlohmann::ordered_json::parse(IncidentNotificationJson(kIncidentResolved, i, kNoteT0));
  EXPECT_EQ(resolved.at("summary"), "RESOLVED CRITICAL st-01: /dev/sdb is FAULTED");
  EXPECT_EQ(resolved.at("command"), "zfleet incidents --host st-01");
  EXPECT_EQ(resolved.at("incident").at("resolved_at"), "2025-10-09T08:58:20Z");
  EXPECT_TRUE(resolved.at("incident").at("pool").is_null());
}

TEST(IncidentNotificationJsonTest, BytesThatAreNotUtf8DoNotBreakTheDocument) {
  v1::Incident i;
  i.set_id(1);
  i.set_kind("unhealthy_pool");
  i.set_host_id("st-01");
  i.set_pool("t\xff\xfe");
  i.set_problem("DEGRADED");
  const std::string body = IncidentNotificationJson(kIncidentOpened, i, kNoteT0);
  EXPECT_TRUE(nlohmann::json::accept(body)) << body;
}

class IncidentWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    config_.webhook.urls = {"http://a:9000/hook", "http://b:9000/hook"};
  }
  void Report(uint64_t cksum, uint64_t data_errors, absl::Time t) {
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", t).ok());
    v1::Pool pool = TwoDiskTank(cksum, "ONLINE");
    pool.mutable_errors()->set_count(data_errors);
    ASSERT_TRUE(store_->pools().Record("nas1", pool, t).ok());
    absl::StatusOr<v1::TriageResponse> r = TriageWithIncidents(*store_, config_, t, true);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // (event, incident kind) of every notification waiting for `url`, oldest first; taken.
  std::vector<std::pair<std::string, std::string>> Take(const std::string& url) {
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < 50; ++i) {
      auto next = store_->notifications().Next(url);
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok() || !next->has_value()) break;
      const auto doc = nlohmann::json::parse((*next)->body);
      out.emplace_back(doc.at("event"), doc.at("incident").at("kind"));
      EXPECT_TRUE(store_->notifications().Done(url, (*next)->id).ok());
    }
    return out;
  }
  ControllerConfig config_;
  std::unique_ptr<Store> store_;
};

TEST_F(IncidentWebhookTest, OpenedUpdatedResolvedEachQueuedForEveryUrl) {
  using P = std::pair<std::string, std::string>;
  using ::testing::ElementsAre;
  using ::testing::UnorderedElementsAre;
  const std::string a = "http://a:9000/hook";
  Report(/*cksum=*/4, /*data_errors=*/1, kNoteT0);
  EXPECT_THAT(Take(a), UnorderedElementsAre(P{"opened", "bad_disk"}, P{"opened", "data_errors"}));
  Report(4, 23, kNoteT0 + absl::Minutes(1));  // the data errors' incident is updated
  EXPECT_THAT(Take(a), ElementsAre(P{"updated", "data_errors"}));
  Report(4, 23, kNoteT0 + absl::Minutes(2));  // nothing changed: nothing queued
  EXPECT_THAT(Take(a), ElementsAre());
  Report(0, 0, kNoteT0 + absl::Minutes(3));  // both resolve
  EXPECT_THAT(Take(a),
              UnorderedElementsAre(P{"resolved", "bad_disk"}, P{"resolved", "data_errors"}));
  // The other URL has its own queue: all five, in the order they happened.
  const std::vector<P> b = Take("http://b:9000/hook");
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(b[0].first, "opened");
  EXPECT_EQ(b[1].first, "opened");
  EXPECT_EQ(b[2], (P{"updated", "data_errors"}));
  EXPECT_EQ(b[3].first, "resolved");
  EXPECT_EQ(b[4].first, "resolved");
}

TEST_F(IncidentWebhookTest, WithoutAWebhookNothingIsQueued) {
  config_.webhook.urls.clear();
  Report(4, 0, kNoteT0);
  auto pending = store_->notifications().Pending("http://a:9000/hook");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 0);
}

}  // namespace
}  // namespace zfleet::controller
