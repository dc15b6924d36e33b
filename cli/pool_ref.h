// The HOST/POOL argument of `zfleet pool` and `zfleet scrub`.
#ifndef ZFLEET_CLI_POOL_REF_H_
#define ZFLEET_CLI_POOL_REF_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::cli {

struct PoolRef {
  std::string host;
  std::string pool;
};

// Splits "h1/tank" at its one '/'. Returns InvalidArgument, with a message that names
// the argument and says what is wanted, when the text is empty, has no '/', has an empty
// host or pool, contains whitespace, or names a dataset ("h1/tank/home": pool names
// cannot contain '/').
absl::StatusOr<PoolRef> ParsePoolRef(absl::string_view text);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_POOL_REF_H_
