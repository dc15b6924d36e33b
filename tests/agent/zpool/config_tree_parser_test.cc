#include "agent/zpool/config_tree_parser.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

TEST(VdevTypeFromNameTest, NamesOfEveryKind) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mirror-0", "mirror"},
      {"mirror", "mirror"},
      {"raidz1-0", "raidz1"},
      {"raidz2-1", "raidz2"},
      {"raidz3-0", "raidz3"},
      {"raidz-0", "raidz1"},
      {"raidz", "raidz1"},
      {"draid2:4d:12c:1s-0", "draid"},
      {"replacing-0", "replacing"},
      {"spare-3", "spare"},
      {"indirect-0", "indirect"},
      {"/tmp/zt/a", "file"},
      {"/var/lib/pools/mirror-0", "file"},
      {"/dev/sda", "disk"},
      {"/dev/disk/by-id/wwn-0x5000c500a1b2c3d1", "disk"},
      {"sda", "disk"},
      {"c1t0d0", "disk"},
      {"wwn-0x5000c500a1b2c3d1", "disk"},
      {"14376451029340451286", "disk"},
      {"sdb-1", "disk"},
  };
  for (const auto& [name, type] : cases) EXPECT_EQ(VdevTypeFromName(name), type) << name;
}

// Feeds a tree and expects every line to be understood.
v1::Pool Build(const std::vector<std::string>& lines) {
  v1::Pool pool;
  ConfigTreeParser parser(&pool);
  for (const std::string& line : lines) EXPECT_TRUE(parser.AddLine(line)) << line;
  parser.Finish();
  return pool;
}

TEST(ConfigTreeParserTest, NestingRolesCountersAndNotes) {
  const v1::Pool pool = Build({
      "",
      "\tNAME            STATE     READ WRITE CKSUM",
      "\ttank            ONLINE       0     0     7  pool counters are dropped",
      "\t  mirror-0      ONLINE       0     0     0",
      "\t    sda         ONLINE     1.2K    0    12  20.5M repaired",
      "\t    sdb         ONLINE       0     0     0",
      "\tlogs",
      "\t  sdc           ONLINE       0     0     0",
      "\tspares",
      "\t  sdd           AVAIL   ",
  });
  ASSERT_EQ(pool.vdevs_size(), 3);
  const v1::Vdev& mirror = pool.vdevs(0);
  EXPECT_EQ(mirror.name(), "mirror-0");
  EXPECT_EQ(mirror.type(), "mirror");
  EXPECT_EQ(mirror.role(), "data");
  EXPECT_EQ(mirror.path(), "");
  ASSERT_EQ(mirror.children_size(), 2);
  const v1::Vdev& sda = mirror.children(0);
  EXPECT_EQ(sda.path(), "sda");
  EXPECT_EQ(sda.role(), "data");
  EXPECT_EQ(sda.read_errors(), 1228u);
  EXPECT_EQ(sda.write_errors(), 0u);
  EXPECT_EQ(sda.checksum_errors(), 12u);
  EXPECT_EQ(sda.note(), "20.5M repaired");
  EXPECT_EQ(sda.bytes_repaired(), 21495808u);
  EXPECT_FALSE(sda.has_bytes_resilvered());

  const v1::Vdev& log = pool.vdevs(1);
  EXPECT_EQ(log.name(), "sdc");
  EXPECT_EQ(log.role(), "log");
  // The spares section is a sibling of logs, so its child is not under sdc.
  EXPECT_EQ(log.children_size(), 0);

  const v1::Vdev& spare = pool.vdevs(2);
  EXPECT_EQ(spare.name(), "sdd");
  EXPECT_EQ(spare.role(), "spare");
  EXPECT_EQ(spare.state(), "AVAIL");
  EXPECT_FALSE(spare.has_read_errors());
  EXPECT_FALSE(spare.has_checksum_errors());
  EXPECT_EQ(spare.note(), "");
  EXPECT_EQ(spare.path(), "sdd");
}

TEST(ConfigTreeParserTest, SectionsAreTopLevelEvenWhenIndented) {
  // Some zpool builds indent section lines like a top-level vdev.
  v1::Pool pool;
  ConfigTreeParser parser(&pool);
  for (const char* line :
       {"\tNAME  STATE  READ WRITE CKSUM", "\tp     ONLINE    0     0     0",
        "\t  sda   ONLINE    0     0     0", "\t  cache", "\t    sdb ONLINE    0     0     0"}) {
    EXPECT_TRUE(parser.AddLine(line)) << line;
  }
  parser.Finish();
  ASSERT_EQ(pool.vdevs_size(), 2);
  EXPECT_EQ(pool.vdevs(1).name(), "sdb");
  EXPECT_EQ(pool.vdevs(1).role(), "cache");
}

TEST(ConfigTreeParserTest, TabsExpandedToSpacesNestTheSame) {
  const v1::Pool pool = Build({
      "        NAME        STATE     READ WRITE CKSUM",
      "        tank        ONLINE       0     0     0",
      "          mirror-0  ONLINE       0     0     0",
      "            sda     ONLINE       0     0     0",
  });
  ASSERT_EQ(pool.vdevs_size(), 1);
  ASSERT_EQ(pool.vdevs(0).children_size(), 1);
  EXPECT_EQ(pool.vdevs(0).children(0).name(), "sda");
}

TEST(ConfigTreeParserTest, NameWithSpacesIsKeptWhole) {
  const v1::Pool pool = Build({
      "\tNAME            STATE     READ WRITE CKSUM",
      "\ttank            ONLINE       0     0     0",
      "\t  /srv/my pool  ONLINE       0     0     0",
  });
  ASSERT_EQ(pool.vdevs_size(), 1);
  EXPECT_EQ(pool.vdevs(0).name(), "/srv/my pool");
  EXPECT_EQ(pool.vdevs(0).type(), "file");
  EXPECT_EQ(pool.vdevs(0).path(), "/srv/my pool");
}

TEST(ConfigTreeParserTest, RejectsWhatIsNoTreeLine) {
  v1::Pool pool;
  ConfigTreeParser parser(&pool);
  EXPECT_FALSE(parser.AddLine("\tsomething before the header"));
  EXPECT_TRUE(parser.AddLine("\tNAME        STATE     READ WRITE CKSUM"));
  EXPECT_FALSE(parser.AddLine("\t  sda       ONLINE       0     0     0"));  // before the root
  EXPECT_TRUE(parser.AddLine("\ttank        ONLINE       0     0     0"));
  EXPECT_FALSE(parser.AddLine("\t  sda       SLEEPY       0     0     0"));
  EXPECT_FALSE(parser.AddLine("\tother       ONLINE       0     0     0"));  // a second root
  EXPECT_FALSE(parser.AddLine("\t  bogus"));
  EXPECT_TRUE(parser.AddLine("\t  sda       ONLINE       0     0     0"));
  parser.Finish();
  ASSERT_EQ(pool.vdevs_size(), 1);
  EXPECT_EQ(pool.vdevs(0).name(), "sda");
}

}  // namespace
}  // namespace zfleet::agent
