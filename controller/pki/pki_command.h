// `zfleet-controller pki`: the product's own CA, for mutual TLS between the controller,
// agents and people (see common/tls/cert_identity.h for the naming convention).
//
//   zfleet-controller pki init  --dir DIR [--name DNS-or-IP]... [--days N] [--ca-days N]
//                               [--key-type ec|ed25519] [--force]
//   zfleet-controller pki issue --dir DIR --agent HOST [--days N] [--key-type ...] [--force]
//   zfleet-controller pki issue --dir DIR --user NAME --role viewer|operator|admin
//                               [--days N] [--key-type ...] [--force]
//
// Prints each file written on stdout, one path a line. Errors: one line on stderr
// "zfleet-controller pki: <reason>". Exit codes: 0 done (and --help), 1 failed (a file
// exists without --force, no CA in DIR, I/O), 2 bad flags or values (unknown flag, bad
// role, host, user name, --name, --days).
#ifndef ZFLEET_CONTROLLER_PKI_PKI_COMMAND_H_
#define ZFLEET_CONTROLLER_PKI_PKI_COMMAND_H_

namespace zfleet::controller::pki {

// argv[0] is "pki". Reads the wall clock once (SystemClock).
int RunPkiCommand(int argc, char** argv);

}  // namespace zfleet::controller::pki

#endif  // ZFLEET_CONTROLLER_PKI_PKI_COMMAND_H_
