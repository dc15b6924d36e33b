#include "controller/events/event_detector.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/duration.h"
#include "common/time_format.h"
#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

constexpr size_t kMaxListedFiles = 20;
// A run first seen already finished longer ago than this is history, not news.
constexpr absl::Duration kRecentRun = absl::Hours(24);

// `condition`: what repeats of this change coalesce under (the header's table); "" none.
NewEvent Make(v1::Severity severity, const std::string& kind, const std::string& host_id,
              const std::string& pool, const std::string& device, std::string message,
              std::string dedup_key, std::string condition, absl::Time now) {
  NewEvent e;
  e.event.set_time(absl::ToUnixSeconds(now));
  SetSeverity(e.event, severity);
  e.event.set_host_id(host_id);
  e.event.set_pool(pool);
  e.event.set_device(device);
  e.event.set_kind(kind);
  e.event.set_message(std::move(message));
  e.dedup_key = std::move(dedup_key);
  e.condition = std::move(condition);
  return e;
}

// "2h5m" (to the minute once past one).
std::string Span(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return FormatHumanDuration(d < absl::Minutes(1) ? absl::Trunc(d, absl::Seconds(1))
                                                  : absl::Trunc(d, absl::Minutes(1)));
}

std::string Where(const std::string& host_id, const std::string& pool) {
  return absl::StrCat(host_id, "/", pool);
}

v1::Severity PoolStateSeverity(const std::string& state) {
  if (IsCriticalPoolState(state)) return v1::SEVERITY_CRITICAL;
  return state == "ONLINE" ? v1::SEVERITY_INFO : v1::SEVERITY_WARNING;
}

void PoolStateEvent(const std::string& host_id, const std::optional<v1::Pool>& before,
                    const v1::Pool& after, absl::Time now, std::vector<NewEvent>& out) {
  const std::string was = before.has_value() ? before->state() : "";
  if (was == after.state() || (!before.has_value() && after.state() == "ONLINE")) return;
  std::string message = absl::StrCat("pool ", after.name(), " is ", after.state());
  if (after.state() == "ONLINE") absl::StrAppend(&message, " again");
  absl::StrAppend(&message,
                  before.has_value() ? absl::StrCat(" (was ", was, ")") : " (first report)");
  std::vector<std::string> bad;
  ForEachLeaf(after, [&](const v1::Vdev& leaf) {
    if (leaf.state() != "ONLINE") bad.push_back(absl::StrCat(DeviceLabel(leaf), " ", leaf.state()));
  });
  if (!bad.empty()) absl::StrAppend(&message, ": ", absl::StrJoin(bad, ", "));
  out.push_back(Make(
      PoolStateSeverity(after.state()), "pool_state", host_id, after.name(), "", std::move(message),
      absl::StrCat("pool_state:", Where(host_id, after.name()), ":", after.state(), ":",
                   absl::ToUnixSeconds(now)),
      absl::StrCat("pool_state:", Where(host_id, after.name()), ":", after.state()), now));
}

