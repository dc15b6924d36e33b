#include "cli/render/render_scrub.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"

namespace zfleet::cli {

using Json = nlohmann::ordered_json;

std::string ScrubActionName(v1::ScrubAction action) {
  switch (action) {
    case v1::STOP:
      return "stop";
    case v1::PAUSE:
      return "pause";
    default:
      return "start";
  }
}

std::string RenderScrubText(const v1::RequestScrubRequest& request,
                            const v1::RequestScrubResponse& response) {
  const v1::ScrubAction action = request.action();
  const std::string what = action == v1::START ? "scrub" : ScrubActionName(action);
  std::vector<std::string> ids;
  if (response.scrub_run_id() != 0) ids.push_back(absl::StrCat("run ", response.scrub_run_id()));
  if (!response.command_id().empty()) ids.push_back("command " + response.command_id());
  std::string text = absl::StrCat(what, " requested on ", request.host_id(), "/", request.pool());
  if (request.now() && action == v1::START)
    absl::StrAppend(&text, " now, bypassing caps and windows");
  if (!ids.empty()) absl::StrAppend(&text, " (", absl::StrJoin(ids, ", "), ")");
  return text + "\n";
}

Json RenderScrubJson(const v1::RequestScrubRequest& request,
                     const v1::RequestScrubResponse& response) {
  Json doc;
  doc["host"] = request.host_id();
  doc["pool"] = request.pool();
  doc["action"] = ScrubActionName(request.action());
  doc["now"] = request.now();
  doc["command_id"] = StringOrNull(response.command_id());
  doc["scrub_run_id"] =
      response.scrub_run_id() != 0 ? Json(response.scrub_run_id()) : Json(nullptr);
  return doc;
}

}  // namespace zfleet::cli
