#include "controller/pki/pki_names.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/auth/access.h"
#include "model/host_id.h"

namespace zfleet::controller::pki {
namespace {

// The refusal of a host or user name: what it may hold.
absl::Status NameError(absl::string_view what, absl::string_view name,
                       absl::string_view extra_chars) {
  return absl::InvalidArgumentError(absl::StrCat(
      what, " '", name, "' is not 1-", kMaxHostIdLength, " letters, digits, '.', '-', '_'",
      extra_chars.empty() ? "" : absl::StrCat(", '", extra_chars, "'")));
}

// The canonical text of an IPv4 or IPv6 address, or "" when `name` is neither.
std::string CanonicalIp(const std::string& name) {
  unsigned char addr[16];
  char text[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, name.c_str(), addr) == 1 &&
        inet_ntop(family, addr, text, sizeof(text)) != nullptr) {
      return text;
    }
  }
  return "";
}

constexpr size_t kMaxDnsNameLength = 253;

bool IsDnsName(absl::string_view name) {
  if (absl::StartsWith(name, "*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > kMaxDnsNameLength || name.front() == '.' || name.front() == '-' ||
      name.back() == '.' || absl::StrContains(name, "..")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
}

void AddOnce(std::vector<std::string>* list, std::string value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) {
    list->push_back(std::move(value));
  }
}

}  // namespace

absl::StatusOr<KeyType> ParseKeyType(absl::string_view name) {
  if (name == "ec") return KeyType::kEcP256;
  if (name == "ed25519") return KeyType::kEd25519;
  return absl::InvalidArgumentError(
      absl::StrCat("key type '", name, "' is not one of ec, ed25519"));
}

// A host id the controller accepts, that is also a file name of its own.
absl::Status ValidateHostId(absl::string_view host) {
  if (!IsValidHostId(host) || host == "." || host == "..") return NameError("host", host, "");
  return absl::OkStatus();
}

// A host id's characters, plus '@' (checked as a host id with '@' made '_').
absl::Status ValidateUserName(absl::string_view user) {
  std::string as_host(user);
  std::replace(as_host.begin(), as_host.end(), '@', '_');
  if (!IsValidHostId(as_host) || user == "." || user == "..") {
    return NameError("user name", user, "@");
  }
  return absl::OkStatus();
}

absl::Status ValidateUserRole(absl::string_view role) {
  switch (RoleFromName(role)) {
    case Role::kViewer:
    case Role::kOperator:
    case Role::kAdmin:
      return absl::OkStatus();
    case Role::kAgent:  // an agent's certificate is issued with --agent
    case Role::kNone:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("role '", role, "' is not one of viewer, operator, admin"));
}

absl::StatusOr<SubjectAltNames> ControllerAltNames(const std::vector<std::string>& names) {
  SubjectAltNames sans;
  for (const std::string& name : names) {
    if (std::string ip = CanonicalIp(name); !ip.empty()) {
      AddOnce(&sans.ips, std::move(ip));
    } else if (IsDnsName(name)) {
      AddOnce(&sans.dns, absl::AsciiStrToLower(name));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--name '", name, "' is neither an IP address nor a DNS name"));
    }
  }
  AddOnce(&sans.dns, "localhost");
  AddOnce(&sans.ips, "127.0.0.1");
  AddOnce(&sans.ips, "::1");
  return sans;
}

}  // namespace zfleet::controller::pki
