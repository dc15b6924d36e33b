#include "agent/collector.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/duration.h"
#include "common/log.h"

namespace zfleet::agent {

namespace {

bool ReadSucceeded(const HostView& view) { return view.collect_error.empty() && view.answering(); }

}  // namespace

InlineCollector::InlineCollector(HostReader* reader, CommandExecution execute,
                                 CollectorTiming timing, const Clock* clock,
                                 AfterPoolsRead after_read)
    : reader_(reader),
      execute_(std::move(execute)),
      timing_(timing),
      clock_(clock),
      after_read_(std::move(after_read)) {}

HostView InlineCollector::View(absl::Time now) {
  if (now >= next_read_) {
    next_read_ = now + timing_.poll_interval;
    reader_->ReadPools(now, view_);
    if (after_read_ && ReadSucceeded(view_)) after_read_(view_.pools, now);
  }
  if (reader_->has_stack_checker() && now >= next_stack_) {
    next_stack_ = now + timing_.stack_check_interval;
    reader_->ReadStack(view_);
  }
  return view_;
}

void InlineCollector::Submit(const std::vector<v1::Command>& commands) {
  if (commands.empty()) return;
  const absl::Time now = clock_->Now();
  for (const v1::Command& command : commands) execute_(command, now);
  next_read_ = now;  // a command changes what zpool says: look again at once
}

absl::Time InlineCollector::NextDue() const {
  absl::Time next = next_read_;
  if (reader_->has_stack_checker()) next = std::min(next, next_stack_);
  return next;
}

ThreadCollector::ThreadCollector(HostReader* reader, CommandExecution execute,
                                 CollectorTiming timing, const Clock* clock,
                                 std::function<void()> on_change, AfterPoolsRead after_read)
    : reader_(reader),
      execute_(std::move(execute)),
      timing_(timing),
      clock_(clock),
      on_change_(std::move(on_change)),
      after_read_(std::move(after_read)),
      thread_([this] { Run(); }) {}

ThreadCollector::~ThreadCollector() { Stop(absl::InfiniteDuration()); }

HostView ThreadCollector::View(absl::Time now) {
  absl::MutexLock lock(&mu_);
  HostView view = view_;
  // A call still running past stuck_after is a hang now, before its timeout says so.
  if (call_since_.has_value() && now - *call_since_ > timing_.stuck_after &&
      view.answering()) {
    view.not_answering_since = *call_since_;
    view.not_answering_detail =
        absl::StrCat(call_what_, " running for ",
                     FormatHumanDuration(absl::Trunc(now - *call_since_, absl::Seconds(1))));
  }
  return view;
}

void ThreadCollector::Submit(const std::vector<v1::Command>& commands) {
  if (commands.empty()) return;
  absl::MutexLock lock(&mu_);
  for (const v1::Command& command : commands) {
    if (queued_ids_.insert(command.id()).second) queue_.push_back(command);
  }
}

void ThreadCollector::Run() {
  HostView working;
  absl::Time next_read = absl::InfinitePast();
  absl::Time next_stack = absl::InfinitePast();
  while (true) {
    std::vector<v1::Command> commands;
    {
      absl::MutexLock lock(&mu_);
      const absl::Duration wait =
          std::min(next_read, reader_->has_stack_checker() ? next_stack : absl::InfiniteFuture()) -
          clock_->Now();
      mu_.AwaitWithTimeout(absl::Condition(this, &ThreadCollector::Wakeable), wait);
      if (stop_) break;
      commands.swap(queue_);
      if (!commands.empty()) read_now_ = true;
      if (read_now_) next_read = absl::InfinitePast();
      read_now_ = false;
    }
    for (const v1::Command& command : commands) {
      const absl::Time started = clock_->Now();
      {
        absl::MutexLock lock(&mu_);
        call_since_ = started;
        call_what_ = absl::StrCat("zpool scrub (command ", command.id(), ")");
      }
      execute_(command, started);
      absl::MutexLock lock(&mu_);
      call_since_.reset();
      queued_ids_.erase(command.id());
    }
    const absl::Time now = clock_->Now();
    const bool view_read = now >= next_read;
    if (view_read) {
      next_read = now + timing_.poll_interval;
      {
        absl::MutexLock lock(&mu_);
        call_since_ = now;
        call_what_ = "zpool list/status";
      }
      reader_->ReadPools(now, working);
      absl::MutexLock lock(&mu_);
      call_since_.reset();
      view_.pools = working.pools;
      view_.collect_error = working.collect_error;
      view_.generation = working.generation;
      view_.pools_read_at = working.pools_read_at;
      view_.not_answering_since = working.not_answering_since;
      view_.not_answering_detail = working.not_answering_detail;
    }
    if (after_read_ && view_read && ReadSucceeded(working)) {
      const absl::Time at = clock_->Now();
      {
        absl::MutexLock lock(&mu_);
        call_since_ = at;
        call_what_ = "zpool scrub (the agent's own)";
      }
      after_read_(working.pools, at);
      absl::MutexLock lock(&mu_);
      call_since_.reset();
    }
    if (reader_->has_stack_checker() && clock_->Now() >= next_stack) {
      next_stack = clock_->Now() + timing_.stack_check_interval;
      reader_->ReadStack(working);
      absl::MutexLock lock(&mu_);
      view_.stack_checks = working.stack_checks;
    }
    if (on_change_) on_change_();
  }
  absl::MutexLock lock(&mu_);
  done_ = true;
}

bool ThreadCollector::Stop(absl::Duration grace) {
  if (!thread_.joinable()) return true;
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    if (!mu_.AwaitWithTimeout(absl::Condition(&done_), grace)) {
      spdlog::warn("the collector did not end within {} ({} still running)",
                   FormatHumanDuration(grace), call_what_);
      return false;
    }
  }
  thread_.join();
  return true;
}

}  // namespace zfleet::agent
