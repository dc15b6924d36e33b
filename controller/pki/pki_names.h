// What `zfleet-controller pki` accepts as names, roles and key types, checked before any
// key is made. Pure, thread-safe.
#ifndef ZFLEET_CONTROLLER_PKI_PKI_NAMES_H_
#define ZFLEET_CONTROLLER_PKI_PKI_NAMES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller::pki {

enum class KeyType { kEcP256, kEd25519 };

// "ec" → kEcP256, "ed25519" → kEd25519; InvalidArgument otherwise.
absl::StatusOr<KeyType> ParseKeyType(absl::string_view name);

// An agent's host id: 1–253 characters of letters, digits, '.', '-', '_' (it becomes a
// file name and a CN, so no '/', no spaces, and not "." or ".."). InvalidArgument naming it
// otherwise.
absl::Status ValidateHostId(absl::string_view host);

// A person's user name: the host id's rules, plus '@' (for "alice@example.org").
absl::Status ValidateUserName(absl::string_view user);

// A person's role: "viewer", "operator" or "admin". InvalidArgument otherwise.
absl::Status ValidateUserRole(absl::string_view role);

// The controller's subject alternative names: each of `names` is an IP address when it
// parses as IPv4 or IPv6 (returned in canonical text), else a DNS name (letters, digits,
// '-', '.', a leading "*." allowed; 1–253 characters); then "localhost", "127.0.0.1" and
// "::1", without duplicates. InvalidArgument naming a name that is neither.
struct SubjectAltNames {
  std::vector<std::string> dns;
  std::vector<std::string> ips;
};
absl::StatusOr<SubjectAltNames> ControllerAltNames(const std::vector<std::string>& names);

}  // namespace zfleet::controller::pki

#endif  // ZFLEET_CONTROLLER_PKI_PKI_NAMES_H_
