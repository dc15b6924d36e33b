#include "controller/store/history_table.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "controller/store/pool_table.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

constexpr int64_t kDay = 86400;
// How far apart a leaf's counter samples stay while its counters keep rising (Merges).
constexpr absl::Duration kSampleSpacing = absl::Minutes(10);

// Over window `w` of snapshots `s` with their facts `f`: true when the snapshot's health
// summary equals the one before it. Read from the narrow columns, never the blob; snapshots
// from before schema version 2 have no facts and compare by state and scan alone.
constexpr char kUnchanged[] = R"sql(
  s.state IS LAG(s.state) OVER w AND s.scan_function IS LAG(s.scan_function) OVER w
  AND s.scan_state IS LAG(s.scan_state) OVER w AND f.health IS LAG(f.health) OVER w)sql";

using Counters = std::array<std::optional<int64_t>, 3>;  // read, write, checksum

Counters LeafCounters(const v1::Vdev& leaf) {
  return {Optional(leaf.has_read_errors(), leaf.read_errors()),
          Optional(leaf.has_write_errors(), leaf.write_errors()),
          Optional(leaf.has_checksum_errors(), leaf.checksum_errors())};
}

// A leaf's vdev_counters row.
struct Sample {
  int64_t id = 0;
  int64_t time = 0;
  Counters counters;
};

// Each counter of `later` is present where `earlier`'s is, and at least as high.
bool RoseFrom(const Counters& earlier, const Counters& later) {
  for (size_t i = 0; i < earlier.size(); ++i) {
    if (earlier[i].has_value() != later[i].has_value()) return false;
    if (earlier[i].has_value() &&
        static_cast<uint64_t>(*later[i]) < static_cast<uint64_t>(*earlier[i])) {
      return false;
    }
  }
  return true;
}

bool AnyErrors(const Counters& c) {
  for (const std::optional<int64_t>& v : c) {
    if (v.value_or(0) != 0) return true;
  }
  return false;
}

// Whether counters `next` move the leaf's latest row `last` forward instead of adding a row
// after it (`before` is the row before `last`): a counter rising on every poll would
// otherwise add a row per poll. Only inside a rise that had started already (`before` has
// errors, so `last` is not when they began) and while `last` is less than kSampleSpacing
// after `before`: rows stay that far apart, the first errors after a clean state or a reset
// keep their time, and a reset (a counter going down) always gets a row of its own. Triage
// (events/triage.h) reads growth over hours from these rows.
bool Merges(const Sample& before, const Sample& last, const Counters& next) {
  return AnyErrors(before.counters) && RoseFrom(before.counters, last.counters) &&
         RoseFrom(last.counters, next) && absl::Seconds(last.time - before.time) < kSampleSpacing;
}

// The pool's counter samples per leaf, each list cut to its last `limit`.
// `stmt` is the prepared kSelectSamples, reused across pools.
constexpr char kSelectSamples[] = R"sql(
  SELECT vdev, time, read_errors, write_errors, checksum_errors
  FROM vdev_counters WHERE pool_id = ?1 ORDER BY vdev, id)sql";

absl::StatusOr<DiskHistory> LoadHistory(Statement& stmt, int64_t pool_id, int limit) {
  stmt.Reset();
  stmt.BindInt64(1, pool_id);
  DiskHistory history;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    v1::CounterSample sample;
    sample.set_time(stmt.ColumnInt64(1));
    sample.set_read_errors(static_cast<uint64_t>(ColumnOptional(stmt, 2).value_or(0)));
    sample.set_write_errors(static_cast<uint64_t>(ColumnOptional(stmt, 3).value_or(0)));
    sample.set_checksum_errors(static_cast<uint64_t>(ColumnOptional(stmt, 4).value_or(0)));
    history[stmt.ColumnText(0)].push_back(std::move(sample));
  }
  stmt.Reset();
  for (auto& [vdev, samples] : history) {
    if (static_cast<int>(samples.size()) > limit) {
      samples.erase(samples.begin(), samples.end() - std::max(limit, 0));
    }
  }
  return history;
}

}  // namespace

