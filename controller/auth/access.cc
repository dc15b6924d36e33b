#include "controller/auth/access.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace zfleet::controller {
namespace {

Role Needs(Access access) {
  switch (access) {
    case Access::kRead:
      return Role::kViewer;
    case Access::kOperate:
      return Role::kOperator;
    case Access::kAdminister:
      return Role::kAdmin;
  }
  return Role::kAdmin;
}

std::string Who(const Caller& caller) {
  return absl::StrCat(RoleName(caller.role), " \"", caller.name, "\"");
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
    case Role::kNone:
      break;
  }
  return "none";
}

Role RoleFromName(absl::string_view name) {
  for (Role role : {Role::kAgent, Role::kViewer, Role::kOperator, Role::kAdmin}) {
    if (name == RoleName(role)) return role;
  }
  return Role::kNone;
}

Caller PlaintextCaller(std::string peer) {
  Caller caller;
  caller.name = "local";
  caller.role = Role::kAdmin;
  caller.peer = std::move(peer);
  return caller;
}

absl::Status Authorize(const Caller& caller, Access access, absl::string_view what) {
  if (caller.role == Role::kAgent) {
    return absl::PermissionDeniedError(absl::StrCat(
        Who(caller), " may not ", what, ": an agent certificate may only report its own host"));
  }
  if (caller.role == Role::kNone) {
    return absl::PermissionDeniedError(
        absl::StrCat("certificate \"", caller.name, "\" has no zfleet role (its OU must be ",
                     "viewer, operator, admin or agent) and may not ", what));
  }
  const Role needed = Needs(access);
  if (static_cast<int>(caller.role) < static_cast<int>(needed)) {
    return absl::PermissionDeniedError(
        absl::StrCat(Who(caller), " may not ", what, " (needs ", RoleName(needed), ")"));
  }
  return absl::OkStatus();
}

absl::Status AuthorizeReport(const Caller& caller, absl::string_view host_id) {
  if (!caller.mtls) return absl::OkStatus();
  if (caller.role != Role::kAgent) {
    return absl::PermissionDeniedError(
        absl::StrCat(Who(caller), " may not report: only an agent certificate may"));
  }
  if (caller.name != host_id) {
    return absl::PermissionDeniedError(absl::StrCat("agent certificate \"", caller.name,
                                                    "\" may not report as host \"", host_id,
                                                    "\""));
  }
  return absl::OkStatus();
}

}  // namespace zfleet::controller
