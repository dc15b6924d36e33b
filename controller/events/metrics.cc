#include "controller/events/metrics.h"

#include <initializer_list>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

using Label = std::pair<absl::string_view, absl::string_view>;

void Header(std::string& out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void Sample(std::string& out, absl::string_view name, std::initializer_list<Label> labels,
            int64_t value) {
  absl::StrAppend(&out, name);
  if (labels.size() > 0) {
    out += '{';
    bool first = true;
    for (const Label& l : labels) {
      if (!first) out += ',';
      first = false;
      absl::StrAppend(&out, l.first, "=\"", EscapeLabelValue(l.second), "\"");
    }
    out += '}';
  }
  absl::StrAppend(&out, " ", value, "\n");
}

// One series per alert or webhook sink, labelled by its URL; nothing without a sink.
template <typename Sink, typename Value>
void PerUrl(std::string& out, absl::string_view name, absl::string_view type,
            absl::string_view help, const std::vector<Sink>& sinks, Value value) {
  if (sinks.empty()) return;
  Header(out, name, type, help);
  for (const Sink& s : sinks) Sample(out, name, {{"url", s.url}}, value(s));
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ScrubResult(const v1::ScrubRun& run) {
  switch (run.state()) {
    case v1::RUN_FINISHED:
      if (run.errors() > 0) return "errors";
      return run.bytes_repaired() > 0 ? "repaired" : "clean";
    case v1::RUN_CANCELED:
    case v1::RUN_FAILED:
      return std::string(RunStateName(run.state()));
    default:
      return "";
  }
}

std::string RenderMetrics(const MetricsInput& in) {
  std::string out;
  Header(out, "zfleet_pool_healthy", "gauge", "1 when the pool is ONLINE, else 0.");
  for (const PoolScrubState& p : in.pools) {
    Sample(out, "zfleet_pool_healthy", {{"host", p.host_id}, {"pool", p.pool}},
           p.state == "ONLINE" ? 1 : 0);
  }
  Header(out, "zfleet_pool_last_scrub_end_seconds", "gauge",
         "Unix time the pool's last completed scrub ended.");
  for (const PoolScrubState& p : in.pools) {
    if (!p.last_finished.has_value() || !p.last_finished->has_ended_at()) continue;
    Sample(out, "zfleet_pool_last_scrub_end_seconds", {{"host", p.host_id}, {"pool", p.pool}},
           p.last_finished->ended_at());
  }
  Header(out, "zfleet_pool_last_scrub_result", "gauge",
         "1 for the result of the pool's last ended scrub (clean, repaired, errors, canceled, "
         "failed).");
  for (const PoolScrubState& p : in.pools) {
    if (!p.last_ended.has_value()) continue;
    const std::string result = ScrubResult(*p.last_ended);
    if (result.empty()) continue;
    Sample(out, "zfleet_pool_last_scrub_result",
           {{"host", p.host_id}, {"pool", p.pool}, {"result", result}}, 1);
  }
  Header(out, "zfleet_pool_device_errors_total", "counter",
         "Sum of the read, write and checksum errors of the pool's devices.");
  for (const PoolScrubState& p : in.pools) {
    if (!p.device_errors.has_value()) continue;
    Sample(out, "zfleet_pool_device_errors_total", {{"host", p.host_id}, {"pool", p.pool}},
           static_cast<int64_t>(*p.device_errors));
  }
  Header(out, "zfleet_disk_errors_total", "counter",
         "Errors zpool counts for a device (reset by zpool clear); devices without errors "
         "are left out.");
  for (const LeafCounterRow& l : in.leaves) {
    const std::string& device = l.path.empty() ? l.vdev : l.path;
    const std::pair<const char*, const std::optional<uint64_t>*> kinds[] = {
        {"read", &l.read_errors}, {"write", &l.write_errors}, {"checksum", &l.checksum_errors}};
    for (const auto& [kind, value] : kinds) {
      if (!value->has_value()) continue;
      Sample(out, "zfleet_disk_errors_total",
             {{"host", l.host_id}, {"pool", l.pool}, {"device", device}, {"kind", kind}},
             static_cast<int64_t>(**value));
    }
  }
  int64_t overdue = 0;
  for (const ScrubConcern& c : in.concerns) overdue += c.kind == ScrubConcern::Kind::kOverdue;
  Header(out, "zfleet_pools_scrub_overdue", "gauge",
         "Pools not scrubbing and past their scrub's due time by a tenth of the interval.");
  Sample(out, "zfleet_pools_scrub_overdue", {}, overdue);
  for (const auto& [kind, name, help] :
       {std::tuple(ScrubConcern::Kind::kOverdue, "zfleet_pool_scrub_overdue_since_seconds",
                   "Unix time an overdue pool fell due; only overdue pools appear."),
        std::tuple(ScrubConcern::Kind::kStalled, "zfleet_pool_scrub_stalled_since_seconds",
                   "Unix time a scan that stopped progressing last moved; only such pools "
                   "appear.")}) {
    Header(out, name, "gauge", help);
    for (const ScrubConcern& c : in.concerns) {
      if (c.kind != kind) continue;
      Sample(out, name, {{"host", c.host_id}, {"pool", c.pool}}, absl::ToUnixSeconds(c.since));
    }
  }
  Header(out, "zfleet_hosts", "gauge", "Hosts known to the controller.");
  Sample(out, "zfleet_hosts", {}, in.hosts);
  Header(out, "zfleet_hosts_reporting", "gauge", "Hosts that reported within missing_after.");
  Sample(out, "zfleet_hosts_reporting", {}, in.hosts_reporting);
  Header(out, "zfleet_hosts_zpool_not_answering", "gauge",
         "Hosts whose zpool hangs or times out on every call.");
  Sample(out, "zfleet_hosts_zpool_not_answering", {},
         static_cast<int64_t>(in.zpool_not_answering.size()));
  Header(out, "zfleet_host_zpool_not_answering_since_seconds", "gauge",
         "Unix time since when zpool on the host has not answered; only such hosts appear.");
  for (const auto& [host, since] : in.zpool_not_answering) {
    Sample(out, "zfleet_host_zpool_not_answering_since_seconds", {{"host", host}},
           absl::ToUnixSeconds(since));
  }

  // Every severity always appears, so a rule on a missing series never stays silent.
  // Indexed by the enum's number (info 1 … critical 3).
  int64_t total[4] = {0, 0, 0, 0};
  int64_t open[4] = {0, 0, 0, 0};
  for (const EventCount& c : in.events) {
    std::optional<v1::Severity> s = ParseSeverity(c.severity);
    if (!s.has_value()) continue;
    total[*s] += c.total;
    open[*s] += c.unacknowledged;
  }
  const v1::Severity order[] = {v1::SEVERITY_CRITICAL, v1::SEVERITY_WARNING, v1::SEVERITY_INFO};
  Header(out, "zfleet_events", "gauge", "Unacknowledged events by severity.");
  for (v1::Severity s : order) {
    Sample(out, "zfleet_events", {{"severity", SeverityName(s)}}, open[s]);
  }
  Header(out, "zfleet_events_total", "counter",
         "Event occurrences raised by severity (a repeat of an open event counts).");
  for (v1::Severity s : order) {
    Sample(out, "zfleet_events_total", {{"severity", SeverityName(s)}}, total[s]);
  }
  Header(out, "zfleet_incidents_open", "gauge", "Open incidents by severity and kind.");
  for (const auto& [key, n] : in.open_incidents) {
    Sample(out, "zfleet_incidents_open", {{"severity", key.first}, {"kind", key.second}}, n);
  }
  PerUrl(out, "zfleet_alertmanager_alerts_sent_total", "counter",
         "Alerts in POSTs the Alertmanager accepted (a resend counts again).", in.alert_sinks,
         [](const AlertSinkMetrics& s) { return s.alerts_sent; });
  PerUrl(out, "zfleet_alertmanager_posts_failed_total", "counter",
         "POSTs to the Alertmanager refused, timed out or answered with a non-2xx status.",
         in.alert_sinks, [](const AlertSinkMetrics& s) { return s.posts_failed; });
  PerUrl(out, "zfleet_alertmanager_up", "gauge",
         "1 while the last POST to the Alertmanager succeeded (or none was due yet), else 0.",
         in.alert_sinks, [](const AlertSinkMetrics& s) { return s.failing ? 0 : 1; });
  PerUrl(out, "zfleet_webhook_notifications_sent_total", "counter",
         "Notifications the webhook took (2xx).", in.webhook_sinks,
         [](const WebhookSinkMetrics& s) { return s.sent; });
  if (!in.webhook_sinks.empty()) {
    Header(out, "zfleet_webhook_notifications_dropped_total", "counter",
           "Notifications the webhook never got: refused for their content (HTTP 400, 413, "
           "415, 422) or pushed out of a full queue.");
    for (const WebhookSinkMetrics& s : in.webhook_sinks) {
      Sample(out, "zfleet_webhook_notifications_dropped_total",
             {{"url", s.url}, {"reason", "refused"}}, s.refused);
      Sample(out, "zfleet_webhook_notifications_dropped_total",
             {{"url", s.url}, {"reason", "queue_full"}}, s.overflow_dropped);
    }
  }
  PerUrl(out, "zfleet_webhook_posts_failed_total", "counter",
         "POSTs to the webhook that failed and are retried (refused connection, timeout, "
         "5xx…).",
         in.webhook_sinks, [](const WebhookSinkMetrics& s) { return s.posts_failed; });
  PerUrl(out, "zfleet_webhook_queued_notifications", "gauge",
         "Notifications waiting for the webhook.", in.webhook_sinks,
         [](const WebhookSinkMetrics& s) { return s.queued; });
  PerUrl(out, "zfleet_webhook_up", "gauge",
         "1 while the last POST to the webhook succeeded (or none was due yet), else 0.",
         in.webhook_sinks, [](const WebhookSinkMetrics& s) { return s.failing ? 0 : 1; });
  Header(out, "zfleet_reports_answered_total", "counter",
         "Agent reports answered: from memory (they changed nothing) or through the store.");
  Sample(out, "zfleet_reports_answered_total", {{"path", "memory"}},
         in.reports.answered_from_memory);
  Sample(out, "zfleet_reports_answered_total", {{"path", "store"}}, in.reports.answered_from_store);
  Header(out, "zfleet_report_shortcut_hosts", "gauge",
         "Hosts whose next report, if it changes nothing, is answered from memory.");
  Sample(out, "zfleet_report_shortcut_hosts", {}, in.reports.shortcut_hosts);
  Header(out, "zfleet_report_touches_waiting", "gauge",
         "Hosts whose last-seen time waits for the next batched write (every second).");
  Sample(out, "zfleet_report_touches_waiting", {}, in.reports.touches_waiting);
  Header(out, "zfleet_store_disk_full", "gauge",
         "1 while the controller's database disk is full and writes are refused, else 0.");
  Sample(out, "zfleet_store_disk_full", {}, in.store_disk_full ? 1 : 0);
  Header(out, "zfleet_store_write_errors_total", "counter",
         "Store writes refused (agent reports, the controller's tick), by reason.");
  Sample(out, "zfleet_store_write_errors_total", {{"reason", "disk_full"}},
         in.store_disk_full_errors);
  return out;
}

}  // namespace zfleet::controller
