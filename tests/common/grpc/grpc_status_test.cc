#include "common/grpc/grpc_status.h"

#include <string>

#include "gtest/gtest.h"

namespace zfleet {
namespace {

struct CodeCase {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
};

// Every canonical code, by name on both sides: a renumbering on either side fails here.
const CodeCase kCodes[] = {
    {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
    {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
    {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
    {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
    {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
    {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
    {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
    {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
    {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
    {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
    {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
    {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
    {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
    {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
    {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
    {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
};

TEST(GrpcStatusTest, EveryCodeMapsToItsNamesakeAndBack) {
  for (const CodeCase& c : kCodes) {
    const std::string message = "pool tank: " + absl::StatusCodeToString(c.absl_code);
    const grpc::Status wire = ToGrpcStatus(absl::Status(c.absl_code, message));
    EXPECT_EQ(wire.error_code(), c.grpc_code) << message;
    EXPECT_EQ(wire.error_message(), message);

    const absl::Status back = FromGrpcStatus(grpc::Status(c.grpc_code, message));
    EXPECT_EQ(back.code(), c.absl_code) << message;
    EXPECT_EQ(back.message(), message);

    EXPECT_EQ(FromGrpcStatus(ToGrpcStatus(absl::Status(c.absl_code, message))),
              absl::Status(c.absl_code, message));
  }
}

TEST(GrpcStatusTest, OkBothWays) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_message(), "");
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, EmptyAndBinaryMessagesSurvive) {
  EXPECT_EQ(FromGrpcStatus(ToGrpcStatus(absl::NotFoundError(""))), absl::NotFoundError(""));
  const std::string odd("a\0b\n\xff", 5);
  const grpc::Status wire = ToGrpcStatus(absl::InternalError(odd));
  EXPECT_EQ(wire.error_message(), odd);
  EXPECT_EQ(FromGrpcStatus(wire).message(), odd);
}

}  // namespace
}  // namespace zfleet
