// /metrics over mutual TLS with rotating files: the served certificate chain and key and the
// client CA store, re-read when a file changes, installed on each new connection through
// OpenSSL's certificate callback. Unlike gRPC's file watcher, a set that cannot be used (a
// key of another certificate mid-rotation) is refused with a warning and the previous set
// stays in use.
#ifndef ZFLEET_CONTROLLER_SERVICE_TLS_RELOADER_H_
#define ZFLEET_CONTROLLER_SERVICE_TLS_RELOADER_H_

#include <openssl/ssl.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/tls/openssl_util.h"
#include "common/tls/tls_files.h"

namespace zfleet::controller {

// Thread-safe: OpenSSL calls Apply, through CertCallback, on the server's threads.
class TlsReloader {
 public:
  explicit TlsReloader(tls::TlsFiles files) : files_(std::move(files)) {}

  // Loads the files for the first time. InvalidArgument naming the problem.
  absl::Status Load();
  // Installs the current material on `ssl`; re-reads it first when the files changed.
  bool Apply(SSL* ssl);
  // For SSL_CTX_set_cert_cb, with `self` the TlsReloader.
  static int CertCallback(SSL* ssl, void* self);

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

  std::array<Stamp, 3> Stamps() const;
  std::shared_ptr<const Material> Current();
  absl::StatusOr<std::shared_ptr<const Material>> Read() const;

  const tls::TlsFiles files_;
  absl::Mutex mu_;
  std::array<Stamp, 3> stamps_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Material> current_ ABSL_GUARDED_BY(mu_);
};

// Mutual TLS on `ctx`: TLS 1.2+, a client certificate of the CA required, no session
// resumption (a resumed session would skip the check against a rotated CA), the
// certificates from `reloader` (which must outlive `ctx`). Returns true.
bool ConfigureMutualTls(SSL_CTX& ctx, TlsReloader* reloader);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SERVICE_TLS_RELOADER_H_