absl::Status HistoryTable::RecordCounters(int64_t pool_id, const v1::Pool& pool, absl::Time now) {
  Database& db = *db_;
  // A name listed twice (an in-use spare) is one device: its first listing counts.
  std::vector<const v1::Vdev*> leaves;
  absl::flat_hash_set<std::string> seen;
  ForEachLeaf(pool, [&](const v1::Vdev& leaf) {
    if (seen.insert(leaf.name()).second) leaves.push_back(&leaf);
  });
  ASSIGN_OR_RETURN(Statement last, db.Prepare(R"sql(
    SELECT id, time, read_errors, write_errors, checksum_errors FROM vdev_counters
    WHERE pool_id = ?1 AND vdev = ?2 ORDER BY id DESC LIMIT 2)sql"));
  ASSIGN_OR_RETURN(Statement insert, db.Prepare(R"sql(
    INSERT INTO vdev_counters (pool_id, vdev, path, time, read_errors, write_errors,
                               checksum_errors)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql"));
  ASSIGN_OR_RETURN(Statement move, db.Prepare(R"sql(
    UPDATE vdev_counters SET path = ?2, time = ?3, read_errors = ?4, write_errors = ?5,
                             checksum_errors = ?6
    WHERE id = ?1)sql"));
  for (const v1::Vdev* leaf : leaves) {
    const Counters counters = LeafCounters(*leaf);
    last.Reset();
    last.BindInt64(1, pool_id).BindText(2, leaf->name());
    std::vector<Sample> recent;  // newest first
    RETURN_IF_ERROR(ForEachRow(last, [&](const Statement& row) {
      recent.push_back({row.ColumnInt64(0),
                        row.ColumnInt64(1),
                        {ColumnOptional(row, 2), ColumnOptional(row, 3), ColumnOptional(row, 4)}});
      return absl::OkStatus();
    }));
    if (recent.empty() ? counters == Counters{} : recent[0].counters == counters) continue;
    if (recent.size() == 2 && Merges(recent[1], recent[0], counters)) {
      move.Reset();
      move.BindInt64(1, recent[0].id).BindText(2, leaf->path()).BindInt64(3, ToUnix(now));
      for (int i = 0; i < 3; ++i) BindOptional(move, 4 + i, counters[i]);
      RETURN_IF_ERROR(WithContext(move.Run(), "recording vdev counters"));
      continue;
    }
    insert.Reset();
    insert.BindInt64(1, pool_id).BindText(2, leaf->name()).BindText(3, leaf->path());
    insert.BindInt64(4, ToUnix(now));
    for (int i = 0; i < 3; ++i) BindOptional(insert, 5 + i, counters[i]);
    RETURN_IF_ERROR(WithContext(insert.Run(), "recording vdev counters"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::PoolChange>> HistoryTable::ListPoolChanges(
    const std::string& host_id, const std::string& pool, int limit) {
  if (limit <= 0) return std::vector<v1::PoolChange>();
  Database& db = *db_;
  ASSIGN_OR_RETURN(std::optional<int64_t> pool_id, pools_->RowId(host_id, pool));
  if (!pool_id.has_value()) {
    return absl::NotFoundError(absl::StrCat("unknown pool ", host_id, "/", pool));
  }
  // Candidates by the summary columns; the blobs then say what changed.
  ASSIGN_OR_RETURN(Statement changes, db.Prepare(absl::StrCat(R"sql(
    SELECT id, prev_id FROM (
      SELECT s.id, s.taken_at, LAG(s.id) OVER w AS prev_id, )sql",
                                                              kUnchanged, R"sql( AS unchanged
      FROM pool_snapshots s LEFT JOIN snapshot_facts f ON f.snapshot_id = s.id
      WHERE s.pool_id = ?1
      WINDOW w AS (ORDER BY s.taken_at, s.id))
    WHERE prev_id IS NULL OR NOT unchanged
    ORDER BY taken_at DESC, id DESC)sql")));
  changes.BindInt64(1, *pool_id);
  std::vector<std::pair<int64_t, std::optional<int64_t>>> candidates;
  while (true) {
    ASSIGN_OR_RETURN(bool row, changes.Step());
    if (!row) break;
    candidates.emplace_back(changes.ColumnInt64(0), ColumnOptional(changes, 1));
  }
  changes.Reset();

  ASSIGN_OR_RETURN(Statement blob,
                   db.Prepare("SELECT taken_at, pool FROM pool_snapshots WHERE id = ?1"));
  auto load = [&](int64_t id, v1::Pool& out, int64_t& taken_at) -> absl::Status {
    blob.Reset();
    blob.BindInt64(1, id);
    ASSIGN_OR_RETURN(bool row, blob.Step());
    if (!row) return absl::InternalError(absl::StrCat("pool snapshot ", id, " vanished"));
    taken_at = blob.ColumnInt64(0);
    RETURN_IF_ERROR(ParseStored(blob.ColumnBlob(1), &out, "pool snapshot"));
    blob.Reset();
    return absl::OkStatus();
  };

  std::vector<v1::PoolChange> result;
  for (const auto& [id, prev_id] : candidates) {
    if (static_cast<int>(result.size()) >= limit) break;
    v1::Pool after;
    int64_t taken_at = 0;
    RETURN_IF_ERROR(load(id, after, taken_at));
    std::optional<v1::Pool> before;
    if (prev_id.has_value()) {
      int64_t ignored = 0;
      before.emplace();
      RETURN_IF_ERROR(load(*prev_id, *before, ignored));
    }
    std::string summary = DescribePoolChange(before, after);
    if (summary.empty()) continue;
    const PoolFacts facts = ComputePoolFacts(after);
    v1::PoolChange& change = result.emplace_back();
    change.set_time(taken_at);
    change.set_state(after.state());
    change.set_scan_function(after.scan().function());
    change.set_scan_state(after.scan().state());
    if (facts.data_errors.has_value()) change.set_data_errors(*facts.data_errors);
    change.set_device_errors(facts.device_errors.value_or(0));
    change.set_summary(std::move(summary));
  }
  return result;
}

absl::StatusOr<std::vector<v1::Disk>> HistoryTable::ListDisks(const std::string& model,
                                                              const std::string& host_id,
                                                              int history_limit) {
  Database& db = *db_;
  // The vdevs rows narrow a model search to the pools that have such a disk; the
  // snapshot then gives the full identity (slot, transport, class).
  ASSIGN_OR_RETURN(Statement pools, db.Prepare(R"sql(
    SELECT p.id, h.name, s.pool
    FROM pools p
    JOIN hosts h ON h.id = p.host_id
    JOIN pool_snapshots s ON s.id = p.last_snapshot_id
    WHERE p.present = 1 AND (?1 = '' OR h.name = ?1)
      AND (?2 = '' OR EXISTS (SELECT 1 FROM vdevs v WHERE v.pool_id = p.id
                              AND instr(lower(v.model), lower(?2)) > 0))
    ORDER BY h.name, p.name)sql"));
  pools.BindText(1, host_id).BindText(2, model);
  ASSIGN_OR_RETURN(Statement samples, db.Prepare(kSelectSamples));
  const std::string needle = absl::AsciiStrToLower(model);
  std::vector<v1::Disk> disks;
  while (true) {
    ASSIGN_OR_RETURN(bool row, pools.Step());
    if (!row) break;
    const int64_t pool_id = pools.ColumnInt64(0);
    v1::Pool pool;
    RETURN_IF_ERROR(ParseStored(pools.ColumnBlob(2), &pool, "pool snapshot"));
    const size_t first = disks.size();
    absl::flat_hash_set<std::string> seen;
    ForEachLeaf(pool, [&](const v1::Vdev& leaf) {
      if (!seen.insert(leaf.name()).second) return;
      if (!needle.empty() &&
          !absl::StrContains(absl::AsciiStrToLower(leaf.disk().model()), needle)) {
        return;
      }
      disks.push_back(LeafDisk(pools.ColumnText(1), pool.name(), leaf));
    });
    if (disks.size() == first || history_limit <= 0) continue;
    ASSIGN_OR_RETURN(DiskHistory history, LoadHistory(samples, pool_id, history_limit));
    for (size_t i = first; i < disks.size(); ++i) {
      auto it = history.find(disks[i].vdev());
      if (it == history.end()) continue;
      for (v1::CounterSample& sample : it->second) *disks[i].add_history() = std::move(sample);
    }
  }
  return disks;
}

absl::StatusOr<DiskHistory> HistoryTable::GetDiskHistory(const std::string& host_id,
                                                         const std::string& pool, int limit) {
  ASSIGN_OR_RETURN(std::optional<int64_t> pool_id, pools_->RowId(host_id, pool));
  if (!pool_id.has_value() || limit <= 0) return DiskHistory();
  ASSIGN_OR_RETURN(Statement samples, db_->Prepare(kSelectSamples));
  return LoadHistory(samples, *pool_id, limit);
}

absl::StatusOr<int64_t> HistoryTable::ThinSnapshots(absl::Time from, absl::Time before) {
  // Whole UTC days only, so "first and last of the day" is decided on complete days.
  const int64_t from_s = from <= absl::UnixEpoch() ? 0 : ToUnix(from) / kDay * kDay;
  const int64_t before_s = before <= absl::UnixEpoch() ? 0 : ToUnix(before) / kDay * kDay;
  if (before_s <= from_s) return 0;
  Database& db = *db_;
  // A run of equal snapshots keeps its first member (it differs from its predecessor), so
  // deleting the rest keeps every change, and thinning a range twice deletes nothing more.
  // snapshot_facts rows go with their snapshots (ON DELETE CASCADE).
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(absl::StrCat(R"sql(
    DELETE FROM pool_snapshots WHERE id IN (
      SELECT id FROM (
        SELECT s.id,
               ROW_NUMBER() OVER (PARTITION BY s.pool_id, s.taken_at / 86400
                                  ORDER BY s.taken_at, s.id) AS first_rank,
               ROW_NUMBER() OVER (PARTITION BY s.pool_id, s.taken_at / 86400
                                  ORDER BY s.taken_at DESC, s.id DESC) AS last_rank, )sql",
                                                           kUnchanged, R"sql( AS unchanged
        FROM pool_snapshots s LEFT JOIN snapshot_facts f ON f.snapshot_id = s.id
        WHERE s.taken_at >= ?1 AND s.taken_at < ?2
        WINDOW w AS (PARTITION BY s.pool_id ORDER BY s.taken_at, s.id))
      WHERE first_rank > 1 AND last_rank > 1 AND unchanged)
    AND id NOT IN (SELECT last_snapshot_id FROM pools WHERE last_snapshot_id IS NOT NULL))sql")));
  stmt.BindInt64(1, from_s).BindInt64(2, before_s);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "thinning pool snapshots"));
  return db.Changes();
}

absl::StatusOr<std::optional<absl::Time>> HistoryTable::FirstCounterTime(absl::Time from) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("SELECT MIN(time) FROM vdev_counters WHERE time >= ?1"));
  stmt.BindInt64(1, ToUnix(from));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) return std::optional<absl::Time>();
  return std::optional<absl::Time>(FromUnix(stmt.ColumnInt64(0)));
}

absl::StatusOr<int64_t> HistoryTable::ThinCounters(absl::Time day, int limit) {
  if (limit <= 0) return 0;
  const int64_t from_s = ToUnix(day) / kDay * kDay;
  // Rows of one leaf in id order are in time order (a merged row only moves forward, and
  // only the newest one moves). Triage reads a reset (zpool clear: the total drops) and when
  // errors began after one (triage.h, ErrorsSince), so both rows around a drop stay, and
  // the first row with errors after a clean one.
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM vdev_counters WHERE id IN (
      SELECT id FROM (
        SELECT id,
               ROW_NUMBER() OVER (PARTITION BY pool_id, vdev ORDER BY id) AS first_rank,
               ROW_NUMBER() OVER (PARTITION BY pool_id, vdev ORDER BY id DESC) AS last_rank,
               total < LAG(total) OVER leaf AS reset,
               total > LEAD(total) OVER leaf AS before_reset,
               total > 0 AND LAG(total) OVER leaf = 0 AS begins
        FROM (SELECT id, pool_id, vdev, IFNULL(read_errors, 0) + IFNULL(write_errors, 0)
                                        + IFNULL(checksum_errors, 0) AS total
              FROM vdev_counters WHERE time >= ?1 AND time < ?2)
        WINDOW leaf AS (PARTITION BY pool_id, vdev ORDER BY id))
      WHERE first_rank > 1 AND last_rank > 1 AND NOT IFNULL(reset, 0)
        AND NOT IFNULL(before_reset, 0) AND NOT IFNULL(begins, 0)
      LIMIT ?3))sql"));
  stmt.BindInt64(1, from_s).BindInt64(2, from_s + kDay).BindInt64(3, limit);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "thinning vdev counters"));
  return db_->Changes();
}

}  // namespace zfleet::controller
