#include "controller/alerts/http_post.h"

#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/clock.h"
#include "common/duration.h"

// Debian's libcpp-httplib is compiled with these; the header's types must match the
// library's (see controller/service/metrics_server.cc).
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::controller {
namespace {

constexpr size_t kBodyShown = 200;

std::chrono::microseconds Micros(absl::Duration d) {
  return std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

bool Resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return false;
  freeaddrinfo(found);
  return true;
}

// httplib says only "Connection" for a refused connection, a timeout and an unknown host;
// how long the attempt took and a lookup of the host (on this failure path only) tell them
// apart.
std::string ConnectionFailure(const HttpEndpoint& endpoint, absl::Duration took) {
  if (took >= endpoint.timeout - absl::Milliseconds(100)) {
    return absl::StrCat("connection timed out after ", FormatHumanDuration(endpoint.timeout));
  }
  if (!Resolves(endpoint.parsed.host)) {
    return absl::StrCat("cannot resolve host ", endpoint.parsed.host);
  }
  return "connection refused";
}

std::string Describe(const HttpEndpoint& endpoint, httplib::Error error, absl::Duration took) {
  switch (error) {
    case httplib::Error::Connection:
      return ConnectionFailure(endpoint, took);
    case httplib::Error::ConnectionTimeout:
      return absl::StrCat("connection timed out after ", FormatHumanDuration(endpoint.timeout));
    case httplib::Error::Read:
      return "no answer (read failed or timed out)";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return absl::StrCat("cannot load the CA file ", endpoint.tls.ca);
    case httplib::Error::SSLServerVerification:
      return "the server's certificate does not verify against the CA";
    default:
      return absl::StrCat("request failed (", httplib::to_string(error), ")");
  }
}

// Bad request, too large, unsupported media type, unprocessable: about the body itself.
// Others (401, 404, 429, 5xx…) are about the server or its configuration, which changes.
bool RefusesTheBody(int status) {
  return status == 400 || status == 413 || status == 415 || status == 422;
}

std::string OneLine(absl::string_view body) {
  body = absl::StripAsciiWhitespace(body);
  std::string shown(body.substr(0, kBodyShown));
  shown = absl::StrReplaceAll(shown, {{"\r", " "}, {"\n", " "}});
  if (body.size() > kBodyShown) absl::StrAppend(&shown, "…");
  return shown;
}

// OpenSSL writes to the socket with write(2): a peer that closed the connection (an https
// server refusing our client certificate) raises SIGPIPE, which would end the controller.
// Blocked on this thread for the call, and a SIGPIPE it raised is taken before unblocking;
// the process's signal handling is not touched.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    was_pending_ = Pending();
  }
  ~SigpipeBlocked() {
    if (!was_pending_ && Pending()) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  static bool Pending() {
    sigset_t pending;
    sigemptyset(&pending);
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

}  // namespace

absl::StatusOr<HttpEndpoint> MakeHttpEndpoint(absl::string_view url) {
  absl::StatusOr<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  HttpEndpoint endpoint;
  endpoint.url = std::string(url);
  endpoint.parsed = *std::move(parsed);
  return endpoint;
}

absl::StatusOr<HttpEndpoint> MakeHttpEndpoint(absl::string_view receiver, absl::string_view url,
                                              const HttpClientConfig& client) {
  absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint(url);
  if (!endpoint.ok()) return endpoint.status();
  endpoint->receiver = std::string(receiver);
  endpoint->timeout = client.timeout;
  endpoint->user = client.basic_auth_user;
  endpoint->password = client.basic_auth_password;
  endpoint->bearer_token = client.bearer_token;
  if (endpoint->parsed.https) endpoint->tls = client.tls;
  return endpoint;
}

absl::Status HttpPostJson(const HttpEndpoint& endpoint, absl::string_view path,
                          const std::string& json) {
  const std::string prefix = absl::StrCat(endpoint.receiver, " ", endpoint.url, ": ");
  const HttpUrl& url = endpoint.parsed;
  std::unique_ptr<httplib::Client> client;
  if (url.https && !endpoint.tls.cert.empty()) {
    client = std::make_unique<httplib::Client>(url.SchemeHostPort(), endpoint.tls.cert,
                                               endpoint.tls.key);
  } else {
    client = std::make_unique<httplib::Client>(url.SchemeHostPort());
  }
  if (!client->is_valid()) {
    return absl::UnavailableError(absl::StrCat(prefix, "cannot load the client certificate ",
                                               endpoint.tls.cert, " and key ", endpoint.tls.key));
  }
  if (url.https) {
    client->enable_server_certificate_verification(true);
    if (!endpoint.tls.ca.empty()) client->set_ca_cert_path(endpoint.tls.ca);
  }
  client->set_connection_timeout(Micros(endpoint.timeout));
  client->set_read_timeout(Micros(endpoint.timeout));
  client->set_write_timeout(Micros(endpoint.timeout));
  if (!endpoint.user.empty()) client->set_basic_auth(endpoint.user, endpoint.password);
  if (!endpoint.bearer_token.empty()) client->set_bearer_token_auth(endpoint.bearer_token);

  SigpipeBlocked no_sigpipe;
  const absl::Time start = MonotonicClock::Get().Now();
  httplib::Result result = client->Post(absl::StrCat(url.path, path), json, "application/json");
  if (!result) {
    return absl::UnavailableError(absl::StrCat(
        prefix, Describe(endpoint, result.error(), MonotonicClock::Get().Now() - start)));
  }
  if (result->status >= 200 && result->status < 300) return absl::OkStatus();
  std::string message = absl::StrCat(prefix, "HTTP ", result->status, ": ", OneLine(result->body));
  if (RefusesTheBody(result->status)) return absl::InvalidArgumentError(std::move(message));
  return absl::UnavailableError(std::move(message));
}

}  // namespace zfleet::controller
