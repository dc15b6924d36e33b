// Every write to what a report is compared with raises its host's version, whoever makes
// it; the batched touches do not.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "controller/store/store.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

const absl::Time kChangesT0 = absl::FromUnixSeconds(1'800'000'000);

class HostChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i1", v1::HostInfo(), "", kChangesT0).ok());
    ASSERT_TRUE(store_->hosts().Upsert("nas2", "i1", v1::HostInfo(), "", kChangesT0).ok());
    absl::StatusOr<std::optional<int64_t>> row = store_->hosts().RowId("nas1");
    ASSERT_TRUE(row.ok() && row->has_value());
    nas1_ = **row;
    row = store_->hosts().RowId("nas2");
    ASSERT_TRUE(row.ok() && row->has_value());
    nas2_ = **row;
    v1::Pool tank;
    tank.set_name("tank");
    tank.set_state("ONLINE");
    ASSERT_TRUE(store_->pools().Record("nas1", tank, kChangesT0).ok());
  }

  // Whether `write` raised nas1's version, and left nas2's alone.
  bool Raises(const std::function<absl::Status()>& write) {
    const uint64_t before = store_->host_changes().Version(nas1_);
    const uint64_t other = store_->host_changes().Version(nas2_);
    absl::Status status = write();
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_EQ(store_->host_changes().Version(nas2_), other);
    return store_->host_changes().Version(nas1_) > before;
  }

  std::unique_ptr<Store> store_;
  int64_t nas1_ = 0;
  int64_t nas2_ = 0;
};

TEST_F(HostChangesTest, WritesToTheHostRaiseItsVersion) {
  EXPECT_TRUE(Raises([&] { return store_->hosts().SetMissing("nas1", kChangesT0); }));
  EXPECT_TRUE(Raises([&] { return store_->hosts().SetStackAttention("nas1", true); }));
  EXPECT_TRUE(Raises([&] {
    v1::Pool tank;
    tank.set_name("tank");
    tank.set_state("DEGRADED");
    return store_->pools().Record("nas1", tank, kChangesT0).status();
  }));
  EXPECT_TRUE(Raises([&] { return store_->pools().MarkAbsent("nas1", {}); }));
  ScanProgress progress;
  progress.function = "scrub";
  progress.progress = 1;
  progress.progressed_at = kChangesT0;
  EXPECT_TRUE(Raises([&] { return store_->scan_watch().SetProgress("nas1", "tank", progress); }));
  EXPECT_TRUE(Raises([&] { return store_->ForgetHost("nas1").status(); }));
}

TEST_F(HostChangesTest, TouchesDoNotRaiseIt) {
  ReportTouch touch{.host_id = "nas1",
                    .instance_id = "i1",
                    .info = v1::HostInfo(),
                    .collect_error = "",
                    .now = kChangesT0 + absl::Seconds(30),
                    .stream = HostStream{.stream_id = "s1", .last_sequence = 7},
                    .observed = kChangesT0 + absl::Seconds(30)};
  EXPECT_FALSE(Raises([&] { return store_->WriteTouches({touch}); }));
  absl::StatusOr<std::optional<HostStream>> stream = store_->hosts().GetStream("nas1");
  ASSERT_TRUE(stream.ok() && stream->has_value());
  EXPECT_EQ((*stream)->last_sequence, 7u);
  // After the touches, writes count again.
  EXPECT_TRUE(Raises([&] { return store_->hosts().SetMissing("nas1", std::nullopt); }));
}

TEST_F(HostChangesTest, TouchOfAForgottenHostWritesNothing) {
  ASSERT_TRUE(store_->ForgetHost("nas1").ok());
  ReportTouch touch{.host_id = "nas1",
                    .instance_id = "i1",
                    .info = v1::HostInfo(),
                    .collect_error = "",
                    .now = kChangesT0,
                    .stream = HostStream(),
                    .observed = kChangesT0};
  EXPECT_TRUE(store_->WriteTouches({touch}).ok());
  absl::StatusOr<std::optional<HostRecord>> host = store_->hosts().Get("nas1");
  ASSERT_TRUE(host.ok());
  EXPECT_FALSE(host->has_value());
}

}  // namespace
}  // namespace zfleet::controller
