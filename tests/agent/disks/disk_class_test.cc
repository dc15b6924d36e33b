#include "agent/disks/disk_class.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

// Every transport maps to docs/DESIGN.md's class.
TEST(DiskClassTest, TransportsMapToDesignClasses) {
  const std::vector<std::pair<std::string, std::string>> want = {
      {"sata", "sata"},    {"sas", "sas"},   {"fc", "fc"},          {"nvme", "nvme"},
      {"usb", "usb"},      {"scsi", "scsi"}, {"virtio", "virtual"}, {"loop", "unknown"},
      {"file", "unknown"}, {"", "unknown"}};
  for (const auto& [transport, cls] : want) {
    EXPECT_EQ(DefaultClassForTransport(transport), cls) << transport;
  }
}

TEST(DiskClassTest, AnOverrideBeatsTheTransport) {
  const ClassOverrideFn overrides = [](absl::string_view pool, absl::string_view device) {
    return std::string(pool == "cold" || device == "/dev/sdz" ? "usb" : "");
  };
  EXPECT_EQ(DiskClass(overrides, "cold", "/dev/sda", "sata"), "usb");
  EXPECT_EQ(DiskClass(overrides, "hot", "/dev/sdz", "nvme"), "usb");
  EXPECT_EQ(DiskClass(overrides, "hot", "/dev/sda", "sata"), "sata");
  EXPECT_EQ(DiskClass(overrides, "hot", "/dev/sda", ""), "unknown");
  EXPECT_EQ(DiskClass(nullptr, "cold", "/dev/sda", "virtio"), "virtual");
}

v1::Vdev Leaf(const std::string& name, const std::string& type, const std::string& path) {
  v1::Vdev leaf;
  leaf.set_name(name);
  leaf.set_type(type);
  leaf.set_path(path);
  return leaf;
}

TEST(DiskClassTest, ClassifyLeavesGivesEveryLeafAClass) {
  std::vector<v1::Pool> pools(2);
  pools[0].set_name("tank");
  v1::Vdev& mirror = *pools[0].add_vdevs();
  mirror.set_name("mirror-0");
  mirror.set_type("mirror");
  *mirror.add_children() = Leaf("sda", "disk", "/dev/sda");
  *mirror.add_children() = Leaf("f1", "file", "/var/tmp/f1");
  v1::Vdev nvme = Leaf("nvme0n1", "disk", "/dev/nvme0n1");
  nvme.mutable_disk()->set_transport("nvme");
  *mirror.add_children() = nvme;
  pools[1].set_name("cold");
  *pools[1].add_vdevs() = Leaf("sdb", "disk", "");  // printed without a path

  ClassifyLeaves(pools, [](absl::string_view pool, absl::string_view device) {
    return std::string(pool == "cold" ? "usb" : "");
  });

  const v1::Vdev& classified = pools[0].vdevs(0);
  EXPECT_FALSE(classified.has_disk());  // interior vdevs carry no disk
  EXPECT_FALSE(classified.children(0).disk().has_transport());
  EXPECT_EQ(classified.children(0).disk().class_(), "unknown");
  EXPECT_EQ(classified.children(1).disk().transport(), "file");
  EXPECT_EQ(classified.children(1).disk().class_(), "unknown");
  EXPECT_EQ(classified.children(2).disk().class_(), "nvme");
  EXPECT_EQ(pools[1].vdevs(0).disk().class_(), "usb");
}

TEST(DiskClassTest, TheOverrideIsAskedWithPoolAndPath) {
  std::vector<v1::Pool> pools(1);
  pools[0].set_name("tank");
  *pools[0].add_vdevs() = Leaf("sda", "disk", "/dev/sda");
  std::vector<std::string> asked;
  ClassifyLeaves(pools, [&](absl::string_view pool, absl::string_view device) {
    asked.push_back(std::string(pool) + " " + std::string(device));
    return std::string();
  });
  EXPECT_EQ(asked, std::vector<std::string>{"tank /dev/sda"});
}

}  // namespace
}  // namespace zfleet::agent
