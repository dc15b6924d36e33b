#include "controller/events/retention.h"

#include <optional>

#include "common/status_macros.h"

namespace zfleet::controller {
namespace {

// controller_state keys: when the next pass is due; the day up to which counter samples
// are thinned.
constexpr char kDueAt[] = "retention_due_at";
constexpr char kCountersThinned[] = "counters_thinned_before";
constexpr absl::Duration kEvery = absl::Hours(1);
constexpr int64_t kDay = 86400;

absl::Time DayStart(absl::Time t) {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(t) / kDay * kDay);
}

// Thins the oldest day of counter samples not yet thinned, if it ended before the
// retention age; a day is done once a pass deletes less than a batch of it.
absl::Status ThinOneCounterDay(Store& store, const RetentionPolicy& policy, absl::Time now,
                               RetentionPass& pass) {
  const absl::Time before = DayStart(now - policy.counters);
  ASSIGN_OR_RETURN(std::optional<int64_t> thinned, store.state().Get(kCountersThinned));
  const absl::Time from = thinned.has_value() ? absl::FromUnixSeconds(*thinned) : absl::UnixEpoch();
  ASSIGN_OR_RETURN(std::optional<absl::Time> first, store.history().FirstCounterTime(from));
  if (!first.has_value() || *first >= before) return absl::OkStatus();
  const absl::Time day = DayStart(*first);
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(pass.counters, store.history().ThinCounters(day, policy.batch));
    if (pass.counters == policy.batch) return absl::OkStatus();
    return store.state().Set(kCountersThinned, absl::ToUnixSeconds(day + absl::Hours(24)));
  }));
  pass.more |= pass.counters == policy.batch || day + absl::Hours(24) < before;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RetentionPass> TrimStore(Store& store, const RetentionPolicy& policy,
                                        absl::Time now) {
  RetentionPass pass;
  ASSIGN_OR_RETURN(std::optional<int64_t> due, store.state().Get(kDueAt));
  if (due.has_value() && now < absl::FromUnixSeconds(*due)) return pass;
  pass.ran = true;
  ASSIGN_OR_RETURN(pass.events, store.events().DeleteOld(
                                    {now - policy.events, now - policy.open_events, policy.batch}));
  ASSIGN_OR_RETURN(pass.incidents,
                   store.incidents().DeleteResolved(now - policy.events, policy.batch));
  // Commands before runs: a run is kept while a command names it.
  ASSIGN_OR_RETURN(pass.commands,
                   store.commands().DeleteEnded(now - policy.commands, policy.batch));
  ASSIGN_OR_RETURN(pass.scrub_runs,
                   store.scrub_runs().DeleteEnded(now - policy.scrub_runs, policy.batch));
  ASSIGN_OR_RETURN(pass.audit, store.audit().DeleteBefore(now - policy.audit, policy.batch));
  RETURN_IF_ERROR(ThinOneCounterDay(store, policy, now, pass));
  for (int64_t n : {pass.events, pass.incidents, pass.commands, pass.scrub_runs, pass.audit}) {
    pass.more |= n == policy.batch;
  }
  RETURN_IF_ERROR(store.state().Set(kDueAt, absl::ToUnixSeconds(pass.more ? now : now + kEvery)));
  return pass;
}

}  // namespace zfleet::controller
