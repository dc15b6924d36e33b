#include "controller/fleet_queries.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "controller/command_expiry.h"
#include "controller/command_id.h"
#include "model/enum_names.h"
#include "model/status_listing.h"

namespace zfleet::controller {
namespace {

bool Scanning(const v1::Scan& scan) { return scan.state() == "scanning"; }

// The pool's record; NotFound "unknown host H" / "unknown pool H/P (pools on H: …)".
absl::StatusOr<PoolRecord> FindPool(Store& store, const std::string& host_id,
                                    const std::string& pool) {
  ASSIGN_OR_RETURN(std::optional<HostRecord> host, store.hosts().Get(host_id));
  if (!host.has_value()) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
  ASSIGN_OR_RETURN(std::optional<PoolRecord> record, store.pools().Get(host_id, pool));
  if (record.has_value()) return *std::move(record);
  ASSIGN_OR_RETURN(std::vector<PoolRecord> all, store.pools().List());
  std::vector<std::string> names;
  for (const auto& p : all) {
    if (p.host_id == host_id) names.push_back(p.pool.name());
  }
  return absl::NotFoundError(absl::StrCat(
      "unknown pool ", host_id, "/", pool,
      names.empty() ? " (the host reports no pools)"
                    : absl::StrCat(" (pools on ", host_id, ": ", absl::StrJoin(names, ", "), ")")));
}

// Whether a START of `run` is on its way to its host: pending, expired or not (the tick fails
// an expired one, and the run with it).
absl::StatusOr<bool> StartSent(Store& store, const v1::ScrubRun& run) {
  ASSIGN_OR_RETURN(std::vector<CommandRecord> pending,
                   store.commands().Pending(run.host_id(), absl::InfinitePast()));
  for (const CommandRecord& c : pending) {
    if (c.kind == v1::SCRUB_START && c.scrub_run_id == run.id()) return true;
  }
  return false;
}

}  // namespace

bool FleetQueries::Reporting(absl::Time last_seen, absl::Time now) const {
  return now - last_seen <= config_->MissingAfter();
}

absl::StatusOr<v1::ListHostsResponse> FleetQueries::ListHosts() {
  const absl::Time now = clock_->Now();
  std::vector<HostRecord> hosts;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(hosts, store.hosts().List());
    return absl::OkStatus();
  }));
  v1::ListHostsResponse response;
  for (const HostRecord& h : hosts) {
    v1::HostSummary* s = response.add_hosts();
    s->set_host_id(h.host_id);
    s->set_instance_id(h.instance_id);
    s->set_first_seen(absl::ToUnixSeconds(h.first_seen));
    s->set_last_seen(absl::ToUnixSeconds(h.last_seen));
    s->set_reporting(Reporting(h.last_seen, now));
    *s->mutable_info() = h.info;
    s->set_pool_count(h.pool_count);
    s->set_collect_error(h.collect_error);
  }
  return response;
}

absl::StatusOr<v1::ListPoolsResponse> FleetQueries::ListPools() {
  const absl::Time now = clock_->Now();
  std::vector<HostRecord> hosts;
  std::vector<PoolRecord> pools;
  std::vector<v1::ScrubRun> latest_runs;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(hosts, store.hosts().List());
    ASSIGN_OR_RETURN(pools, store.pools().List());
    ASSIGN_OR_RETURN(latest_runs, store.scrub_runs().Latest());
    return absl::OkStatus();
  }));
  absl::flat_hash_map<std::string, absl::Time> last_seen;
  for (const HostRecord& h : hosts) last_seen[h.host_id] = h.last_seen;
  absl::flat_hash_map<std::pair<std::string, std::string>, v1::ScrubRun*> latest;
  for (auto& run : latest_runs) latest[{run.host_id(), run.pool()}] = &run;
  v1::ListPoolsResponse response;
  for (PoolRecord& p : pools) {
    v1::PoolSummary* s = response.add_pools();
    s->set_host_id(p.host_id);
    s->set_last_seen(absl::ToUnixSeconds(p.last_seen));
    s->set_host_reporting(Reporting(last_seen[p.host_id], now));
    if (auto it = latest.find({p.host_id, p.pool.name()}); it != latest.end()) {
      *s->mutable_last_scrub() = std::move(*it->second);
    }
    *s->mutable_pool() = std::move(p.pool);
  }
  return response;
}

absl::StatusOr<v1::GetStatusResponse> FleetQueries::GetStatus(const v1::GetStatusRequest& request) {
  const absl::Time now = clock_->Now();
  v1::GetStatusResponse response;
  StatusListing listing(request);
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<absl::Time> hosts, store.pool_status().HostsLastSeen());
    uint32_t reporting = 0;
    for (absl::Time last_seen : hosts) reporting += Reporting(last_seen, now) ? 1 : 0;
    response.set_hosts_total(static_cast<uint32_t>(hosts.size()));
    response.set_hosts_reporting(reporting);
    return store.pool_status().ForEachPoolStatus(
        [&](v1::PoolStatus status, absl::Time host_last_seen) {
          status.set_host_reporting(Reporting(host_last_seen, now));
          listing.Add(std::move(status));
        });
  }));
  std::move(listing).Finish(&response);
  return response;
}

