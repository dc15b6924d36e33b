#include "controller/alerts/alert_dispatch.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

Alert Firing(const std::string& key, const std::string& summary = "broken") {
  Alert a;
  a.key = key;
  a.labels = {{"alertname", "ZfsTest"}, {"pool", key}};
  a.annotations = {{"summary", summary}};
  a.starts_at = kT0 - absl::Hours(1);
  return a;
}

Alert Resolved(const std::string& key, absl::Duration at) {
  Alert a = Firing(key);
  a.resolved_at = kT0 + at;
  return a;
}

// "a" for a firing alert, "a resolved@SECONDS" (since kT0) for a resolved one.
std::string Describe(const Alert& a) {
  if (!a.resolved_at) return a.key;
  return absl::StrCat(a.key, " resolved@", absl::ToInt64Seconds(*a.resolved_at - kT0));
}

std::vector<std::string> Describe(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(Describe(a));
  return out;
}

enum class Post { kOk, kFail };

struct Step {
  absl::Duration at;  // since kT0
  std::vector<Alert> firing;
  std::vector<Alert> resolved;
  std::vector<std::string> want;  // Describe() of what Plan returns
  Post post = Post::kOk;          // how the POST of a non-empty plan goes
};

struct Case {
  const char* name;
  std::vector<Step> steps;
  size_t tracked_after;
};

absl::Duration S(int64_t n) { return absl::Seconds(n); }
absl::Duration M(int64_t n) { return absl::Minutes(n); }

