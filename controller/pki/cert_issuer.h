// Keys and certificates of zfleet's own CA, made in memory with the OpenSSL 3 EVP/X509 API.
// No file I/O and no clock: the caller passes `now`. Thread-safe (keys and serials come
// from OpenSSL's CSPRNG).
//
// What is made (identity convention of common/tls/cert_identity.h):
//  - CA: subject O=zfleet, CN="zfleet CA <8 hex digits>" (unique per CA, so that an old
//    and a new CA can sit in one bundle during a rotation); basicConstraints critical
//    CA:TRUE, pathlen:0; keyUsage critical keyCertSign, cRLSign; subject key identifier.
//  - Leaf: subject O=zfleet, OU=role, CN=name; basicConstraints critical CA:FALSE;
//    keyUsage critical digitalSignature; extKeyUsage clientAuth (and serverAuth when asked);
//    SANs when given; subject and authority key identifiers.
//  - Both: X.509 v3, random positive 128-bit serial, notBefore = now - 5 minutes (clock
//    skew between hosts), notAfter = now + days (a leaf's is capped at its CA's);
//    signature ECDSA with SHA-256 by an EC CA, pure Ed25519 (no digest) by an Ed25519 CA.
#ifndef ZFLEET_CONTROLLER_PKI_CERT_ISSUER_H_
#define ZFLEET_CONTROLLER_PKI_CERT_ISSUER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/pki/pki_names.h"

namespace zfleet::controller::pki {

inline constexpr int kDefaultCaDays = 3650;
inline constexpr int kDefaultLeafDays = 365;
inline constexpr absl::Duration kBackdate = absl::Minutes(5);

// A certificate and its private key, both PEM (the key unencrypted PKCS#8).
struct PemPair {
  std::string cert;
  std::string key;
};

struct CaRequest {
  absl::Time now;
  int days = kDefaultCaDays;  // REQUIRES: > 0
  KeyType key_type = KeyType::kEcP256;
};

// A new self-signed CA. Internal on an OpenSSL failure (with OpenSSL's reason).
absl::StatusOr<PemPair> CreateCa(const CaRequest& request);

struct LeafRequest {
  std::string name;                       // subject CN; REQUIRES: not empty
  std::string role;                       // subject OU; REQUIRES: not empty
  std::vector<std::string> dns_names;     // SAN DNS entries
  std::vector<std::string> ip_addresses;  // SAN IP entries (IPv4/IPv6 text)
  bool server_auth = false;               // extKeyUsage serverAuth besides clientAuth
  absl::Time now;
  int days = kDefaultLeafDays;  // REQUIRES: > 0
  KeyType key_type = KeyType::kEcP256;
};

// A new key and its certificate signed by `ca`. InvalidArgument when `ca` does not parse
// or its key does not match its certificate, or an IP address does not parse; Internal on
// an OpenSSL failure.
absl::StatusOr<PemPair> IssueCert(const PemPair& ca, const LeafRequest& request);

// The leaves zfleet issues, by its convention.
LeafRequest ControllerLeaf(const SubjectAltNames& sans);  // CN zfleet-controller, OU controller
LeafRequest AgentLeaf(const std::string& host);           // CN host, OU agent
LeafRequest UserLeaf(const std::string& user, const std::string& role);

}  // namespace zfleet::controller::pki

#endif  // ZFLEET_CONTROLLER_PKI_CERT_ISSUER_H_
