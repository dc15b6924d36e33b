#include "agent/autonomy/policy_store.h"

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/autonomy/autonomy_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using testing::Days;
using ::testing::HasSubstr;
using testing::kNow;
using testing::Known;
using testing::WirePolicy;
using zfleet::testing::ReadFile;
using zfleet::testing::TempDir;

TEST(PolicyStoreTest, WithoutAFileThereIsNoPolicy) {
  TempDir dir;
  PolicyStore store = PolicyStore::Open(dir.path());
  EXPECT_EQ(store.policy(), nullptr);
  EXPECT_EQ(store.last_contact(), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(dir.File("policy.json")));
}

TEST(PolicyStoreTest, TheLastPolicyAndContactSurviveARestart) {
  TempDir dir;
  v1::AgentPolicy wire = WirePolicy();
  wire.mutable_classes(0)->add_windows("Sat 00:00-Mon 06:00");
  *wire.add_pools() = Known("tank", kNow - Days(40), kNow - Days(3));
  {
    PolicyStore store = PolicyStore::Open(dir.path());
    ASSERT_TRUE(store.Accept(wire, kNow).ok());
    ASSERT_NE(store.policy(), nullptr);
    EXPECT_EQ(store.last_contact(), kNow);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("policy.json.tmp")));
  PolicyStore reopened = PolicyStore::Open(dir.path());
  ASSERT_NE(reopened.policy(), nullptr);
  EXPECT_EQ(reopened.last_contact(), kNow);
  EXPECT_EQ(reopened.policy()->wire.SerializeAsString(), wire.SerializeAsString());
  EXPECT_EQ(reopened.policy()->contact, kNow);
  EXPECT_FALSE(reopened.policy()->cadence.WindowOpen(DiskClass::kSata, kNow));  // a Wednesday
}

TEST(PolicyStoreTest, TheContactIsWrittenWhenThePolicyChangesAndAtLeastHourly) {
  TempDir dir;
  PolicyStore store = PolicyStore::Open(dir.path());
  ASSERT_TRUE(store.Accept(WirePolicy(), kNow).ok());
  ASSERT_TRUE(store.Accept(WirePolicy(), kNow + absl::Minutes(30)).ok());
  EXPECT_EQ(store.last_contact(), kNow + absl::Minutes(30));
  EXPECT_EQ(PolicyStore::Open(dir.path()).last_contact(), kNow) << "unchanged: not written";
  ASSERT_TRUE(store.Accept(WirePolicy(), kNow + absl::Minutes(61)).ok());
  EXPECT_EQ(PolicyStore::Open(dir.path()).last_contact(), kNow + absl::Minutes(61));
  v1::AgentPolicy changed = WirePolicy();
  changed.set_max_per_host(2);
  ASSERT_TRUE(store.Accept(changed, kNow + absl::Minutes(62)).ok());
  PolicyStore reopened = PolicyStore::Open(dir.path());
  EXPECT_EQ(reopened.last_contact(), kNow + absl::Minutes(62));
  ASSERT_NE(reopened.policy(), nullptr);
  EXPECT_EQ(reopened.policy()->max_per_host, 2);
}

TEST(PolicyStoreTest, ACorruptFileIsNoPolicy) {
  TempDir dir;
  {
    PolicyStore store = PolicyStore::Open(dir.path());
    ASSERT_TRUE(store.Accept(WirePolicy(), kNow).ok());
  }
  const std::string whole = ReadFile(dir.File("policy.json"));
  ASSERT_THAT(whole, HasSubstr("\"autonomous_after_s\""));
  for (const std::string& bad : {whole.substr(0, whole.size() / 2),
                                 std::string("\x00\x01garbage", 9), std::string("{\"contact\": 5}"),
                                 std::string("{\"contact\": 5, \"policy\": {\"nope\": 1}}")}) {
    dir.Write("policy.json", bad);
    PolicyStore store = PolicyStore::Open(dir.path());
    EXPECT_EQ(store.policy(), nullptr) << bad;
    EXPECT_EQ(store.last_contact(), std::nullopt) << bad;
    // The next policy from the controller replaces the corrupt file.
    ASSERT_TRUE(store.Accept(WirePolicy(), kNow).ok());
    EXPECT_NE(PolicyStore::Open(dir.path()).policy(), nullptr);
  }
}

TEST(PolicyStoreTest, APolicyThisHostCannotApplyKeepsThePreviousOne) {
  TempDir dir;
  PolicyStore store = PolicyStore::Open(dir.path());
  ASSERT_TRUE(store.Accept(WirePolicy(), kNow).ok());
  v1::AgentPolicy bad = WirePolicy();
  bad.set_timezone("Mars/Olympus_Mons");
  bad.set_max_per_host(4);
  const absl::Status s = store.Accept(bad, kNow + absl::Hours(2));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_NE(store.policy(), nullptr);
  EXPECT_EQ(store.policy()->max_per_host, 1);
  // It was a contact all the same.
  EXPECT_EQ(store.last_contact(), kNow + absl::Hours(2));
  EXPECT_EQ(PolicyStore::Open(dir.path()).last_contact(), kNow + absl::Hours(2));
}

TEST(PolicyStoreTest, WithoutAStateDirItKeepsThePolicyInMemory) {
  PolicyStore store = PolicyStore::Open("");
  ASSERT_TRUE(store.Accept(WirePolicy(), kNow).ok());
  ASSERT_NE(store.policy(), nullptr);
  EXPECT_EQ(store.last_contact(), kNow);
}

TEST(PolicyStoreTest, AFileThatCannotBeWrittenIsAnError) {
  TempDir dir;
  PolicyStore store = PolicyStore::Open(dir.File("missing-dir"));
  const absl::Status s = store.Accept(WirePolicy(), kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("missing-dir/policy.json.tmp"));
  EXPECT_NE(store.policy(), nullptr) << "memory is updated all the same";
}

}  // namespace
}  // namespace zfleet::agent
