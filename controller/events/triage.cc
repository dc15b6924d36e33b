#include "controller/events/triage.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/duration.h"
#include "common/time_format.h"
#include "controller/events/event_detector.h"
#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

constexpr absl::Duration kGrowthSpan = absl::Hours(1);
constexpr size_t kTrendSamples = 6;
constexpr size_t kListedFiles = 10;

constexpr const char* kKindOrder[] = {"host_missing",  "zpool_stuck",  "stack",
                                      "bad_disk",      "data_errors",  "unhealthy_pool",
                                      "scrub_stalled", "scrub_overdue"};

// What a host whose zpool does not answer holds: everything read from its pools.
bool IsPoolKind(const std::string& kind) {
  return kind == "bad_disk" || kind == "data_errors" || kind == "unhealthy_pool" ||
         kind == "scrub_stalled" || kind == "scrub_overdue";
}

int KindRank(const std::string& kind) {
  for (int i = 0; i < static_cast<int>(std::size(kKindOrder)); ++i) {
    if (kind == kKindOrder[i]) return i;
  }
  return static_cast<int>(std::size(kKindOrder));
}

uint64_t Total(const v1::CounterSample& s) {
  return s.read_errors() + s.write_errors() + s.checksum_errors();
}

size_t SinceReset(const std::vector<v1::CounterSample>& h) {
  size_t start = 0;
  for (size_t i = 1; i < h.size(); ++i) {
    if (Total(h[i]) < Total(h[i - 1])) start = i;
  }
  return start;
}

std::string Ago(absl::Time t, absl::Time now) {
  absl::Duration d = now - t;
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return FormatHumanDuration(
      absl::Trunc(d, d < absl::Minutes(1) ? absl::Seconds(1) : absl::Minutes(1)));
}

v1::TriageItem& Add(v1::TriageResponse& out, v1::Severity severity, const char* kind,
                    const std::string& host_id, const std::string& pool) {
  v1::TriageItem& item = *out.add_items();
  SetSeverity(item, severity);
  item.set_kind(kind);
  item.set_host_id(host_id);
  item.set_pool(pool);
  return item;
}

std::string Identity(const v1::DiskIdentity& id) {
  std::vector<std::string> parts;
  if (id.has_serial()) parts.push_back(absl::StrCat("serial ", id.serial()));
  if (id.has_model()) parts.push_back(absl::StrCat("model ", id.model()));
  if (id.has_enclosure_slot()) parts.push_back(absl::StrCat("slot ", id.enclosure_slot()));
  return absl::StrJoin(parts, ", ");
}

std::string Trend(const std::vector<v1::CounterSample>& history) {
  if (history.size() < 2) return "";
  const size_t first = history.size() > kTrendSamples ? history.size() - kTrendSamples : 0;
  std::vector<std::string> totals;
  for (size_t i = first; i < history.size(); ++i) totals.push_back(absl::StrCat(Total(history[i])));
  return absl::StrCat(" (errors over time: ", absl::StrJoin(totals, " → "), ")");
}

std::string DiskAction(const std::string& host_id, const v1::Pool& pool, const v1::Vdev& leaf,
                       const std::vector<v1::CounterSample>& history) {
  const std::string& state = leaf.state();
  const std::string device = DeviceLabel(leaf);
  const std::string identity = Identity(leaf.disk());
  const std::string replace =
      absl::StrCat("replace the disk: pull ", identity.empty() ? device : identity, " on ", host_id,
                   ", then `zpool replace ", pool.name(), " ", device, " NEW-DEVICE`");
  if (state == "FAULTED" || state == "UNAVAIL" || state == "REMOVED") return replace;
  if (state == "OFFLINE") {
    return absl::StrCat("it was taken offline: `zpool online ", pool.name(), " ", device,
                        "` when it is back, or ", replace);
  }
  if (state != "ONLINE" || ErrorsKeepGrowing(history)) {
    return absl::StrCat("errors keep growing: ", replace);
  }
  return absl::StrCat("`zpool clear ", pool.name(), " ", device,
                      "` (a transient error that stopped growing); scrub again and replace the "
                      "disk if the errors come back");
}

