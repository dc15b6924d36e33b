#include "cli/render/render_scrub_wait.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"

namespace zfleet::cli {
namespace {

constexpr int kBarWidth = 20;

std::string Bar(double percent) {
  const int filled = std::clamp(static_cast<int>(percent / 100.0 * kBarWidth), 0, kBarWidth);
  return absl::StrCat("[", std::string(filled, '#'), std::string(kBarWidth - filled, '-'), "]");
}

std::string Where(const v1::ScrubRun& run) { return absl::StrCat(run.host_id(), "/", run.pool()); }

}  // namespace

bool ScrubRunEnded(const v1::ScrubRun& run) {
  return run.state() == v1::RUN_FINISHED || run.state() == v1::RUN_CANCELED ||
         run.state() == v1::RUN_FAILED;
}

std::string ScrubWaitLine(const v1::ScrubRun& run, const v1::Scan& scan) {
  if (run.state() == v1::RUN_REQUESTED) {
    return "queued: waiting for the scheduler (window, caps) or the agent";
  }
  const bool scanning = scan.function() == "scrub" && scan.has_percent_done();
  // A pause is recorded when the scheduler sends it; the scan says when it took effect.
  if (scan.state() == "paused" || (run.pause() != v1::PAUSE_NONE && scan.state() != "scanning")) {
    std::string line = "paused";
    if (scanning) absl::StrAppend(&line, " at ", FormatPercent(scan.percent_done()));
    if (run.pause() == v1::PAUSE_WINDOW_END) {
      absl::StrAppend(&line, " (window closed; the scheduler resumes it)");
    } else if (run.pause() == v1::PAUSE_YIELD) {
      absl::StrAppend(&line, " (its slot went to a due pool; the scheduler resumes it)");
    } else {
      absl::StrAppend(&line, " (`zfleet scrub ", Where(run), "` resumes it)");
    }
    return line;
  }
  if (!scanning) return "scrubbing: starting";
  std::string line =
      absl::StrCat("scrubbing ", FormatPercent(scan.percent_done()), " ", Bar(scan.percent_done()));
  std::vector<std::string> facts;
  if (scan.has_scan_rate_bytes_per_s()) {
    facts.push_back(absl::StrCat(HumanSize(scan.scan_rate_bytes_per_s()), "/s"));
  }
  if (scan.has_seconds_to_go()) {
    facts.push_back(absl::StrCat(
        FormatSpan(absl::Seconds(static_cast<int64_t>(scan.seconds_to_go()))), " to go"));
  }
  if (!facts.empty()) absl::StrAppend(&line, " ", absl::StrJoin(facts, ", "));
  return line;
}

std::string ScrubResultLine(const v1::ScrubRun& run) {
  std::string line = absl::StrCat("scrub of ", Where(run), " ");
  std::vector<std::string> facts;
  if (run.has_started_at() && run.has_ended_at()) {
    facts.push_back(
        absl::StrCat("in ", FormatSpan(absl::Seconds(run.ended_at() - run.started_at()))));
  }
  if (run.has_bytes_scanned())
    facts.push_back(absl::StrCat("scanned ", HumanSize(run.bytes_scanned())));
  switch (run.state()) {
    case v1::RUN_FINISHED:
      if (ScrubOutcomeOf(run) == ScrubOutcome::kClean) {
        absl::StrAppend(&line, "finished clean");
      } else {
        absl::StrAppend(&line, "finished: repaired ", HumanSize(run.bytes_repaired()), ", ",
                        run.errors(), run.errors() == 1 ? " error" : " errors");
      }
      break;
    case v1::RUN_CANCELED:
      absl::StrAppend(&line, "canceled");
      break;
    default:
      absl::StrAppend(&line, "failed");
      break;
  }
  if (!run.message().empty()) absl::StrAppend(&line, ": ", run.message());
  if (!facts.empty()) absl::StrAppend(&line, " (", absl::StrJoin(facts, ", "), ")");
  return line;
}

ScrubOutcome ScrubOutcomeOf(const v1::ScrubRun& run) {
  if (run.state() != v1::RUN_FINISHED) return ScrubOutcome::kDidNotFinish;
  return run.bytes_repaired() > 0 || run.errors() > 0 ? ScrubOutcome::kFoundErrors
                                                      : ScrubOutcome::kClean;
}

}  // namespace zfleet::cli
