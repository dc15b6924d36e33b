#include "tests/testing/zfs_fuse.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {
namespace {

std::string Which(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
    std::string p = absl::StrCat(dir, "/", name);
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::vector<char> RandomBytes(size_t n) {
  std::mt19937_64 rng(std::random_device{}());
  std::vector<char> bytes(n);
  for (auto& b : bytes) b = static_cast<char>(rng());
  return bytes;
}

}  // namespace

bool RealZfsRequired() { return std::getenv("CI") != nullptr; }

absl::StatusOr<std::unique_ptr<ZfsFuse>> ZfsFuse::Acquire() {
  if (geteuid() != 0) return absl::FailedPreconditionError("real ZFS needs root");
  std::unique_ptr<ZfsFuse> zfs(new ZfsFuse());
  zfs->zpool_ = Which("zpool");
  if (zfs->zpool_.empty()) return absl::FailedPreconditionError("zpool is not installed");
  if (RunProgram({zfs->zpool_, "list", "-H"}, 30).exit_code == 0) return zfs;  // ZFS already runs

  const std::string daemon = Which("zfs-fuse");
  if (daemon.empty()) return absl::FailedPreconditionError("zfs-fuse is not installed");
  if (access("/dev/fuse", R_OK | W_OK) != 0) {
    return absl::FailedPreconditionError("/dev/fuse is missing: zfs-fuse cannot run");
  }
  // Our own pidfile: zfs-fuse refuses to start when its pidfile names a live process, and a
  // stale one from an earlier run may name a pid that was reused since.
  const std::string pidfile = absl::StrCat("/run/zfleet-test-zfs-fuse-", getpid(), ".pid");
  unlink(pidfile.c_str());
  // A daemon stopped by an earlier test may take a few seconds to exit and release its
  // socket; until then a new one refuses to start. Bounded: 20 attempts, ~30 s.
  std::string last_error;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (RunProgram({zfs->zpool_, "list", "-H"}, 10).exit_code == 0) return zfs;
    RunResult started = RunProgram({daemon, "--pidfile", pidfile, "--no-kstat-mount"}, 30);
    if (started.exit_code == 0) {
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(pidfile)), &zfs->started_pid_)) {
        zfs->started_pid_ = 0;
      }
      for (int i = 0; i < 100; ++i) {
        if (RunProgram({zfs->zpool_, "list", "-H"}, 10).exit_code == 0) return zfs;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      break;
    }
    last_error = absl::StrCat("exit ", started.exit_code, " ", started.err);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  if (zfs->started_pid_ == 0) {
    return absl::FailedPreconditionError(absl::StrCat("zfs-fuse did not start: ", last_error));
  }
  return absl::FailedPreconditionError("zfs-fuse started but zpool cannot reach it");
}

ZfsFuse::~ZfsFuse() {
  if (started_pid_ <= 0) return;
  kill(started_pid_, SIGTERM);
  for (int i = 0; i < 300 && kill(started_pid_, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (kill(started_pid_, 0) == 0) kill(started_pid_, SIGKILL);
  unlink(absl::StrCat("/run/zfleet-test-zfs-fuse-", getpid(), ".pid").c_str());
}

absl::Status ZfsFuse::Zpool(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {zpool_};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunProgram(argv, 120);
  // zfs-fuse may still hold a file system written or scrubbed a moment ago ("pool is busy",
  // under load): an export or destroy that gave up at once left the pool behind, FAULTED in
  // the next run's list. A few tries, a second apart.
  for (int retry = 0; retry < 10 && r.exit_code != 0 && absl::StrContains(r.err, "busy"); ++retry) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    r = RunProgram(argv, 120);
  }
  if (r.exit_code != 0) {
    return absl::InternalError(absl::StrCat("zpool ", absl::StrJoin(args, " "), ": ", r.err));
  }
  return absl::OkStatus();
}

absl::Status WriteRandomFiles(const std::string& dir, int count, size_t size) {
  for (int i = 0; i < count; ++i) {
    std::ofstream out(absl::StrCat(dir, "/f", i), std::ios::binary);
    std::vector<char> bytes = RandomBytes(size);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", dir, "/f", i));
  }
  return absl::OkStatus();
}

absl::Status CorruptFile(const std::string& path, size_t offset, size_t length) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  if (!f) return absl::InternalError(absl::StrCat("cannot open ", path));
  f.seekp(static_cast<std::streamoff>(offset));
  std::vector<char> bytes = RandomBytes(length);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) return absl::InternalError(absl::StrCat("cannot corrupt ", path));
  return absl::OkStatus();
}

}  // namespace zfleet::testing
