// Indentation as zpool prints it: the config tree of `zpool status` and the usage text of
// `zpool CMD -?` both nest by indentation, with tabs or spaces.
#ifndef ZFLEET_AGENT_ZPOOL_INDENT_COLUMN_H_
#define ZFLEET_AGENT_ZPOOL_INDENT_COLUMN_H_

#include "absl/strings/string_view.h"

namespace zfleet::agent {

// Pure: the display column of the first non-blank character of `line`, a tab advancing to
// the next multiple of 8, so that output whose tabs were turned into spaces (copied from a
// terminal) nests the same way. A blank line gives its whole width.
inline int IndentColumn(absl::string_view line) {
  int column = 0;
  for (char c : line) {
    if (c == '\t') {
      column = (column / 8 + 1) * 8;
    } else if (c == ' ') {
      ++column;
    } else {
      break;
    }
  }
  return column;
}

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_INDENT_COLUMN_H_
