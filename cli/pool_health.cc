#include "cli/pool_health.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zfleet::cli {
namespace {

bool HasNonZeroCounter(const v1::Vdev& vdev) {
  return vdev.read_errors() > 0 || vdev.write_errors() > 0 || vdev.checksum_errors() > 0;
}

// Collects vdevs with non-zero counters and sums leaf counters, depth first.
void Walk(const v1::Vdev& vdev, std::vector<std::string>* noisy,
          std::optional<uint64_t>* leaf_sum) {
  if (HasNonZeroCounter(vdev)) noisy->push_back(vdev.name());
  if (vdev.children_size() == 0) {
    if (vdev.has_read_errors() || vdev.has_write_errors() || vdev.has_checksum_errors()) {
      *leaf_sum =
          leaf_sum->value_or(0) + vdev.read_errors() + vdev.write_errors() + vdev.checksum_errors();
    }
    return;
  }
  for (const auto& child : vdev.children()) Walk(child, noisy, leaf_sum);
}

}  // namespace

PoolHealth EvaluatePool(const v1::PoolSummary& summary) {
  const v1::Pool& pool = summary.pool();
  PoolHealth health;
  if (pool.errors().has_count()) health.data_errors = pool.errors().count();
  std::vector<std::string> noisy;
  for (const auto& vdev : pool.vdevs()) Walk(vdev, &noisy, &health.device_errors);

  if (pool.state() != "ONLINE") {
    health.problems.push_back(
        absl::StrCat("state ", pool.state().empty() ? "unknown" : pool.state()));
  }
  if (health.data_errors.value_or(0) > 0) {
    health.problems.push_back(absl::StrCat(*health.data_errors, " data errors"));
  }
  if (!noisy.empty()) {
    health.problems.push_back(absl::StrCat("device errors on ", absl::StrJoin(noisy, ", ")));
  }
  if (!pool.status().empty()) health.problems.push_back(absl::StrCat("status: ", pool.status()));
  if (!summary.host_reporting()) health.problems.push_back("host not reporting");
  return health;
}

}  // namespace zfleet::cli
