#include "controller/pki/pki_names.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zfleet::controller::pki {
namespace {

constexpr size_t kMaxNameLength = 253;

absl::Status ValidateName(absl::string_view what, absl::string_view name,
                          absl::string_view extra_chars) {
  const bool chars_ok = std::all_of(name.begin(), name.end(), [&](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           absl::StrContains(extra_chars, c);
  });
  if (name.empty() || name.size() > kMaxNameLength || !chars_ok || name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " '", name, "' is not 1-", kMaxNameLength, " letters, digits, '.', '-', '_'",
        extra_chars.empty() ? "" : absl::StrCat(", '", extra_chars, "'")));
  }
  return absl::OkStatus();
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

bool IsDnsName(absl::string_view name) {
  if (absl::StartsWith(name, "*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > kMaxNameLength || name.front() == '.' || name.front() == '-' ||
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

absl::Status ValidateHostId(absl::string_view host) { return ValidateName("host", host, ""); }

absl::Status ValidateUserName(absl::string_view user) {
  return ValidateName("user name", user, "@");
}

absl::Status ValidateUserRole(absl::string_view role) {
  if (role == "viewer" || role == "operator" || role == "admin") return absl::OkStatus();
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
