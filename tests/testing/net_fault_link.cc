#include "tests/testing/net_fault_link.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/testing/child_process.h"

namespace zfleet::testing {
namespace {

constexpr const char* kPrefix = "zfleet-nf-";
constexpr const char* kTable = "zfleet_netfault";
constexpr int kCommandTimeoutSeconds = 20;

bool OnPath(const std::string& tool) {
  return RunProgram({"sh", "-c", "command -v \"$0\"", tool}, kCommandTimeoutSeconds).exit_code == 0;
}

std::vector<std::string> NamespacePids(const std::string& ns) {
  RunResult r = RunProgram({"ip", "netns", "pids", ns}, kCommandTimeoutSeconds);
  return absl::StrSplit(r.out, '\n', absl::SkipWhitespace());
}

// Namespaces of ours whose test process is gone (a crash, a killed ctest run).
void RemoveLeftovers() {
  RunResult r = RunProgram({"ip", "netns", "list"}, kCommandTimeoutSeconds);
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipWhitespace())) {
    const std::string ns(line.substr(0, line.find(' ')));
    absl::string_view rest = ns;
    if (!absl::ConsumePrefix(&rest, kPrefix)) continue;
    int pid = 0;
    if (!absl::SimpleAtoi(rest.substr(0, rest.find('-')), &pid)) continue;
    if (pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH)) DeleteNamespace(ns);
  }
}

}  // namespace

void DeleteNamespace(const std::string& ns) {
  for (int i = 0; i < 50; ++i) {  // up to 5 s for what runs there to die
    std::vector<std::string> pids = NamespacePids(ns);
    if (pids.empty()) break;
    for (const std::string& p : pids) {
      int pid = 0;
      if (absl::SimpleAtoi(p, &pid) && pid > 1) kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  RunProgram({"ip", "netns", "del", ns}, kCommandTimeoutSeconds);
}

std::string NetFaultLink::Run(const std::vector<std::string>& argv) {
  RunResult r = RunProgram(argv, kCommandTimeoutSeconds);
  if (r.exit_code == 0) return "";
  return absl::StrCat(absl::StrJoin(argv, " "), ": ",
                      r.exit_code < 0 ? "did not finish" : absl::StripAsciiWhitespace(r.err));
}

std::unique_ptr<NetFaultLink> NetFaultLink::Create(std::string* error) {
  for (const char* tool : {"ip", "nft", "tc"}) {
    if (!OnPath(tool)) {
      *error = absl::StrCat(tool, " not found (Debian packages iproute2 and nftables)");
      return nullptr;
    }
  }
  if (geteuid() != 0) {
    *error = "making network namespaces needs root";
    return nullptr;
  }
  RemoveLeftovers();
  std::unique_ptr<NetFaultLink> link(new NetFaultLink(absl::StrCat(kPrefix, getpid())));
  const std::string c = link->ControllerNs();
  const std::string a = link->AgentNs();
  std::vector<std::vector<std::string>> steps = {
      {"ip", "netns", "add", c},
      {"ip", "netns", "add", a},
      {"ip", "link", "add", "veth-c", "netns", c, "type", "veth", "peer", "name", "veth-a", "netns",
       a},
      {"ip", "-n", c, "addr", "add", absl::StrCat(kControllerAddress, "/30"), "dev", "veth-c"},
      {"ip", "-n", a, "addr", "add", absl::StrCat(kAgentAddress, "/30"), "dev", "veth-a"},
  };
  for (const auto& [ns, dev] : {std::pair{c, "veth-c"}, std::pair{a, "veth-a"}}) {
    steps.push_back({"ip", "-n", ns, "link", "set", "lo", "up"});
    steps.push_back({"ip", "-n", ns, "link", "set", dev, "up"});
    // Packets that arrive over the link pass the outage chain, then the loss chain: each
    // direction is dropped on arrival, as a lossy wire would.
    const std::vector<std::string> nft = {"ip", "netns", "exec", ns, "nft"};
    auto with = [&](std::vector<std::string> args) {
      std::vector<std::string> argv = nft;
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    };
    steps.push_back(with({"add", "table", "inet", kTable}));
    steps.push_back(with({"add", "chain", "inet", kTable, "outage"}));
    steps.push_back(with({"add", "chain", "inet", kTable, "loss"}));
    steps.push_back(with({"add", "chain", "inet", kTable, "in", "{", "type", "filter", "hook",
                          "input", "priority", "0", ";", "policy", "accept", ";", "}"}));
    steps.push_back(with({"add", "rule", "inet", kTable, "in", "iifname", dev, "jump", "outage"}));
    steps.push_back(with({"add", "rule", "inet", kTable, "in", "iifname", dev, "jump", "loss"}));
  }
  for (const auto& step : steps) {
    *error = Run(step);
    if (!error->empty()) return nullptr;  // the destructor removes what was made
  }
  return link;
}

NetFaultLink::~NetFaultLink() {
  DeleteNamespace(ControllerNs());
  DeleteNamespace(AgentNs());
}

std::vector<std::string> NetFaultLink::InController(const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {"ip", "netns", "exec", ControllerNs()};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::vector<std::string> NetFaultLink::InAgent(const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {"ip", "netns", "exec", AgentNs()};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

ProcessFleet::Placement NetFaultLink::Placement(int port) const {
  ProcessFleet::Placement place;
  place.controller_prefix = InController({});
  place.listen = absl::StrCat("0.0.0.0:", port);
  place.controller_flags = {"--insecure-plaintext"};
  place.agent_prefix = InAgent({});
  place.agent_target = absl::StrCat(kControllerAddress, ":", port);
  place.cli_prefix = InController({});
  place.cli_target = absl::StrCat("127.0.0.1:", port);
  return place;
}

std::string NetFaultLink::Nft(const std::vector<std::string>& args) const {
  for (const std::string& ns : {ControllerNs(), AgentNs()}) {
    std::vector<std::string> argv = {"ip", "netns", "exec", ns, "nft"};
    argv.insert(argv.end(), args.begin(), args.end());
    if (std::string error = Run(argv); !error.empty()) return error;
  }
  return "";
}

std::string NetFaultLink::SetLoss(int percent) {
  if (std::string error = Nft({"flush", "chain", "inet", kTable, "loss"}); !error.empty()) {
    return error;
  }
  if (percent <= 0) return "";
  return Nft({"add", "rule", "inet", kTable, "loss", "numgen", "random", "mod", "100", "<",
              std::to_string(percent), "drop"});
}

std::string NetFaultLink::SetOutage(bool on) {
  if (std::string error = Nft({"flush", "chain", "inet", kTable, "outage"}); !error.empty()) {
    return error;
  }
  return on ? Nft({"add", "rule", "inet", kTable, "outage", "drop"}) : "";
}

std::string NetFaultLink::Throttle(const std::string& rate, const std::string& burst,
                                   const std::string& latency) {
  for (const auto& [ns, dev] :
       {std::pair{ControllerNs(), "veth-c"}, std::pair{AgentNs(), "veth-a"}}) {
    std::string error = Run({"ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev,
                             "root", "tbf", "rate", rate, "burst", burst, "latency", latency});
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace zfleet::testing
