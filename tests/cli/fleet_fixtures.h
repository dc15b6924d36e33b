// Hand-built FleetService answers for the CLI tests: a healthy two-disk mirror that each
// test bends into the case it needs.
#ifndef ZFLEET_TESTS_CLI_FLEET_FIXTURES_H_
#define ZFLEET_TESTS_CLI_FLEET_FIXTURES_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "model/enum_names.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli::fixtures {

// 2026-11-21T10:00:00Z, the "now" of every rendering test.
inline constexpr int64_t kNow = 1795255200;
inline absl::Time Now() { return absl::FromUnixSeconds(kNow); }
inline constexpr int64_t kDay = 86400;

inline v1::Vdev Leaf(const std::string& name, uint64_t read = 0, uint64_t write = 0,
                     uint64_t cksum = 0) {
  v1::Vdev v;
  v.set_name(name);
  v.set_type("disk");
  v.set_role("data");
  v.set_state("ONLINE");
  v.set_read_errors(read);
  v.set_write_errors(write);
  v.set_checksum_errors(cksum);
  v.set_path("/dev/" + name);
  return v;
}

// ONLINE mirror of sda+sdb, no errors, last scrub finished 2026-11-21 09:48:00 UTC.
inline v1::Pool HealthyPool(const std::string& name) {
  v1::Pool p;
  p.set_name(name);
  p.set_state("ONLINE");
  p.mutable_errors()->set_count(0);
  p.mutable_errors()->set_text("No known data errors");
  p.mutable_scan()->set_function("scrub");
  p.mutable_scan()->set_state("finished");
  p.mutable_scan()->set_end_time(kNow - 12 * 60);
  p.mutable_scan()->set_percent_done(100);
  v1::Vdev* mirror = p.add_vdevs();
  mirror->set_name("mirror-0");
  mirror->set_type("mirror");
  mirror->set_role("data");
  mirror->set_state("ONLINE");
  mirror->set_read_errors(0);
  mirror->set_write_errors(0);
  mirror->set_checksum_errors(0);
  *mirror->add_children() = Leaf("sda");
  *mirror->add_children() = Leaf("sdb");
  p.set_size_bytes(uint64_t{1} << 40);         // 1T
  p.set_allocated_bytes(uint64_t{400} << 30);  // 400G
  p.set_free_bytes(uint64_t{624} << 30);
  p.set_capacity_percent(39);
  p.set_fragmentation_percent(3);
  return p;
}

inline v1::PoolSummary Summary(const std::string& host, const v1::Pool& pool,
                               bool reporting = true) {
  v1::PoolSummary s;
  s.set_host_id(host);
  *s.mutable_pool() = pool;
  s.set_last_seen(kNow - 12);
  s.set_host_reporting(reporting);
  return s;
}

inline v1::HostSummary Host(const std::string& id, bool reporting = true, uint32_t pool_count = 1) {
  v1::HostSummary h;
  h.set_host_id(id);
  h.set_instance_id("inst-" + id);
  h.set_first_seen(kNow - 86400);
  h.set_last_seen(reporting ? kNow - 12 : kNow - 3 * 3600);
  h.set_reporting(reporting);
  h.set_pool_count(pool_count);
  h.mutable_info()->set_hostname(id + ".example.net");
  h.mutable_info()->set_agent_version("0.1.0");
  h.mutable_info()->set_zpool_generation("openzfs-2");
  return h;
}

// A leaf disk at /dev/NAME with full identity and current counters, no history.
inline v1::Disk Disk(const std::string& host, const std::string& pool, const std::string& name,
                     const std::string& model, uint64_t read = 0, uint64_t write = 0,
                     uint64_t cksum = 0) {
  v1::Disk d;
  d.set_host_id(host);
  d.set_pool(pool);
  d.set_vdev(name);
  d.set_path("/dev/" + name);
  d.set_state("ONLINE");
  d.mutable_identity()->set_serial("SN-" + name);
  d.mutable_identity()->set_model(model);
  d.mutable_identity()->set_class_("sata");
  d.mutable_identity()->set_enclosure_slot("3");
  d.set_read_errors(read);
  d.set_write_errors(write);
  d.set_checksum_errors(cksum);
  return d;
}

inline void AddSample(v1::Disk* disk, int64_t time, uint64_t read, uint64_t write, uint64_t cksum) {
  v1::CounterSample* s = disk->add_history();
  s->set_time(time);
  s->set_read_errors(read);
  s->set_write_errors(write);
  s->set_checksum_errors(cksum);
}

inline v1::Event Event(int64_t id, int64_t time, const std::string& severity,
                       const std::string& host, const std::string& pool, const std::string& kind,
                       const std::string& message) {
  v1::Event e;
  e.set_id(id);
  e.set_time(time);
  e.set_severity_name(severity);
  if (auto s = ::zfleet::ParseSeverity(severity)) e.set_severity(*s);
  e.set_host_id(host);
  e.set_pool(pool);
  e.set_kind(kind);
  e.set_message(message);
  return e;
}

// A row of `zfleet schedule`; `cls` "" for a pool not yet placed in a class.
inline v1::ScheduleRow ScheduleRow(const std::string& host, const std::string& pool,
                                   const std::string& cls, const std::string& status) {
  v1::ScheduleRow row;
  row.set_host_id(host);
  row.set_pool(pool);
  row.set_class_(cls);
  row.set_status(status);
  return row;
}

inline v1::TriageItem TriageItem(const std::string& severity, const std::string& kind,
                                 const std::string& host, const std::string& pool,
                                 const std::string& problem, const std::string& action,
                                 int64_t since) {
  v1::TriageItem item;
  item.set_severity_name(severity);
  if (auto s = ::zfleet::ParseSeverity(severity)) item.set_severity(*s);
  item.set_kind(kind);
  item.set_host_id(host);
  item.set_pool(pool);
  item.set_problem(problem);
  item.set_action(action);
  item.set_since(since);
  return item;
}

// A scrub run of h1/tank requested 4h before kNow, not started.
inline v1::ScrubRun ScrubRun(int64_t id, const std::string& trigger, const std::string& state) {
  v1::ScrubRun run;
  run.set_id(id);
  run.set_host_id("h1");
  run.set_pool("tank");
  run.set_trigger_name(trigger);
  run.set_state_name(state);
  if (auto t = ParseTrigger(trigger)) run.set_trigger(*t);
  if (auto s = ParseRunState(state)) run.set_state(*s);
  run.set_requested_at(kNow - 4 * 3600);
  return run;
}

}  // namespace zfleet::cli::fixtures

#endif  // ZFLEET_TESTS_CLI_FLEET_FIXTURES_H_
