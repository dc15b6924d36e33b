// Mutual TLS for zfleet's gRPC servers and channels, over files that may be rotated while
// the process runs. Built on gRPC 1.51's experimental TLS API
// (grpc::experimental::FileWatcherCertificateProvider with TlsServerCredentials /
// TlsCredentials).
//
// Rotation. A provider thread re-reads the three files every `refresh` (whole seconds,
// at least 1 s: gRPC 1.51 takes an unsigned number of seconds and has no minimum of its
// own, so 0 would spin; sub-second values are rounded up). A change is used by connections
// made after it; established connections keep the credentials they were made with.
// What gRPC 1.51 does NOT do, and how to rotate safely:
//  - It does not check that the key matches the certificate. It reads the key, then the
//    certificate, and only retries (3 times, then waits for the next interval) when a
//    file's mtime (whole seconds) changed during the read. A mismatched pair it reads is
//    installed as is; the server then cannot build its TLS context and every new handshake
//    fails (the old pair is NOT kept) until a matching pair is read at a later refresh
//    (seen in tests/common/tls: "Invalid private key", "Handshaker factory creation
//    failed"; a channel takes the same path, not tested). So replace
//    key and certificate together: write both new files, then rename them into place
//    (the window between the two renames is then far shorter than `refresh`), or swap a
//    directory (symlink) holding all three.
//  - An unreadable or deleted file keeps the previous contents in use (it logs an error).
//  - It does not check expiry at load; an expired own certificate is served and the peer
//    refuses it.
// Call CheckTlsFiles before the first use to fail fast with a clear message.
#ifndef ZFLEET_COMMON_TLS_GRPC_CREDENTIALS_H_
#define ZFLEET_COMMON_TLS_GRPC_CREDENTIALS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/cert_identity.h"
#include "common/tls/tls_files.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace zfleet::tls {

// `refresh` as gRPC's file watcher takes it: whole seconds rounded up, at least 1.
unsigned int RefreshSeconds(absl::Duration refresh);

// Server side of mutual TLS: serves `files.cert`/`files.key`, requires every client to
// present a certificate that chains to `files.ca`
// (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY), and re-reads the three
// files every `refresh` so that a rotated certificate or CA is used by new connections
// without a restart. Any certificate of the CA is accepted: what a caller may do is for
// the service to decide from PeerIdentity. REQUIRES: CheckTlsFiles(files) was OK.
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsFiles& files,
                                                                    absl::Duration refresh);

// Client side: presents files.cert/key, verifies the server's chain against files.ca and
// its certificate's SAN against the target's host name or IP (as given to CreateChannel,
// e.g. "127.0.0.1:50051" must match IP:127.0.0.1), re-reads the files every `refresh`.
// REQUIRES: CheckTlsFiles(files) was OK.
std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const TlsFiles& files,
                                                                      absl::Duration refresh);

// The identity of the caller of a server call made over MutualTlsServerCredentials: parses
// the peer's certificate from the AuthContext (property "x509_pem_cert"). NotFound when the
// call came without a certificate (plaintext); InvalidArgument when the certificate has no
// CN. Thread-safe.
absl::StatusOr<CertIdentity> PeerIdentity(const grpc::AuthContext& context);

}  // namespace zfleet::tls

#endif  // ZFLEET_COMMON_TLS_GRPC_CREDENTIALS_H_