void PoolItems(const TriageInput& in, const PoolRecord& record, v1::TriageResponse& out) {
  const v1::Pool& pool = record.pool;
  const v1::Severity pool_severity =
      IsCriticalPoolState(pool.state()) ? v1::SEVERITY_CRITICAL : v1::SEVERITY_WARNING;
  if (pool.state() != "ONLINE") {
    v1::TriageItem& item = Add(out, pool_severity, "unhealthy_pool", record.host_id, pool.name());
    item.set_problem(absl::StrCat("pool ", pool.name(), " is ", pool.state(),
                                  pool.status().empty() ? "" : ": ", pool.status()));
    item.set_action(pool.action().empty() ? "see `zpool status -v " + pool.name() + "` on the host"
                                          : pool.action());
  }
  const uint64_t data_errors = DataErrors(pool).value_or(0);
  if (data_errors > 0) {
    v1::TriageItem& item =
        Add(out, v1::SEVERITY_CRITICAL, "data_errors", record.host_id, pool.name());
    item.set_value(data_errors);
    const auto& files = pool.errors().files();
    std::vector<std::string> listed(files.begin(),
                                    files.begin() + std::min<size_t>(files.size(), kListedFiles));
    std::string problem =
        absl::StrCat(data_errors, " permanent data error", data_errors == 1 ? "" : "s");
    if (!listed.empty()) absl::StrAppend(&problem, " in: ", absl::StrJoin(listed, ", "));
    if (static_cast<size_t>(files.size()) > kListedFiles) {
      absl::StrAppend(&problem, " and ", files.size() - kListedFiles, " more");
    }
    item.set_problem(std::move(problem));
    item.set_action(absl::StrCat(
        "restore the listed files from backup (or delete them), then `zpool clear ", pool.name(),
        "` and scrub again; `zpool status -v ", pool.name(), "` lists every file"));
  }

  auto hist_it = in.disk_history.find(absl::StrCat(record.host_id, "/", pool.name()));
  absl::flat_hash_set<std::string> seen;
  ForEachLeaf(pool, [&](const v1::Vdev& leaf) {
    if (!LeafIsBad(leaf) || !seen.insert(leaf.name()).second) return;
    std::vector<v1::CounterSample> history;
    if (hist_it != in.disk_history.end()) {
      if (auto h = hist_it->second.find(leaf.name()); h != hist_it->second.end())
        history = h->second;
    }
    v1::TriageItem& item = Add(out, pool_severity, "bad_disk", record.host_id, pool.name());
    item.set_subject(leaf.name());
    item.set_value(leaf.read_errors() + leaf.write_errors() + leaf.checksum_errors());
    v1::Disk& disk = *item.mutable_disk();
    disk = LeafDisk(record.host_id, pool.name(), leaf);
    for (const v1::CounterSample& s : history) *disk.add_history() = s;
    const std::string identity = Identity(leaf.disk());
    item.set_problem(absl::StrCat(DeviceLabel(leaf), identity.empty() ? "" : " (" + identity + ")",
                                  " ", leaf.state(), ", READ ", leaf.read_errors(), " WRITE ",
                                  leaf.write_errors(), " CKSUM ", leaf.checksum_errors(),
                                  Trend(history)));
    item.set_action(DiskAction(record.host_id, pool, leaf, history));
    item.set_since(ErrorsSince(history));
  });
}

void HostItems(const TriageInput& in, const HostRecord& host, v1::TriageResponse& out) {
  if (SilentTooLong(host.last_seen, in.now, in.missing_after, in.watching_since)) {
    v1::TriageItem& item = Add(out, v1::SEVERITY_WARNING, "host_missing", host.host_id, "");
    item.set_problem(absl::StrCat("no report since ",
                                  FormatRfc3339(absl::ToUnixSeconds(host.last_seen)), " (",
                                  Ago(host.last_seen, in.now), " ago)"));
    item.set_action(
        "check that the host is up and `systemctl status zfleet-agent` on it; its "
        "pools are not watched meanwhile");
    item.set_since(absl::ToUnixSeconds(host.last_seen));
  }
  if (host.zpool_stuck_since.has_value()) {
    v1::TriageItem& item = Add(out, v1::SEVERITY_WARNING, "zpool_stuck", host.host_id, "");
    item.set_problem(absl::StrCat(
        "zpool has not answered since ", FormatRfc3339(absl::ToUnixSeconds(*host.zpool_stuck_since)),
        " (", Ago(*host.zpool_stuck_since, in.now), " ago",
        host.zpool_stuck_detail.empty() ? "" : ": " + host.zpool_stuck_detail,
        "); its pools are shown as last read"));
    item.set_action(
        "check the ZFS daemon and the kernel log on the host (`dmesg`, `journalctl -k`, "
        "zfs-zed), and the disk behind it: a failing disk can hang every zpool call");
    item.set_since(absl::ToUnixSeconds(*host.zpool_stuck_since));
  }
  for (const v1::StackCheck& check : host.info.stack_checks()) {
    if (!StackCheckNeedsAttention(check)) continue;
    const bool module = absl::StartsWith(check.name(), "zfs-module-installed:");
    const bool critical = module && check.level() == "fail";
    v1::TriageItem& item = Add(out, critical ? v1::SEVERITY_CRITICAL : v1::SEVERITY_WARNING,
                               "stack", host.host_id, "");
    item.set_subject(check.name());
    item.set_problem(absl::StrCat(critical ? "pools will not import after reboot: " : "",
                                  check.name(), " ", check.level(), ": ", check.evidence()));
    std::string action = check.fix();
    if (module) {
      const std::string kernel = check.name().substr(std::string("zfs-module-installed:").size());
      action = absl::StrCat("rebuild the zfs module for kernel ", kernel,
                            action.empty() ? "" : ": ", action);
    }
    item.set_action(action.empty() ? "run `zfleet-agent inspect` on the host for details" : action);
  }
}

}  // namespace

