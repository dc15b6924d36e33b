// The one pair of error-propagation macros used across zfleet, plus context helpers.
#ifndef ZFLEET_COMMON_STATUS_MACROS_H_
#define ZFLEET_COMMON_STATUS_MACROS_H_

#include "absl/strings/string_view.h"
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace zfleet {

// Returns `status` with "context: " prepended to its message; OK stays OK.
inline absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

}  // namespace zfleet

#define ZFLEET_MACRO_CONCAT_INNER(x, y) x##y
#define ZFLEET_MACRO_CONCAT(x, y) ZFLEET_MACRO_CONCAT_INNER(x, y)

// Returns from the enclosing function when `expr` yields a non-OK absl::Status.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    const ::absl::Status zfleet_status_ = (expr);      \
    if (!zfleet_status_.ok()) return zfleet_status_;   \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` declares/assigns x from an absl::StatusOr or returns
// its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ZFLEET_ASSIGN_OR_RETURN_IMPL(ZFLEET_MACRO_CONCAT(zfleet_statusor_, __LINE__), lhs, expr)
#define ZFLEET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#endif  // ZFLEET_COMMON_STATUS_MACROS_H_
