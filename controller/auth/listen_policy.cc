#include "controller/auth/listen_policy.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zfleet::controller {
namespace {

// The host part of "HOST:PORT" or "[V6]:PORT"; "" when there is none (":PORT").
std::string HostOf(absl::string_view listen) {
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    if (close == absl::string_view::npos) return std::string(listen);
    return std::string(listen.substr(1, close - 1));
  }
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos) return std::string(listen);
  return std::string(listen.substr(0, colon));
}

}  // namespace

bool IsLoopbackListen(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:")) return true;
  const std::string host = HostOf(listen);
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

absl::Status CheckPlaintextListen(absl::string_view listen, bool tls, bool insecure_plaintext) {
  if (tls || insecure_plaintext || IsLoopbackListen(listen)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "refusing to serve plaintext on ", listen,
      ", which is not a loopback address: give --tls-ca, --tls-cert and --tls-key "
      "(see `zfleet-controller pki init`), or --insecure-plaintext to accept anyone who can "
      "reach it"));
}

}  // namespace zfleet::controller
