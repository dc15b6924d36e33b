// UTF-8 checks for text that comes from the host (zpool output, sysfs, stderr) and goes
// into proto3 `string` fields, which must hold valid UTF-8: one invalid byte makes a whole
// message unparseable on the other side. File names in a pool's error list can be any bytes.
#ifndef ZFLEET_COMMON_UTF8_H_
#define ZFLEET_COMMON_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"

namespace zfleet {

// True when `s` is valid UTF-8 in the strict sense of RFC 3629: shortest forms only (no
// overlongs), no surrogates (U+D800–U+DFFF), nothing above U+10FFFF, no truncated
// sequences. NUL and other control characters are valid.
bool IsValidUtf8(absl::string_view s);

// `s` with every byte that is not part of a valid UTF-8 sequence replaced by the four
// visible characters `\xNN` (lower-case hex), so a Latin-1 "café" becomes "caf\xe9".
// Valid UTF-8 is returned unchanged. The result is always valid UTF-8. A backslash already
// in `s` is kept as is, so the mapping is for people to read, not to be reversed.
std::string CleanUtf8(absl::string_view s);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_UTF8_H_
