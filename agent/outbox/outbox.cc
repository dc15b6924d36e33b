#include "agent/outbox/outbox.h"

#include <algorithm>
#include <array>
#include <functional>
#include <cstring>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"

namespace zfleet::agent {
namespace {

// outbox.log is a sequence of records: u32 body length, u32 CRC-32 of the body (both
// little-endian), then the body: one type byte and its payload.
//   'O' observation: one byte (1: state change, 0: progress sample), the serialized
//       ReportRequest (its sequence inside)
//   'A' answered: u64 sequence; every observation up to it has left the outbox
//   'X' dropped: u64 sequence; that one progress sample was dropped by the bound
// Records are only appended; Compact() rewrites the file with the live observations.
constexpr char kObservation = 'O';
constexpr char kAnswered = 'A';
constexpr char kDropped = 'X';
constexpr size_t kHeader = 8;
constexpr size_t kCompactAbove = size_t{8} << 20;

uint32_t Crc32(absl::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLE(absl::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  return v;
}

std::string Frame(char type, absl::string_view payload) {
  std::string body(1, type);
  body.append(payload.data(), payload.size());
  std::string out;
  PutU32(out, static_cast<uint32_t>(body.size()));
  PutU32(out, Crc32(body));
  out += body;
  return out;
}

std::string ObservationPayload(bool state_change, absl::string_view bytes) {
  std::string payload(1, state_change ? '\1' : '\0');
  payload.append(bytes.data(), bytes.size());
  return payload;
}

std::string SequencePayload(uint64_t sequence) {
  std::string payload;
  PutU64(payload, sequence);
  return payload;
}

absl::StatusOr<std::string> LoadOrMakeStreamId(const std::string& dir) {
  const std::string path = dir + "/stream-id";
  absl::StatusOr<std::string> id = ReadWholeFile(path);
  if (id.ok() && id->size() >= 17 && (*id)[16] == '\n') return id->substr(0, 16);
  if (!id.ok() && !absl::IsNotFound(id.status())) return id.status();
  if (id.ok()) spdlog::warn("{} is malformed; starting a new stream", path);
  absl::BitGen gen;
  const std::string made = absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
  if (absl::Status s = WriteFileAtomically(path, made + "\n"); !s.ok()) return s;
  return made;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Open(const std::string& dir, OutboxLimits limits) {
  absl::StatusOr<std::string> stream = LoadOrMakeStreamId(dir);
  if (!stream.ok()) return stream.status();
  std::unique_ptr<Outbox> box(new Outbox(*stream, limits));
  const std::string path = dir + "/outbox.log";
  absl::StatusOr<std::string> content = ReadWholeFile(path);
  if (!content.ok() && !absl::IsNotFound(content.status())) return content.status();
  absl::StatusOr<AppendOnlyFile> file = AppendOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  box->file_ = *std::move(file);
  if (content.ok()) {
    if (absl::Status s = box->Load(*content); !s.ok()) return s;
  }
  return box;
}

std::unique_ptr<Outbox> Outbox::InMemory(const std::string& stream_id, OutboxLimits limits) {
  return std::unique_ptr<Outbox>(new Outbox(stream_id, limits));
}

absl::Status Outbox::Load(const std::string& content) {
  absl::string_view rest = content;
  bool damaged = false;
  std::deque<Entry> entries;
  while (!rest.empty()) {
    if (rest.size() < kHeader) {
      damaged = true;
      break;
    }
    const size_t length = GetLE(rest, 4);
    const uint32_t crc = static_cast<uint32_t>(GetLE(rest.substr(4), 4));
    if (length == 0 || rest.size() - kHeader < length) {
      damaged = true;
      break;
    }
    const absl::string_view body = rest.substr(kHeader, length);
    if (Crc32(body) != crc) {
      damaged = true;
      break;
    }
    rest.remove_prefix(kHeader + length);
    const absl::string_view payload = body.substr(1);
    switch (body[0]) {
      case kObservation: {
        v1::ReportRequest observation;
        if (payload.empty() || !observation.ParseFromArray(payload.data() + 1,
                                                           static_cast<int>(payload.size() - 1))) {
          damaged = true;
          break;
        }
        Entry entry{observation.sequence(), payload[0] == '\1', std::string(payload.substr(1))};
        last_sequence_ = std::max(last_sequence_, entry.sequence);
        entries.push_back(std::move(entry));
        break;
      }
      case kAnswered:
      case kDropped: {
        if (payload.size() != 8) {
          damaged = true;
          break;
        }
        const uint64_t sequence = GetLE(payload, 8);
        last_sequence_ = std::max(last_sequence_, sequence);
        if (body[0] == kAnswered) answered_through_ = std::max(answered_through_, sequence);
        for (auto it = entries.begin(); it != entries.end();) {
          const bool gone = body[0] == kAnswered ? it->sequence <= sequence : it->sequence == sequence;
          it = gone ? entries.erase(it) : it + 1;
        }
        break;
      }
      default:
        damaged = true;
    }
    if (damaged) break;
  }
  for (Entry& e : entries) {
    if (e.sequence <= answered_through_) continue;
    bytes_ += e.bytes.size();
    entries_.push_back(std::move(e));
  }
  file_bytes_ = content.size();
  if (damaged) {
    spdlog::warn("{}: the end of the outbox was torn or damaged ({} of {} bytes readable); "
                 "keeping the {} whole observation(s) before it",
                 file_->path(), content.size() - rest.size(), content.size(), entries_.size());
    return Compact();
  }
  if (file_bytes_ > kCompactAbove && file_bytes_ > 2 * bytes_) return Compact();
  return absl::OkStatus();
}

absl::Status Outbox::Record(char type, absl::string_view payload) {
  if (!file_.has_value()) return absl::OkStatus();
  const std::string framed = Frame(type, payload);
  if (absl::Status s = file_->Append(framed); !s.ok()) return s;
  file_bytes_ += framed.size();
  return absl::OkStatus();
}

absl::Status Outbox::Compact() {
  if (!file_.has_value()) return absl::OkStatus();
  std::string content = Frame(kAnswered, SequencePayload(answered_through_));
  // The last sequence must survive even when every observation has left.
  if (last_sequence_ > answered_through_ && entries_.empty()) {
    content += Frame(kDropped, SequencePayload(last_sequence_));
  }
  for (const Entry& e : entries_) content += Frame(kObservation, ObservationPayload(e.state_change, e.bytes));
  const std::string path = file_->path();
  if (absl::Status s = WriteFileAtomically(path, content); !s.ok()) return s;
  absl::StatusOr<AppendOnlyFile> file = AppendOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  file_ = *std::move(file);
  file_bytes_ = content.size();
  return absl::OkStatus();
}

absl::Status Outbox::Append(v1::ReportRequest observation, bool state_change) {
  observation.set_stream_id(stream_id_);
  observation.set_sequence(last_sequence_ + 1);
  Entry entry{last_sequence_ + 1, state_change, observation.SerializeAsString()};
  if (absl::Status s = Record(kObservation, ObservationPayload(state_change, entry.bytes)); !s.ok()) {
    return s;
  }
  last_sequence_ = entry.sequence;
  bytes_ += entry.bytes.size();
  entries_.push_back(std::move(entry));
  EnforceBound();
  return absl::OkStatus();
}

void Outbox::EnforceBound() {
  auto over = [&](size_t factor) {
    return entries_.size() > factor * limits_.max_entries || bytes_ > factor * limits_.max_bytes;
  };
  if (!over(1)) {
    over_bound_logged_ = false;
    return;
  }
  if (!over_bound_logged_) {
    spdlog::warn("outbox over its bound ({} observations, {} bytes): dropping the oldest progress "
                 "samples; state changes are kept",
                 entries_.size(), bytes_);
    over_bound_logged_ = true;
  }
  // Oldest samples first; the newest observation always stays.
  for (auto it = entries_.begin(); over(1) && it + 1 < entries_.end();) {
    if (it->state_change) {
      ++it;
      continue;
    }
    if (!Record(kDropped, SequencePayload(it->sequence)).ok()) return;  // kept; tried again later
    bytes_ -= it->bytes.size();
    it = entries_.erase(it);
    ++dropped_samples_;
  }
  while (over(2) && entries_.size() > 1) {
    const Entry& oldest = entries_.front();
    if (!Record(kDropped, SequencePayload(oldest.sequence)).ok()) return;
    spdlog::error("outbox over twice its bound with state changes only: dropped observation {}; "
                  "the controller will miss that change",
                  oldest.sequence);
    bytes_ -= oldest.bytes.size();
    entries_.pop_front();
    ++dropped_states_;
  }
}

std::optional<v1::ReportRequest> Outbox::Front() const {
  if (entries_.empty()) return std::nullopt;
  v1::ReportRequest observation;
  observation.ParseFromString(entries_.front().bytes);
  return observation;
}

absl::Status Outbox::PopFront() {
  if (entries_.empty()) return absl::OkStatus();
  const uint64_t sequence = entries_.front().sequence;
  if (absl::Status s = Record(kAnswered, SequencePayload(sequence)); !s.ok()) return s;
  answered_through_ = sequence;
  bytes_ -= entries_.front().bytes.size();
  entries_.pop_front();
  if (file_bytes_ > kCompactAbove && file_bytes_ > 2 * bytes_) {
    if (absl::Status s = Compact(); !s.ok()) {
      spdlog::warn("cannot compact the outbox: {}", s.message());
    }
  }
  return absl::OkStatus();
}

OutboxStats Outbox::stats() const {
  return {entries_.size(), bytes_, dropped_samples_, dropped_states_};
}

std::string ObservationStateKey(const v1::ReportRequest& o) {
  std::string key = absl::StrCat(o.pools_valid(), "|", o.collect_error(), "|",
                                 o.zpool().not_answering_since(), "|");
  for (const v1::StackCheck& c : o.host().stack_checks()) absl::StrAppend(&key, c.name(), "=", c.level(), ";");
  for (const v1::Pool& p : o.pools()) {
    absl::StrAppend(&key, "\n", p.name(), " ", p.state(), " ", p.scan().function(), " ",
                    p.scan().state(), " ", p.scan().start_time(), " ", p.errors().count(), ":");
    std::function<void(const v1::Vdev&)> walk = [&](const v1::Vdev& v) {
      absl::StrAppend(&key, " ", v.name(), "=", v.state());
      for (const v1::Vdev& c : v.children()) walk(c);
    };
    for (const v1::Vdev& v : p.vdevs()) walk(v);
  }
  return key;
}

}  // namespace zfleet::agent
