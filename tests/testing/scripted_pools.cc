#include "tests/testing/scripted_pools.h"

#include <time.h>

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {
namespace {

std::string CtimeNow() {
  const time_t now = time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  char buf[64];
  strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &local);
  return buf;
}

}  // namespace

ScriptedPools::ScriptedPools(const TempDir* dir, std::vector<std::string> names) : dir_(dir) {
  path_ = InstallFakeZpool(*dir, "fake_host/list.txt", "fake_host/healthy.txt");
  absl::MutexLock lock(&mu_);
  char disk = 'a';
  for (const std::string& name : names) {
    Pool p;
    p.name = name;
    p.disk1 = std::string("sd") + disk++;
    p.disk2 = std::string("sd") + disk++;
    pools_.push_back(p);
  }
  WriteLocked();
}

std::vector<std::string> ScriptedPools::names() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const Pool& p : pools_) out.push_back(p.name);
  return out;
}

void ScriptedPools::SetDegraded(const std::string& pool, bool degraded) {
  absl::MutexLock lock(&mu_);
  Pool& p = Find(pool);
  if (p.degraded == degraded) return;
  p.degraded = degraded;
  WriteLocked();
  const std::string state = degraded ? "DEGRADED" : "ONLINE";
  changes_.push_back(state);
  p.changes.push_back(state);
}

bool ScriptedPools::degraded(const std::string& pool) const {
  absl::MutexLock lock(&mu_);
  return Find(pool).degraded;
}

void ScriptedPools::AddReadError(const std::string& pool) {
  absl::MutexLock lock(&mu_);
  ++Find(pool).read_errors;
  WriteLocked();
}

int ScriptedPools::read_errors(const std::string& pool) const {
  absl::MutexLock lock(&mu_);
  return Find(pool).read_errors;
}

void ScriptedPools::FinishNewScrubs() {
  const std::map<std::string, int> calls = ScrubCalls();
  absl::MutexLock lock(&mu_);
  bool changed = false;
  for (Pool& p : pools_) {
    auto it = calls.find(p.name);
    const int n = it == calls.end() ? 0 : it->second;
    if (n > p.scrubs_seen) {
      p.scrubs_seen = n;
      p.scrubbed_at = CtimeNow();
      changed = true;
    }
  }
  if (changed) WriteLocked();
}

std::map<std::string, int> ScriptedPools::ScrubCalls() const {
  std::map<std::string, int> calls;
  for (absl::string_view line :
       absl::StrSplit(ReadFile(dir_->File("calls.log")), '\n', absl::SkipEmpty())) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    // `scrub POOL` starts one; `scrub -? …` is the agent's probe of what zpool supports.
    if (words.size() == 2 && words[0] == "scrub" && words[1][0] != '-') ++calls[words[1]];
  }
  return calls;
}

std::vector<std::string> ScriptedPools::StateChanges() const {
  absl::MutexLock lock(&mu_);
  return changes_;
}

std::vector<std::string> ScriptedPools::StateChanges(const std::string& pool) const {
  absl::MutexLock lock(&mu_);
  return Find(pool).changes;
}

ScriptedPools::Pool& ScriptedPools::Find(const std::string& name) {
  for (Pool& p : pools_) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no pool " << name;
  return pools_.front();
}

const ScriptedPools::Pool& ScriptedPools::Find(const std::string& name) const {
  for (const Pool& p : pools_) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no pool " << name;
  return pools_.front();
}

void ScriptedPools::WriteLocked() {
  std::string list, status;
  for (const Pool& p : pools_) {
    const std::string state = p.degraded ? "DEGRADED" : "ONLINE";
    absl::StrAppend(&list, p.name, "\t7.25T\t3.10T\t4.15T\t42%\t1.00x\t", state, "\t-\n");
    absl::StrAppend(&status, "  pool: ", p.name, "\n state: ", state, "\n scrub: ",
                    p.scrubbed_at.empty()
                        ? "none requested"
                        : "scrub completed after 0h0m with 0 errors on " + p.scrubbed_at,
                    "\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n");
    absl::StrAppendFormat(&status, "\t%-10s  %-8s %5d %5d %5d\n", p.name, state, 0, 0, 0);
    absl::StrAppendFormat(&status, "\t  mirror-0  %-8s %5d %5d %5d\n", state, 0, 0, 0);
    absl::StrAppendFormat(&status, "\t    %-6s  %-8s %5d %5d %5d\n", p.disk1, "ONLINE",
                          p.read_errors, 0, 0);
    absl::StrAppendFormat(&status, "\t    %-6s  %-8s %5d %5d %5d\n", p.disk2,
                          p.degraded ? "UNAVAIL" : "ONLINE", 0, 0, 0);
    absl::StrAppend(&status, "\nerrors: No known data errors\n\n");
  }
  Replace("list.txt", list);
  Replace("status.txt", status);
}

void ScriptedPools::Replace(const std::string& name, const std::string& content) const {
  dir_->Write(name + ".new", content);
  std::rename(dir_->File(name + ".new").c_str(), dir_->File(name).c_str());
}

Timeline::Timeline(ScriptedPools* pools, std::vector<std::function<void()>> steps,
                   absl::Duration hold)
    : thread_([this, pools, steps = std::move(steps), hold] {
        const auto step = std::chrono::milliseconds(absl::ToInt64Milliseconds(hold));
        auto next = std::chrono::steady_clock::now() + step;
        size_t done = 0;
        absl::MutexLock lock(&mu_);
        if (steps.empty()) steps_done_ = true;
        while (!stop_) {
          pools->FinishNewScrubs();
          if (done < steps.size() && std::chrono::steady_clock::now() >= next) {
            steps[done++]();
            next += step;
            if (done == steps.size()) steps_done_ = true;
          }
          mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Milliseconds(100));
        }
      }) {}

Timeline::~Timeline() {
  Stop();
  thread_.join();
}

bool Timeline::WaitForSteps(absl::Duration limit) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&steps_done_), limit);
}

void Timeline::Stop() {
  absl::MutexLock lock(&mu_);
  stop_ = true;
}

}  // namespace zfleet::testing
