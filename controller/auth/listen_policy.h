// Where the controller may listen without TLS: only on loopback, so a plaintext port is
// never reachable from the network unless the operator explicitly says so. Pure.
#ifndef ZFLEET_CONTROLLER_AUTH_LISTEN_POLICY_H_
#define ZFLEET_CONTROLLER_AUTH_LISTEN_POLICY_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller {

// True when the gRPC listen address `listen` binds loopback only: 127.0.0.0/8, [::1],
// localhost, or a unix socket ("unix:PATH"). A wildcard (0.0.0.0, [::], ":PORT"), any other
// address or a name is not loopback.
bool IsLoopbackListen(absl::string_view listen);

// OK when `tls`, when `listen` is loopback, or when `insecure_plaintext`; otherwise
// InvalidArgument with one line saying what to do.
absl::Status CheckPlaintextListen(absl::string_view listen, bool tls, bool insecure_plaintext);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_AUTH_LISTEN_POLICY_H_
