#include "common/tls/cert_identity.h"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include <vector>

#include "common/status_macros.h"
#include "common/tls/openssl_util.h"

namespace zfleet::tls {
namespace {

// Sets *out to the first entry `nid` of `name`, as UTF-8; false when there is none.
bool NameEntry(X509_NAME* name, int nid, std::string* out) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return false;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return false;
  out->assign(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return true;
}

}  // namespace

absl::StatusOr<CertIdentity> ParseCertIdentity(absl::string_view pem) {
  std::vector<X509Ptr> certs = ReadPemCertificates(pem);
  if (certs.empty()) return absl::InvalidArgumentError("not a PEM certificate");
  X509* cert = certs.front().get();
  CertIdentity identity;
  X509_NAME* subject = X509_get_subject_name(cert);
  if (!NameEntry(subject, NID_commonName, &identity.name) || identity.name.empty()) {
    return absl::InvalidArgumentError("the certificate's subject has no CN");
  }
  NameEntry(subject, NID_organizationalUnitName, &identity.role);
  ASSIGN_OR_RETURN(identity.not_before, Asn1TimeToTime(X509_get0_notBefore(cert)));
  ASSIGN_OR_RETURN(identity.not_after, Asn1TimeToTime(X509_get0_notAfter(cert)));
  return identity;
}

}  // namespace zfleet::tls