void DeviceEvents(const std::string& host_id, const std::optional<v1::Pool>& before,
                  const v1::Pool& after, absl::Time now, std::vector<NewEvent>& out) {
  absl::flat_hash_map<std::string, const v1::Vdev*> old;
  if (before.has_value()) {
    ForEachLeaf(*before, [&](const v1::Vdev& leaf) { old.emplace(leaf.name(), &leaf); });
  }
  absl::flat_hash_set<std::string> seen;
  ForEachLeaf(after, [&](const v1::Vdev& leaf) {
    if (!seen.insert(leaf.name()).second) return;
    auto it = old.find(leaf.name());
    const v1::Vdev empty;
    const v1::Vdev& was = it == old.end() ? empty : *it->second;
    std::vector<std::string> grown;
    auto check = [&](const char* label, uint64_t before_value, uint64_t after_value) {
      if (after_value > before_value) {
        grown.push_back(absl::StrCat(label, " ", before_value, " → ", after_value));
      }
    };
    check("READ", was.read_errors(), leaf.read_errors());
    check("WRITE", was.write_errors(), leaf.write_errors());
    check("CKSUM", was.checksum_errors(), leaf.checksum_errors());
    if (grown.empty()) return;
    std::string message = absl::StrCat("pool ", after.name(), ": ", DeviceLabel(leaf), " ",
                                       absl::StrJoin(grown, ", "));
    std::vector<std::string> identity;
    if (leaf.disk().has_serial()) identity.push_back(absl::StrCat("serial ", leaf.disk().serial()));
    if (leaf.disk().has_model()) identity.push_back(absl::StrCat("model ", leaf.disk().model()));
    if (leaf.disk().has_enclosure_slot()) {
      identity.push_back(absl::StrCat("slot ", leaf.disk().enclosure_slot()));
    }
    if (!identity.empty()) absl::StrAppend(&message, " (", absl::StrJoin(identity, ", "), ")");
    out.push_back(
        Make(v1::SEVERITY_WARNING, "device_errors", host_id, after.name(), DeviceLabel(leaf),
             std::move(message),
             absl::StrFormat("device_errors:%s:%s:%d/%d/%d:%d", Where(host_id, after.name()),
                             leaf.name(), leaf.read_errors(), leaf.write_errors(),
                             leaf.checksum_errors(), absl::ToUnixSeconds(now)),
             absl::StrCat("device_errors:", Where(host_id, after.name()), ":", leaf.name()), now));
  });
}

void DataErrorEvent(const std::string& host_id, const std::optional<v1::Pool>& before,
                    const v1::Pool& after, absl::Time now, std::vector<NewEvent>& out) {
  const uint64_t was = before.has_value() ? DataErrors(*before).value_or(0) : 0;
  const uint64_t is = DataErrors(after).value_or(0);
  absl::flat_hash_set<std::string> old_files;
  if (before.has_value())
    old_files.insert(before->errors().files().begin(), before->errors().files().end());
  bool new_file = false;
  for (const std::string& f : after.errors().files()) new_file |= !old_files.contains(f);
  if (is <= was && !new_file) return;
  std::string message =
      absl::StrCat("pool ", after.name(), ": ", is, " permanent data error", is == 1 ? "" : "s");
  if (before.has_value()) absl::StrAppend(&message, " (was ", was, ")");
  const auto& files = after.errors().files();
  if (!files.empty()) {
    std::vector<std::string> listed(
        files.begin(), files.begin() + std::min<size_t>(files.size(), kMaxListedFiles));
    absl::StrAppend(&message, " in: ", absl::StrJoin(listed, ", "));
    if (static_cast<size_t>(files.size()) > kMaxListedFiles) {
      absl::StrAppend(&message, " and ", files.size() - kMaxListedFiles, " more");
    }
  }
  out.push_back(Make(v1::SEVERITY_CRITICAL, "data_errors", host_id, after.name(), "",
                     std::move(message),
                     absl::StrCat("data_errors:", Where(host_id, after.name()), ":", is, ":",
                                  files.size(), ":", absl::ToUnixSeconds(now)),
                     absl::StrCat("data_errors:", Where(host_id, after.name())), now));
}

void ResilverEvent(const std::string& host_id, const std::optional<v1::Pool>& before,
                   const v1::Pool& after, absl::Time now, std::vector<NewEvent>& out) {
  const v1::Scan& scan = after.scan();
  if (!before.has_value() || scan.function() != "resilver" || scan.state() != "finished") return;
  const v1::Scan& was = before->scan();
  if (was.function() == "resilver" && was.state() == "finished" &&
      was.end_time() == scan.end_time()) {
    return;
  }
  const bool errors = scan.errors() > 0;
  std::string message = absl::StrCat("pool ", after.name(), ": resilver finished");
  std::vector<std::string> facts;
  if (scan.has_bytes_repaired())
    facts.push_back(absl::StrCat(HumanBytes(scan.bytes_repaired()), " resilvered"));
  if (scan.has_start_time() && scan.has_end_time()) {
    facts.push_back(absl::StrCat("in ", Span(absl::Seconds(scan.end_time() - scan.start_time()))));
  }
  if (scan.has_errors()) facts.push_back(absl::StrCat(scan.errors(), " errors"));
  if (!facts.empty()) absl::StrAppend(&message, " (", absl::StrJoin(facts, ", "), ")");
  out.push_back(Make(errors ? v1::SEVERITY_WARNING : v1::SEVERITY_INFO, "resilver_finished",
                     host_id, after.name(), "", std::move(message),
                     absl::StrCat("resilver_finished:", Where(host_id, after.name()), ":",
                                  scan.has_end_time() ? scan.end_time() : absl::ToUnixSeconds(now)),
                     "", now));
}

