// The three files of a mutual-TLS identity, as given by the --tls-ca, --tls-cert and
// --tls-key flags, and their check before a process starts serving or dialing with them.
#ifndef ZFLEET_COMMON_TLS_TLS_FILES_H_
#define ZFLEET_COMMON_TLS_TLS_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/tls_paths.h"

namespace zfleet::tls {

// The paths as configured (common/tls_paths.h); here they are read and checked.
using TlsFiles = ::zfleet::TlsPaths;

// OK when all three are set, readable, parse as PEM, the key matches the certificate, the
// certificate chains to a CA of `ca` (intermediates may follow the leaf in `cert`) and the
// leaf is valid at `now`. Otherwise InvalidArgument with one line naming the file and the
// reason, for example:
//   "--tls-ca, --tls-cert and --tls-key go together; --tls-key is missing"
//   "--tls-cert /x/a.crt: cannot read: No such file or directory"
//   "--tls-cert /x/a.crt: no PEM certificate in it"
//   "--tls-key /x/a.key: no PEM private key in it (encrypted keys are not supported)"
//   "--tls-key /x/a.key does not match --tls-cert /x/a.crt"
//   "--tls-cert /x/a.crt: expired on 2026-01-02 (UTC)"
//   "--tls-cert /x/a.crt: not valid before 2026-01-02 (UTC)"
//   "--tls-cert /x/a.crt: not issued by a CA in --tls-ca /y/ca.crt"
//   "--tls-cert /x/a.crt: does not verify against --tls-ca /y/ca.crt: <OpenSSL's reason>"
// Reads the three files; does not read the clock.
absl::Status CheckTlsFiles(const TlsFiles& files, absl::Time now);

}  // namespace zfleet::tls

#endif  // ZFLEET_COMMON_TLS_TLS_FILES_H_
