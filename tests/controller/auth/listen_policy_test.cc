#include "controller/auth/listen_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

TEST(IsLoopbackListen, LoopbackAddressesAndNames) {
  for (const char* listen : {"127.0.0.1:7400", "127.1.2.3:0", "[::1]:7400", "localhost:7400",
                             "unix:/run/zfleet.sock"}) {
    EXPECT_TRUE(IsLoopbackListen(listen)) << listen;
  }
}

TEST(IsLoopbackListen, WildcardsAndOtherAddressesAreNot) {
  for (const char* listen : {"0.0.0.0:7400", "[::]:7400", ":7400", "10.0.0.5:7400",
                             "[fe80::1]:7400", "controller.example:7400", "128.0.0.1:7400",
                             "[::ffff:127.0.0.1]:7400", "7400", ""}) {
    EXPECT_FALSE(IsLoopbackListen(listen)) << listen;
  }
}

TEST(CheckPlaintextListen, RefusesNonLoopbackPlaintextUnlessTold) {
  EXPECT_TRUE(CheckPlaintextListen("127.0.0.1:7400", false, false).ok());
  EXPECT_TRUE(CheckPlaintextListen("0.0.0.0:7400", true, false).ok());
  EXPECT_TRUE(CheckPlaintextListen("0.0.0.0:7400", false, true).ok());
  absl::Status refused = CheckPlaintextListen("0.0.0.0:7400", false, false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("refusing to serve plaintext on 0.0.0.0:7400"));
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("--insecure-plaintext"));
}

}  // namespace
}  // namespace zfleet::controller
