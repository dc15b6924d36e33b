// The two things `zfleet-controller pki` does, over plain values: make a PKI in a
// directory, and issue one more certificate from it. They generate in memory
// (cert_issuer.h) and write through pki_files.h. No database; the clock comes in as `now`.
//
// Status codes, which the command maps to exit codes: InvalidArgument for a bad value
// (host, user, role, name, days; exit 2); FailedPrecondition when a file exists without
// `force` or the CA is missing; NotFound/Internal for I/O (exit 1).
#ifndef ZFLEET_CONTROLLER_PKI_PKI_ACTIONS_H_
#define ZFLEET_CONTROLLER_PKI_PKI_ACTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/pki/cert_issuer.h"
#include "controller/pki/pki_names.h"

namespace zfleet::controller::pki {

struct InitOptions {
  std::string dir;
  std::vector<std::string> names;  // extra controller SANs (IP or DNS)
  int days = kDefaultLeafDays;     // the controller's certificate
  int ca_days = kDefaultCaDays;
  KeyType key_type = KeyType::kEcP256;
  bool force = false;
};

// Creates DIR (0700) when missing and writes DIR/ca.key, DIR/ca.crt, DIR/controller.key,
// DIR/controller.crt (keys 0600, certificates 0644). All are generated before the first is
// written, and, without `force`, none is written when any exists. Returns the paths
// written, in that order.
absl::StatusOr<std::vector<std::string>> InitPki(const InitOptions& options, absl::Time now);

struct IssueOptions {
  std::string dir;
  std::string agent;  // exactly one of agent and user
  std::string user;
  std::string role;  // with user: viewer, operator or admin
  int days = kDefaultLeafDays;
  KeyType key_type = KeyType::kEcP256;
  bool force = false;
};

// Signs with DIR/ca.crt + DIR/ca.key and writes DIR/agents/HOST.{key,crt} or
// DIR/users/NAME.{key,crt} (the subfolder created 0700 when missing). FailedPrecondition
// "DIR/ca.key not found; run `zfleet-controller pki init --dir DIR` first" without a CA.
// Returns the paths written (key, then certificate).
absl::StatusOr<std::vector<std::string>> IssueFromPki(const IssueOptions& options, absl::Time now);

}  // namespace zfleet::controller::pki

#endif  // ZFLEET_CONTROLLER_PKI_PKI_ACTIONS_H_
