// The Caller (auth/access.h) of one gRPC call: the identity in its client certificate under
// mutual TLS, the local admin on plaintext.
#ifndef ZFLEET_CONTROLLER_SERVICE_CALL_IDENTITY_H_
#define ZFLEET_CONTROLLER_SERVICE_CALL_IDENTITY_H_

#include "controller/auth/access.h"
#include "grpcpp/server_context.h"

namespace zfleet::controller {

// `mtls`: the server requires client certificates. A call that nevertheless carries no
// readable certificate gets a Caller with no role, which Authorize refuses.
Caller CallerOf(const grpc::ServerContext& context, bool mtls);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SERVICE_CALL_IDENTITY_H_
