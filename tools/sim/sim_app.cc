#include "tools/sim/sim_app.h"

#include <cstdio>
#include <fstream>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/duration.h"
#include "controller/config/controller_config.h"
#include "controller/schedule/scrub_planner.h"
#include "schedule_policy/scrub_cadence.h"
#include "tools/sim/overdue_bound.h"
#include "tools/sim/sim_fleet.h"
#include "tools/sim/sim_metrics.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {
namespace {

int Fail(absl::string_view message) {
  std::fprintf(stderr, "zfleet-sim: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

absl::Status BadOutage(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--outage \"", text, "\": ", why));
}

// An RFC 3339 time, or a duration after `start`.
std::optional<absl::Time> OutageTime(absl::string_view text, absl::Time start) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  if (auto d = ParseHumanDuration(text); d.ok()) return start + *d;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<SimOutage> ParseSimOutage(absl::string_view text, absl::Time start) {
  std::pair<absl::string_view, absl::string_view> class_span =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  std::pair<absl::string_view, absl::string_view> from_to =
      absl::StrSplit(class_span.second, absl::MaxSplits('/', 1));
  if (class_span.second.empty() || from_to.second.empty()) {
    return BadOutage(text, "want CLASS:FROM/TO, e.g. sata:7d/37d");
  }
  SimOutage outage;
  std::optional<DiskClass> c = ParseDiskClass(class_span.first);
  if (!c) {
    return BadOutage(text, absl::StrCat("unknown class \"", class_span.first,
                                        "\" (want sata, scsi, usb, unknown, sas, fc, nvme or "
                                        "virtual)"));
  }
  outage.disk_class = *c;
  std::optional<absl::Time> from = OutageTime(from_to.first, start);
  std::optional<absl::Time> to = OutageTime(from_to.second, start);
  if (!from || !to) {
    return BadOutage(text, "FROM and TO must be RFC 3339 times or durations after the start");
  }
  if (*to <= *from) return BadOutage(text, "TO must come after FROM");
  outage.from = *from;
  outage.to = *to;
  return outage;
}

int RunSim(const SimFlags& flags, absl::Time now) {
  if (flags.fleet.empty()) return Fail("--fleet FILE is required");
  if (flags.days < 1 || flags.days > 3650) return Fail("--days must be from 1 to 3650");
  if (!(flags.jitter >= 0 && flags.jitter <= 0.9)) return Fail("--jitter must be from 0 to 0.9");
  SimOptions options;
  options.duration = absl::Hours(24) * flags.days;
  options.seed = flags.seed;
  options.jitter = flags.jitter;
  options.start = ComingMondayUtc(now);
  if (!flags.start.empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.start, &options.start, &error)) {
      return Fail(absl::StrCat("--start: bad time \"", flags.start,
                               "\" (want RFC 3339, e.g. 2026-11-02T00:00:00Z)"));
    }
    options.start = absl::FromUnixSeconds(absl::ToUnixSeconds(options.start));
  }
  for (const std::string& text : flags.outages) {
    auto outage = ParseSimOutage(text, options.start);
    if (!outage.ok()) return Fail(outage.status().message());
    options.outages.push_back(*outage);
  }
  auto config = LoadControllerConfig(flags.policy);
  if (!config.ok()) return Fail(config.status().message());
  auto fleet = LoadSimFleet(flags.fleet);
  if (!fleet.ok()) return Fail(fleet.status().message());

  const SchedulerPolicy& policy = config->scheduler;
  SimRun scheduled = RunScheduler(*fleet, policy, options);
  SimRun baseline = RunCronBaseline(*fleet, policy, options);
  SimFigures figures = ComputeFigures(*fleet, policy, options, scheduled);
  SimFigures baseline_figures = ComputeFigures(*fleet, policy, options, baseline);
  if (!flags.trace.empty()) {
    std::ofstream out(flags.trace, std::ios::trunc);
    out << TraceCsv(*fleet, scheduled);
    out.close();
    if (!out) return Fail(absl::StrCat("cannot write --trace ", flags.trace));
  }
  SimBest best;
  best.overdue_lower_bound = OverdueLowerBound(*fleet, policy, options);
  const ScrubPlan plan = PlanScrubs(options.start, SimSnapshot(*fleet, options), policy, {});
  for (const Shortfall& s : plan.shortfalls) best.shortfalls.push_back(ShortfallText(s));
  size_t flat = 0;
  for (const SimHost& host : fleet->hosts) {
    for (const SimPool& pool : host.pools) {
      if (flat < plan.pools.size() && plan.pools[flat].planned && plan.pools[flat].late) {
        best.late_at_start.push_back(absl::StrCat(host.name, "/", pool.name));
      }
      ++flat;
    }
  }
  std::string report = flags.json
                           ? SimReportJson(*fleet, options, figures, baseline_figures, &best)
                           : SimReportText(*fleet, options, figures, baseline_figures, &best);
  std::fwrite(report.data(), 1, report.size(), stdout);
  return 0;
}

}  // namespace zfleet::controller