TEST(AlertDispatchTest, Cases) {
  const Case cases[] = {
      {"new firing alerts are sent at once, in key order",
       {{S(0), {Firing("b"), Firing("a")}, {}, {"a", "b"}}},
       2},
      {"unchanged firing alerts are resent once resend_every old",
       {{S(0), {Firing("a")}, {}, {"a"}},
        {S(30), {Firing("a")}, {}, {}},
        {S(59), {Firing("a")}, {}, {}},
        {S(60), {Firing("a")}, {}, {"a"}},
        {S(90), {Firing("a")}, {}, {}}},
       1},
      {"changed annotations are sent at once, only for that alert",
       {{S(0), {Firing("a"), Firing("b")}, {}, {"a", "b"}},
        {S(10), {Firing("a", "worse"), Firing("b")}, {}, {"a"}},
        {S(20), {Firing("a", "worse"), Firing("b")}, {}, {}}},
       2},
      {"changed labels are sent at once",
       {{S(0), {Firing("a")}, {}, {"a"}},
        {S(10),
         {[] {
           Alert a = Firing("a");
           a.labels["severity"] = "critical";
           return a;
         }()},
         {},
         {"a"}}},
       1},
      {"a resolved alert is sent at once, on resends for resolved_for, then forgotten",
       {{S(0), {Firing("a")}, {}, {"a"}},
        {S(60), {}, {Resolved("a", S(50))}, {"a resolved@50"}},
        {S(90), {}, {Resolved("a", S(50))}, {}},
        {S(120), {}, {Resolved("a", S(50))}, {"a resolved@50"}},
        {M(15) + S(49), {}, {Resolved("a", S(50))}, {"a resolved@50"}},
        {M(15) + S(50), {}, {Resolved("a", S(50))}, {}}},
       0},
      {"a resolved alert the caller stops handing in is kept until resolved_for",
       {{S(0), {}, {Resolved("a", S(0))}, {"a resolved@0"}},
        {S(60), {}, {}, {"a resolved@0"}},
        {M(15), {}, {}, {}}},
       0},
      {"a resolved alert older than resolved_for is never sent",
       {{S(0), {}, {Resolved("a", -M(15))}, {}}},
       0},
      {"a resolved alert without resolved_at is ignored", {{S(0), {}, {Firing("a")}, {}}}, 0},
      {"an alert that vanished unresolved is sent resolved at now, once",
       {{S(0), {Firing("a"), Firing("b")}, {}, {"a", "b"}},
        {S(10), {Firing("b")}, {}, {"a resolved@10"}},
        {S(60), {Firing("b")}, {}, {"b"}},
        {S(120), {Firing("b")}, {}, {"b"}}},
       1},
      {"a vanished alert is retried until delivered",
       {{S(0), {Firing("a")}, {}, {"a"}},
        {S(10), {}, {}, {"a resolved@10"}, Post::kFail},
        {S(11), {}, {}, {"a resolved@10"}},
        {S(12), {}, {}, {}}},
       0},
      {"a vanished alert never delivered is dropped",
       {{S(0), {Firing("a")}, {}, {"a"}, Post::kFail}, {S(10), {}, {}, {}}},
       0},
      {"a failed POST marks nothing sent; back-off 1s, 2s, then everything due is retried",
       {{S(0), {Firing("a"), Firing("b")}, {}, {"a", "b"}, Post::kFail},
        {absl::Milliseconds(500), {Firing("a"), Firing("b")}, {}, {}},
        {S(1), {Firing("a"), Firing("b")}, {}, {"a", "b"}, Post::kFail},
        {S(2), {Firing("a"), Firing("b"), Firing("c")}, {}, {}},
        {S(3), {Firing("a"), Firing("b"), Firing("c")}, {}, {"a", "b", "c"}},
        {S(4), {Firing("a"), Firing("b"), Firing("c")}, {}, {}}},
       3},
      {"a change that failed to send is sent on the retry",
       {{S(0), {Firing("a")}, {}, {"a"}},
        {S(10), {Firing("a", "worse")}, {}, {"a"}, Post::kFail},
        {S(11), {Firing("a", "worse")}, {}, {"a"}},
        {S(12), {Firing("a", "worse")}, {}, {}}},
       1},
      {"a key both firing and resolved counts as resolved",
       {{S(0), {Firing("a")}, {Resolved("a", S(0))}, {"a resolved@0"}}},
       1},
      {"a resolved alert firing again is sent firing at once",
       {{S(0), {}, {Resolved("a", S(0))}, {"a resolved@0"}}, {S(5), {Firing("a")}, {}, {"a"}}},
       1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    AlertDispatch dispatch;
    for (const Step& step : c.steps) {
      SCOPED_TRACE(absl::StrCat("at ", absl::FormatDuration(step.at)));
      const absl::Time now = kT0 + step.at;
      const std::vector<Alert> due = dispatch.Plan(step.firing, step.resolved, now);
      EXPECT_EQ(Describe(due), step.want);
      if (due.empty()) continue;
      if (step.post == Post::kOk) {
        dispatch.MarkSent(due, now);
      } else {
        dispatch.MarkFailed(now);
      }
    }
    EXPECT_EQ(dispatch.tracked(), c.tracked_after);
  }
}

TEST(AlertDispatchTest, BackOffDoublesUpToResendEvery) {
  AlertDispatch dispatch;
  absl::Time now = kT0;
  std::vector<int64_t> waits;
  for (int i = 0; i < 9; ++i) {
    dispatch.MarkFailed(now);
    waits.push_back(absl::ToInt64Seconds(dispatch.retry_at() - now));
    now = dispatch.retry_at();
  }
  EXPECT_THAT(waits, ElementsAre(1, 2, 4, 8, 16, 32, 60, 60, 60));
  EXPECT_EQ(dispatch.failures(), 9);
  dispatch.MarkSent({}, now);
  EXPECT_EQ(dispatch.failures(), 0);
  dispatch.MarkFailed(now);
  EXPECT_EQ(dispatch.retry_at() - now, absl::Seconds(1));
}

TEST(AlertDispatchTest, FiringInputIgnoresResolvedAt) {
  AlertDispatch dispatch;
  Alert a = Firing("a");
  a.resolved_at = kT0;
  EXPECT_THAT(Describe(dispatch.Plan({a}, {}, kT0)), ElementsAre("a"));
}

TEST(AlertDispatchTest, MemoryHoldsOnlyTheInputAndRecentResolutions) {
  AlertDispatch dispatch;
  std::vector<Alert> firing;
  for (int i = 0; i < 1000; ++i) firing.push_back(Firing(absl::StrCat("a", i)));
  dispatch.MarkSent(dispatch.Plan(firing, {}, kT0), kT0);
  EXPECT_EQ(dispatch.tracked(), 1000u);
  // All vanish: each is sent resolved once, then nothing is left.
  const std::vector<Alert> resolutions = dispatch.Plan({}, {}, kT0 + S(1));
  EXPECT_EQ(resolutions.size(), 1000u);
  dispatch.MarkSent(resolutions, kT0 + S(1));
  EXPECT_EQ(dispatch.tracked(), 0u);
  EXPECT_THAT(dispatch.Plan({}, {}, kT0 + S(2)), IsEmpty());
}

TEST(DispatchPolicyTest, ForResendScalesExpiry) {
  const DispatchPolicy p = DispatchPolicy::ForResend(absl::Minutes(2));
  EXPECT_EQ(p.resend_every, absl::Minutes(2));
  EXPECT_EQ(p.expire_after, absl::Minutes(8));
  EXPECT_EQ(p.resolved_for, absl::Minutes(16));
  EXPECT_EQ(DispatchPolicy::ForResend(absl::Minutes(1)).resolved_for, absl::Minutes(15));
}

}  // namespace
}  // namespace zfleet::controller
