#include "controller/pki/cert_issuer.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/tls/cert_identity.h"
#include "common/tls/openssl_util.h"
#include "controller/auth/access.h"

namespace zfleet::controller::pki {
namespace {

using tls::EvpPkeyPtr;
using tls::X509Ptr;

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", tls::TakeOpenSslErrors()));
}

absl::StatusOr<EvpPkeyPtr> GenerateKey(KeyType type) {
  EvpPkeyPtr key(type == KeyType::kEd25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                           : EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("generating a key");
  return key;
}

// A random positive 128-bit serial; its hex digits.
absl::StatusOr<std::string> SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpenSslError("random serial");
  bytes[0] &= 0x7f;  // positive in DER
  bytes[0] |= 0x40;  // and always 16 bytes long
  BIGNUM* bn = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  ASN1_INTEGER* serial = bn == nullptr ? nullptr : BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  const bool ok = serial != nullptr && X509_set_serialNumber(cert, serial) == 1;
  ASN1_INTEGER_free(serial);
  if (!ok) return OpenSslError("setting the serial");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

absl::Status SetSubject(X509_NAME* name, const std::string& role, const std::string& cn) {
  auto add = [name](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!add("O", tls::kOrganization) || (!role.empty() && !add("OU", role)) || !add("CN", cn)) {
    return OpenSslError("setting the subject");
  }
  return absl::OkStatus();
}

absl::Status SetValidity(X509* cert, absl::Time now, int days, const X509* ca) {
  if (days <= 0) return absl::InvalidArgumentError("days must be positive");
  const time_t not_before = absl::ToTimeT(now - kBackdate);
  time_t not_after = absl::ToTimeT(now + absl::Hours(24) * days);
  if (ASN1_TIME_set(X509_getm_notBefore(cert), not_before) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), not_after) == nullptr) {
    return OpenSslError("setting the validity");
  }
  if (ca != nullptr && ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca)) > 0 &&
      X509_set1_notAfter(cert, X509_get0_notAfter(ca)) != 1) {
    return OpenSslError("capping the validity at the CA's");
  }
  return absl::OkStatus();
}

// Adds extension `nid` from its openssl.cnf-style `value` ("critical,CA:TRUE").
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  const bool ok = ext != nullptr && X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  if (!ok) return OpenSslError(absl::StrCat("adding ", OBJ_nid2sn(nid), " ", value));
  return absl::OkStatus();
}

// SANs built as GENERAL_NAMEs (not from config text, so no name can inject another entry).
absl::Status AddAltNames(X509* cert, const LeafRequest& request) {
  if (request.dns_names.empty() && request.ip_addresses.empty()) return absl::OkStatus();
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  if (names == nullptr) return OpenSslError("SAN");
  absl::Status status;
  for (const std::string& dns : request.dns_names) {
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (text == nullptr || name == nullptr ||
        ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(text);
      GENERAL_NAME_free(name);
      status = OpenSslError("SAN DNS");
      break;
    }
    GENERAL_NAME_set0_value(name, GEN_DNS, text);
    sk_GENERAL_NAME_push(names, name);
  }
  for (const std::string& ip : request.ip_addresses) {
    if (!status.ok()) break;
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    GENERAL_NAME* name = octets == nullptr ? nullptr : GENERAL_NAME_new();
    if (name == nullptr) {
      ASN1_OCTET_STRING_free(octets);
      ERR_clear_error();
      status = absl::InvalidArgumentError(absl::StrCat("'", ip, "' is not an IP address"));
      break;
    }
    GENERAL_NAME_set0_value(name, GEN_IPADD, octets);
    sk_GENERAL_NAME_push(names, name);
  }
  if (status.ok() &&
      X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) != 1) {
    status = OpenSslError("adding the SANs");
  }
  GENERAL_NAMES_free(names);
  return status;
}

