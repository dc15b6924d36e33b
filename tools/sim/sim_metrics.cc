#include "tools/sim/sim_metrics.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_format.h"
#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

using Json = nlohmann::ordered_json;

double Days(absl::Duration d) { return absl::ToDoubleHours(d) / 24; }
double Round3(double x) { return std::round(x * 1000) / 1000; }
std::string Rfc3339(absl::Time t) { return FormatRfc3339(absl::ToUnixSeconds(t)); }

// Flat pool index → (host, pool) of the fleet.
std::vector<std::pair<const SimHost*, const SimPool*>> FlatPools(const SimFleet& fleet) {
  std::vector<std::pair<const SimHost*, const SimPool*>> flat;
  flat.reserve(fleet.PoolCount());
  for (const SimHost& h : fleet.hosts) {
    for (const SimPool& p : h.pools) flat.emplace_back(&h, &p);
  }
  return flat;
}

// The part of [from, to) inside [lo, hi).
absl::Duration Clip(absl::Time from, absl::Time to, absl::Time lo, absl::Time hi) {
  from = std::max(from, lo);
  to = std::min(to, hi);
  return to > from ? to - from : absl::ZeroDuration();
}

void GapAndOverdue(const SimFleet& fleet, const SchedulerPolicy& policy, const SimOptions& options,
                   const SimRun& run, SimFigures& f) {
  auto flat = FlatPools(fleet);
  std::vector<std::vector<absl::Time>> starts(flat.size());
  int64_t last_id = -1;
  for (const SimSegment& s : run.segments) {  // ordered by scrub_id, then start
    if (s.scrub_id == last_id || s.pool >= flat.size()) continue;
    last_id = s.scrub_id;
    starts[s.pool].push_back(s.start);
    ++f.scrubs;
  }
  std::map<std::string, std::pair<double, int64_t>> gap_sums;  // class → (sum, count)
  for (size_t i = 0; i < flat.size(); ++i) {
    const SimPool& pool = *flat[i].second;
    std::string cls(DiskClassName(pool.disk_class));
    ClassFigures& c = f.classes[cls];
    ++c.pools;
    c.scrubs += static_cast<int64_t>(starts[i].size());
    std::sort(starts[i].begin(), starts[i].end());
    absl::Duration interval = policy.For(pool.disk_class).interval;
    absl::Time anchor = options.start;
    bool known = pool.last_scrub_age_days.has_value();
    if (known) anchor -= absl::Hours(24) * *pool.last_scrub_age_days;
    for (absl::Time s : starts[i]) {
      c.overdue_pool_days += Days(Clip(anchor + interval, s, options.start, options.end()));
      if (known) {
        double gap = Days(s - anchor);
        c.max_gap_days = std::max(c.max_gap_days.value_or(0), gap);
        gap_sums[cls].first += gap;
        ++gap_sums[cls].second;
      }
      anchor = s;
      known = true;
    }
    c.overdue_pool_days +=
        Days(Clip(anchor + interval, options.end(), options.start, options.end()));
  }
  for (const auto& [cls, c] : f.classes) f.overdue_pool_days += c.overdue_pool_days;
  for (const auto& [cls, sum] : gap_sums) f.classes[cls].mean_gap_days = sum.first / sum.second;
}

