#include "common/tls/tls_files.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/tls/openssl_util.h"
#include "common/tls/tls_material.h"

namespace zfleet::tls {
namespace {

absl::Status Invalid(absl::string_view flag, absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": ", why));
}

absl::Status ReadWhole(absl::string_view flag, const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(flag, path, absl::StrCat("cannot read: ", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Invalid(flag, path, absl::StrCat("cannot read: ", std::strerror(errno)));
  *out = text.str();
  return absl::OkStatus();
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

}  // namespace

absl::StatusOr<TlsMaterial> ReadTlsFiles(const TlsFiles& files) {
  std::vector<std::string> missing;
  if (files.ca.empty()) missing.push_back("--tls-ca");
  if (files.cert.empty()) missing.push_back("--tls-cert");
  if (files.key.empty()) missing.push_back("--tls-key");
  if (!missing.empty()) {
    const std::string names = missing.size() == 3 ? "all three are"
                              : missing.size() == 2
                                  ? absl::StrCat(missing[0], " and ", missing[1], " are")
                                  : absl::StrCat(missing[0], " is");
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-ca, --tls-cert and --tls-key go together; ", names, " missing"));
  }

  std::string ca_pem, cert_pem, key_pem;
  if (absl::Status s = ReadWhole("--tls-ca", files.ca, &ca_pem); !s.ok()) return s;
  if (absl::Status s = ReadWhole("--tls-cert", files.cert, &cert_pem); !s.ok()) return s;
  if (absl::Status s = ReadWhole("--tls-key", files.key, &key_pem); !s.ok()) return s;

  TlsMaterial material;
  material.cas = ReadPemCertificates(ca_pem);
  if (material.cas.empty()) return Invalid("--tls-ca", files.ca, "no PEM certificate in it");
  material.chain = ReadPemCertificates(cert_pem);
  if (material.chain.empty()) {
    return Invalid("--tls-cert", files.cert, "no PEM certificate in it");
  }
  material.key = ReadPemPrivateKey(key_pem);
  if (material.key == nullptr) {
    return Invalid("--tls-key", files.key,
                   "no PEM private key in it (encrypted keys are not supported)");
  }
  if (X509_check_private_key(material.chain.front().get(), material.key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-key ", files.key, " does not match --tls-cert ", files.cert));
  }
  return material;
}

absl::Status CheckTlsFiles(const TlsFiles& files, absl::Time now) {
  absl::StatusOr<TlsMaterial> material = ReadTlsFiles(files);
  if (!material.ok()) return material.status();
  const std::vector<X509Ptr>& cas = material->cas;
  const std::vector<X509Ptr>& chain = material->chain;
  X509* leaf = chain.front().get();

  absl::StatusOr<absl::Time> not_before = Asn1TimeToTime(X509_get0_notBefore(leaf));
  absl::StatusOr<absl::Time> not_after = Asn1TimeToTime(X509_get0_notAfter(leaf));
  if (!not_before.ok() || !not_after.ok()) {
    return Invalid("--tls-cert", files.cert, "malformed validity dates");
  }
  if (now > *not_after) {
    return Invalid("--tls-cert", files.cert,
                   absl::StrCat("expired on ", Day(*not_after), " (UTC)"));
  }
  if (now < *not_before) {
    return Invalid("--tls-cert", files.cert,
                   absl::StrCat("not valid before ", Day(*not_before), " (UTC)"));
  }

  X509StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || untrusted == nullptr || ctx == nullptr) {
    return absl::ResourceExhaustedError("out of memory checking TLS files");
  }
  for (const X509Ptr& ca : cas) X509_STORE_add_cert(store.get(), ca.get());
  for (size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(untrusted.get(), chain[i].get());
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return absl::InternalError(absl::StrCat("checking TLS files: ", TakeOpenSslErrors()));
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(now));
  if (X509_verify_cert(ctx.get()) == 1) return absl::OkStatus();
  const int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return Invalid("--tls-cert", files.cert,
                     absl::StrCat("not issued by a CA in --tls-ca ", files.ca));
    default:
      return Invalid("--tls-cert", files.cert,
                     absl::StrCat("does not verify against --tls-ca ", files.ca, ": ",
                                  X509_verify_cert_error_string(error)));
  }
}

}  // namespace zfleet::tls
