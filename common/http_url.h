// An HTTP(S) base URL as configured for a server zfleet posts to ("http://host:port/prefix"):
// checked once when the config is read, so a bad one is refused before anything runs.
#ifndef ZFLEET_COMMON_HTTP_URL_H_
#define ZFLEET_COMMON_HTTP_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet {

struct HttpUrl {
  bool https = false;
  std::string host;  // a name or an address; IPv6 without its brackets
  int port = 0;      // 80 or 443 when the URL names none
  std::string path;  // "" or "/prefix" without a trailing '/'

  // "http://host:port", IPv6 in brackets: what an HTTP client connects to.
  std::string SchemeHostPort() const;
};

// Parses "http://HOST[:PORT][/PATH]" or "https://…". Returns InvalidArgument naming the URL
// for: no scheme, a scheme other than http and https, no host, a port that is not 1-65535,
// user info ("user:pass@", which would leak into logs: use the basic auth settings), a query
// or a fragment.
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_HTTP_URL_H_
