#include "controller/schedule/scheduler_rules.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace zfleet::controller {

absl::Time DueTime(const PoolSnapshot& pool, const HostSnapshot& host,
                   const SchedulerPolicy& policy) {
  return ScrubDueTime(
      {host.id, pool.name, pool.last_scrub_start, pool.last_scrub_end, pool.first_seen},
      policy.For(pool.disk_class).interval);
}

absl::Time EarlyStartTime(absl::Time due, DiskClass c, const SchedulerPolicy& policy) {
  const ClassPolicy& cls = policy.For(c);
  if (policy.early_start <= 0 || cls.windows.IsOpenAt(due, policy.timezone)) return due;
  return due - cls.interval * policy.early_start;
}

std::string BlockReasonText(const BlockReason& reason, const PoolSnapshot& pool,
                            const HostSnapshot& host, const SchedulerPolicy& policy) {
  switch (reason.blocker) {
    case Blocker::kNone:
      return "";
    case Blocker::kHostNotReporting:
      return "host not reporting";
    case Blocker::kResilvering:
      return "resilvering";
    case Blocker::kScanRunning:
      return "scan running";
    case Blocker::kScrubPaused:
      return "scrub paused";
    case Blocker::kPoolState:
      return absl::StrCat("pool ", pool.state);
    case Blocker::kWindowClosed:
      return "window closed";
    case Blocker::kLoad:
      return absl::StrFormat("load %.1f > %.1f", host.load1, policy.load_threshold);
    case Blocker::kCapFleet:
      return "cap max_concurrent reached";
    case Blocker::kCapHost:
      return "cap max_per_host reached";
    case Blocker::kCapLabel: {
      if (reason.label < 0 || reason.label >= static_cast<int>(policy.max_per_label.size())) {
        return "cap max_per_label reached";
      }
      const std::string& key = policy.max_per_label[reason.label].first;
      auto it = host.labels.find(key);
      return absl::StrCat("cap ", key, "=", it == host.labels.end() ? "" : it->second, " reached");
    }
  }
  return "";
}

BlockReason PoolBlocker(const PoolSnapshot& pool, const HostSnapshot& host, bool window_open,
                        const SchedulerPolicy& policy, Bypass bypass) {
  if (!host.reporting) return {Blocker::kHostNotReporting};
  bool in_progress =
      pool.scan_state == ScanState::kScanning || pool.scan_state == ScanState::kPaused;
  if (in_progress && pool.scan_function == ScanFunction::kResilver) {
    return {Blocker::kResilvering};
  }
  if (in_progress && pool.scan_function == ScanFunction::kScrub) {
    return {pool.scan_state == ScanState::kPaused ? Blocker::kScrubPaused : Blocker::kScanRunning};
  }
  if (bypass == Bypass::kNow) return {};
  if (policy.Skips(pool.state)) return {Blocker::kPoolState};
  if (!window_open) return {Blocker::kWindowClosed};
  if (host.load1 >= 0 && host.load1 > policy.load_threshold) return {Blocker::kLoad};
  return {};
}

HostLabelIndex IndexHostLabels(const FleetSnapshot& fleet, const SchedulerPolicy& policy) {
  HostLabelIndex index;
  const size_t keys = policy.max_per_label.size();
  index.counter.assign(fleet.hosts.size() * keys, -1);
  std::vector<absl::flat_hash_map<absl::string_view, int>> numbers(keys);
  for (size_t h = 0; h < fleet.hosts.size(); ++h) {
    for (size_t i = 0; i < keys; ++i) {
      auto it = fleet.hosts[h].labels.find(policy.max_per_label[i].first);
      if (it == fleet.hosts[h].labels.end()) continue;
      auto [entry, inserted] = numbers[i].try_emplace(it->second, index.values);
      if (inserted) ++index.values;
      index.counter[h * keys + i] = entry->second;
    }
  }
  return index;
}

CapCounter::CapCounter(const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                       const HostLabelIndex* index)
    : fleet_snapshot_(fleet), policy_(policy), index_(index), per_host_(fleet.hosts.size(), 0) {
  if (index_ != nullptr) {
    counts_.assign(index_->values, 0);
  } else {
    counter_of_.assign(fleet.hosts.size() * policy.max_per_label.size(), kUnresolved);
    value_index_.resize(policy.max_per_label.size());
  }
}

const int* CapCounter::Counters(size_t host) const {
  const size_t keys = policy_.max_per_label.size();
  if (index_ != nullptr) return index_->counter.data() + host * keys;
  int* counters = counter_of_.data() + host * keys;
  if (keys == 0 || counters[0] != kUnresolved) return counters;
  const HostSnapshot& h = fleet_snapshot_.hosts[host];
  for (size_t i = 0; i < keys; ++i) {
    auto it = h.labels.find(policy_.max_per_label[i].first);
    if (it == h.labels.end()) {
      counters[i] = kNoLabel;
      continue;
    }
    auto [entry, inserted] =
        value_index_[i].try_emplace(it->second, static_cast<int>(counts_.size()));
    if (inserted) counts_.push_back(0);
    counters[i] = entry->second;
  }
  return counters;
}

void CapCounter::Add(size_t host, int delta) {
  fleet_ += delta;
  per_host_[host] += delta;
  const int* counters = Counters(host);
  for (size_t i = 0; i < policy_.max_per_label.size(); ++i) {
    if (counters[i] != kNoLabel) counts_[counters[i]] += delta;
  }
}

BlockReason CapCounter::Check(size_t host) const {
  if (fleet_ >= policy_.max_concurrent) return {Blocker::kCapFleet};
  return CheckLocalFirst(host);
}

BlockReason CapCounter::CheckLocalFirst(size_t host) const {
  if (per_host_[host] >= policy_.max_per_host) return {Blocker::kCapHost};
  const int* counters = Counters(host);
  for (size_t i = 0; i < policy_.max_per_label.size(); ++i) {
    if (counters[i] != kNoLabel && counts_[counters[i]] >= policy_.max_per_label[i].second) {
      return {Blocker::kCapLabel, static_cast<int>(i)};
    }
  }
  if (fleet_ >= policy_.max_concurrent) return {Blocker::kCapFleet};
  return {};
}

}  // namespace zfleet::controller
