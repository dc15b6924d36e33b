// `zfleet scrub HOST/POOL [--now] --wait`: requests the scrub, then follows its run through
// the pool's reports until it ends, and exits with what it found.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/command_runners.h"
#include "cli/render/format_util.h"
#include "cli/render/render_scrub.h"
#include "cli/render/render_scrub_wait.h"
#include "model/pool_json.h"

namespace zfleet::cli {
namespace {

// Agents report every few seconds; polling faster shows nothing new.
constexpr absl::Duration kPoll = absl::Seconds(2);
// A controller restarting under a long wait is not its end; one that stays away is.
constexpr int kMaxFailedPolls = 15;

// The run `id` and the pool's scan, from one GetPool; NotFound when the run is not among
// the pool's recent runs.
struct RunView {
  v1::ScrubRun run;
  v1::Scan scan;
};
absl::StatusOr<RunView> ReadRun(FleetApi& api, const PoolRef& ref, int64_t id) {
  v1::GetPoolRequest request;
  request.set_host_id(ref.host);
  request.set_pool(ref.pool);
  absl::StatusOr<v1::GetPoolResponse> pool = api.GetPool(request);
  if (!pool.ok()) return pool.status();
  for (const v1::ScrubRun& run : pool->scrub_runs()) {
    if (run.id() == id) return RunView{run, pool->pool().pool().scan()};
  }
  return absl::NotFoundError(
      absl::StrCat("scrub run ", id, " of ", ref.host, "/", ref.pool, " is no longer listed"));
}

// Shows `line` as the progress: rewritten in place on a terminal; elsewhere a line each
// time it says something new (`key`, without the rate and time to go that change always).
class Progress {
 public:
  explicit Progress(const Environment& env) : env_(env) {}
  void Show(const std::string& line, const std::string& key) {
    if (!env_.progress) return;
    if (env_.progress_tty) {
      env_.progress(absl::StrCat("\r\033[K", line));
      shown_ = true;
    } else if (key != last_key_) {
      env_.progress(line + "\n");
    }
    last_key_ = key;
  }
  void Clear() {
    if (shown_ && env_.progress) env_.progress("\r\033[K");
    shown_ = false;
  }

 private:
  const Environment& env_;
  std::string last_key_;
  bool shown_ = false;
};

std::string ProgressKey(const RunView& v) {
  return absl::StrCat(v.run.state(), "/", v.run.pause(), "/", v.scan.state(), "/",
                      static_cast<int>(v.scan.percent_done()));
}

}  // namespace

CliResult RunScrub(FleetApi& api, const Invocation& in) {
  const Flags& f = in.flags;
  if (!f.wait) return OutputResult(ScrubOutput(api, in));
  v1::RequestScrubRequest request;
  request.set_host_id(in.ref.host);
  request.set_pool(in.ref.pool);
  request.set_action(v1::START);
  request.set_now(f.now);
  absl::StatusOr<v1::RequestScrubResponse> response = api.RequestScrub(request);
  if (!response.ok()) return FailureResult(response.status().message());
  const std::string requested = f.json ? "" : RenderScrubText(request, *response);
  const Environment& env = *in.env;
  const auto sleep = env.sleep ? env.sleep : [](absl::Duration d) { absl::SleepFor(d); };
  Progress progress(env);
  int failed = 0;
  for (;;) {
    absl::StatusOr<RunView> view = ReadRun(api, in.ref, response->scrub_run_id());
    if (!view.ok()) {
      // A run no longer listed will not come back; a controller away may.
      if (absl::IsNotFound(view.status()) || ++failed >= kMaxFailedPolls) {
        progress.Clear();
        return FailureResult(view.status().message(), requested);
      }
      sleep(kPoll);
      continue;
    }
    failed = 0;
    if (ScrubRunEnded(view->run)) {
      progress.Clear();
      std::string out;
      if (f.json) {
        nlohmann::ordered_json doc = RenderScrubJson(request, *response);
        doc["run"] = ScrubRunToJson(view->run);
        out = DumpJson(doc);
      } else {
        out = absl::StrCat(requested, ScrubResultLine(view->run), "\n");
      }
      switch (ScrubOutcomeOf(view->run)) {
        case ScrubOutcome::kClean:
          return {kExitOk, std::move(out), ""};
        case ScrubOutcome::kFoundErrors:
          return {kExitScrubFoundErrors, std::move(out), ""};
        case ScrubOutcome::kDidNotFinish:
          break;
      }
      return FailureResult(ScrubResultLine(view->run), std::move(out));
    }
    progress.Show(ScrubWaitLine(view->run, view->scan), ProgressKey(*view));
    sleep(kPoll);
  }
}

}  // namespace zfleet::cli