int LevelRank(const std::string& level) {
  if (level == "fail") return 2;
  if (level == "warn") return 1;
  return 0;
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T", "P", "E"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, "B");
  return absl::StrFormat("%.1f%s", value, kUnits[unit]);
}

std::vector<NewEvent> DetectPoolEvents(const std::string& host_id,
                                       const std::optional<v1::Pool>& before, const v1::Pool& after,
                                       absl::Time now) {
  std::vector<NewEvent> out;
  PoolStateEvent(host_id, before, after, now, out);
  DataErrorEvent(host_id, before, after, now, out);
  DeviceEvents(host_id, before, after, now, out);
  ResilverEvent(host_id, before, after, now, out);
  return out;
}

std::vector<NewEvent> DetectVanishedPools(const std::string& host_id,
                                          const std::vector<std::string>& stored,
                                          const std::vector<std::string>& reported,
                                          absl::Time now) {
  const absl::flat_hash_set<std::string> present(reported.begin(), reported.end());
  std::vector<NewEvent> out;
  for (const std::string& pool : stored) {
    if (present.contains(pool)) continue;
    out.push_back(
        Make(v1::SEVERITY_WARNING, "pool_state", host_id, pool, "",
             absl::StrCat("pool ", pool, " is no longer reported by ", host_id,
                          " (exported, destroyed, or not imported)"),
             absl::StrCat("pool_gone:", Where(host_id, pool), ":", absl::ToUnixSeconds(now)),
             absl::StrCat("pool_gone:", Where(host_id, pool)), now));
  }
  return out;
}

std::vector<NewEvent> DetectScrubRunEvents(const std::optional<v1::ScrubRun>& before,
                                           const v1::ScrubRun& after, absl::Time now) {
  if (after.state() != v1::RUN_FINISHED) return {};
  if (before.has_value() && before->state() == v1::RUN_FINISHED) return {};
  const bool repaired = after.bytes_repaired() > 0 || after.errors() > 0;
  // What an agent scrubbed on its own while the controller was away is news however old,
  // when it repaired data.
  const bool agent_repair = repaired && after.trigger() == v1::TRIGGER_AGENT;
  if (!before.has_value() && after.has_ended_at() &&
      absl::FromUnixSeconds(after.ended_at()) < now - kRecentRun && !agent_repair) {
    return {};
  }
  std::vector<std::string> facts;
  if (after.bytes_repaired() > 0)
    facts.push_back(absl::StrCat("repaired ", HumanBytes(after.bytes_repaired())));
  if (after.errors() > 0) facts.push_back(absl::StrCat(after.errors(), " errors"));
  if (after.has_bytes_scanned())
    facts.push_back(absl::StrCat("scanned ", HumanBytes(after.bytes_scanned())));
  if (after.has_started_at() && after.has_ended_at()) {
    facts.push_back(
        absl::StrCat("in ", Span(absl::Seconds(after.ended_at() - after.started_at()))));
  }
  const absl::string_view trigger = TriggerName(after.trigger());
  facts.push_back(absl::StrCat(trigger.empty() ? "unknown" : trigger, " scrub"));
  std::string message =
      absl::StrCat("pool ", after.pool(), ": scrub ", repaired ? "repaired data" : "finished clean",
                   " (", absl::StrJoin(facts, ", "), ")");
  const std::string key = after.id() != 0
                              ? absl::StrCat("scrub_run:", after.id())
                              : absl::StrCat("scrub_run:", Where(after.host_id(), after.pool()),
                                             ":", after.started_at(), ":", after.ended_at());
  return {Make(repaired ? v1::SEVERITY_WARNING : v1::SEVERITY_INFO,
               repaired ? "scrub_repaired" : "scrub_finished", after.host_id(), after.pool(), "",
               std::move(message), key, "", now)};
}

