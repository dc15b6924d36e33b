#include "controller/service/tls_reloader.h"

#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/tls/tls_material.h"

namespace zfleet::controller {

absl::Status TlsReloader::Load() {
  absl::MutexLock lock(&mu_);
  stamps_ = Stamps();
  absl::StatusOr<std::shared_ptr<const Material>> material = Read();
  if (!material.ok()) return material.status();
  current_ = *std::move(material);
  return absl::OkStatus();
}

bool TlsReloader::Apply(SSL* ssl) {
  std::shared_ptr<const Material> material = Current();
  if (material == nullptr) return false;
  return SSL_use_certificate(ssl, material->cert.get()) == 1 &&
         SSL_use_PrivateKey(ssl, material->key.get()) == 1 &&
         SSL_set1_chain(ssl, material->chain.get()) == 1 &&
         SSL_set1_verify_cert_store(ssl, material->store.get()) == 1;
}

int TlsReloader::CertCallback(SSL* ssl, void* self) {
  if (static_cast<TlsReloader*>(self)->Apply(ssl)) return 1;
  spdlog::warn("metrics: cannot set the TLS certificate: {}", tls::TakeOpenSslErrors());
  return 0;
}

std::array<TlsReloader::Stamp, 3> TlsReloader::Stamps() const {
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

std::shared_ptr<const TlsReloader::Material> TlsReloader::Current() {
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

absl::StatusOr<std::shared_ptr<const TlsReloader::Material>> TlsReloader::Read() const {
  absl::StatusOr<tls::TlsMaterial> read = tls::ReadTlsFiles(files_);
  if (!read.ok()) return read.status();
  auto material = std::make_shared<Material>();
  material->store.reset(X509_STORE_new());
  material->chain.reset(sk_X509_new_null());
  if (material->store == nullptr || material->chain == nullptr) {
    return absl::ResourceExhaustedError("out of memory reading the TLS files");
  }
  for (const tls::X509Ptr& ca : read->cas) X509_STORE_add_cert(material->store.get(), ca.get());
  for (size_t i = 1; i < read->chain.size(); ++i) {
    sk_X509_push(material->chain.get(), read->chain[i].release());
  }
  material->cert = std::move(read->chain.front());
  material->key = std::move(read->key);
  return std::shared_ptr<const Material>(std::move(material));
}

bool ConfigureMutualTls(SSL_CTX& ctx, TlsReloader* reloader) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_cb(&ctx, &TlsReloader::CertCallback, reloader);
  return true;
}

}  // namespace zfleet::controller
