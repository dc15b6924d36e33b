#include "tests/testing/fleet_fixture.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace zfleet::testing {

std::string BinaryPath(const std::string& name) {
  const std::string folder = name == "zfleet" ? "cli" : name == "zfleet-agent" ? "agent" : "controller";
  return std::string(ZFLEET_BIN_DIR) + "/" + folder + "/" + name;
}

namespace {

// A TCP socket connected to 127.0.0.1:`port` (receives time out after 5 s), or -1.
int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool AcceptsConnections(int port) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  close(fd);
  return true;
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  std::string response;
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    char buffer[8192];
    for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
      response.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout, absl::Duration every) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(absl::ToInt64Milliseconds(every)));
  }
  return done();
}

std::string EveryClassScrubbedEvery(absl::Duration interval) {
  std::string toml;
  for (const char* cls : {"sata", "scsi", "usb", "unknown", "sas", "fc", "nvme", "virtual"}) {
    absl::StrAppend(&toml, "[classes.", cls, "]\ninterval = \"", absl::ToInt64Seconds(interval),
                    "s\"\n");
  }
  return toml;
}

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

namespace {

// Runs `zfleet-controller pki ARGS…`; false (and a test failure) when it fails.
bool RunPki(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinaryPath("zfleet-controller"), "pki"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunProgram(argv, 60);
  EXPECT_EQ(r.exit_code, 0) << "zfleet-controller pki failed: " << r.err;
  return r.exit_code == 0;
}

}  // namespace

bool ProcessFleet::EnableMutualTls() {
  mutual_tls_ = RunPki({"init", "--dir", PkiDir()}) && IssueUser("oncall", "admin");
  return mutual_tls_;
}

bool ProcessFleet::IssueUser(const std::string& name, const std::string& role) const {
  return RunPki({"issue", "--dir", PkiDir(), "--user", name, "--role", role});
}

bool ProcessFleet::IssueAgent(const std::string& host_id) const {
  return RunPki({"issue", "--dir", PkiDir(), "--agent", host_id});
}

std::vector<std::string> ProcessFleet::TlsFlags(const std::string& stem) const {
  if (!mutual_tls_) return {};
  return {"--tls-ca", PkiDir() + "/ca.crt", "--tls-cert", PkiDir() + "/" + stem + ".crt",
          "--tls-key", PkiDir() + "/" + stem + ".key"};
}

void ProcessFleet::Resolve() {
  if (!address_.empty()) return;
  address_ = placement_.cli_target.empty() ? "127.0.0.1:" + std::to_string(FreeLoopbackPort())
                                           : placement_.cli_target;
  if (placement_.listen.empty()) placement_.listen = address_;
  if (placement_.agent_target.empty()) placement_.agent_target = address_;
}

void ProcessFleet::StartController(const std::string& extra_toml,
                                   const std::string& agents_toml) {
  Resolve();
  dir_->Write("controller.toml", "[agents]\nreport_interval = \"1s\"\nmissing_after = 3\n" +
                                     agents_toml + "[scheduler]\ntick = \"1s\"\n" + extra_toml);
  std::vector<std::string> argv = placement_.controller_prefix;
  for (const std::string& arg : {BinaryPath("zfleet-controller"), std::string("--listen"),
                                 placement_.listen, std::string("--db"), dir_->File("zfleet.db"),
                                 std::string("--config"), dir_->File("controller.toml")}) {
    argv.push_back(arg);
  }
  for (const std::string& flag : placement_.controller_flags) argv.push_back(flag);
  for (const std::string& flag : TlsFlags("controller")) argv.push_back(flag);
  controller_ = std::make_unique<ChildProcess>(argv, dir_->File("controller.log"));
}

void ProcessFleet::StartAgent(const std::string& host_id, const std::string& zpool,
                              const std::string& agent_toml, const std::string& cert_host) {
  Resolve();
  dir_->Write("agent.toml", agent_toml);
  const std::string cert = cert_host.empty() ? host_id : cert_host;
  if (mutual_tls_ && !std::filesystem::exists(PkiDir() + "/agents/" + cert + ".crt")) {
    IssueAgent(cert);
  }
  std::vector<std::string> argv = placement_.agent_prefix;
  for (const std::string& arg :
       {BinaryPath("zfleet-agent"), std::string("--controller"), placement_.agent_target,
        std::string("--host-id"), host_id, std::string("--zpool"), zpool, std::string("--config"),
        dir_->File("agent.toml"), std::string("--state-dir"), AgentStateDir()}) {
    argv.push_back(arg);
  }
  for (const std::string& flag : TlsFlags("agents/" + cert)) argv.push_back(flag);
  agent_ = std::make_unique<ChildProcess>(argv, dir_->File("agent.log"));
}

std::pair<int, absl::Duration> ProcessFleet::StopAgentTimed(int signal) {
  if (agent_ == nullptr) return {-1, absl::ZeroDuration()};
  const absl::Time start = absl::Now();
  const int status = agent_->Stop(signal);
  const absl::Duration took = absl::Now() - start;
  agent_.reset();
  return {status, took};
}

RunResult ProcessFleet::Cli(const std::vector<std::string>& args, int timeout_s) const {
  return CliAs("oncall", args, timeout_s);
}

RunResult ProcessFleet::CliAs(const std::string& user, const std::vector<std::string>& args,
                              int timeout_s) const {
  std::vector<std::string> argv = placement_.cli_prefix;
  argv.push_back(BinaryPath("zfleet"));
  argv.push_back("--controller");
  argv.push_back(address_);
  for (const std::string& flag : TlsFlags("users/" + user)) argv.push_back(flag);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, timeout_s);
}

nlohmann::json ProcessFleet::CliJson(const std::vector<std::string>& args) const {
  std::vector<std::string> with_json = {"--json"};
  with_json.insert(with_json.end(), args.begin(), args.end());
  RunResult r = Cli(with_json);
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json ProcessFleet::WaitForJson(const std::vector<std::string>& args,
                                         const std::function<bool(const nlohmann::json&)>& done,
                                         int timeout_s) const {
  nlohmann::json last;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    last = CliJson(args);
    if (!last.is_null() && !last.is_discarded() && done(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last;
}

std::string ProcessFleet::Logs() const {
  return "--- controller.log\n" + ReadFile(dir_->File("controller.log")) + "--- agent.log\n" +
         ReadFile(dir_->File("agent.log"));
}

}  // namespace zfleet::testing
