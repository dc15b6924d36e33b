// The one place where absl::Status and grpc::Status are converted.
#ifndef ZFLEET_COMMON_GRPC_GRPC_STATUS_H_
#define ZFLEET_COMMON_GRPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace zfleet {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_GRPC_GRPC_STATUS_H_
