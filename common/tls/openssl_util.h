// Small helpers over the OpenSSL 3 C API shared by zfleet's TLS code and its PKI: owning
// pointers, PEM in and out of memory, ASN1_TIME to absl::Time, and the error queue as text.
// No I/O beyond memory BIOs; thread-safe (OpenSSL 3 needs no global locking).
#ifndef ZFLEET_COMMON_TLS_OPENSSL_UTIL_H_
#define ZFLEET_COMMON_TLS_OPENSSL_UTIL_H_

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::tls {

struct OpenSslFree {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslFree>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OpenSslFree>;

// Every certificate of a PEM text, in order; empty when there is none (other PEM blocks,
// such as keys, are skipped).
std::vector<X509Ptr> ReadPemCertificates(absl::string_view pem);

// The first private key of a PEM text (PKCS#8, or the traditional EC/RSA forms); nullptr
// when there is none. Encrypted keys are not supported (nullptr).
EvpPkeyPtr ReadPemPrivateKey(absl::string_view pem);

// PEM text of a certificate / an unencrypted PKCS#8 private key; "" on failure.
std::string CertificateToPem(X509* cert);
std::string PrivateKeyToPem(EVP_PKEY* key);

// The time an ASN1_TIME (UTCTime or GeneralizedTime) names; InvalidArgument if malformed.
absl::StatusOr<absl::Time> Asn1TimeToTime(const ASN1_TIME* time);

// Drains OpenSSL's error queue of this thread into one line ("" when it is empty).
std::string TakeOpenSslErrors();

}  // namespace zfleet::tls

#endif  // ZFLEET_COMMON_TLS_OPENSSL_UTIL_H_
