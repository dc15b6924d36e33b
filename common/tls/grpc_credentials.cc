#include "common/tls/grpc_credentials.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace zfleet::tls {
namespace {

constexpr char kPeerCertProperty[] = "x509_pem_cert";

std::shared_ptr<grpc::experimental::FileWatcherCertificateProvider> WatchFiles(
    const TlsFiles& files, absl::Duration refresh) {
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.ca, RefreshSeconds(refresh));
}

}  // namespace

unsigned int RefreshSeconds(absl::Duration refresh) {
  const double seconds = std::ceil(absl::ToDoubleSeconds(refresh));
  if (!(seconds >= 1)) return 1;  // also NaN
  if (seconds > std::numeric_limits<unsigned int>::max()) {
    return std::numeric_limits<unsigned int>::max();
  }
  return static_cast<unsigned int>(seconds);
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsFiles& files,
                                                                    absl::Duration refresh) {
  grpc::experimental::TlsServerCredentialsOptions options(WatchFiles(files, refresh));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const TlsFiles& files,
                                                                      absl::Duration refresh) {
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(WatchFiles(files, refresh));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  options.set_check_call_host(true);
  return grpc::experimental::TlsCredentials(options);
}

absl::StatusOr<CertIdentity> PeerIdentity(const grpc::AuthContext& context) {
  const std::vector<grpc::string_ref> certs = context.FindPropertyValues(kPeerCertProperty);
  if (certs.empty() || certs.front().empty()) {
    return absl::NotFoundError("the caller presented no TLS certificate");
  }
  return ParseCertIdentity(absl::string_view(certs.front().data(), certs.front().size()));
}

}  // namespace zfleet::tls
