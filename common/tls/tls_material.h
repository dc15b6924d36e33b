// The three --tls-* files read and parsed into OpenSSL objects, for those who use them
// directly (CheckTlsFiles, the /metrics server's reloader) rather than through gRPC.
#ifndef ZFLEET_COMMON_TLS_TLS_MATERIAL_H_
#define ZFLEET_COMMON_TLS_TLS_MATERIAL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "common/tls/openssl_util.h"
#include "common/tls/tls_files.h"

namespace zfleet::tls {

struct TlsMaterial {
  std::vector<X509Ptr> cas;    // of files.ca, in order; never empty
  std::vector<X509Ptr> chain;  // of files.cert, leaf first; never empty
  EvpPkeyPtr key;              // of files.key, the leaf's
};

// Reads and parses the three files: all set, readable, PEM, the key the leaf's. Otherwise
// InvalidArgument with the line CheckTlsFiles documents for that problem. Checks neither
// dates nor the chain.
absl::StatusOr<TlsMaterial> ReadTlsFiles(const TlsFiles& files);

}  // namespace zfleet::tls

#endif  // ZFLEET_COMMON_TLS_TLS_MATERIAL_H_
