#include "controller/service/call_identity.h"

#include "common/tls/grpc_credentials.h"

namespace zfleet::controller {

Caller CallerOf(const grpc::ServerContext& context, bool mtls) {
  if (!mtls) return PlaintextCaller(context.peer());
  Caller caller;
  caller.mtls = true;
  caller.peer = context.peer();
  auto auth = context.auth_context();
  if (auth == nullptr) return caller;
  auto identity = tls::PeerIdentity(*auth);
  if (!identity.ok()) return caller;
  caller.name = identity->name;
  caller.role = RoleFromName(identity->role);
  caller.cert_not_after = identity->not_after;
  return caller;
}

}  // namespace zfleet::controller
