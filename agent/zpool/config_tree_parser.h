// The `config:` section of `zpool status`: the NAME STATE READ WRITE CKSUM header and the
// indented vdev tree below it. Pure: no I/O. Internal to the status parser.
#ifndef ZFLEET_AGENT_ZPOOL_CONFIG_TREE_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_CONFIG_TREE_PARSER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Vdev type from the name zpool prints: "mirror-0" → mirror, "raidz2-1" → raidz2, legacy
// "raidz"/"raidz-0" → raidz1, "draid2:4d:12c:1s-0" → draid, "replacing-0" → replacing,
// "spare-0" → spare, "indirect-0" → indirect; a path outside /dev → file; else disk.
std::string VdevTypeFromName(absl::string_view name);

// Builds the vdev tree of one pool, line by line.
//
// The first line at the header's indentation is the pool itself (its counters describe the
// pool, not a vdev, and are dropped); its children are the top-level vdevs. Section lines
// (logs, cache, spares, special, dedup: a single word, no state) give their children that
// role. Each further 2 columns of indentation is one level deeper. Counters that are absent
// (spares print none) stay unset; the text after the counters is kept verbatim as the note,
// and "N repaired" / "N resilvered" notes also fill bytes_repaired / bytes_resilvered.
//
// Not thread-safe. REQUIRES: `pool` outlives the parser and nobody else edits its vdevs
// until Finish().
class ConfigTreeParser {
 public:
  explicit ConfigTreeParser(v1::Pool* pool) : pool_(pool) {}

  ConfigTreeParser(const ConfigTreeParser&) = delete;
  ConfigTreeParser& operator=(const ConfigTreeParser&) = delete;

  // Takes one line of the section; blank lines are accepted and ignored. Returns false when
  // the line is not understood (the caller keeps it as unparsed); the tree is unchanged then.
  bool AddLine(absl::string_view line);

  // Sets what needs the whole tree (a leaf's path is its name; interior vdevs have none).
  // Call once, after the last line.
  void Finish();

 private:
  enum class NodeKind { kRoot, kSection, kVdev };
  struct Open {
    int depth;
    NodeKind kind;
    std::string role;  // role given to children
    v1::Vdev* vdev;    // kVdev only; elements of a RepeatedPtrField do not move
  };

  bool AddHeader(absl::string_view line);
  bool AddNode(int depth, absl::string_view line);

  v1::Pool* pool_;
  bool have_header_ = false;
  int header_column_ = 0;
  // Index (after NAME and STATE) of each counter column in the header; -1 if absent.
  int read_column_ = -1;
  int write_column_ = -1;
  int cksum_column_ = -1;
  int counter_columns_ = 0;
  bool have_root_ = false;
  std::vector<Open> stack_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_CONFIG_TREE_PARSER_H_
