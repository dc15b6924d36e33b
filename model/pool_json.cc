#include "model/pool_json.h"

#include "common/time_format.h"
#include "model/enum_names.h"

namespace zfleet {
namespace {

using Json = nlohmann::ordered_json;

// Proto3 optional → value or null.
#define ZFLEET_OPT(msg, field) ((msg).has_##field() ? Json((msg).field()) : Json(nullptr))
#define ZFLEET_OPT_TIME(msg, field) \
  ((msg).has_##field() ? Json(FormatRfc3339((msg).field())) : Json(nullptr))

Json ScanToJson(const v1::Scan& scan) {
  Json j;
  j["function"] = scan.function().empty() ? "none" : scan.function();
  j["state"] = scan.state().empty() ? "none" : scan.state();
  j["percent_done"] = ZFLEET_OPT(scan, percent_done);
  j["bytes_scanned"] = ZFLEET_OPT(scan, bytes_scanned);
  j["bytes_issued"] = ZFLEET_OPT(scan, bytes_issued);
  j["bytes_total"] = ZFLEET_OPT(scan, bytes_total);
  j["bytes_repaired"] = ZFLEET_OPT(scan, bytes_repaired);
  j["errors"] = ZFLEET_OPT(scan, errors);
  j["start_time"] = ZFLEET_OPT_TIME(scan, start_time);
  j["end_time"] = ZFLEET_OPT_TIME(scan, end_time);
  j["rate_bytes_per_s"] = ZFLEET_OPT(scan, scan_rate_bytes_per_s);
  j["seconds_to_go"] = ZFLEET_OPT(scan, seconds_to_go);
  return j;
}

Json DiskToJson(const v1::DiskIdentity& d, Json& j) {
  j["serial"] = ZFLEET_OPT(d, serial);
  j["model"] = ZFLEET_OPT(d, model);
  j["wwn"] = ZFLEET_OPT(d, wwn);
  j["transport"] = ZFLEET_OPT(d, transport);
  j["rotational"] = ZFLEET_OPT(d, rotational);
  j["size_bytes"] = ZFLEET_OPT(d, size_bytes);
  j["enclosure_slot"] = ZFLEET_OPT(d, enclosure_slot);
  j["class"] = ZFLEET_OPT(d, class_);
  return j;
}

}  // namespace

Json VdevToJson(const v1::Vdev& vdev) {
  Json j;
  j["name"] = vdev.name();
  j["type"] = vdev.type();
  j["role"] = vdev.role();
  j["state"] = vdev.state();
  j["read_errors"] = ZFLEET_OPT(vdev, read_errors);
  j["write_errors"] = ZFLEET_OPT(vdev, write_errors);
  j["checksum_errors"] = ZFLEET_OPT(vdev, checksum_errors);
  j["note"] = vdev.note();
  j["bytes_repaired"] = ZFLEET_OPT(vdev, bytes_repaired);
  j["bytes_resilvered"] = ZFLEET_OPT(vdev, bytes_resilvered);
  if (vdev.children_size() == 0) {
    j["path"] = vdev.path().empty() ? Json(nullptr) : Json(vdev.path());
    DiskToJson(vdev.disk(), j);
  }
  Json children = Json::array();
  for (const auto& child : vdev.children()) children.push_back(VdevToJson(child));
  j["children"] = std::move(children);
  return j;
}

Json PoolToJson(const v1::Pool& pool) {
  Json j;
  j["name"] = pool.name();
  j["state"] = pool.state();
  j["status"] = pool.status();
  j["action"] = pool.action();
  j["see"] = pool.see();
  j["scan"] = ScanToJson(pool.scan());
  Json errors;
  errors["count"] = ZFLEET_OPT(pool.errors(), count);
  errors["files"] =
      Json(std::vector<std::string>(pool.errors().files().begin(), pool.errors().files().end()));
  errors["text"] = pool.errors().text();
  j["errors"] = std::move(errors);
  Json vdevs = Json::array();
  for (const auto& vdev : pool.vdevs()) vdevs.push_back(VdevToJson(vdev));
  j["vdevs"] = std::move(vdevs);
  j["size_bytes"] = ZFLEET_OPT(pool, size_bytes);
  j["allocated_bytes"] = ZFLEET_OPT(pool, allocated_bytes);
  j["free_bytes"] = ZFLEET_OPT(pool, free_bytes);
  j["fragmentation_percent"] = ZFLEET_OPT(pool, fragmentation_percent);
  j["capacity_percent"] = ZFLEET_OPT(pool, capacity_percent);
  j["unparsed"] = Json(std::vector<std::string>(pool.unparsed().begin(), pool.unparsed().end()));
  return j;
}

Json ScrubRunToJson(const v1::ScrubRun& run) {
  Json j;
  j["id"] = run.id();
  j["host"] = run.host_id();
  j["pool"] = run.pool();
  j["trigger"] = std::string(TriggerName(TriggerOf(run)));
  j["state"] = std::string(RunStateName(RunStateOf(run)));
  j["requested_at"] = run.requested_at() ? Json(FormatRfc3339(run.requested_at())) : Json(nullptr);
  j["started_at"] = ZFLEET_OPT_TIME(run, started_at);
  j["ended_at"] = ZFLEET_OPT_TIME(run, ended_at);
  j["bytes_scanned"] = ZFLEET_OPT(run, bytes_scanned);
  j["bytes_repaired"] = ZFLEET_OPT(run, bytes_repaired);
  j["errors"] = ZFLEET_OPT(run, errors);
  j["message"] = run.message();
  return j;
}

}  // namespace zfleet
