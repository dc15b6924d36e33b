// `zfleet whoami`, `audit`, `forget` and `cancel-queued` output.
#include "cli/render/render_admin.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using fixtures::kPlain;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

v1::WhoAmIResponse Alice() {
  v1::WhoAmIResponse me;
  me.set_name("alice");
  me.set_role("operator");
  me.set_transport("mtls");
  me.set_peer("ipv4:10.0.0.7:51234");
  me.set_cert_not_after(1827655200);  // 2027-12-01T10:00:00Z
  return me;
}

v1::WhoAmIResponse Local() {
  v1::WhoAmIResponse me;
  me.set_name("local");
  me.set_role("admin");
  me.set_transport("plaintext");
  me.set_peer("ipv4:127.0.0.1:5555");
  return me;
}

TEST(RenderWhoAmITest, TextNamesTransportAndWhatMatters) {
  EXPECT_EQ(RenderWhoAmIText(Alice()),
            "you are alice (operator) over mutual TLS, certificate valid until 2027-12-01 10:00 "
            "UTC\n");
  EXPECT_EQ(RenderWhoAmIText(Local()),
            "you are local (admin) over plaintext from ipv4:127.0.0.1:5555\n");
  v1::WhoAmIResponse odd;
  odd.set_name("bob");
  odd.set_transport("mtls");
  EXPECT_EQ(RenderWhoAmIText(odd), "you are bob (no role) over mutual TLS\n");
}

TEST(RenderWhoAmITest, JsonWithNulls) {
  EXPECT_EQ(RenderWhoAmIJson(Alice()), Json::parse(R"({"name": "alice", "role": "operator",
      "transport": "mtls", "peer": "ipv4:10.0.0.7:51234",
      "cert_not_after": "2027-12-01T10:00:00Z"})"));
  const Json local = RenderWhoAmIJson(Local());
  EXPECT_EQ(local["transport"], "plaintext");
  EXPECT_TRUE(local["cert_not_after"].is_null());
  EXPECT_TRUE(RenderWhoAmIJson(v1::WhoAmIResponse())["peer"].is_null());
}

v1::AuditEntry Entry(int64_t id, int64_t time, const std::string& who, const std::string& role,
                     const std::string& action, const std::string& target,
                     const std::string& result, const std::string& detail) {
  v1::AuditEntry e;
  e.set_id(id);
  e.set_time(time);
  e.set_who(who);
  e.set_role(role);
  e.set_action(action);
  e.set_target(target);
  e.set_result(result);
  e.set_detail(detail);
  e.set_peer("ipv4:10.0.0.7:51234");
  return e;
}

v1::ListAuditResponse Audit() {
  v1::ListAuditResponse r;
  *r.add_entries() =
      Entry(7, kNow - 3600, "alice", "operator", "scrub-start", "h1/tank", "ok", "command c-12");
  *r.add_entries() = Entry(9, kNow - 60, "bob", "viewer", "ack", "41, 42", "denied", "");
  *r.add_entries() = Entry(8, kNow - 3600, "local", "admin", "forget-host", "h9", "ok",
                           "2 pools, 5 events removed");
  return r;
}

TEST(RenderAuditTest, TableNewestFirst) {
  EXPECT_EQ(RenderAuditText(Audit(), fixtures::Now() - absl::Hours(24 * 7), kPlain),
            "TIME              WHO    ROLE      ACTION       TARGET   RESULT  DETAIL\n"
            "2026-11-21 09:59  bob    viewer    ack          41, 42   denied  -\n"
            "2026-11-21 09:00  local  admin     forget-host  h9       ok      "
            "2 pools, 5 events removed\n"
            "2026-11-21 09:00  alice  operator  scrub-start  h1/tank  ok      command c-12\n");
}

TEST(RenderAuditTest, ResultColouredOnlyOnATerminal) {
  const std::string text = RenderAuditText(Audit(), fixtures::Now(), fixtures::kColor);
  EXPECT_THAT(text, HasSubstr("\033[31mdenied\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[32mok\033[0m"));
  EXPECT_THAT(RenderAuditText(Audit(), fixtures::Now(), kPlain), ::testing::Not(HasSubstr("\033")));
}

TEST(RenderAuditTest, EmptyNamesTheWindow) {
  EXPECT_EQ(RenderAuditText(v1::ListAuditResponse(), fixtures::Now() - absl::Hours(24 * 7), kPlain),
            "no audit entries since 2026-11-14 10:00 UTC\n");
  EXPECT_EQ(RenderAuditJson(v1::ListAuditResponse()).dump(), R"({"entries":[]})");
}

TEST(RenderAuditTest, JsonInTableOrderWithRfc3339Times) {
  const Json doc = RenderAuditJson(Audit());
  ASSERT_EQ(doc["entries"].size(), 3u);
  EXPECT_EQ(doc["entries"][0], Json::parse(R"({"id": 9, "time": "2026-11-21T09:59:00Z",
      "who": "bob", "role": "viewer", "action": "ack", "target": "41, 42", "result": "denied",
      "detail": null, "peer": "ipv4:10.0.0.7:51234"})"));
  EXPECT_EQ(doc["entries"][1]["id"], 8);
  EXPECT_EQ(doc["entries"][2]["detail"], "command c-12");
}

TEST(RenderForgetTest, CountsWithPlurals) {
  v1::ForgetHostResponse r;
  r.set_pools(2);
  r.set_events(1);
  EXPECT_EQ(RenderForgetText("h9", r), "forgot h9: 2 pools and 1 event removed\n");
  r.set_pools(1);
  r.set_events(0);
  EXPECT_EQ(RenderForgetText("h9", r), "forgot h9: 1 pool and 0 events removed\n");
  EXPECT_EQ(RenderForgetJson("h9", r), Json::parse(R"({"host": "h9", "pools": 1, "events": 0})"));
}

TEST(RenderCancelQueuedTest, FleetWideOrOneHost) {
  v1::CancelQueuedRequest fleet;
  v1::CancelQueuedResponse r;
  r.set_runs_canceled(3);
  EXPECT_EQ(RenderCancelQueuedText(fleet, r), "canceled 3 queued scrub requests\n");
  EXPECT_EQ(RenderCancelQueuedJson(fleet, r), Json::parse(R"({"host": null, "runs_canceled": 3})"));
  v1::CancelQueuedRequest h1;
  h1.set_host_id("h1");
  r.set_runs_canceled(1);
  EXPECT_EQ(RenderCancelQueuedText(h1, r), "canceled 1 queued scrub request on h1\n");
  EXPECT_EQ(RenderCancelQueuedJson(h1, r)["host"], "h1");
}

}  // namespace
}  // namespace zfleet::cli