absl::StatusOr<v1::GetPoolResponse> FleetQueries::GetPool(const v1::GetPoolRequest& request) {
  const absl::Time now = clock_->Now();
  PoolRecord record;
  std::optional<HostRecord> host;
  std::vector<v1::ScrubRun> runs;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(record, FindPool(store, request.host_id(), request.pool()));
    ASSIGN_OR_RETURN(host, store.hosts().Get(request.host_id()));
    ASSIGN_OR_RETURN(runs, store.scrub_runs().List(request.host_id(), request.pool(), 20));
    return absl::OkStatus();
  }));
  v1::GetPoolResponse response;
  v1::PoolSummary* s = response.mutable_pool();
  s->set_host_id(record.host_id);
  s->set_last_seen(absl::ToUnixSeconds(record.last_seen));
  s->set_host_reporting(host.has_value() && Reporting(host->last_seen, now));
  if (!runs.empty()) *s->mutable_last_scrub() = runs.front();
  for (auto& run : runs) *response.add_scrub_runs() = std::move(run);
  *s->mutable_pool() = std::move(record.pool);
  return response;
}

absl::StatusOr<v1::RequestScrubResponse> FleetQueries::RequestScrub(
    const v1::RequestScrubRequest& request) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(store_mu_);
  ASSIGN_OR_RETURN(PoolRecord record, FindPool(*store_, request.host_id(), request.pool()));
  const std::string where = absl::StrCat(request.host_id(), "/", request.pool());
  const v1::Scan& scan = record.pool.scan();
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, store_->scrub_runs().Open(request.host_id()));
  const v1::ScrubRun* open_run = nullptr;
  for (const auto& run : open) {
    if (run.pool() == request.pool()) open_run = &run;
  }

  CommandRecord command;
  command.id = NewCommandId();
  command.host_id = request.host_id();
  command.pool = request.pool();
  command.created_at = now;
  command.expires_at = now + kRequestLifetime;  // a request not taken by then is failed
  v1::RequestScrubResponse response;
  response.set_command_id(command.id);

  if (request.now() && request.action() != v1::START) {
    return absl::InvalidArgumentError("--now applies only to starting a scrub");
  }
  RETURN_IF_ERROR(store_->RunInTransaction([&]() -> absl::Status {
    switch (request.action()) {
      case v1::START: {
        if (scan.function() == "resilver" && Scanning(scan)) {
          return absl::FailedPreconditionError(
              absl::StrCat(where, " is resilvering; scrub it after the resilver finishes"));
        }
        if (scan.function() == "scrub" && Scanning(scan)) {
          return absl::FailedPreconditionError(
              absl::StrCat(where, " is already scrubbing; use --stop or --pause to change that"));
        }
        command.kind = v1::SCRUB_START;
        if (open_run != nullptr && open_run->state() == v1::RUN_REQUESTED) {
          ASSIGN_OR_RETURN(bool sent, StartSent(*store_, *open_run));
          if (sent || !request.now()) {
            return absl::FailedPreconditionError(
                absl::StrCat("a scrub of ", where, " is already requested (run ", open_run->id(),
                             ")", sent ? "" : "; --now starts it at once"));
          }
          // --now on a request still waiting for the scheduler: its start goes out now, for
          // the same run (the scheduler leaves a pool with a pending command alone).
          command.scrub_run_id = open_run->id();
          response.set_scrub_run_id(open_run->id());
          break;
        }
        if (scan.function() == "scrub" && scan.state() == "paused" && open_run != nullptr) {
          // `zpool scrub` resumes a paused scrub: the same run goes on.
          command.scrub_run_id = open_run->id();
          response.set_scrub_run_id(open_run->id());
          break;
        }
        v1::ScrubRun run;
        run.set_host_id(request.host_id());
        run.set_pool(request.pool());
        SetTrigger(run, v1::TRIGGER_MANUAL);
        SetRunState(run, v1::RUN_REQUESTED);
        run.set_requested_at(absl::ToUnixSeconds(now));
        ASSIGN_OR_RETURN(int64_t run_id, store_->scrub_runs().Insert(run));
        response.set_scrub_run_id(run_id);
        // Without --now the request waits for the scheduler, which obeys windows and caps;
        // with --now the command goes out at once.
        if (!request.now()) {
          response.set_command_id("");
          return absl::OkStatus();
        }
        command.scrub_run_id = run_id;
        break;
      }
      case v1::STOP:
      case v1::PAUSE: {
        const bool active =
            scan.function() == "scrub" &&
            (Scanning(scan) || (request.action() == v1::STOP && scan.state() == "paused"));
        if (!active && (open_run == nullptr || open_run->state() != v1::RUN_REQUESTED)) {
          return absl::FailedPreconditionError(absl::StrCat("no scrub is running on ", where));
        }
        if (request.action() == v1::PAUSE) {
          ASSIGN_OR_RETURN(std::optional<HostRecord> host, store_->hosts().Get(request.host_id()));
          if (host.has_value() && host->info.zpool_generation() == "legacy") {
            return absl::FailedPreconditionError(absl::StrCat(
                "the zpool on ", request.host_id(),
                " cannot pause a scrub (legacy zpool); use --stop, a later scrub starts over"));
          }
        }
        command.kind = request.action() == v1::STOP ? v1::SCRUB_STOP : v1::SCRUB_PAUSE;
        if (open_run != nullptr) {
          command.scrub_run_id = open_run->id();
          response.set_scrub_run_id(open_run->id());
        }
        break;
      }
      default:
        return absl::InvalidArgumentError("action must be START, STOP or PAUSE");
    }
    return store_->commands().Insert(command);
  }));
  if (on_scrub_requested_) on_scrub_requested_();
  return response;
}

}  // namespace zfleet::controller
