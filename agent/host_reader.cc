#include "agent/host_reader.h"

#include <utility>

#include "agent/disks/disk_class.h"
#include "agent/zpool/pool_assembly.h"
#include "common/log.h"
#include "common/time_format.h"
#include "common/utf8.h"
#include "model/clean_strings.h"

namespace zfleet::agent {

HostReader::HostReader(HostReaderDeps deps, const AgentConfig& config,
                       StatusParseOptions parse_options)
    : deps_(std::move(deps)),
      class_overrides_(ClassOverridesOf(config)),
      parse_options_(std::move(parse_options)) {}

void HostReader::Fail(const absl::Status& status, absl::Time started, absl::string_view what,
                      HostView& view) {
  std::string error = CleanUtf8(status.message());
  if (view.collect_error != error) spdlog::warn("{}: {}", what, error);
  view.collect_error = std::move(error);
  if (absl::IsDeadlineExceeded(status)) {
    if (!view.not_answering_since.has_value()) view.not_answering_since = started;
    view.not_answering_detail = view.collect_error;
  } else {
    // zpool answered, with an error: that is not a hang.
    view.not_answering_since.reset();
    view.not_answering_detail.clear();
  }
}

void HostReader::ReadPools(absl::Time started, HostView& view) {
  absl::StatusOr<ZpoolCapabilities> caps = deps_.zpool->Probe();
  if (caps.ok()) view.generation = caps->generation;
  absl::StatusOr<ZpoolOutputs> outputs = deps_.zpool->Collect();
  if (!outputs.ok()) return Fail(outputs.status(), started, "cannot read pools", view);
  absl::StatusOr<AssembledPools> assembled = AssemblePools(*outputs, parse_options_);
  if (!assembled.ok()) return Fail(assembled.status(), started, "cannot parse zpool output", view);
  if (assembled->unparsed_count != unparsed_logged_) {
    spdlog::info("zpool output has {} line(s) this agent does not understand; they are kept "
                 "in each pool's unparsed list",
                 assembled->unparsed_count);
    unparsed_logged_ = assembled->unparsed_count;
  }
  if (view.not_answering_since.has_value()) {
    spdlog::info("zpool answers again (it had not since {})",
                 FormatRfc3339(absl::ToUnixSeconds(*view.not_answering_since)));
  }
  view.collect_error.clear();
  view.not_answering_since.reset();
  view.not_answering_detail.clear();
  view.pools = std::move(assembled->pools);
  view.pools_read_at = started;
  ClassifyLeaves(view.pools, class_overrides_);
  if (deps_.disks != nullptr) deps_.disks->Enrich(view.pools, started);
  int cleaned = 0;
  for (v1::Pool& pool : view.pools) cleaned += CleanStrings(&pool);
  if (cleaned > 0) {
    spdlog::debug("{} string(s) read from the host were not valid UTF-8; their bad bytes are "
                  "kept as \\xNN",
                  cleaned);
  }
}

void HostReader::ReadStack(HostView& view) {
  if (!deps_.stack_checker) return;
  view.stack_checks = deps_.stack_checker();
  for (v1::StackCheck& check : view.stack_checks) CleanStrings(&check);
}

}  // namespace zfleet::agent
