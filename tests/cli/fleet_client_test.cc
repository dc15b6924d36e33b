#include "cli/fleet_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A loopback port nothing listens on: bind to port 0, read the port, close.
int UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(FleetClientTest, UnreachableControllerFailsWithinTheTimeout) {
  const std::string target = absl::StrCat("127.0.0.1:", UnusedLoopbackPort());
  FleetClient client({.target = target, .timeout = absl::Seconds(1)});
  // The test measures elapsed time, so it may read the wall clock itself.
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::ListPoolsResponse> pools = client.ListPools();
  const absl::Duration elapsed = absl::Now() - start;
  ASSERT_FALSE(pools.ok());
  EXPECT_THAT(std::string(pools.status().message()),
              StartsWith(absl::StrCat("cannot reach controller at ", target, ": ")));
  EXPECT_LT(elapsed, absl::Seconds(3));

  v1::GetPoolRequest request;
  request.set_host_id("h1");
  request.set_pool("tank");
  EXPECT_THAT(std::string(client.GetPool(request).status().message()),
              StartsWith("cannot reach controller at"));
  EXPECT_THAT(std::string(client.ListHosts().status().message()),
              StartsWith("cannot reach controller at"));
  EXPECT_THAT(std::string(client.RequestScrub(v1::RequestScrubRequest()).status().message()),
              StartsWith("cannot reach controller at"));
  for (const absl::Status& status :
       {client.GetSchedule().status(), client.GetHistory(v1::GetHistoryRequest()).status(),
        client.ListEvents(v1::ListEventsRequest()).status(),
        client.AckEvents(v1::AckEventsRequest()).status(),
        client.ListDisks(v1::ListDisksRequest()).status(), client.Triage().status(),
        client.WhoAmI().status(), client.ListAudit(v1::ListAuditRequest()).status(),
        client.ForgetHost(v1::ForgetHostRequest()).status(),
        client.CancelQueued(v1::CancelQueuedRequest()).status()}) {
    EXPECT_THAT(std::string(status.message()), StartsWith("cannot reach controller at"));
  }
}

const ControllerConnection kCtl{.target = "ctl:7400", .timeout = absl::Seconds(10)};

TEST(ControllerErrorTest, UnreachableCodesNameTheController) {
  const absl::Status deadline =
      ControllerError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
                      kCtl);
  EXPECT_EQ(deadline.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(deadline.message(), "cannot reach controller at ctl:7400: no answer within 10s");

  const absl::Status down =
      ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "Connection refused"), kCtl);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(down.message(), "cannot reach controller at ctl:7400: Connection refused");
}

// The messages gRPC 1.51 gave in fleet_client_tls_test.cc.
constexpr char kVerifyFailed[] =
    "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:36339: Tls "
    "handshake failed: SSL_ERROR_SSL: error:0A000086:SSL routines::certificate verify failed";
constexpr char kSocketClosed[] =
    "failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:40895: Socket "
    "closed";
constexpr char kWrongVersion[] =
    "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:38047: Tls "
    "handshake failed: SSL_ERROR_SSL: error:0A00010B:SSL routines::wrong version number";

TEST(ControllerErrorTest, TlsFailuresSayWhatToCheck) {
  const ControllerConnection tls{.target = "ctl:7400",
                                 .timeout = absl::Seconds(10),
                                 .tls = tls::TlsFiles{.ca = "ca", .cert = "c", .key = "k"}};
  const std::string prefix =
      "cannot reach controller at ctl:7400: TLS handshake failed (is the certificate from the "
      "controller's CA, and valid?)";
  const absl::Status verify =
      ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, kVerifyFailed), tls);
  EXPECT_EQ(verify.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(verify.message(), prefix + ": certificate verify failed");
  EXPECT_EQ(ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, kSocketClosed), tls)
                .message(),
            prefix + ": the controller closed the connection");
  EXPECT_EQ(ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, kWrongVersion), tls)
                .message(),
            "cannot reach controller at ctl:7400: TLS handshake failed: the controller does not "
            "speak TLS at this address (a plaintext listener?)");
  // Without OpenSSL's "routines::", gRPC's words stay.
  EXPECT_EQ(ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "SSL_ERROR_SYSCALL"), tls)
                .message(),
            prefix + ": SSL_ERROR_SYSCALL");
  // A controller that is down is not a TLS problem.
  EXPECT_EQ(
      ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "Connection refused"), tls)
          .message(),
      "cannot reach controller at ctl:7400: Connection refused");
}

TEST(ControllerErrorTest, PlaintextClosedByTheControllerHintsAtTls) {
  EXPECT_EQ(ControllerError(grpc::Status(grpc::StatusCode::UNAVAILABLE, kSocketClosed), kCtl)
                .message(),
            std::string("cannot reach controller at ctl:7400: ") + kSocketClosed +
                "; does the controller require TLS? pass --tls-ca/--tls-cert/--tls-key or set "
                "ZFLEET_TLS_*");
}

TEST(ControllerErrorTest, OtherCodesKeepTheServersMessage) {
  const absl::Status not_found =
      ControllerError(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown pool h1/tank"), kCtl);
  EXPECT_EQ(not_found.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(), "unknown pool h1/tank");

  const absl::Status denied = ControllerError(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                   "viewer \"alice\" may not start a scrub (needs operator)"),
      kCtl);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(), "viewer \"alice\" may not start a scrub (needs operator)");

  const absl::Status bare = ControllerError(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""),
                                            kCtl);
  EXPECT_EQ(bare.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(bare.message()),
              HasSubstr("controller at ctl:7400 answered UNIMPLEMENTED"));
}

}  // namespace
}  // namespace zfleet::cli
