// Names, roles and key types `zfleet-controller pki` accepts, as tables.
#include "controller/pki/pki_names.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller::pki {
namespace {

using ::testing::ElementsAre;

TEST(PkiNamesTest, HostIds) {
  for (const std::string& host :
       std::vector<std::string>{"db1", "db-1.example.org", "A_b", std::string(253, 'h')}) {
    EXPECT_TRUE(ValidateHostId(host).ok()) << host;
  }
  for (const std::string& host : std::vector<std::string>{
           "", ".", "..", "a/b", "../etc", "a b", "a,b", "é", "a@b", std::string(254, 'h')}) {
    EXPECT_EQ(ValidateHostId(host).code(), absl::StatusCode::kInvalidArgument) << host;
  }
  EXPECT_TRUE(ValidateUserName("alice@example.org").ok());
  EXPECT_FALSE(ValidateUserName("alice/x").ok());
}

TEST(PkiNamesTest, Roles) {
  for (const char* role : {"viewer", "operator", "admin"}) EXPECT_TRUE(ValidateUserRole(role).ok());
  for (const char* role : {"", "agent", "controller", "Admin", "root"}) {
    EXPECT_EQ(ValidateUserRole(role).code(), absl::StatusCode::kInvalidArgument) << role;
  }
}

TEST(PkiNamesTest, KeyTypes) {
  EXPECT_EQ(*ParseKeyType("ec"), KeyType::kEcP256);
  EXPECT_EQ(*ParseKeyType("ed25519"), KeyType::kEd25519);
  EXPECT_FALSE(ParseKeyType("rsa").ok());
}

TEST(PkiNamesTest, ControllerAltNames) {
  absl::StatusOr<SubjectAltNames> sans =
      ControllerAltNames({"zfleet.Example.org", "10.1.2.3", "2001:DB8::0:1", "127.0.0.1"});
  ASSERT_TRUE(sans.ok()) << sans.status();
  EXPECT_THAT(sans->dns, ElementsAre("zfleet.example.org", "localhost"));
  EXPECT_THAT(sans->ips, ElementsAre("10.1.2.3", "2001:db8::1", "127.0.0.1", "::1"));
  sans = ControllerAltNames({});
  ASSERT_TRUE(sans.ok());
  EXPECT_THAT(sans->dns, ElementsAre("localhost"));
  EXPECT_THAT(sans->ips, ElementsAre("127.0.0.1", "::1"));
  for (const char* bad : {"", "a,DNS:evil", "a b", "-a", "a..b", "10.0.0.1/8"}) {
    EXPECT_EQ(ControllerAltNames({bad}).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace zfleet::controller::pki
