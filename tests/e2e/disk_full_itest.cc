// The real zfleet-controller with its database on a small tmpfs that fills up: reports are
// refused with RESOURCE_EXHAUSTED and a message naming the database, the log says so once
// (not once per report), /metrics shows it, and once space returns reports are stored
// again and nothing committed before the disk filled is lost. Needs root (it mounts).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A tmpfs of `size` mounted at a directory of its own, unmounted (lazily if something still
// holds it) and removed when the object goes.
class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, const std::string& size) : dir_(dir) {
    if (mkdir(dir.c_str(), 0700) != 0) {
      error_ = absl::StrCat("mkdir ", dir, ": ", std::strerror(errno));
      return;
    }
    const std::string options = absl::StrCat("size=", size, ",mode=0700");
    if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      error_ =
          absl::StrCat("mount -t tmpfs -o ", options, " tmpfs ", dir, ": ", std::strerror(errno));
      return;
    }
    mounted_ = true;
  }
  ~TmpfsMount() {
    if (mounted_ && umount2(dir_.c_str(), 0) != 0) umount2(dir_.c_str(), MNT_DETACH);
    rmdir(dir_.c_str());
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// Fills the file system of `path` with the file `path`: writes until ENOSPC, in 1 MiB
// blocks and then 4 KiB ones. Returns the bytes written, or -1 on another error.
int64_t FillWith(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  const std::vector<char> block(1 << 20, 'x');
  int64_t written = 0;
  // A tmpfs of a few MiB takes a few hundred writes; the bound only stops a runaway.
  for (size_t chunk : {block.size(), size_t{4096}}) {
    for (int i = 0; i < 100000; ++i) {
      const ssize_t n = write(fd, block.data(), chunk);
      if (n > 0) {
        written += n;
        continue;
      }
      if (n < 0 && errno != ENOSPC) written = -1;
      break;
    }
    if (written < 0) break;
  }
  fsync(fd);
  close(fd);
  return written;
}

// The lines of `text` that contain `what`.
int CountLines(const std::string& text, const std::string& what) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) n += absl::StrContains(line, what);
  return n;
}

// A report from `host` listing `pools` healthy pools named PREFIX-0, PREFIX-1, …: new pools
// make the database grow, which a full disk refuses.
v1::ReportRequest Report(const std::string& host, const std::string& prefix, int pools) {
  v1::ReportRequest report;
  report.set_host_id(host);
  report.set_instance_id("inst-1");
  report.set_pools_valid(true);
  for (int i = 0; i < pools; ++i) {
    *report.add_pools() =
        MirrorPool(absl::StrCat(prefix, "-", i), "ONLINE",
                   {HealthyDisk("sda", absl::StrCat("SN-", prefix, "-", i, "-a")),
                    HealthyDisk("sdb", absl::StrCat("SN-", prefix, "-", i, "-b"))});
  }
  return report;
}

class DiskFullTest : public ::testing::Test {
 protected:
  grpc::Status Send(const v1::ReportRequest& report) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ReportResponse response;
    return stub_->Report(&context, report, &response);
  }
  std::string Metrics() { return HttpGet(metrics_port_, "/metrics"); }
  // The names of the pools the controller lists for `host`, through the real CLI.
  std::set<std::string> PoolsOf(const std::string& host) {
    RunResult r =
        RunProgram({BinaryPath("zfleet"), "--controller", address_, "--json", "pools"}, 30);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> names;
    nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    if (!doc.is_object()) return names;
    for (const nlohmann::json& p : doc["pools"]) {
      if (p["host"] == host) names.insert(p["pool"].get<std::string>());
    }
    return names;
  }

  TempDir dir_;
  std::string address_;
  int metrics_port_ = 0;
  std::unique_ptr<v1::AgentService::Stub> stub_;
};