absl::Status Sign(X509* cert, EVP_PKEY* issuer_key) {
  // Ed25519 signs the message itself: no digest.
  const EVP_MD* md = EVP_PKEY_get_id(issuer_key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert, issuer_key, md) <= 0) return OpenSslError("signing");
  return absl::OkStatus();
}

absl::StatusOr<X509Ptr> NewCert(EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("new certificate");
  }
  return cert;
}

absl::StatusOr<PemPair> ToPem(X509* cert, EVP_PKEY* key) {
  PemPair pem{tls::CertificateToPem(cert), tls::PrivateKeyToPem(key)};
  if (pem.cert.empty() || pem.key.empty()) return OpenSslError("PEM encoding");
  return pem;
}

}  // namespace

absl::StatusOr<PemPair> CreateCa(const CaRequest& request) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey(request.key_type));
  ASSIGN_OR_RETURN(X509Ptr cert, NewCert(key.get()));
  ASSIGN_OR_RETURN(std::string serial, SetRandomSerial(cert.get()));
  RETURN_IF_ERROR(SetSubject(X509_get_subject_name(cert.get()), "",
                             absl::StrCat("zfleet CA ", serial.substr(0, 8))));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    return OpenSslError("setting the issuer");
  }
  RETURN_IF_ERROR(SetValidity(cert.get(), request.now, request.days, nullptr));
  X509* self = cert.get();
  RETURN_IF_ERROR(AddExtension(self, self, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  RETURN_IF_ERROR(AddExtension(self, self, NID_key_usage, "critical,keyCertSign,cRLSign"));
  RETURN_IF_ERROR(AddExtension(self, self, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(Sign(self, key.get()));
  return ToPem(self, key.get());
}

absl::StatusOr<PemPair> IssueCert(const PemPair& ca, const LeafRequest& request) {
  std::vector<X509Ptr> ca_certs = tls::ReadPemCertificates(ca.cert);
  EvpPkeyPtr ca_key = tls::ReadPemPrivateKey(ca.key);
  if (ca_certs.empty()) return absl::InvalidArgumentError("the CA certificate is not PEM");
  if (ca_key == nullptr) return absl::InvalidArgumentError("the CA key is not a PEM key");
  X509* issuer = ca_certs.front().get();
  if (X509_check_private_key(issuer, ca_key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the CA key does not match the CA certificate");
  }
  ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey(request.key_type));
  ASSIGN_OR_RETURN(X509Ptr cert, NewCert(key.get()));
  RETURN_IF_ERROR(SetRandomSerial(cert.get()).status());
  RETURN_IF_ERROR(SetSubject(X509_get_subject_name(cert.get()), request.role, request.name));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1) {
    return OpenSslError("setting the issuer");
  }
  RETURN_IF_ERROR(SetValidity(cert.get(), request.now, request.days, issuer));
  X509* leaf = cert.get();
  RETURN_IF_ERROR(AddExtension(leaf, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(leaf, issuer, NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(leaf, issuer, NID_ext_key_usage,
                               request.server_auth ? "serverAuth,clientAuth" : "clientAuth"));
  RETURN_IF_ERROR(AddExtension(leaf, issuer, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(leaf, issuer, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(AddAltNames(leaf, request));
  RETURN_IF_ERROR(Sign(leaf, ca_key.get()));
  return ToPem(leaf, key.get());
}

LeafRequest ControllerLeaf(const SubjectAltNames& sans) {
  LeafRequest request;
  request.name = tls::kControllerName;
  request.role = tls::kRoleController;
  request.dns_names = sans.dns;
  request.ip_addresses = sans.ips;
  request.server_auth = true;
  return request;
}

LeafRequest AgentLeaf(const std::string& host) {
  LeafRequest request;
  request.name = host;
  request.role = std::string(RoleName(Role::kAgent));
  return request;
}

LeafRequest UserLeaf(const std::string& user, const std::string& role) {
  LeafRequest request;
  request.name = user;
  request.role = role;
  return request;
}

}  // namespace zfleet::controller::pki
