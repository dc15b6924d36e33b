// Where a process finds its mutual-TLS files, as configured (flags, agent.toml,
// controller.toml, the CLI's environment). Reading and checking them is common/tls/.
#ifndef ZFLEET_COMMON_TLS_PATHS_H_
#define ZFLEET_COMMON_TLS_PATHS_H_

#include <string>

namespace zfleet {

struct TlsPaths {
  std::string ca;    // PEM bundle of the CA certificates to trust
  std::string cert;  // PEM certificate of this process
  std::string key;   // PEM private key of `cert`

  bool any() const { return !ca.empty() || !cert.empty() || !key.empty(); }
};

// Each of `preferred`'s paths that is set, else `fallback`'s: flags over a config file or
// the environment, key by key.
inline TlsPaths PreferSet(const TlsPaths& preferred, const TlsPaths& fallback) {
  return {preferred.ca.empty() ? fallback.ca : preferred.ca,
          preferred.cert.empty() ? fallback.cert : preferred.cert,
          preferred.key.empty() ? fallback.key : preferred.key};
}

}  // namespace zfleet

#endif  // ZFLEET_COMMON_TLS_PATHS_H_
