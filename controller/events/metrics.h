// The controller's /metrics page in the Prometheus text exposition format (version 0.0.4).
// Pure: the caller reads the store (EventQueries::Metrics) and this renders.
//
//   zfleet_pool_healthy{host,pool}                       1 when ONLINE, else 0
//   zfleet_pool_last_scrub_end_seconds{host,pool}        end of the last completed scrub
//   zfleet_pool_last_scrub_result{host,pool,result}      1; result of the last ended scrub:
//                                                        clean, repaired, errors, canceled, failed
//   zfleet_pool_device_errors_total{host,pool}           sum of the pool's device counters
//   zfleet_disk_errors_total{host,pool,device,kind}      device counters; kind read|write|checksum
//   zfleet_pools_scrub_overdue                           pools not scrubbing and past their due
//                                                        time by a tenth of the interval
//   zfleet_pool_scrub_overdue_since_seconds{host,pool}   when such a pool fell due
//   zfleet_pool_scrub_stalled_since_seconds{host,pool}   when a scan whose progress stopped last
//                                                        moved
//   zfleet_hosts, zfleet_hosts_reporting
//   zfleet_events{severity}                              unacknowledged events
//   zfleet_events_total{severity}                        occurrences ever raised: a repeat
//                                                        coalesced into an open event counts,
//                                                        deleted events keep counting
//   zfleet_incidents_open{severity,kind}                 open incidents (incidents.h)
//   zfleet_alertmanager_alerts_sent_total{url}           alerts in POSTs an Alertmanager
//                                                        accepted (a resend counts again)
//   zfleet_alertmanager_posts_failed_total{url}          POSTs refused, timed out or not 2xx
//   zfleet_alertmanager_up{url}                          0 while the last POST failed
//   zfleet_reports_answered_total{path}                  agent reports answered; path memory
//                                                        (nothing changed: the report shortcut)
//                                                        or store
//   zfleet_report_shortcut_hosts                         hosts whose next unchanged report is
//                                                        answered from memory
//   zfleet_report_touches_waiting                        last-seen times waiting for the next
//                                                        batched write (at most a second's)
//   zfleet_store_disk_full                               1 while the database disk is full
//   zfleet_store_write_errors_total{reason}              store writes refused; reason
//                                                        disk_full
// Series without a value (a pool never scrubbed, a counter zpool did not print) are left
// out rather than reported as 0. zfleet_disk_errors_total lists only devices with a non-zero
// counter: a fleet of 400,000 disks would otherwise make every scrape a 100 MB page. Alert
// on the per-pool series for increases (it exists for every pool) and use the per-disk one
// to name the device.
#ifndef ZFLEET_CONTROLLER_EVENTS_METRICS_H_
#define ZFLEET_CONTROLLER_EVENTS_METRICS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/store/event_table.h"
#include "controller/store/pool_table.h"
#include "model/scan_watch.h"

namespace zfleet::controller {

// One Alertmanager the alert sink posts to (alerts/alert_sender.h, AlertTargetStats).
struct AlertSinkMetrics {
  std::string url;
  int64_t alerts_sent = 0;
  int64_t posts_failed = 0;
  bool failing = false;
};

// One webhook URL's counters (controller/alerts/webhook_sender.h and the store's queue).
struct WebhookSinkMetrics {
  std::string url;
  int64_t sent = 0;
  int64_t refused = 0;           // dropped: the receiver refused their content
  int64_t overflow_dropped = 0;  // dropped: the queue was full
  int64_t posts_failed = 0;
  int64_t queued = 0;
  bool failing = false;
};

// The report path's counters (controller/report_processor.h).
struct ReportPathMetrics {
  int64_t answered_from_memory = 0;
  int64_t answered_from_store = 0;
  int64_t shortcut_hosts = 0;
  int64_t touches_waiting = 0;
};

struct MetricsInput {
  std::vector<PoolScrubState> pools;
  std::vector<LeafCounterRow> leaves;  // devices with a non-zero counter
  std::vector<ScrubConcern> concerns;  // overdue pools and stalled scans (the overdue check's)
  int64_t hosts = 0;
  int64_t hosts_reporting = 0;
  // Hosts whose zpool does not answer, and since when.
  std::vector<std::pair<std::string, absl::Time>> zpool_not_answering;
  std::vector<EventCount> events;
  // Open incidents per (severity name, kind).
  std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> open_incidents;
  std::vector<AlertSinkMetrics> alert_sinks;
  std::vector<WebhookSinkMetrics> webhook_sinks;
  ReportPathMetrics reports;
  bool store_disk_full = false;        // StoreHealth
  int64_t store_disk_full_errors = 0;  // writes refused for a full disk
};

std::string RenderMetrics(const MetricsInput& input);

// A label value escaped for the text format: backslash, double quote and newline.
std::string EscapeLabelValue(absl::string_view value);

// "clean", "repaired", "errors", "canceled", "failed" for an ended run; "" otherwise.
std::string ScrubResult(const v1::ScrubRun& run);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_METRICS_H_
