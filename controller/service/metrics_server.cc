#include "controller/service/metrics_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/tls/openssl_util.h"

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

// The served certificate chain and key and the client CA store, re-read when a file
// changes. OpenSSL calls Apply (through its cert_cb) for each new connection, on the
// server's threads. Thread-safe.
class TlsReloader {
 public:
  explicit TlsReloader(tls::TlsFiles files) : files_(std::move(files)) {}

  // Loads the files for the first time. InvalidArgument naming the problem.
  absl::Status Load() {
    absl::MutexLock lock(&mu_);
    stamps_ = Stamps();
    absl::StatusOr<std::shared_ptr<const Material>> material = Read();
    if (!material.ok()) return material.status();
    current_ = *std::move(material);
    return absl::OkStatus();
  }

  // Installs the current material on `ssl`; re-reads it first when the files changed.
  bool Apply(SSL* ssl) {
    std::shared_ptr<const Material> material = Current();
    if (material == nullptr) return false;
    return SSL_use_certificate(ssl, material->cert.get()) == 1 &&
           SSL_use_PrivateKey(ssl, material->key.get()) == 1 &&
           SSL_set1_chain(ssl, material->chain.get()) == 1 &&
           SSL_set1_verify_cert_store(ssl, material->store.get()) == 1;
  }

  static int CertCallback(SSL* ssl, void* self) {
    if (static_cast<TlsReloader*>(self)->Apply(ssl)) return 1;
    spdlog::warn("metrics: cannot set the TLS certificate: {}", tls::TakeOpenSslErrors());
    return 0;
  }

 private:
  struct Material {
    tls::X509Ptr cert;
    tls::X509StackPtr chain;  // intermediates after the leaf
    tls::EvpPkeyPtr key;
    tls::X509StorePtr store;  // the client CAs
  };
  // What tells a file changed: rename (inode), rewrite (mtime, size).
  struct Stamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };

  std::array<Stamp, 3> Stamps() const {
    std::array<Stamp, 3> stamps;
    const std::string* paths[] = {&files_.ca, &files_.cert, &files_.key};
    for (int i = 0; i < 3; ++i) {
      struct stat st {};
      if (stat(paths[i]->c_str(), &st) != 0) continue;
      stamps[i] = {st.st_dev, st.st_ino, st.st_size,
                   int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
    }
    return stamps;
  }

  std::shared_ptr<const Material> Current() {
    absl::MutexLock lock(&mu_);
    std::array<Stamp, 3> stamps = Stamps();
    if (stamps != stamps_) {
      // A failed read is not retried until the files change again (no warning per scrape).
      stamps_ = stamps;
      absl::StatusOr<std::shared_ptr<const Material>> material = Read();
      if (material.ok()) {
        current_ = *std::move(material);
        spdlog::info("metrics: reloaded TLS files {}, {}, {}", files_.ca, files_.cert, files_.key);
      } else {
        spdlog::warn("metrics: keeping the previous TLS files: {}", material.status().message());
      }
    }
    return current_;
  }

  static absl::StatusOr<std::string> ReadText(const std::string& flag, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!(in && text << in.rdbuf())) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": cannot read"));
    }
    return text.str();
  }

  absl::StatusOr<std::shared_ptr<const Material>> Read() const {
    absl::StatusOr<std::string> ca = ReadText("--tls-ca", files_.ca);
    absl::StatusOr<std::string> cert = ReadText("--tls-cert", files_.cert);
    absl::StatusOr<std::string> key = ReadText("--tls-key", files_.key);
    if (!ca.ok()) return ca.status();
    if (!cert.ok()) return cert.status();
    if (!key.ok()) return key.status();
    auto material = std::make_shared<Material>();
    std::vector<tls::X509Ptr> chain = tls::ReadPemCertificates(*cert);
    std::vector<tls::X509Ptr> cas = tls::ReadPemCertificates(*ca);
    material->key = tls::ReadPemPrivateKey(*key);
    material->store.reset(X509_STORE_new());
    material->chain.reset(sk_X509_new_null());
    if (chain.empty() || cas.empty() || material->key == nullptr || material->store == nullptr ||
        material->chain == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("TLS files ", files_.ca, ", ", files_.cert,
                                                     ", ", files_.key, " are not all PEM"));
    }
    if (X509_check_private_key(chain.front().get(), material->key.get()) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("--tls-key ", files_.key, " does not match --tls-cert ", files_.cert));
    }
    for (const tls::X509Ptr& c : cas) X509_STORE_add_cert(material->store.get(), c.get());
    for (size_t i = 1; i < chain.size(); ++i)
      sk_X509_push(material->chain.get(), chain[i].release());
    material->cert = std::move(chain.front());
    return std::shared_ptr<const Material>(std::move(material));
  }

  const tls::TlsFiles files_;
  absl::Mutex mu_;
  std::array<Stamp, 3> stamps_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Material> current_ ABSL_GUARDED_BY(mu_);
};

// Mutual TLS: TLS 1.2+, a client certificate of the CA required, no session resumption (a
// resumed session would skip the check against a rotated CA).
bool SetUpSslContext(SSL_CTX& ctx, TlsReloader* reloader) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_cb(&ctx, &TlsReloader::CertCallback, reloader);
  return true;
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
        [reloader](SSL_CTX& ctx) { return SetUpSslContext(ctx, reloader); });
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
