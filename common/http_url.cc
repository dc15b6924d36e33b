#include "common/http_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace zfleet {
namespace {

absl::Status Bad(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("URL \"", url, "\": ", why));
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

std::string HttpUrl::SchemeHostPort() const {
  const bool v6 = host.find(':') != std::string::npos;
  return absl::StrCat(https ? "https://" : "http://", v6 ? "[" : "", host, v6 ? "]" : "", ":",
                      port);
}

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  HttpUrl out;
  absl::string_view rest = url;
  const size_t scheme_end = rest.find("://");
  if (scheme_end == absl::string_view::npos) {
    return Bad(url, "no scheme (want http://HOST:PORT or https://HOST:PORT)");
  }
  const std::string scheme = absl::AsciiStrToLower(rest.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return Bad(url, absl::StrCat("scheme \"", scheme, "\" is not http or https"));
  }
  out.https = scheme == "https";
  rest.remove_prefix(scheme_end + 3);
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return Bad(url, "a query or fragment is not allowed");
  }
  const size_t path_start = rest.find('/');
  absl::string_view authority = rest.substr(0, path_start);
  absl::string_view path =
      path_start == absl::string_view::npos ? absl::string_view() : rest.substr(path_start);
  if (absl::StrContains(authority, '@')) {
    return Bad(url, "user info in the URL is not allowed (use the basic auth settings)");
  }
  absl::string_view port_text;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return Bad(url, "unclosed '[' in the host");
    out.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) return Bad(url, "bad host");
    port_text = after;
    if (port_text.empty() && authority.size() > close + 1) return Bad(url, "empty port");
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Bad(url, "empty port");
    }
  }
  if (out.host.empty()) return Bad(url, "no host");
  out.port = out.https ? 443 : 80;
  if (!port_text.empty() && (!AllDigits(port_text) || !absl::SimpleAtoi(port_text, &out.port) ||
                             out.port < 1 || out.port > 65535)) {
    return Bad(url, absl::StrCat("port \"", port_text, "\" is not 1-65535"));
  }
  while (absl::ConsumeSuffix(&path, "/")) {
  }
  out.path = std::string(path);
  return out;
}

}  // namespace zfleet
