#include "controller/pki/pki_actions.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/pki/pki_files.h"

namespace zfleet::controller::pki {
namespace {

absl::Status CheckDays(absl::string_view flag, int days) {
  if (days > 0 && days <= 100 * 366) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", days, " is not 1-36600"));
}

// Writes a key and its certificate; returns their paths.
absl::StatusOr<std::vector<std::string>> WritePair(const PemPair& pair, const std::string& key,
                                                   const std::string& cert, bool force) {
  RETURN_IF_ERROR(WriteFileAtomically(key, pair.key, kKeyMode, force));
  RETURN_IF_ERROR(WriteFileAtomically(cert, pair.cert, kCertMode, force));
  return std::vector<std::string>{key, cert};
}

absl::StatusOr<std::string> ReadCaFile(const std::string& path, const std::string& dir) {
  absl::StatusOr<std::string> content = ReadWholeFile(path);
  if (absl::IsNotFound(content.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " not found; run `zfleet-controller pki init --dir ", dir, "` first"));
  }
  return content;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> InitPki(const InitOptions& options, absl::Time now) {
  RETURN_IF_ERROR(CheckDays("--days", options.days));
  RETURN_IF_ERROR(CheckDays("--ca-days", options.ca_days));
  ASSIGN_OR_RETURN(SubjectAltNames sans, ControllerAltNames(options.names));
  const std::string& dir = options.dir;
  const std::vector<std::string> paths = {PkiPaths::CaKey(dir), PkiPaths::CaCert(dir),
                                          PkiPaths::ControllerKey(dir),
                                          PkiPaths::ControllerCert(dir)};
  RETURN_IF_ERROR(CheckCanWrite(paths, options.force));

  ASSIGN_OR_RETURN(PemPair ca,
                   CreateCa({.now = now, .days = options.ca_days, .key_type = options.key_type}));
  LeafRequest leaf = ControllerLeaf(sans);
  leaf.now = now;
  leaf.days = options.days;
  leaf.key_type = options.key_type;
  ASSIGN_OR_RETURN(PemPair controller, IssueCert(ca, leaf));

  RETURN_IF_ERROR(EnsureDirectory(dir));
  ASSIGN_OR_RETURN(std::vector<std::string> written,
                   WritePair(ca, paths[0], paths[1], options.force));
  ASSIGN_OR_RETURN(std::vector<std::string> more,
                   WritePair(controller, paths[2], paths[3], options.force));
  written.insert(written.end(), more.begin(), more.end());
  return written;
}

absl::StatusOr<std::vector<std::string>> IssueFromPki(const IssueOptions& options, absl::Time now) {
  RETURN_IF_ERROR(CheckDays("--days", options.days));
  if (options.agent.empty() == options.user.empty()) {
    return absl::InvalidArgumentError("give exactly one of --agent HOST and --user NAME");
  }
  LeafRequest leaf;
  std::string subdir, file;
  if (!options.agent.empty()) {
    RETURN_IF_ERROR(ValidateHostId(options.agent));
    if (!options.role.empty()) {
      return absl::InvalidArgumentError("--role goes with --user; an agent's role is agent");
    }
    leaf = AgentLeaf(options.agent);
    subdir = PkiPaths::AgentsDir(options.dir);
    file = options.agent;
  } else {
    RETURN_IF_ERROR(ValidateUserName(options.user));
    RETURN_IF_ERROR(ValidateUserRole(options.role));
    leaf = UserLeaf(options.user, options.role);
    subdir = PkiPaths::UsersDir(options.dir);
    file = options.user;
  }
  leaf.now = now;
  leaf.days = options.days;
  leaf.key_type = options.key_type;
  const std::string key_path = absl::StrCat(subdir, "/", file, ".key");
  const std::string cert_path = absl::StrCat(subdir, "/", file, ".crt");
  RETURN_IF_ERROR(CheckCanWrite({key_path, cert_path}, options.force));

  PemPair ca;
  ASSIGN_OR_RETURN(ca.cert, ReadCaFile(PkiPaths::CaCert(options.dir), options.dir));
  ASSIGN_OR_RETURN(ca.key, ReadCaFile(PkiPaths::CaKey(options.dir), options.dir));
  absl::StatusOr<PemPair> issued = IssueCert(ca, leaf);
  if (!issued.ok()) {
    // A broken CA is a fact of DIR, not of the command line.
    return absl::FailedPreconditionError(
        absl::StrCat("cannot issue from ", options.dir, ": ", issued.status().message()));
  }
  RETURN_IF_ERROR(EnsureDirectory(subdir));
  return WritePair(*issued, key_path, cert_path, options.force);
}

}  // namespace zfleet::controller::pki