TEST_F(DiskFullTest, RefusedWhileFullLoggedOnceAndRecoversWithNothingLost) {
  // Declared before the controller, so the controller stops before the unmount.
  TmpfsMount fs(dir_.File("dbfs"), "6m");
  if (!fs.mounted()) {
    if (std::getenv("CI") != nullptr) FAIL() << "cannot mount a tmpfs: " << fs.error();
    GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << fs.error();
  }
  const std::string db = dir_.File("dbfs/zfleet.db");
  const std::string log = dir_.File("controller.log");
  dir_.Write("controller.toml", "[agents]\nreport_interval = \"1s\"\n[scheduler]\ntick = \"1s\"\n");
  address_ = absl::StrCat("127.0.0.1:", FreeLoopbackPort());
  metrics_port_ = FreeLoopbackPort();
  auto controller = std::make_unique<ChildProcess>(
      std::vector<std::string>{BinaryPath("zfleet-controller"), "--listen", address_, "--db", db,
                               "--config", dir_.File("controller.toml"), "--metrics-listen",
                               absl::StrCat("127.0.0.1:", metrics_port_)},
      log);
  stub_ =
      v1::AgentService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(
      WaitFor([&] { return Send(Report("nas-before", "kept", 3)).ok(); }, absl::Seconds(20)))
      << ReadFile(log);

  // Fill the file system; the next reports that make the database grow are refused.
  const int64_t filled = FillWith(dir_.File("dbfs/filler"));
  ASSERT_GT(filled, 0) << "cannot write the filler file";
  std::vector<std::string> stored_batches;
  grpc::Status refused;
  const auto full_since = std::chrono::steady_clock::now();
  for (int i = 0; i < 200 && refused.ok(); ++i) {
    const std::string prefix = absl::StrCat("b", i);
    grpc::Status s = Send(Report("nas-full", prefix, 20));
    if (s.ok()) stored_batches.push_back(prefix);
    refused = s;
  }
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message() << "\n"
      << ReadFile(log);
  EXPECT_EQ(refused.error_message(), "controller database disk is full (" + db + ")");
  for (int i = 0; i < 10; ++i) {
    grpc::Status s = Send(Report("nas-full", absl::StrCat("again", i), 20));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }

  const std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("\nzfleet_store_disk_full 1\n")) << metrics;
  EXPECT_THAT(metrics, HasSubstr("zfleet_store_write_errors_total{reason=\"disk_full\"} "));
  EXPECT_THAT(metrics, Not(HasSubstr("zfleet_store_write_errors_total{reason=\"disk_full\"} 0\n")));

  // One line for eleven refused reports and the ticks meanwhile, and no line per report;
  // a line a minute more only if the machine took that long.
  const std::string while_full = ReadFile(log);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(
                           std::chrono::steady_clock::now() - full_since)
                           .count();
  EXPECT_EQ(CountLines(while_full, "controller database disk is full (" + db + ")"), 1)
      << while_full;
  EXPECT_LE(CountLines(while_full, "disk is still full"), minutes) << while_full;
  EXPECT_EQ(CountLines(while_full, "report from nas-full"), 0) << while_full;

  // Space returns: the next report is stored, and the controller says so by itself.
  ASSERT_EQ(unlink(dir_.File("dbfs/filler").c_str()), 0);
  ASSERT_TRUE(WaitFor([&] { return Send(Report("nas-after", "new", 2)).ok(); }, absl::Seconds(20)))
      << ReadFile(log);
  EXPECT_THAT(Metrics(), HasSubstr("\nzfleet_store_disk_full 0\n"));
  EXPECT_THAT(ReadFile(log), HasSubstr("controller database disk has space again"));

  // Committed before the disk filled, or accepted meanwhile: all there. Refused: nothing.
  EXPECT_EQ(PoolsOf("nas-before"), (std::set<std::string>{"kept-0", "kept-1", "kept-2"}));
  EXPECT_EQ(PoolsOf("nas-after"), (std::set<std::string>{"new-0", "new-1"}));
  std::set<std::string> expected_full;
  // A valid report lists all the host's pools: the last one stored is what the host has.
  if (!stored_batches.empty()) {
    for (int i = 0; i < 20; ++i) expected_full.insert(absl::StrCat(stored_batches.back(), "-", i));
  }
  EXPECT_EQ(PoolsOf("nas-full"), expected_full);
  controller->Stop(SIGTERM);
}

}  // namespace
}  // namespace zfleet::testing
