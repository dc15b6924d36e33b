// A CA and the certificates it issues for 127.0.0.1, made with the `openssl req` command
// line as a site with its own CA would: for the HTTPS tests (/metrics, the Alertmanager sink).
// Header-only; every file lives under the caller's TempDir.
#ifndef ZFLEET_TESTS_TESTING_OPENSSL_CA_H_
#define ZFLEET_TESTS_TESTING_OPENSSL_CA_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {

// DIR/NAME-ca.{crt,key} on construction; DIR/NAME-LEAF.{crt,key} by Issue(). A failing
// openssl run fails the test (check HasFatalFailure()).
class OpenSslCa {
 public:
  OpenSslCa(const TempDir& dir, const std::string& name) : dir_(dir), name_(name) {
    dir_.Write("min.cnf", "[req]\ndistinguished_name = dn\n[dn]\n");
    Run({"-x509", "-keyout", Path("ca.key"), "-out", Path("ca.crt"), "-days", "2", "-subj",
         "/O=zfleet/CN=" + name + " CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign"});
  }
  std::string Path(const std::string& file) const { return dir_.File(name_ + "-" + file); }
  // A leaf certificate for CN `leaf` (and OU `ou` unless empty), SAN IP:127.0.0.1, good for
  // server and client use.
  void Issue(const std::string& leaf, const std::string& ou = "") {
    const std::string subject = "/O=zfleet" + (ou.empty() ? "" : "/OU=" + ou) + "/CN=" + leaf;
    Run({"-x509", "-CA", Path("ca.crt"), "-CAkey", Path("ca.key"), "-keyout", Path(leaf + ".key"),
         "-out", Path(leaf + ".crt"), "-days", "1", "-subj", subject, "-addext",
         "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=CA:FALSE", "-addext",
         "extendedKeyUsage=serverAuth,clientAuth"});
  }

 private:
  void Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"openssl", "req", "-config",  dir_.File("min.cnf"),
                                     "-newkey", "ec",  "-pkeyopt", "ec_paramgen_curve:P-256",
                                     "-nodes"};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunResult result = RunProgram(argv, 30);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  const TempDir& dir_;
  std::string name_;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_OPENSSL_CA_H_
