#include "cli/render/render_disks.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "cli/render/disk_view.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

std::vector<const v1::Disk*> SortedDisks(const v1::ListDisksResponse& disks) {
  return SortedBy(disks.disks(), [](const v1::Disk& a, const v1::Disk& b) {
    return std::make_tuple(a.host_id(), a.pool(), DiskDevice(a)) <
           std::make_tuple(b.host_id(), b.pool(), DiskDevice(b));
  });
}

Cell CountCell(bool known, uint64_t value) {
  if (!known) return Cell("-");
  return Cell(absl::StrCat(value), value > 0 ? Color::kRed : Color::kNone);
}

}  // namespace

std::string RenderDisksText(const v1::ListDisksResponse& disks, const RenderOptions& options) {
  if (disks.disks_size() == 0) return "no disks\n";
  Table table({{"HOST"},
               {"POOL"},
               {"DEVICE"},
               {"SERIAL"},
               {"MODEL"},
               {"CLASS"},
               {"STATE"},
               {"READ", Align::kRight},
               {"WRITE", Align::kRight},
               {"CKSUM", Align::kRight},
               {"TREND"}});
  for (const v1::Disk* d : SortedDisks(disks)) {
    const v1::DiskIdentity& id = d->identity();
    table.AddRow({d->host_id(), d->pool(), DiskDevice(*d), OrDash(id.serial()), OrDash(id.model()),
                  OrDash(id.class_()), Cell(OrDash(d->state()), StateColor(d->state())),
                  CountCell(d->has_read_errors(), d->read_errors()),
                  CountCell(d->has_write_errors(), d->write_errors()),
                  CountCell(d->has_checksum_errors(), d->checksum_errors()),
                  OrDash(CounterTrend(*d))});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderDisksJson(const v1::ListDisksResponse& disks) {
  Json list = Json::array();
  for (const v1::Disk* d : SortedDisks(disks)) list.push_back(DiskToJson(*d));
  Json doc;
  doc["disks"] = std::move(list);
  return doc;
}

std::vector<ModelSummary> SummarizeByModel(const v1::ListDisksResponse& disks) {
  std::map<std::string, ModelSummary> by_model;
  for (const auto& d : disks.disks()) {
    ModelSummary& m = by_model[d.identity().model()];
    m.model = d.identity().model();
    ++m.disks;
    m.disks_with_errors += DiskHasErrors(d) ? 1 : 0;
    m.read_errors += d.read_errors();
    m.write_errors += d.write_errors();
    m.checksum_errors += d.checksum_errors();
  }
  std::vector<ModelSummary> models;
  for (auto& [name, summary] : by_model) models.push_back(std::move(summary));
  std::stable_sort(models.begin(), models.end(), [](const auto& a, const auto& b) {
    const uint64_t a_errors = a.read_errors + a.write_errors + a.checksum_errors;
    const uint64_t b_errors = b.read_errors + b.write_errors + b.checksum_errors;
    return std::tie(b.disks_with_errors, b_errors) < std::tie(a.disks_with_errors, a_errors);
  });
  return models;
}

std::string RenderModelsText(const v1::ListDisksResponse& disks, const RenderOptions& options) {
  if (disks.disks_size() == 0) return "no disks\n";
  Table table({{"MODEL"},
               {"DISKS", Align::kRight},
               {"WITH-ERRORS", Align::kRight},
               {"READ", Align::kRight},
               {"WRITE", Align::kRight},
               {"CKSUM", Align::kRight}});
  for (const ModelSummary& m : SummarizeByModel(disks)) {
    table.AddRow({m.model.empty() ? "(unknown)" : m.model, absl::StrCat(m.disks),
                  CountCell(true, m.disks_with_errors), CountCell(true, m.read_errors),
                  CountCell(true, m.write_errors), CountCell(true, m.checksum_errors)});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderModelsJson(const v1::ListDisksResponse& disks) {
  Json list = Json::array();
  for (const ModelSummary& m : SummarizeByModel(disks)) {
    Json j;
    j["model"] = StringOrNull(m.model);
    j["disks"] = m.disks;
    j["disks_with_errors"] = m.disks_with_errors;
    j["read_errors"] = m.read_errors;
    j["write_errors"] = m.write_errors;
    j["checksum_errors"] = m.checksum_errors;
    list.push_back(std::move(j));
  }
  Json doc;
  doc["models"] = std::move(list);
  return doc;
}

}  // namespace zfleet::cli