std::vector<NewEvent> DetectZpoolEvents(const std::string& host_id,
                                        std::optional<absl::Time> before,
                                        std::optional<absl::Time> after,
                                        const v1::ZpoolHealth& health, absl::Time now) {
  std::vector<NewEvent> out;
  if (before == after) return out;
  if (after.has_value()) {
    std::string message = absl::StrCat("zpool on ", host_id, " has not answered since ",
                                       FormatRfc3339(absl::ToUnixSeconds(*after)));
    if (!health.detail().empty()) absl::StrAppend(&message, " (", health.detail(), ")");
    absl::StrAppend(&message, health.pools_read_at() != 0
                                  ? absl::StrCat("; pools as last read at ",
                                                 FormatRfc3339(health.pools_read_at()))
                                  : "; its pools were never read");
    out.push_back(Make(v1::SEVERITY_WARNING, "zpool_stuck", host_id, "", "", std::move(message),
                       absl::StrCat("zpool_stuck:", host_id, ":", absl::ToUnixSeconds(*after)),
                       absl::StrCat("zpool_stuck:", host_id), now));
  } else {
    out.push_back(Make(v1::SEVERITY_INFO, "zpool_answering", host_id, "", "",
                       absl::StrCat("zpool on ", host_id, " answers again after ",
                                    Span(now - *before)),
                       absl::StrCat("zpool_answering:", host_id, ":", absl::ToUnixSeconds(*before)),
                       absl::StrCat("zpool_answering:", host_id), now));
  }
  return out;
}

std::vector<NewEvent> DetectStackEvents(
    const std::string& host_id, const google::protobuf::RepeatedPtrField<v1::StackCheck>& before,
    const google::protobuf::RepeatedPtrField<v1::StackCheck>& after, absl::Time now) {
  absl::flat_hash_map<std::string, int> old;
  for (const v1::StackCheck& c : before) old[c.name()] = LevelRank(c.level());
  std::vector<NewEvent> out;
  for (const v1::StackCheck& c : after) {
    const int rank = LevelRank(c.level());
    auto it = old.find(c.name());
    if (rank == 0 || (it != old.end() && it->second >= rank)) continue;
    const bool critical = rank == 2 && absl::StartsWith(c.name(), "zfs-module-installed:");
    std::string message = critical ? "pools will not import after reboot: " : "";
    absl::StrAppend(&message, c.name(), " ", c.level(), ": ", c.evidence());
    if (!c.fix().empty()) absl::StrAppend(&message, "; fix: ", c.fix());
    out.push_back(Make(critical ? v1::SEVERITY_CRITICAL : v1::SEVERITY_WARNING, "stack_check",
                       host_id, "", "", std::move(message),
                       absl::StrCat("stack_check:", host_id, ":", c.name(), ":", c.level(), ":",
                                    absl::ToUnixSeconds(now)),
                       absl::StrCat("stack_check:", host_id, ":", c.name(), ":", c.level()), now));
  }
  return out;
}

bool SilentTooLong(absl::Time last_seen, absl::Time now, absl::Duration missing_after,
                   absl::Time watching_since) {
  return now - std::max(last_seen, watching_since) > missing_after;
}

LivenessResult DetectHostLiveness(const std::vector<HostLiveness>& hosts, absl::Time now,
                                  absl::Duration missing_after, absl::Time watching_since) {
  LivenessResult result;
  for (const HostLiveness& host : hosts) {
    const absl::Duration silent = now - host.last_seen;
    const int64_t last = absl::ToUnixSeconds(host.last_seen);
    if (!host.missing_since.has_value() &&
        SilentTooLong(host.last_seen, now, missing_after, watching_since)) {
      result.events.push_back(
          Make(v1::SEVERITY_WARNING, "host_missing", host.host_id, "", "",
               absl::StrCat("host ", host.host_id, " stopped reporting: last report ",
                            FormatRfc3339(last), " (", Span(silent), " ago)"),
               absl::StrCat("host_missing:", host.host_id, ":", last),
               absl::StrCat("host_missing:", host.host_id), now));
      HostLiveness& change = result.changes.emplace_back(host);
      change.missing_since = host.last_seen;
    } else if (host.missing_since.has_value() && silent <= missing_after) {
      result.events.push_back(
          Make(v1::SEVERITY_INFO, "host_back", host.host_id, "", "",
               absl::StrCat("host ", host.host_id, " reports again after ",
                            Span(host.last_seen - *host.missing_since), " of silence"),
               absl::StrCat("host_back:", host.host_id, ":", last),
               absl::StrCat("host_back:", host.host_id), now));
      result.changes.emplace_back(host).missing_since.reset();
    }
  }
  return result;
}

