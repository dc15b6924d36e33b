// The webhook outbox: each URL gets every notification in order, a delivered one leaves
// only that URL's queue, a full queue drops its oldest, removed URLs lose theirs, and the
// queue survives reopening the store.
#include "controller/store/notification_table.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

const absl::Time kOutboxT0 = absl::FromUnixSeconds(1'760'000'000);
const std::string kHookA = "http://a:9000/hook";
const std::string kHookB = "http://b:9000/hook";

// The bodies waiting for `url`, oldest first, taking each as delivered.
std::vector<std::string> DrainBodies(NotificationTable& table, const std::string& url) {
  std::vector<std::string> bodies;
  for (int i = 0; i < 100; ++i) {
    auto next = table.Next(url);
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || !next->has_value()) break;
    bodies.push_back((*next)->body);
    EXPECT_TRUE(table.Done(url, (*next)->id).ok());
  }
  return bodies;
}

class NotificationTableTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_)); }
  NotificationTable& table() { return store_->notifications(); }
  int64_t Enqueue(const std::string& body, const std::vector<std::string>& urls, int limit = 100) {
    auto id = table().Enqueue(body, urls, limit, kOutboxT0);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }
  int64_t Pending(const std::string& url) {
    auto n = table().Pending(url);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(NotificationTableTest, EveryUrlGetsEveryNotificationInOrder) {
  const int64_t first = Enqueue("{\"n\":1}", {kHookA, kHookB});
  const int64_t second = Enqueue("{\"n\":2}", {kHookA, kHookB});
  EXPECT_GT(second, first);
  EXPECT_EQ(Pending(kHookA), 2);
  EXPECT_THAT(DrainBodies(table(), kHookA), ::testing::ElementsAre("{\"n\":1}", "{\"n\":2}"));
  EXPECT_EQ(Pending(kHookA), 0);
  // B still has both: A's deliveries are A's own.
  EXPECT_EQ(Pending(kHookB), 2);
  EXPECT_THAT(DrainBodies(table(), kHookB), ::testing::ElementsAre("{\"n\":1}", "{\"n\":2}"));
}

TEST_F(NotificationTableTest, NoUrlWritesNothing) {
  EXPECT_EQ(Enqueue("{}", {}), 0);
  EXPECT_EQ(Pending(kHookA), 0);
}

TEST_F(NotificationTableTest, FailedCountsAttemptsAndKeepsTheHead) {
  const int64_t id = Enqueue("{}", {kHookA});
  ASSERT_TRUE(table().Failed(kHookA, id).ok());
  ASSERT_TRUE(table().Failed(kHookA, id).ok());
  auto next = table().Next(kHookA);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->id, id);
  EXPECT_EQ((*next)->attempts, 2);
  EXPECT_EQ((*next)->created_at, kOutboxT0);
}

TEST_F(NotificationTableTest, AFullQueueDropsItsOldestAndCountsThem) {
  for (int n = 1; n <= 5; ++n) Enqueue(absl::StrCat("{\"n\":", n, "}"), {kHookA, kHookB}, 3);
  EXPECT_EQ(Pending(kHookA), 3);
  EXPECT_EQ(table().overflow_dropped().at(kHookA), 2);
  EXPECT_THAT(DrainBodies(table(), kHookA),
              ::testing::ElementsAre("{\"n\":3}", "{\"n\":4}", "{\"n\":5}"));
  EXPECT_THAT(DrainBodies(table(), kHookB),
              ::testing::ElementsAre("{\"n\":3}", "{\"n\":4}", "{\"n\":5}"));
}

TEST_F(NotificationTableTest, RemovedUrlsLoseTheirQueue) {
  Enqueue("{}", {kHookA, kHookB});
  auto forgotten = table().ForgetOtherUrls({kHookB});
  ASSERT_TRUE(forgotten.ok()) << forgotten.status();
  EXPECT_EQ(*forgotten, 1);
  EXPECT_EQ(Pending(kHookA), 0);
  EXPECT_EQ(Pending(kHookB), 1);
  forgotten = table().ForgetOtherUrls({});
  ASSERT_TRUE(forgotten.ok());
  EXPECT_EQ(*forgotten, 1);
  EXPECT_EQ(Pending(kHookB), 0);
}

TEST(NotificationOutboxFileTest, TheQueueSurvivesReopening) {
  zfleet::testing::TempDir dir;
  const std::string path = dir.File("controller.db");
  {
    std::unique_ptr<Store> store;
    ASSERT_NO_FATAL_FAILURE(OpenStore(path, &store));
    ASSERT_TRUE(store->notifications().Enqueue("{\"n\":1}", {kHookA}, 10, kOutboxT0).ok());
    ASSERT_TRUE(store->notifications().Enqueue("{\"n\":2}", {kHookA}, 10, kOutboxT0).ok());
    auto next = store->notifications().Next(kHookA);
    ASSERT_TRUE(next.ok() && next->has_value());
    ASSERT_TRUE(store->notifications().Done(kHookA, (*next)->id).ok());
  }
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenStore(path, &store));
  EXPECT_THAT(DrainBodies(store->notifications(), kHookA), ::testing::ElementsAre("{\"n\":2}"));
  // Ids never come back, even after the table emptied.
  auto id = store->notifications().Enqueue("{\"n\":3}", {kHookA}, 10, kOutboxT0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 3);
}

}  // namespace
}  // namespace zfleet::controller
