#include "controller/store/store_health.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "controller/store/sqlite.h"

namespace zfleet::controller {
namespace {

constexpr absl::Duration kLineEvery = absl::Minutes(1);

}  // namespace

void StoreHealth::Observe(const absl::Status& status, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (IsDiskFull(status)) {
    CountRefusal(status, now);
    return;
  }
  if (!status.ok() || !full_) return;
  full_ = false;
  if (episode_logged_) {
    spdlog::info(
        "controller database disk has space again ({}): {} writes were refused while "
        "it was full",
        db_path_, refused_this_episode_);
    last_line_ = now;
  }
  episode_logged_ = false;
  refused_this_episode_ = 0;
  refused_unlogged_ = 0;
}

void StoreHealth::ObserveFailure(const absl::Status& status, absl::Time now) {
  if (!IsDiskFull(status)) return;
  absl::MutexLock lock(&mu_);
  CountRefusal(status, now);
}

void StoreHealth::CountRefusal(const absl::Status& status, absl::Time now) {
  full_ = true;
  ++refused_total_;
  ++refused_this_episode_;
  ++refused_unlogged_;
  if (last_line_.has_value() && now - *last_line_ < kLineEvery) return;
  if (!episode_logged_) {
    spdlog::error(
        "controller database disk is full ({}): agent reports and the controller's "
        "own writes are refused until space returns; agents send their reports again "
        "({})",
        db_path_, status.message());
  } else {
    spdlog::error(
        "controller database disk is still full ({}): {} writes refused since the "
        "last message",
        db_path_, refused_unlogged_);
  }
  episode_logged_ = true;
  last_line_ = now;
  refused_unlogged_ = 0;
}

bool StoreHealth::disk_full() const {
  absl::MutexLock lock(&mu_);
  return full_;
}

int64_t StoreHealth::disk_full_errors() const {
  absl::MutexLock lock(&mu_);
  return refused_total_;
}

absl::Status StoreHealth::DiskFullError() const {
  return absl::ResourceExhaustedError(
      absl::StrCat("controller database disk is full (", db_path_, ")"));
}

}  // namespace zfleet::controller
