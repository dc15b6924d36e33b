#include "controller/schedule/busy_profile.h"

#include <algorithm>

namespace zfleet::controller {

void BusyProfile::Add(absl::Time from, absl::Time to) {
  if (to <= from) return;
  edges_.emplace_back(from, +1);
  edges_.emplace_back(to, -1);
}

void BusyProfile::Seal() {
  std::sort(edges_.begin(), edges_.end());
  int count = 0;
  for (const auto& [at, delta] : edges_) {
    count += delta;
    if (!steps_.empty() && steps_.back().first == at) {
      steps_.back().second = count;
    } else {
      steps_.emplace_back(at, count);
    }
  }
  edges_.clear();
  edges_.shrink_to_fit();
}

size_t BusyProfile::StepAt(absl::Time t) {
  auto it = std::lower_bound(steps_.begin(), steps_.end(), t,
                             [](const auto& step, absl::Time at) { return step.first < at; });
  if (it != steps_.end() && it->first == t) return it - steps_.begin();
  int count = it == steps_.begin() ? 0 : std::prev(it)->second;
  it = steps_.insert(it, {t, count});
  return it - steps_.begin();
}

void BusyProfile::Insert(absl::Time from, absl::Time to) {
  if (to <= from) return;
  size_t begin = StepAt(from);
  size_t end = StepAt(to);
  for (size_t k = begin; k < end; ++k) ++steps_[k].second;
}

absl::Time BusyProfile::LatestFit(absl::Time latest, absl::Duration length) const {
  absl::Time end = latest + length;
  // The last step starting before `end`; walking left, the first full step that overlaps
  // [end - length, end) moves `end` to where that step starts.
  auto it = std::lower_bound(steps_.begin(), steps_.end(), end,
                             [](const auto& step, absl::Time at) { return step.first < at; });
  size_t k = it - steps_.begin();
  while (k-- > 0) {
    if (steps_[k].second < cap_) {
      if (steps_[k].first <= end - length) return end - length;
      continue;
    }
    end = steps_[k].first;
  }
  return end - length;
}

}  // namespace zfleet::controller
