#include "tests/bench/ingest_status.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/bench/ingest_load.h"
#include "tests/bench/ingest_target.h"

namespace zfleet::bench {
namespace {

std::string LastLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

}  // namespace

StatusProber::StatusProber(std::string cli, std::string address, std::string log_path,
                           absl::Duration every, absl::Duration timeout)
    : cli_(std::move(cli)),
      address_(std::move(address)),
      log_path_(std::move(log_path)),
      every_(every),
      timeout_(timeout) {}

StatusProber::~StatusProber() { Stop(); }

void StatusProber::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void StatusProber::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

StatusFigures StatusProber::Figures() const {
  absl::MutexLock lock(&mu_);
  return figures_;
}

void StatusProber::Loop() {
  // The CLI's own deadline is the timeout, so a slow controller shows as its error line.
  const std::vector<std::string> argv = {cli_,
                                         "--controller",
                                         address_,
                                         "--timeout",
                                         absl::StrCat(absl::ToInt64Seconds(timeout_), "s"),
                                         "status"};
  while (true) {
    const absl::Time next = absl::Now() + every_;
    const int64_t started_at_ms = UnixMillis();
    const TimedRun run = RunTimed(argv, log_path_, timeout_ + absl::Seconds(5));
    absl::MutexLock lock(&mu_);
    ++figures_.runs;
    figures_.started_at_ms.push_back(started_at_ms);
    if (run.exit_code == 0) {
      figures_.seconds.push_back(static_cast<float>(run.seconds));
    } else {
      ++figures_.failures;
      if (figures_.first_failure.empty()) {
        figures_.first_failure =
            run.exit_code < 0 ? absl::StrCat("no exit within ", absl::FormatDuration(timeout_))
                              : absl::StrCat("exit ", run.exit_code, ": ", LastLineOf(log_path_));
      }
    }
    if (mu_.AwaitWithDeadline(absl::Condition(&stop_), next)) return;
  }
}

void PrintStatusFigures(const char* label, const StatusFigures& f) {
  const float max = f.seconds.empty() ? 0 : *std::max_element(f.seconds.begin(), f.seconds.end());
  std::printf("%-11s zfleet status: %d runs  p50 %.0f ms  max %.0f ms  failures %d\n",
              absl::StrCat(label, ":").c_str(), f.runs, Percentile(f.seconds, 0.5) * 1000,
              static_cast<double>(max) * 1000, f.failures);
  if (!f.first_failure.empty()) {
    std::printf("%-11s zfleet status first failure: %s\n", "", f.first_failure.c_str());
  }
}

}  // namespace zfleet::bench
