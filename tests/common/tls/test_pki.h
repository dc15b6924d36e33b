// Certificates for the TLS tests: good ones from zfleet's own PKI (controller/pki), an
// expired one from the `openssl ca` command line (so that expiry is not judged by the code
// that made it). Header-only; every file lives under the caller's TempDir.
#ifndef ZFLEET_TESTS_COMMON_TLS_TEST_PKI_H_
#define ZFLEET_TESTS_COMMON_TLS_TEST_PKI_H_

#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/tls/tls_files.h"
#include "controller/pki/pki_actions.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::tls::testing {

// Makes a PKI in `dir` (created): ca, controller, agent "host-a", user "alice" (operator).
inline absl::Status MakePki(const std::string& dir, absl::Time now) {
  controller::pki::InitOptions init;
  init.dir = dir;
  absl::StatusOr<std::vector<std::string>> written = controller::pki::InitPki(init, now);
  if (!written.ok()) return written.status();
  controller::pki::IssueOptions agent;
  agent.dir = dir;
  agent.agent = "host-a";
  if (written = controller::pki::IssueFromPki(agent, now); !written.ok()) {
    return written.status();
  }
  controller::pki::IssueOptions user;
  user.dir = dir;
  user.user = "alice";
  user.role = "operator";
  return controller::pki::IssueFromPki(user, now).status();
}

inline TlsFiles ControllerFiles(const std::string& dir) {
  return {dir + "/ca.crt", dir + "/controller.crt", dir + "/controller.key"};
}
inline TlsFiles AgentFiles(const std::string& dir, const std::string& host = "host-a") {
  return {dir + "/ca.crt", dir + "/agents/" + host + ".crt", dir + "/agents/" + host + ".key"};
}
inline TlsFiles UserFiles(const std::string& dir) {
  return {dir + "/ca.crt", dir + "/users/alice.crt", dir + "/users/alice.key"};
}

// Issues DIR/expired.{crt,key} for CN `host`, OU agent, valid only on 2020-01-01, from
// DIR/ca.{crt,key} with `openssl ca`.
inline absl::Status MakeExpiredAgentCert(const std::string& dir, const std::string& host) {
  const std::string work = dir + "/openssl-ca";
  if (::mkdir(work.c_str(), 0700) != 0) return absl::InternalError("mkdir " + work);
  const std::string config = absl::StrCat(
      "[ca]\ndefault_ca = test_ca\n"
      "[test_ca]\ndatabase = ",
      work, "/index.txt\nnew_certs_dir = ", work,
      "\nrand_serial = yes\ndefault_md = sha256\npolicy = policy_any\nunique_subject = no\n"
      "x509_extensions = leaf\n"
      "[policy_any]\norganizationName = optional\norganizationalUnitName = optional\n"
      "commonName = supplied\n"
      "[leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n"
      "extendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\n"
      "authorityKeyIdentifier = keyid:always\n");
  if (FILE* f = std::fopen((work + "/ca.cnf").c_str(), "w")) {
    std::fputs(config.c_str(), f);
    std::fclose(f);
  }
  if (FILE* f = std::fopen((work + "/index.txt").c_str(), "w")) std::fclose(f);
  const zfleet::testing::RunResult req = zfleet::testing::RunProgram(
      {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir + "/expired.key", "-out", work + "/expired.csr", "-subj",
       "/O=zfleet/OU=agent/CN=" + host});
  if (req.exit_code != 0) return absl::InternalError("openssl req: " + req.err);
  const zfleet::testing::RunResult ca = zfleet::testing::RunProgram(
      {"openssl", "ca", "-batch", "-config", work + "/ca.cnf", "-cert", dir + "/ca.crt", "-keyfile",
       dir + "/ca.key", "-in", work + "/expired.csr", "-out", dir + "/expired.crt", "-startdate",
       "20200101000000Z", "-enddate", "20200102000000Z", "-notext"});
  if (ca.exit_code != 0) return absl::InternalError("openssl ca: " + ca.err);
  return absl::OkStatus();
}

}  // namespace zfleet::tls::testing

#endif  // ZFLEET_TESTS_COMMON_TLS_TEST_PKI_H_