void Peaks(const SimFleet& fleet, const SimRun& run, SimFigures& f) {
  auto flat = FlatPools(fleet);
  absl::flat_hash_map<const SimHost*, size_t> host_index;
  for (size_t h = 0; h < fleet.hosts.size(); ++h) host_index[&fleet.hosts[h]] = h;
  // Label key → per host the id of its value (-1 = none), and a count per value id.
  std::map<std::string, std::vector<int>> value_of;
  std::map<std::string, std::vector<int64_t>> counts;
  for (const SimHost& h : fleet.hosts) {
    for (const auto& [key, value] : h.labels) value_of.try_emplace(key, fleet.hosts.size(), -1);
  }
  for (auto& [key, ids] : value_of) {
    std::map<std::string, int> id_of;
    for (size_t h = 0; h < fleet.hosts.size(); ++h) {
      auto it = fleet.hosts[h].labels.find(key);
      if (it == fleet.hosts[h].labels.end()) continue;
      ids[h] = id_of.try_emplace(it->second, static_cast<int>(id_of.size())).first->second;
    }
    counts[key].assign(id_of.size(), 0);
    f.peak_per_label[key] = 0;
  }
  std::vector<std::tuple<absl::Time, int, size_t>> events;  // -1 sorts before +1
  events.reserve(run.segments.size() * 2);
  for (const SimSegment& s : run.segments) {
    if (s.pool >= flat.size() || s.end <= s.start) continue;
    events.emplace_back(s.start, +1, s.pool);
    events.emplace_back(s.end, -1, s.pool);
  }
  std::sort(events.begin(), events.end());
  std::vector<int64_t> per_host(fleet.hosts.size(), 0);
  int64_t fleet_count = 0;
  for (const auto& [at, delta, pool] : events) {
    size_t h = host_index[flat[pool].first];
    fleet_count += delta;
    per_host[h] += delta;
    f.peak_fleet = std::max(f.peak_fleet, fleet_count);
    f.peak_per_host = std::max(f.peak_per_host, per_host[h]);
    for (auto& [key, ids] : value_of) {
      if (ids[h] < 0) continue;
      int64_t& c = counts[key][ids[h]];
      c += delta;
      f.peak_per_label[key] = std::max(f.peak_per_label[key], c);
    }
  }
}

Json FiguresJson(const SimFigures& f) {
  Json j;
  j["scrubs"] = f.scrubs;
  j["yields"] = f.yields;
  j["overdue_pool_days"] = Round3(f.overdue_pool_days);
  Json classes = Json::object();
  for (const auto& [name, c] : f.classes) {
    Json cj;
    cj["pools"] = c.pools;
    cj["scrubs"] = c.scrubs;
    cj["max_gap_days"] = c.max_gap_days ? Json(Round3(*c.max_gap_days)) : Json(nullptr);
    cj["mean_gap_days"] = c.mean_gap_days ? Json(Round3(*c.mean_gap_days)) : Json(nullptr);
    classes[name] = cj;
  }
  j["classes"] = classes;
  Json labels = Json::object();
  for (const auto& [key, peak] : f.peak_per_label) labels[key] = peak;
  j["peak_concurrent"] = {
      {"fleet", f.peak_fleet}, {"per_host", f.peak_per_host}, {"per_label", labels}};
  j["scrub_hours_outside_windows"] = Round3(f.scrub_hours_outside_windows);
  return j;
}

