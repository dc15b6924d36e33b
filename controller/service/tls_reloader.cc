#include "controller/service/tls_reloader.h"

#include <openssl/err.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace zfleet::controller {
namespace {

absl::StatusOr<std::string> ReadText(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!(in && text << in.rdbuf())) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": cannot read"));
  }
  return text.str();
}

}  // namespace

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

bool ConfigureMutualTls(SSL_CTX& ctx, TlsReloader* reloader) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_cb(&ctx, &TlsReloader::CertCallback, reloader);
  return true;
}

}  // namespace zfleet::controller
