#include "cli/render/render_admin.h"

#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

// "1 pool", "2 pools", "0 pools".
std::string Count(uint64_t n, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

std::string TransportText(const std::string& transport) {
  if (transport == "mtls") return "mutual TLS";
  if (transport.empty()) return "an unnamed transport";
  return transport;
}

std::vector<const v1::AuditEntry*> SortedEntries(const v1::ListAuditResponse& audit) {
  return SortedBy(audit.entries(), [](const v1::AuditEntry& a, const v1::AuditEntry& b) {
    return std::make_tuple(a.time(), a.id()) > std::make_tuple(b.time(), b.id());
  });
}

}  // namespace

std::string RenderWhoAmIText(const v1::WhoAmIResponse& me) {
  std::string text = absl::StrCat("you are ", me.name().empty() ? "nobody" : me.name(), " (",
                                  me.role().empty() ? "no role" : me.role(), ") over ",
                                  TransportText(me.transport()));
  // Over mutual TLS the certificate names the caller; its expiry is what matters then.
  if (me.has_cert_not_after()) {
    absl::StrAppend(&text, ", certificate valid until ", FormatMinute(me.cert_not_after()), " UTC");
  } else if (!me.peer().empty()) {
    absl::StrAppend(&text, " from ", me.peer());
  }
  return text + "\n";
}

Json RenderWhoAmIJson(const v1::WhoAmIResponse& me) {
  Json doc;
  doc["name"] = me.name();
  doc["role"] = me.role();
  doc["transport"] = me.transport();
  doc["peer"] = StringOrNull(me.peer());
  doc["cert_not_after"] = me.has_cert_not_after() ? TimeOrNull(me.cert_not_after()) : Json();
  return doc;
}

std::string RenderAuditText(const v1::ListAuditResponse& audit, absl::Time since,
                            const RenderOptions& options) {
  if (audit.entries_size() == 0) {
    return absl::StrCat("no audit entries since ", FormatMinute(absl::ToUnixSeconds(since)),
                        " UTC\n");
  }
  Table table({Table::Whole("TIME"), {"WHO"}, {"ROLE"}, {"ACTION"}, {"TARGET"}, {"RESULT"}, {"DETAIL"}});
  for (const v1::AuditEntry* e : SortedEntries(audit)) {
    const Color result_color = e->result() == "ok" ? Color::kGreen : Color::kRed;
    table.AddRow({e->time() != 0 ? FormatMinute(e->time()) : "-", OrDash(e->who()),
                  OrDash(e->role()), OrDash(e->action()), OrDash(e->target()),
                  Cell(OrDash(e->result()), result_color), OrDash(e->detail())});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderAuditJson(const v1::ListAuditResponse& audit) {
  Json list = Json::array();
  for (const v1::AuditEntry* e : SortedEntries(audit)) {
    Json j;
    j["id"] = e->id();
    j["time"] = TimeOrNull(e->time());
    j["who"] = e->who();
    j["role"] = e->role();
    j["action"] = e->action();
    j["target"] = e->target();
    j["result"] = e->result();
    j["detail"] = StringOrNull(e->detail());
    j["peer"] = StringOrNull(e->peer());
    list.push_back(std::move(j));
  }
  Json doc;
  doc["entries"] = std::move(list);
  return doc;
}

std::string RenderForgetText(const std::string& host, const v1::ForgetHostResponse& response) {
  return absl::StrCat("forgot ", host, ": ", Count(response.pools(), "pool", "pools"), " and ",
                      Count(response.events(), "event", "events"), " removed\n");
}

Json RenderForgetJson(const std::string& host, const v1::ForgetHostResponse& response) {
  Json doc;
  doc["host"] = host;
  doc["pools"] = response.pools();
  doc["events"] = response.events();
  return doc;
}

std::string RenderCancelQueuedText(const v1::CancelQueuedRequest& request,
                                   const v1::CancelQueuedResponse& response) {
  std::string text = absl::StrCat(
      "canceled ",
      Count(response.runs_canceled(), "queued scrub request", "queued scrub requests"));
  if (!request.host_id().empty()) absl::StrAppend(&text, " on ", request.host_id());
  return text + "\n";
}

Json RenderCancelQueuedJson(const v1::CancelQueuedRequest& request,
                            const v1::CancelQueuedResponse& response) {
  Json doc;
  doc["host"] = StringOrNull(request.host_id());
  doc["runs_canceled"] = response.runs_canceled();
  return doc;
}

}  // namespace zfleet::cli
