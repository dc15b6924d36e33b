#include "controller/service/metrics_server.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/tls/openssl_util.h"
#include "controller/service/tls_reloader.h"

// Debian's libcpp-httplib is compiled with these; the header's types (httplib::Request has
// an SSL member) must match the library's.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::controller {
namespace {

constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";
// Scrapes are rare and quick; two threads keep a slow render from blocking the next one.
constexpr size_t kThreads = 2;

struct Address {
  std::string host;
  int port = 0;
};

constexpr char kLoopback[] = "127.0.0.1";

absl::StatusOr<Address> ParseAddress(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  // "PORT" alone is ":PORT".
  const size_t port_start = colon == std::string::npos ? 0 : colon + 1;
  const absl::string_view port_text = absl::string_view(listen).substr(port_start);
  int port = 0;
  if (port_text.empty() ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address '", listen, "' is not HOST:PORT"));
  }
  if (colon == std::string::npos || colon == 0) return Address{kLoopback, port};
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return Address{std::move(host), port};
}

}  // namespace

class MetricsServer::Impl {
 public:
  std::unique_ptr<TlsReloader> reloader;  // outlives `server`, whose SSL_CTX points to it
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                                    Render render,
                                                                    const tls::TlsFiles* tls) {
  absl::StatusOr<Address> address = ParseAddress(listen);
  if (!address.ok()) return address.status();
  auto impl = std::make_unique<Impl>();
  if (tls == nullptr) {
    impl->server = std::make_unique<httplib::Server>();
  } else {
    impl->reloader = std::make_unique<TlsReloader>(*tls);
    if (absl::Status loaded = impl->reloader->Load(); !loaded.ok()) return loaded;
    TlsReloader* reloader = impl->reloader.get();
    auto ssl_server = std::make_unique<httplib::SSLServer>(
        [reloader](SSL_CTX& ctx) { return ConfigureMutualTls(ctx, reloader); });
    if (!ssl_server->is_valid()) {
      return absl::InternalError(
          absl::StrCat("metrics: no TLS context: ", tls::TakeOpenSslErrors()));
    }
    impl->server = std::move(ssl_server);
  }
  httplib::Server& server = *impl->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(2);
  // httplib's default is SO_REUSEPORT, which lets a second controller bind the same port
  // and silently share the scrapes; SO_REUSEADDR only allows a quick restart.
  server.set_socket_options([](::socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.Get("/metrics",
             [render = std::move(render)](const httplib::Request&, httplib::Response& response) {
               absl::StatusOr<std::string> text = render();
               if (text.ok()) {
                 response.set_content(*std::move(text), kContentType);
               } else {
                 response.status = 500;
                 response.set_content(absl::StrCat(text.status().ToString(), "\n"), "text/plain");
               }
             });
  const int port = address->port == 0
                       ? server.bind_to_any_port(address->host)
                       : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (port < 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ", listen));
  }
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] {
    raw->server->listen_after_bind();
    raw->listen_returned = true;
  });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), port));
}

void MetricsServer::Stop() {
  absl::MutexLock lock(&impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  // httplib's stop() does nothing until the accept loop runs, and Stop() may come first:
  // wait for the loop (or for it to have failed) before stopping it.
  while (!impl_->server->is_running() && !impl_->listen_returned) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  impl_->server->stop();
  impl_->thread.join();
}

}  // namespace zfleet::controller
