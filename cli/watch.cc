// `zfleet watch [status|triage]`: the command's output redrawn every --interval, over the
// last one on a terminal, until interrupted or --count frames were drawn.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/command_runners.h"
#include "cli/render/format_util.h"

namespace zfleet::cli {
namespace {

// Cursor home, clear the screen: each frame replaces the last, as watch(1) does.
constexpr char kClearScreen[] = "\033[H\033[2J";

}  // namespace

CliResult RunWatch(FleetApi& api, const Invocation& in) {
  const Environment& env = *in.env;
  const auto sleep = env.sleep ? env.sleep : [](absl::Duration d) { absl::SleepFor(d); };
  const Output output = in.flags.watch_what == "triage" ? TriageOutput : StatusOutput;
  bool answered = false;
  for (int frame = 1;; ++frame) {
    const absl::Time now = env.clock ? env.clock() : env.now;
    Invocation at = in;
    at.render.now = now;
    absl::StatusOr<std::string> body = output(api, at);
    // A controller that never answered is an error like any other command's; one that
    // answered before and is away for a moment (a restart) is shown, and watched again.
    if (!body.ok() && !answered) return FailureResult(body.status().message());
    answered |= body.ok();
    const std::string shown =
        body.ok() ? *body : absl::StrCat("zfleet: ", body.status().message(), "\n");
    if (in.flags.json) {
      // One document per frame, for a program reading the stream; a failed frame is left out.
      if (body.ok() && env.draw) env.draw(shown);
    } else if (env.draw) {
      const std::string text =
          absl::StrCat("every ", FormatSpan(in.interval), ": zfleet ", in.flags.watch_what, "    ",
                       FormatSecond(absl::ToUnixSeconds(now)), " UTC\n\n", shown);
      env.draw(env.draw_tty ? absl::StrCat(kClearScreen, text) : text + "\n");
    }
    if (in.flags.count > 0 && frame >= in.flags.count) return {kExitOk, "", ""};
    sleep(in.interval);
  }
}

}  // namespace zfleet::cli
