#include "model/clean_strings.h"

#include <string>

#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/proto_bytes.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using ::zfleet::testing::AddMirror;
using ::zfleet::testing::DiskLeaf;

// A report as an agent would build it on a host whose names hold Latin-1 bytes.
v1::ReportRequest DirtyReport() {
  v1::ReportRequest r;
  r.set_host_id("nas1");
  r.set_instance_id("inst-1");
  r.set_pools_valid(true);
  (*r.mutable_host()->mutable_labels())["rack"] = "r07";
  (*r.mutable_host()->mutable_labels())["room"] = "B\xe4ume";  // value, Latin-1
  (*r.mutable_host()->mutable_labels())["b\xfchne"] = "1";     // key, Latin-1
  v1::StackCheck* check = r.mutable_host()->add_stack_checks();
  check->set_name("zfs-module-loaded");
  check->set_level("ok");
  check->set_evidence("caf\xc3\xa9 is fine");  // valid UTF-8: left alone
  v1::Pool* pool = r.add_pools();
  pool->set_name("tank");
  pool->set_state("ONLINE");
  v1::Vdev bad_leaf = DiskLeaf("sdb");
  bad_leaf.set_path("/dev/disk/by-id/ata-X\xe9Y");
  bad_leaf.mutable_disk()->set_serial("S\x80N");  // proto3 optional string
  AddMirror(*pool, {DiskLeaf("sda"), bad_leaf});
  pool->mutable_errors()->set_count(3);
  pool->mutable_errors()->add_files("/tank/a");
  pool->mutable_errors()->add_files("/tank/caf\xe9");
  pool->mutable_errors()->add_files("tank/fs@snap:/\xff\xfe");
  pool->add_unparsed("\tweird line \xc0\xaf");
  return r;
}

TEST(CleanStringsTest, ReplacesOnlyInvalidStringsEverywhere) {
  v1::ReportRequest r = DirtyReport();
  EXPECT_EQ(CleanStrings(&r), 7);

  const v1::Vdev& leaf = r.pools(0).vdevs(0).children(1);
  EXPECT_EQ(leaf.path(), "/dev/disk/by-id/ata-X\\xe9Y");
  EXPECT_TRUE(leaf.disk().has_serial());
  EXPECT_EQ(leaf.disk().serial(), "S\\x80N");
  EXPECT_EQ(r.pools(0).vdevs(0).children(0).path(), "/dev/sda");
  EXPECT_THAT(r.pools(0).errors().files(),
              ElementsAre("/tank/a", "/tank/caf\\xe9", "tank/fs@snap:/\\xff\\xfe"));
  EXPECT_EQ(r.pools(0).errors().count(), 3u);
  EXPECT_THAT(r.pools(0).unparsed(), ElementsAre("\tweird line \\xc0\\xaf"));
  EXPECT_THAT(
      r.host().labels(),
      UnorderedElementsAre(Pair("rack", "r07"), Pair("room", "B\\xe4ume"), Pair("b\\xfchne", "1")));
  EXPECT_EQ(r.host().stack_checks(0).evidence(), "caf\xc3\xa9 is fine");
  EXPECT_EQ(r.pools(0).name(), "tank");
}

TEST(CleanStringsTest, CleanedReportRoundTripsWhereTheDirtyOneDoesNot) {
  v1::ReportRequest dirty = DirtyReport();
  std::string bytes;
  ASSERT_TRUE(dirty.SerializeToString(&bytes));  // protobuf logs, but writes the bytes
  v1::ReportRequest parsed;
  EXPECT_FALSE(parsed.ParseFromString(bytes)) << "proto3 strings must be UTF-8 to parse";

  v1::ReportRequest clean = DirtyReport();
  CleanStrings(&clean);
  ASSERT_TRUE(clean.SerializeToString(&bytes));
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.pools(0).errors().files(1), "/tank/caf\\xe9");
  EXPECT_EQ(parsed.host().labels().at("room"), "B\\xe4ume");
  EXPECT_EQ(*SerializeDeterministic(parsed), *SerializeDeterministic(clean));
}

TEST(CleanStringsTest, SecondPassChangesNothing) {
  v1::ReportRequest r = DirtyReport();
  CleanStrings(&r);
  const std::string once = r.SerializeAsString();
  EXPECT_EQ(CleanStrings(&r), 0);
  EXPECT_EQ(r.SerializeAsString(), once);
}

TEST(CleanStringsTest, CleanMessageIsLeftAsIs) {
  v1::ReportRequest r;
  r.set_host_id("nas1");
  (*r.mutable_host()->mutable_labels())["rack"] = "r07";
  v1::Pool* pool = r.add_pools();
  pool->set_name("tank");
  *pool->add_vdevs() = DiskLeaf("sda");
  const v1::ReportRequest before = r;
  EXPECT_EQ(CleanStrings(&r), 0);
  EXPECT_EQ(r.SerializeAsString(), before.SerializeAsString());
  EXPECT_FALSE(r.pools(0).has_errors()) << "no sub-message was created";
  EXPECT_FALSE(r.pools(0).vdevs(0).has_disk());
}

TEST(CleanStringsTest, WorksOnAnyMessage) {
  v1::StackCheck check;
  check.set_evidence("modinfo: \xe9");
  check.set_fix("apt install \xe9");
  EXPECT_EQ(CleanStrings(&check), 2);
  EXPECT_TRUE(IsValidUtf8(check.evidence()));
  EXPECT_EQ(check.fix(), "apt install \\xe9");
}

}  // namespace
}  // namespace zfleet
