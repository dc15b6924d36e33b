// Who a certificate names, by zfleet's convention: subject CN = the identity's name (host id
// for agents, user name for people, "zfleet-controller" for the controller), subject OU =
// its role (agent, viewer, operator, admin, controller), O = "zfleet". Pure, thread-safe.
#ifndef ZFLEET_COMMON_TLS_CERT_IDENTITY_H_
#define ZFLEET_COMMON_TLS_CERT_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::tls {

inline constexpr char kControllerName[] = "zfleet-controller";
// The OU of the controller's own certificate; the roles of callers are
// controller/auth/access.h's.
inline constexpr char kRoleController[] = "controller";
inline constexpr char kOrganization[] = "zfleet";

struct CertIdentity {
  std::string name;  // subject CN
  std::string role;  // subject OU ("" when absent)
  absl::Time not_before;
  absl::Time not_after;
};

// Reads the first certificate of `pem` (a chain's leaf comes first). InvalidArgument when
// it is not a PEM certificate or its subject has no CN. With several CN or OU entries the
// first one counts.
absl::StatusOr<CertIdentity> ParseCertIdentity(absl::string_view pem);

}  // namespace zfleet::tls

#endif  // ZFLEET_COMMON_TLS_CERT_IDENTITY_H_