// RFC 4180: quote a field holding a comma, quote or line break.
std::string CsvField(absl::string_view v) {
  if (v.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Optional3(const std::optional<double>& v) {
  return v ? absl::StrFormat("%.3f", *v) : "-";
}

}  // namespace

SimFigures ComputeFigures(const SimFleet& fleet, const SchedulerPolicy& policy,
                          const SimOptions& options, const SimRun& run) {
  SimFigures f;
  f.yields = run.yields;
  GapAndOverdue(fleet, policy, options, run, f);
  Peaks(fleet, run, f);
  auto flat = FlatPools(fleet);
  absl::Duration outside;
  for (const SimSegment& s : run.segments) {
    if (s.pool >= flat.size()) continue;
    const ScrubWindows& w = policy.For(flat[s.pool].second->disk_class).windows;
    outside += w.ClosedTimeBetween(s.start, s.end, policy.timezone);
  }
  f.scrub_hours_outside_windows = absl::ToDoubleHours(outside);
  return f;
}

std::string SimReportJson(const SimFleet& fleet, const SimOptions& options,
                          const SimFigures& scheduler, const SimFigures& baseline,
                          const SimBest* best) {
  Json j;
  j["start"] = Rfc3339(options.start);
  j["end"] = Rfc3339(options.end());
  j["days"] = Round3(Days(options.duration));
  j["hosts"] = fleet.hosts.size();
  j["pools"] = fleet.PoolCount();
  j["seed"] = options.seed;
  j["outages"] = Json::array();
  for (const SimOutage& o : options.outages) {
    j["outages"].push_back(
        {{"class", DiskClassName(o.disk_class)}, {"from", Rfc3339(o.from)}, {"to", Rfc3339(o.to)}});
  }
  Json figures = FiguresJson(scheduler);
  for (auto& [key, value] : figures.items()) j[key] = value;
  if (best != nullptr) {
    j["overdue_lower_bound"] = Round3(best->overdue_lower_bound);
    j["shortfalls"] = best->shortfalls;
    j["late_at_start"] = best->late_at_start;
  }
  j["baseline"] = FiguresJson(baseline);
  return j.dump(2) + "\n";
}

std::string SimReportText(const SimFleet& fleet, const SimOptions& options, const SimFigures& s,
                          const SimFigures& b, const SimBest* best) {
  std::string out = absl::StrFormat("%s to %s (%.3g days), %d hosts, %d pools\n",
                                    Rfc3339(options.start), Rfc3339(options.end()),
                                    Days(options.duration), fleet.hosts.size(), fleet.PoolCount());
  for (const SimOutage& o : options.outages) {
    absl::StrAppend(&out, "outage: ", DiskClassName(o.disk_class), " windows closed ",
                    Rfc3339(o.from), " to ", Rfc3339(o.to), "\n");
  }
  auto line = [&out](absl::string_view what, const std::string& a, const std::string& c) {
    absl::StrAppendFormat(&out, "%-34s %12s %12s\n", what, a, c);
  };
  auto num = [](double v) { return absl::StrFormat("%.3f", v); };
  line("", "scheduler", "cron");
  line("scrubs", absl::StrCat(s.scrubs), absl::StrCat(b.scrubs));
  line("  paused for a due pool", absl::StrCat(s.yields), absl::StrCat(b.yields));
  line("overdue pool-days", num(s.overdue_pool_days), num(b.overdue_pool_days));
  if (best != nullptr)
    line("  lower bound (no scheduler below)", num(best->overdue_lower_bound), "");
  line("peak concurrent, fleet", absl::StrCat(s.peak_fleet), absl::StrCat(b.peak_fleet));
  line("peak concurrent, per host", absl::StrCat(s.peak_per_host), absl::StrCat(b.peak_per_host));
  for (const auto& [key, peak] : s.peak_per_label) {
    auto it = b.peak_per_label.find(key);
    line(absl::StrCat("peak concurrent, per ", key), absl::StrCat(peak),
         it == b.peak_per_label.end() ? "-" : absl::StrCat(it->second));
  }
  line("scrub hours outside windows", num(s.scrub_hours_outside_windows),
       num(b.scrub_hours_outside_windows));
  for (const auto& [cls, c] : s.classes) {
    auto it = b.classes.find(cls);
    ClassFigures none;
    const ClassFigures& bc = it == b.classes.end() ? none : it->second;
    line(absl::StrCat(cls, " max gap days"), Optional3(c.max_gap_days), Optional3(bc.max_gap_days));
    line(absl::StrCat(cls, " mean gap days"), Optional3(c.mean_gap_days),
         Optional3(bc.mean_gap_days));
  }
  if (best != nullptr) {
    for (const std::string& shortfall : best->shortfalls) {
      absl::StrAppend(&out, "shortfall: ", shortfall, "\n");
    }
    if (!best->late_at_start.empty()) {
      constexpr size_t kNamed = 10;
      const size_t n = best->late_at_start.size();
      std::vector<std::string> named(best->late_at_start.begin(),
                                     best->late_at_start.begin() + std::min(n, kNamed));
      if (n > kNamed) named.push_back(absl::StrCat("and ", n - kNamed, " more"));
      absl::StrAppend(&out, "late at the start: ", n, " pools (", absl::StrJoin(named, ", "),
                      ")\n");
    }
  }
  return out;
}

std::string TraceCsv(const SimFleet& fleet, const SimRun& run) {
  auto flat = FlatPools(fleet);
  std::string out = "scrub_id,host,pool,class,start,end\n";
  for (const SimSegment& s : run.segments) {
    if (s.pool >= flat.size()) continue;
    const auto& [host, pool] = flat[s.pool];
    absl::StrAppend(&out, s.scrub_id, ",", CsvField(host->name), ",", CsvField(pool->name), ",",
                    DiskClassName(pool->disk_class), ",", Rfc3339(s.start), ",",
                    s.open ? "" : Rfc3339(s.end), "\n");
  }
  return out;
}

}  // namespace zfleet::controller
