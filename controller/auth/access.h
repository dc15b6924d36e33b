// Who may call what (docs/SECURITY.md). A caller is the identity of its client certificate
// (name = CN, role = OU) under mutual TLS, or "local" with the admin role on a plaintext
// listener (loopback only, unless the operator said --insecure-plaintext). Pure: no sockets,
// no certificates; the gRPC shell builds the Caller.
#ifndef ZFLEET_CONTROLLER_AUTH_ACCESS_H_
#define ZFLEET_CONTROLLER_AUTH_ACCESS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::controller {

// Roles are ordered for people: each has every right of the ones before it. An agent is
// not in that order: it may only report, for itself.
enum class Role { kNone, kAgent, kViewer, kOperator, kAdmin };

// "agent", "viewer", "operator", "admin"; "none" for kNone.
absl::string_view RoleName(Role role);
// The role a certificate's OU names; kNone for anything else (a controller certificate, a
// certificate without OU) — such a caller may do nothing.
Role RoleFromName(absl::string_view name);

struct Caller {
  std::string name;  // certificate CN, or "local" on plaintext
  Role role = Role::kNone;
  bool mtls = false;
  std::string peer;  // address as gRPC reports it, for logs and the audit trail
  std::optional<absl::Time> cert_not_after;
};

// The caller of every call on a plaintext listener.
Caller PlaintextCaller(std::string peer);

// What a call needs.
enum class Access {
  kRead,        // every query (status, pools, events, triage, audit, whoami, …)
  kOperate,     // scrub start/stop/pause, acknowledging events
  kAdminister,  // forgetting a host, cancelling every queued scrub request
};

// OK, or PermissionDenied with one line saying who was refused what and which role it needs,
// e.g. `viewer "alice" may not start a scrub (needs operator)`. `what` names the action in
// words ("start a scrub"). An agent certificate is refused every kind of Access.
absl::Status Authorize(const Caller& caller, Access access, absl::string_view what);

// A report is allowed from an agent certificate naming `host_id` and from a plaintext caller;
// PermissionDenied otherwise (an agent naming another host, any person's certificate).
absl::Status AuthorizeReport(const Caller& caller, absl::string_view host_id);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_AUTH_ACCESS_H_
