#include "controller/auth/access.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

Caller Cert(const std::string& name, Role role) {
  Caller caller;
  caller.name = name;
  caller.role = role;
  caller.mtls = true;
  caller.peer = "ipv4:127.0.0.1:40000";
  return caller;
}

TEST(RoleNames, RoundTripAndUnknownIsNone) {
  for (Role role : {Role::kAgent, Role::kViewer, Role::kOperator, Role::kAdmin}) {
    EXPECT_EQ(RoleFromName(RoleName(role)), role);
  }
  EXPECT_EQ(RoleFromName("controller"), Role::kNone);
  EXPECT_EQ(RoleFromName(""), Role::kNone);
  EXPECT_EQ(RoleFromName("Admin"), Role::kNone);  // OUs are compared exactly
}

struct Case {
  Role role;
  Access access;
  bool allowed;
};

TEST(Authorize, EachRoleHasItsRightsAndThoseBelow) {
  const Case cases[] = {
      {Role::kViewer, Access::kRead, true},       {Role::kViewer, Access::kOperate, false},
      {Role::kViewer, Access::kAdminister, false}, {Role::kOperator, Access::kRead, true},
      {Role::kOperator, Access::kOperate, true},  {Role::kOperator, Access::kAdminister, false},
      {Role::kAdmin, Access::kRead, true},        {Role::kAdmin, Access::kOperate, true},
      {Role::kAdmin, Access::kAdminister, true},  {Role::kAgent, Access::kRead, false},
      {Role::kAgent, Access::kOperate, false},    {Role::kNone, Access::kRead, false},
  };
  for (const Case& c : cases) {
    absl::Status status = Authorize(Cert("someone", c.role), c.access, "do it");
    EXPECT_EQ(status.ok(), c.allowed) << RoleName(c.role) << " " << static_cast<int>(c.access);
    if (!c.allowed) {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(Authorize, RefusalSaysWhoWhatAndTheRoleNeeded) {
  absl::Status status = Authorize(Cert("alice", Role::kViewer), Access::kOperate, "start a scrub");
  EXPECT_EQ(status.message(), "viewer \"alice\" may not start a scrub (needs operator)");
  status = Authorize(Cert("bob", Role::kOperator), Access::kAdminister, "forget a host");
  EXPECT_EQ(status.message(), "operator \"bob\" may not forget a host (needs admin)");
  status = Authorize(Cert("zfleet-controller", Role::kNone), Access::kRead, "list pools");
  EXPECT_THAT(status.message(), HasSubstr("has no zfleet role"));
  status = Authorize(Cert("h1", Role::kAgent), Access::kRead, "list pools");
  EXPECT_THAT(status.message(), HasSubstr("may only report its own host"));
}

TEST(Authorize, PlaintextCallerIsLocalAdmin) {
  const Caller local = PlaintextCaller("ipv4:127.0.0.1:5000");
  EXPECT_EQ(local.name, "local");
  EXPECT_FALSE(local.mtls);
  EXPECT_TRUE(Authorize(local, Access::kAdminister, "forget a host").ok());
  EXPECT_TRUE(AuthorizeReport(local, "any-host").ok());
}

TEST(AuthorizeReport, AgentOnlyForTheHostItNames) {
  EXPECT_TRUE(AuthorizeReport(Cert("h1", Role::kAgent), "h1").ok());
  absl::Status other = AuthorizeReport(Cert("h1", Role::kAgent), "h2");
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.message(), "agent certificate \"h1\" may not report as host \"h2\"");
  // Host ids compare exactly: no case folding, no prefix match.
  EXPECT_FALSE(AuthorizeReport(Cert("h1", Role::kAgent), "H1").ok());
  EXPECT_FALSE(AuthorizeReport(Cert("h1", Role::kAgent), "h1.example").ok());
  for (Role person : {Role::kViewer, Role::kOperator, Role::kAdmin, Role::kNone}) {
    EXPECT_EQ(AuthorizeReport(Cert("h1", person), "h1").code(),
              absl::StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace zfleet::controller