bool StackCheckNeedsAttention(const v1::StackCheck& check) {
  return check.level() == "fail" || check.level() == "warn";
}

bool ErrorsKeepGrowing(const std::vector<v1::CounterSample>& history) {
  const size_t start = SinceReset(history);
  std::vector<int64_t> growth_times;
  for (size_t i = start; i < history.size(); ++i) {
    const uint64_t before = i == start ? 0 : Total(history[i - 1]);
    if (Total(history[i]) > before) {
      growth_times.push_back(history[i].time());
    }
  }
  return growth_times.size() >= 2 &&
         absl::Seconds(growth_times.back() - growth_times.front()) >= kGrowthSpan;
}

int64_t ErrorsSince(const std::vector<v1::CounterSample>& history) {
  for (size_t i = SinceReset(history); i < history.size(); ++i) {
    if (Total(history[i]) > 0) return history[i].time();
  }
  return 0;
}

bool Triage::Holds(const std::string& host_id, const std::string& kind) const {
  auto it = roots.find(host_id);
  if (it == roots.end() || kind == it->second) return false;
  return it->second == "host_missing" || IsPoolKind(kind);
}

Triage BuildTriage(const TriageInput& in) {
  v1::TriageResponse out;
  out.set_evaluated_at(absl::ToUnixSeconds(in.now));
  for (const PoolRecord& record : in.pools) PoolItems(in, record, out);
  for (const HostRecord& host : in.hosts) HostItems(in, host, out);
  for (const ScrubConcern& c : in.scrub_concerns) {
    const bool overdue = c.kind == ScrubConcern::Kind::kOverdue;
    v1::TriageItem& item = Add(out, v1::SEVERITY_WARNING,
                               overdue ? "scrub_overdue" : "scrub_stalled", c.host_id, c.pool);
    const std::string where = absl::StrCat(c.host_id, "/", c.pool);
    if (overdue) {
      item.set_problem(absl::StrCat("scrub overdue since ",
                                    FormatRfc3339(absl::ToUnixSeconds(c.since)), " (", c.detail,
                                    ")"));
      item.set_action(
          absl::StrCat("`zfleet schedule` says why it waits (window, caps, load); `zfleet scrub ",
                       where, "` starts it"));
    } else {
      item.set_problem(c.detail);
      item.set_action(
          absl::StrCat("look for a slow or failing disk (`zpool status`, `iostat -x` on the "
                       "host); if it stays stuck, `zfleet scrub ",
                       where, " --stop` and start it again"));
    }
    item.set_since(absl::ToUnixSeconds(c.since));
  }
  std::stable_sort(out.mutable_items()->begin(), out.mutable_items()->end(),
                   [](const v1::TriageItem& a, const v1::TriageItem& b) {
                     // The enum's numbers rank severities (info < warning < critical).
                     if (a.severity() != b.severity()) return a.severity() > b.severity();
                     return KindRank(a.kind()) < KindRank(b.kind());
                   });
  Triage triage;
  for (const v1::TriageItem& item : out.items()) {
    if (item.kind() == "host_missing") triage.roots[item.host_id()] = "host_missing";
  }
  for (const v1::TriageItem& item : out.items()) {
    if (item.kind() == "zpool_stuck") triage.roots.try_emplace(item.host_id(), "zpool_stuck");
  }
  triage.response.set_evaluated_at(out.evaluated_at());
  for (v1::TriageItem& item : *out.mutable_items()) {
    if (triage.Holds(item.host_id(), item.kind())) {
      triage.held.push_back(std::move(item));
    } else {
      *triage.response.add_items() = std::move(item);
    }
  }
  return triage;
}

}  // namespace zfleet::controller
