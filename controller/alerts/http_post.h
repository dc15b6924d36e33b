// POSTs a JSON body to an HTTP(S) server (Alertmanager, a webhook), with a timeout, optional
// basic or bearer auth and, for https, a CA to verify the server and an optional client
// certificate. Debian's cpp-httplib (built with OpenSSL) underneath.
#ifndef ZFLEET_CONTROLLER_ALERTS_HTTP_POST_H_
#define ZFLEET_CONTROLLER_ALERTS_HTTP_POST_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http_url.h"
#include "common/tls_paths.h"
#include "controller/config/controller_config.h"

namespace zfleet::controller {

struct HttpEndpoint {
  std::string receiver = "alertmanager";  // what it is, for messages
  std::string url;                        // as configured, for messages
  HttpUrl parsed;   // ParseHttpUrl(url)
  // Each of connect, send and receive may take this long.
  absl::Duration timeout = absl::Seconds(10);
  // Basic auth when `user` is set.
  std::string user;
  std::string password;
  // "Authorization: Bearer TOKEN" when set (not with `user`).
  std::string bearer_token;
  // https only: ca = PEM bundle that verifies the server (empty: the system's trust store);
  // cert and key = client certificate for mutual TLS (both or neither).
  TlsPaths tls;
};

// Checks `url` (ParseHttpUrl) and fills an endpoint with the defaults. InvalidArgument
// naming the URL when it is bad.
absl::StatusOr<HttpEndpoint> MakeHttpEndpoint(absl::string_view url);
// MakeHttpEndpoint with a configured client's timeout, auth and (https only) TLS files.
absl::StatusOr<HttpEndpoint> MakeHttpEndpoint(absl::string_view receiver, absl::string_view url,
                                              const HttpClientConfig& client);

// POSTs `json` (Content-Type: application/json) to the endpoint's URL path + `path`. OK on a
// 2xx answer. Otherwise one line starting "RECEIVER URL: ": "connection refused",
// "connection timed out after 10s", "cannot resolve HOST", a TLS failure, or "HTTP 401: "
// and the first 200 characters of the answer's body. InvalidArgument when the server refused
// this body for what it is (HTTP 400, 413, 415, 422: sending it again cannot help);
// Unavailable for everything else (worth retrying: the server may come back, or be fixed). Blocks
// for up to about 3 × timeout. Thread-safe (each call has its own connection). A SIGPIPE from a
// connection the server closed is blocked on the calling thread for the call and absorbed.
absl::Status HttpPostJson(const HttpEndpoint& endpoint, absl::string_view path,
                          const std::string& json);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_HTTP_POST_H_
