#include "cli/render/disk_view.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

#define ZFLEET_CLI_OPT(msg, field) ((msg).has_##field() ? Json((msg).field()) : Json(nullptr))

std::string CounterText(bool known, uint64_t value) { return known ? absl::StrCat(value) : "-"; }

struct Counter {
  const char* name;
  uint64_t (*get)(const v1::CounterSample&);
};

}  // namespace

std::string DiskDevice(const v1::Disk& disk) {
  if (!disk.path().empty()) return disk.path();
  return OrDash(disk.vdev());
}

std::string DiskIdentityText(const v1::Disk& disk) {
  const v1::DiskIdentity& id = disk.identity();
  std::vector<std::string> parts;
  if (id.has_serial()) parts.push_back("serial " + id.serial());
  if (id.has_model()) parts.push_back("model " + id.model());
  if (id.has_enclosure_slot()) parts.push_back("slot " + id.enclosure_slot());
  return absl::StrJoin(parts, ", ");
}

std::string DiskCountersText(const v1::Disk& disk) {
  return absl::StrCat("read ", CounterText(disk.has_read_errors(), disk.read_errors()), ", write ",
                      CounterText(disk.has_write_errors(), disk.write_errors()), ", cksum ",
                      CounterText(disk.has_checksum_errors(), disk.checksum_errors()));
}

bool DiskHasErrors(const v1::Disk& disk) {
  return disk.read_errors() > 0 || disk.write_errors() > 0 || disk.checksum_errors() > 0;
}

std::string CounterTrend(const v1::Disk& disk) {
  static const Counter kCounters[] = {
      {"read", [](const v1::CounterSample& s) { return s.read_errors(); }},
      {"write", [](const v1::CounterSample& s) { return s.write_errors(); }},
      {"cksum", [](const v1::CounterSample& s) { return s.checksum_errors(); }},
  };
  const int total = disk.history_size();
  if (total == 0) return "";
  const int first = std::max(0, total - kTrendSamples);
  std::vector<std::string> trends;
  for (const Counter& counter : kCounters) {
    const bool ever = std::any_of(disk.history().begin(), disk.history().end(),
                                  [&](const auto& s) { return counter.get(s) > 0; });
    if (!ever) continue;
    std::vector<uint64_t> values;
    for (int i = first; i < total; ++i) values.push_back(counter.get(disk.history(i)));
    std::string trend = absl::StrCat(counter.name, " ", absl::StrJoin(values, "→"));
    if (first == 0) {
      absl::StrAppend(&trend, " over ", total, total == 1 ? " sample" : " samples");
    } else {
      absl::StrAppend(&trend, " over the last ", total - first, " of ", total, " samples");
    }
    trends.push_back(std::move(trend));
  }
  return absl::StrJoin(trends, "; ");
}

Json DiskToJson(const v1::Disk& disk) {
  const v1::DiskIdentity& id = disk.identity();
  Json j;
  j["host"] = disk.host_id();
  j["pool"] = disk.pool();
  j["vdev"] = StringOrNull(disk.vdev());
  j["path"] = StringOrNull(disk.path());
  j["state"] = StringOrNull(disk.state());
  j["serial"] = ZFLEET_CLI_OPT(id, serial);
  j["model"] = ZFLEET_CLI_OPT(id, model);
  j["wwn"] = ZFLEET_CLI_OPT(id, wwn);
  j["transport"] = ZFLEET_CLI_OPT(id, transport);
  j["rotational"] = ZFLEET_CLI_OPT(id, rotational);
  j["size_bytes"] = ZFLEET_CLI_OPT(id, size_bytes);
  j["enclosure_slot"] = ZFLEET_CLI_OPT(id, enclosure_slot);
  j["class"] = ZFLEET_CLI_OPT(id, class_);
  j["read_errors"] = ZFLEET_CLI_OPT(disk, read_errors);
  j["write_errors"] = ZFLEET_CLI_OPT(disk, write_errors);
  j["checksum_errors"] = ZFLEET_CLI_OPT(disk, checksum_errors);
  Json history = Json::array();
  for (const auto& s : disk.history()) {
    Json sample;
    sample["time"] = TimeOrNull(s.time());
    sample["read_errors"] = s.read_errors();
    sample["write_errors"] = s.write_errors();
    sample["checksum_errors"] = s.checksum_errors();
    history.push_back(std::move(sample));
  }
  j["history"] = std::move(history);
  return j;
}

}  // namespace zfleet::cli
