// Callers that arrive while a transaction runs share the next one; one job's error is its
// own; nobody returns before the commit.
#include "controller/group_commit.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

const absl::Time kGroupT0 = absl::FromUnixSeconds(1'800'000'000);

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_)); }

  bool HostStored(const std::string& host) {
    absl::MutexLock lock(&store_mu_);
    absl::StatusOr<std::optional<HostRecord>> got = store_->hosts().Get(host);
    return got.ok() && got->has_value();
  }

  // A job that stores `host`, failing after it when `fail`; records what it was told.
  GroupCommit::Job StoreHost(const std::string& host, bool fail, absl::Status* told) {
    return GroupCommit::Job{
        .in_transaction = [this, host, fail]() -> absl::Status {
          EXPECT_TRUE(store_->InTransaction());
          absl::Status s = store_->hosts().Upsert(host, "i1", v1::HostInfo(), "", kGroupT0);
          if (!s.ok()) return s;
          return fail ? absl::InvalidArgumentError("refused") : absl::OkStatus();
        },
        .after = [told](const absl::Status& outcome) { *told = outcome; }};
  }

  std::unique_ptr<Store> store_;
  absl::Mutex store_mu_;
};

TEST_F(GroupCommitTest, CallersWaitingForATransactionShareTheNext) {
  GroupCommit group(store_.get(), &store_mu_, 64);
  absl::Notification first_running, release_first;
  absl::Status first_told = absl::UnknownError("not told");
  GroupCommit::Job first{.in_transaction = [&]() -> absl::Status {
                           first_running.Notify();
                           release_first.WaitForNotification();
                           return absl::OkStatus();
                         },
                         .after = [&](const absl::Status& s) { first_told = s; }};
  std::thread leader([&] { group.Run(first); });
  first_running.WaitForNotification();

  constexpr int kFollowers = 4;
  std::vector<absl::Status> told(kFollowers, absl::UnknownError("not told"));
  std::vector<GroupCommit::Job> jobs;
  for (int i = 0; i < kFollowers; ++i) {
    jobs.push_back(StoreHost(absl::StrCat("h", i), /*fail=*/i == 2, &told[i]));
  }
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) followers.emplace_back([&, i] { group.Run(jobs[i]); });
  // Bounded: the followers queue within moments.
  for (int i = 0; i < 5000 && group.waiting() < kFollowers + 1; ++i)
    absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(group.waiting(), static_cast<size_t>(kFollowers + 1));
  release_first.Notify();
  leader.join();
  for (std::thread& t : followers) t.join();

  EXPECT_TRUE(first_told.ok()) << first_told;
  EXPECT_EQ(group.groups(), 2u) << "the first alone, then the four together";
  EXPECT_EQ(group.waiting(), 0u);
  for (int i = 0; i < kFollowers; ++i) {
    if (i == 2) {
      EXPECT_EQ(told[i].code(), absl::StatusCode::kInvalidArgument) << told[i];
      EXPECT_FALSE(HostStored("h2")) << "a failed job's writes are undone";
    } else {
      EXPECT_TRUE(told[i].ok()) << i << ": " << told[i];
      EXPECT_TRUE(HostStored(absl::StrCat("h", i))) << i;
    }
  }
}

TEST_F(GroupCommitTest, GroupsAreCappedAndEveryJobRunsOnce) {
  GroupCommit group(store_.get(), &store_mu_, 3);
  constexpr int kCallers = 40;
  std::vector<absl::Status> told(kCallers, absl::UnknownError("not told"));
  std::atomic<int> ran{0};
  std::vector<GroupCommit::Job> jobs;
  for (int i = 0; i < kCallers; ++i) {
    GroupCommit::Job job = StoreHost(absl::StrCat("c", i), false, &told[i]);
    jobs.push_back(GroupCommit::Job{.in_transaction =
                                        [&ran, inner = job.in_transaction] {
                                          ++ran;
                                          return inner();
                                        },
                                    .after = job.after});
  }
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) callers.emplace_back([&, i] { group.Run(jobs[i]); });
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(ran.load(), kCallers);
  EXPECT_GE(group.groups(), static_cast<uint64_t>(kCallers / 3));
  EXPECT_LE(group.groups(), static_cast<uint64_t>(kCallers));
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_TRUE(told[i].ok()) << told[i];
    EXPECT_TRUE(HostStored(absl::StrCat("c", i)));
  }
}

}  // namespace
}  // namespace zfleet::controller
