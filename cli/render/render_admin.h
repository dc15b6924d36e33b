// `zfleet whoami`, `zfleet audit`, `zfleet forget` and `zfleet cancel-queued`: who the
// controller takes the caller for, its record of writes, and the two fleet-wide admin
// actions. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_ADMIN_H_
#define ZFLEET_CLI_RENDER_RENDER_ADMIN_H_

#include <string>

#include "absl/time/time.h"
#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// One line: "you are alice (operator) over mutual TLS, certificate valid until
// 2027-12-01 10:00 UTC\n" (the validity left out when the controller sent none);
// "you are local (admin) over plaintext from ipv4:127.0.0.1:5555\n" (the peer left out
// when empty). Another transport is named as sent; an empty role reads "no role".
std::string RenderWhoAmIText(const v1::WhoAmIResponse& me);

// {"name", "role", "transport", "peer", "cert_not_after"}; peer null when empty,
// cert_not_after RFC 3339 or null.
nlohmann::ordered_json RenderWhoAmIJson(const v1::WhoAmIResponse& me);

// Table TIME WHO ROLE ACTION TARGET RESULT DETAIL, newest first (ties: higher id first);
// "-" for an empty cell; RESULT green for "ok" and red otherwise on a terminal.
// "no audit entries since 2026-11-14 10:00 UTC\n" when empty (`since` is the start of the
// window that was asked for).
std::string RenderAuditText(const v1::ListAuditResponse& audit, absl::Time since,
                            const RenderOptions& options);

// {"entries": [{"id", "time", "who", "role", "action", "target", "result", "detail",
//  "peer"}]} in the table's order; time RFC 3339 or null, detail and peer null when empty.
nlohmann::ordered_json RenderAuditJson(const v1::ListAuditResponse& audit);

// "forgot h1: 2 pools and 1 event removed\n".
std::string RenderForgetText(const std::string& host, const v1::ForgetHostResponse& response);

// {"host", "pools", "events"}.
nlohmann::ordered_json RenderForgetJson(const std::string& host,
                                        const v1::ForgetHostResponse& response);

// "canceled 3 queued scrub requests\n" fleet-wide; "canceled 1 queued scrub request on
// h1\n" when `request` named a host.
std::string RenderCancelQueuedText(const v1::CancelQueuedRequest& request,
                                   const v1::CancelQueuedResponse& response);

// {"host", "runs_canceled"}; host null fleet-wide.
nlohmann::ordered_json RenderCancelQueuedJson(const v1::CancelQueuedRequest& request,
                                              const v1::CancelQueuedResponse& response);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_ADMIN_H_