std::optional<ScanProgress> NextScanProgress(const std::optional<ScanProgress>& before,
                                             const v1::Scan& scan, absl::Time now) {
  if (!IsActiveScanState(scan.state())) return std::nullopt;
  const bool paused = scan.state() == "paused";
  ScanProgress next;
  next.function = scan.function();
  if (scan.has_start_time()) next.start_time = scan.start_time();
  next.progress = scan.has_bytes_issued()    ? static_cast<double>(scan.bytes_issued())
                  : scan.has_bytes_scanned() ? static_cast<double>(scan.bytes_scanned())
                                             : scan.percent_done();
  if (scan.has_percent_done()) next.percent_done = scan.percent_done();
  next.paused = paused;
  next.progressed_at = now;
  if (before.has_value() && before->function == next.function &&
      before->start_time == next.start_time && before->progress == next.progress &&
      before->paused == next.paused) {
    next.progressed_at = before->progressed_at;
  }
  return next;
}

std::optional<ScrubConcern> DetectStall(const ScanProgressRecord& record, absl::Time now,
                                        absl::Duration stall_after) {
  const ScanProgress& p = record.progress;
  if (p.paused || now - p.progressed_at < stall_after) return std::nullopt;
  ScrubConcern c;
  c.kind = ScrubConcern::Kind::kStalled;
  c.host_id = record.host_id;
  c.pool = record.pool;
  c.since = p.progressed_at;
  c.detail = absl::StrCat(p.function.empty() ? "scan" : p.function);
  if (p.percent_done.has_value())
    absl::StrAppend(&c.detail, absl::StrFormat(" at %.2f%%", *p.percent_done));
  absl::StrAppend(&c.detail, " has made no progress for ", Span(now - p.progressed_at));
  return c;
}

std::optional<ScrubConcern> DetectScrubOverdue(const ScrubDue& pool, absl::Time now) {
  if (pool.scanning || pool.interval <= absl::ZeroDuration()) return std::nullopt;
  const absl::Time due = pool.last_scrub.value_or(pool.first_seen) + pool.interval;
  if (now < due + pool.interval / 10) return std::nullopt;
  ScrubConcern c;
  c.kind = ScrubConcern::Kind::kOverdue;
  c.host_id = pool.host_id;
  c.pool = pool.pool;
  c.since = due;
  c.detail = pool.last_scrub.has_value()
                 ? absl::StrCat("last scrub ", FormatRfc3339(absl::ToUnixSeconds(*pool.last_scrub)))
                 : absl::StrCat("never scrubbed (first seen ",
                                FormatRfc3339(absl::ToUnixSeconds(pool.first_seen)), ")");
  absl::StrAppend(&c.detail, ", interval ", FormatHumanDuration(pool.interval));
  return c;
}

NewEvent ScrubConcernEvent(const ScrubConcern& concern, absl::Time now) {
  const bool overdue = concern.kind == ScrubConcern::Kind::kOverdue;
  std::string message = overdue ? absl::StrCat("pool ", concern.pool, ": scrub overdue since ",
                                               FormatRfc3339(absl::ToUnixSeconds(concern.since)),
                                               " (", concern.detail, ")")
                                : absl::StrCat("pool ", concern.pool, ": ", concern.detail);
  const std::string kind = overdue ? "scrub_overdue" : "scrub_stalled";
  return Make(v1::SEVERITY_WARNING, kind, concern.host_id, concern.pool, "", std::move(message),
              absl::StrCat(kind, ":", Where(concern.host_id, concern.pool), ":",
                           absl::ToUnixSeconds(concern.since)),
              absl::StrCat(kind, ":", Where(concern.host_id, concern.pool)), now);
}

}  // namespace zfleet::controller
