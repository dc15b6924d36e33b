// Parses `zpool status -j` (OpenZFS 2.3+, `status_callback_json()` in zpool_main.c) into the
// same pool model as the text parser, so that everything downstream is blind to the format.
// Pure: no I/O, no clock.
//
// The document is {"output_version": {...}, "pools": {"<name>": {name, state, status,
// action, msgid, moreinfo, scan_stats, vdevs: {"<pool>": {vdev_type: "root", vdevs: {...}}},
// dedup, special, logs, l2cache, spares, error_count, errlist}}}. Numbers may be JSON integers
// (`--json-int`), exact decimal strings (`-p`) or zpool's human strings ("1.2K"); all three
// are read. Where the text output states a fact in words, the same words are produced, so a
// pool reads the same from either format:
//  - vdev states use the names the text prints (CANT_OPEN → UNAVAIL or FAULTED, CLOSED →
//    OFFLINE); spares keep AVAIL / INUSE;
//  - a vdev's note is built as print_status_config() builds it: "was /dev/sdb1", the aux
//    reason ("cannot open", "too many errors", …), "(removing)", and during a scan
//    "(resilvering)" / "(repairing)" / "(awaiting resilver)" on healthy leaves;
//  - status / action paragraphs have their line breaks folded to single spaces; `see` is the
//    "moreinfo" URL; the errors text is "No known data errors", "N data errors, use '-v' for
//    a list" or "Permanent errors have been detected in the following files:".
// Facts only the JSON carries are kept too: a leaf's device path ("path": "/dev/sda", not the
// printed name), its bytes repaired / resilvered in the current or last scan
// ("scan_processed"), and a scan's byte counters and error count in every scan state.
// The scan rate and time to go are derived by zpool from the clock and are left unset.
// A dRAID sequential rebuild ("rebuild_stats") is the pool's scan when it is running and no
// healing resilver or scrub is, or when nothing else ever ran — as the text output shows it.
#ifndef ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_JSON_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_JSON_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/zpool/zpool_status_parser.h"

namespace zfleet::agent {

// Parses `text`. Keys this parser does not know are ignored. Known keys of the wrong type are
// treated as absent; a known value it cannot place (a scan function it does not know, a pool
// entry that is not an object, a vdev tree deeper than any zpool prints) and the sections the
// model has no place for (removal_stats, checkpoint_stats, raidz_expand_stats — the text
// parser keeps their lines too) are kept as one line each in the pool's `unparsed` (or the
// result's, outside any pool) and counted in `unparsed_count`. `no_pools` is set for an empty
// "pools" object; `all_pools_healthy` is never set (`-x` is not used with `-j`).
// Returns InvalidArgument when `text` is not JSON, has no "pools" object, or is the output of
// another zpool command (output_version.command other than "zpool status").
// `options.time_zone` is used only for timestamps printed as dates (no `-p` / `--json-int`).
absl::StatusOr<StatusParseResult> ParseZpoolStatusJson(absl::string_view text,
                                                       const StatusParseOptions& options = {});

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_JSON_PARSER_H_
