#include "model/report_limits.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace zfleet {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::RepeatedPtrField;

constexpr size_t kMiB = size_t{1} << 20;
constexpr char kEllipsis[] = "…";  // 3 bytes in UTF-8
// The second, tighter cut of FitReportToLimits, for a report still over kMaxReportBytes.
constexpr int kTightListEntries = 10;
constexpr size_t kTightEntryBytes = 256;

// The longest prefix of `s` of at most `max` bytes that does not split a UTF-8 sequence.
absl::string_view CutAtBoundary(absl::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  // s[n] is the first byte left out; while it continues a sequence, leave out its start too.
  // At most 3 steps: no valid sequence has more continuation bytes.
  for (int step = 0; step < 3 && n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80; ++step) --n;
  return s.substr(0, n);
}

// `s` cut to at most `max` bytes, ending with "…" when cut. REQUIRES: max >= 3.
std::string Shortened(absl::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  return absl::StrCat(CutAtBoundary(s, max - (sizeof(kEllipsis) - 1)), kEllipsis);
}

// A name for an error message: quoted, short, and printable whatever its bytes.
std::string Quote(absl::string_view s) {
  return absl::StrCat("\"", CleanUtf8(Shortened(s, 64)), "\"");
}

std::string MiB(size_t bytes) {
  return bytes % kMiB == 0 ? absl::StrCat(bytes / kMiB, " MiB")
                           : absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / kMiB);
}

// The report's size for an error message; in bytes when it is so close to the limit that
// "32.0 MiB (limit 32 MiB)" would hide the excess.
std::string SizeOver(size_t bytes) {
  if (bytes < kMaxReportBytes + kMiB / 10) return absl::StrCat(bytes, " bytes");
  return MiB(bytes);
}

absl::Status Over(absl::string_view what) { return absl::InvalidArgumentError(what); }

int CountVdevs(const RepeatedPtrField<v1::Vdev>& vdevs) {
  int n = vdevs.size();
  for (const v1::Vdev& v : vdevs) n += CountVdevs(v.children());
  return n;
}

// Where a field sits under the message CheckStrings started from, as a chain up to it:
// the path is spelled out only for an error, since it is checked on every report.
struct FieldPath {
  const FieldPath* parent = nullptr;
  const FieldDescriptor* field = nullptr;  // null at the top
  int index = -1;                          // in a repeated field; -1 otherwise

  std::string ToString() const {
    if (field == nullptr) return "";
    std::string up = parent != nullptr ? parent->ToString() : "";
    std::string path = up.empty() ? field->name() : absl::StrCat(up, ".", field->name());
    if (index >= 0) absl::StrAppend(&path, "[", index, "]");
    return path;
  }
};

absl::Status CheckString(const std::string& s, const FieldPath& path) {
  if (!IsValidUtf8(s)) return Over(absl::StrCat(path.ToString(), " is not valid UTF-8"));
  if (s.size() > kMaxStringBytes) {
    return Over(
        absl::StrCat(path.ToString(), " is ", s.size(), " bytes (limit ", kMaxStringBytes, ")"));
  }
  return absl::OkStatus();
}

// The string and message fields of a message type, listed once per type and thread: this
// runs for every message of every report, and ListFields would visit every counter too.
const std::vector<const FieldDescriptor*>& TextAndMessageFields(
    const google::protobuf::Descriptor* type) {
  thread_local absl::flat_hash_map<const google::protobuf::Descriptor*,
                                   std::vector<const FieldDescriptor*>>
      known;
  auto [it, inserted] = known.try_emplace(type);
  if (inserted) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->type() == FieldDescriptor::TYPE_STRING ||
          field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        it->second.push_back(field);
      }
    }
  }
  return it->second;
}

// Every string field under `message` (except `skip`): valid UTF-8, at most kMaxStringBytes.
// `where` is the path of `message`, so the error names the field.
absl::Status CheckStrings(const Message& message, const FieldPath& where,
                          const FieldDescriptor* skip = nullptr) {
  const Reflection* reflection = message.GetReflection();
  std::string scratch;
  absl::Status status;
  for (const FieldDescriptor* field : TextAndMessageFields(message.GetDescriptor())) {
    if (field == skip) continue;
    const bool text = field->type() == FieldDescriptor::TYPE_STRING;
    if (field->is_repeated()) {
      for (int i = 0, n = reflection->FieldSize(message, field); i < n && status.ok(); ++i) {
        const FieldPath item{&where, field, i};
        status =
            text ? CheckString(reflection->GetRepeatedStringReference(message, field, i, &scratch),
                               item)
                 : CheckStrings(reflection->GetRepeatedMessage(message, field, i), item);
      }
    } else if (text) {
      status = CheckString(reflection->GetStringReference(message, field, &scratch),
                           FieldPath{&where, field});
    } else if (reflection->HasField(message, field)) {
      status = CheckStrings(reflection->GetMessage(message, field), FieldPath{&where, field});
    }
    if (!status.ok()) break;
  }
  return status;
}

absl::Status CheckPool(const v1::Pool& pool) {
  if (const int n = CountVdevs(pool.vdevs()); n > kMaxVdevsPerPool) {
    return Over(absl::StrCat(n, " vdevs (limit ", kMaxVdevsPerPool, ")"));
  }
  if (const int n = pool.errors().files_size(); n > kMaxErrorFilesPerPool) {
    return Over(absl::StrCat(n, " error-file names (limit ", kMaxErrorFilesPerPool, ")"));
  }
  if (const int n = pool.unparsed_size(); n > kMaxUnparsedLinesPerPool) {
    return Over(absl::StrCat(n, " unparsed lines (limit ", kMaxUnparsedLinesPerPool, ")"));
  }
  return CheckStrings(pool, FieldPath());
}

absl::Status CheckLabels(const v1::HostInfo& host) {
  if (host.labels_size() > kMaxLabels) {
    return Over(absl::StrCat(host.labels_size(), " host labels (limit ", kMaxLabels, ")"));
  }
  for (const auto& [key, value] : host.labels()) {
    if (key.size() > kMaxLabelKeyBytes) {
      return Over(absl::StrCat("host label key ", Quote(key), " is ", key.size(), " bytes (limit ",
                               kMaxLabelKeyBytes, ")"));
    }
    if (value.size() > kMaxLabelValueBytes) {
      return Over(absl::StrCat("host label ", Quote(key), " value is ", value.size(),
                               " bytes (limit ", kMaxLabelValueBytes, ")"));
    }
  }
  return absl::OkStatus();
}

// Cuts `list` to at most `limit` entries, the last then saying how many were left out.
// `hidden` is how many an earlier cut left out (its marker is then the last entry); it is
// updated. REQUIRES: limit >= 1.
void CutList(RepeatedPtrField<std::string>* list, int limit, int64_t* hidden) {
  if (list->size() <= limit) return;
  const int named = list->size() - (*hidden > 0 ? 1 : 0);
  const int keep = limit - 1;
  *hidden += named - keep;
  list->DeleteSubrange(keep, list->size() - keep);
  list->Add(absl::StrCat(kEllipsis, " and ", *hidden, " more"));
}

// Cuts every string field under `message` to kMaxStringBytes. Labels are agent.toml's and
// are left to CheckReportLimits: cutting a key could merge two labels.
void ShortenStrings(Message* message) {
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  std::string scratch;
  for (const FieldDescriptor* field : fields) {
    if (field->is_map()) continue;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(*message, field); i < n; ++i) {
          const std::string& s =
              reflection->GetRepeatedStringReference(*message, field, i, &scratch);
          if (s.size() > kMaxStringBytes) {
            reflection->SetRepeatedString(message, field, i, Shortened(s, kMaxStringBytes));
          }
        }
      } else {
        const std::string& s = reflection->GetStringReference(*message, field, &scratch);
        if (s.size() > kMaxStringBytes)
          reflection->SetString(message, field, Shortened(s, kMaxStringBytes));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(*message, field); i < n; ++i) {
          ShortenStrings(reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        ShortenStrings(reflection->MutableMessage(message, field));
      }
    }
  }
}

}  // namespace

absl::Status CheckReportLimits(const v1::ReportRequest& report) {
  if (const size_t bytes = report.ByteSizeLong(); bytes > kMaxReportBytes) {
    return Over(absl::StrCat("report is ", SizeOver(bytes), " (limit ", MiB(kMaxReportBytes), ")"));
  }
  if (report.pools_size() > kMaxPools) {
    return Over(absl::StrCat(report.pools_size(), " pools (limit ", kMaxPools, ")"));
  }
  absl::flat_hash_map<absl::string_view, int> named;
  for (const v1::Pool& pool : report.pools()) ++named[pool.name()];
  for (const v1::Pool& pool : report.pools()) {  // in report order, so the message is stable
    if (const int n = named[pool.name()]; n > 1) {
      return Over(absl::StrCat(n, " pools named ", Quote(pool.name())));
    }
  }
  for (const v1::Pool& pool : report.pools()) {
    RETURN_IF_ERROR(WithContext(CheckPool(pool), absl::StrCat("pool ", Quote(pool.name()))));
  }
  RETURN_IF_ERROR(CheckLabels(report.host()));
  if (const int n = report.host().stack_checks_size(); n > kMaxStackChecks) {
    return Over(absl::StrCat(n, " stack checks (limit ", kMaxStackChecks, ")"));
  }
  if (report.acks_size() > kMaxAcks) {
    return Over(absl::StrCat(report.acks_size(), " acks (limit ", kMaxAcks, ")"));
  }
  if (report.agent_scrubs_size() > kMaxAgentScrubs) {
    return Over(
        absl::StrCat(report.agent_scrubs_size(), " agent scrubs (limit ", kMaxAgentScrubs, ")"));
  }
  return CheckStrings(
      report, FieldPath(),
      v1::ReportRequest::descriptor()->FindFieldByNumber(v1::ReportRequest::kPoolsFieldNumber));
}

void FitReportToLimits(v1::ReportRequest* report) {
  std::vector<int64_t> files_hidden(report->pools_size(), 0);
  std::vector<int64_t> lines_hidden(report->pools_size(), 0);
  for (int i = 0; i < report->pools_size(); ++i) {
    v1::Pool& pool = *report->mutable_pools(i);
    if (pool.errors().files_size() > kMaxErrorFilesPerPool) {
      CutList(pool.mutable_errors()->mutable_files(), kMaxErrorFilesPerPool, &files_hidden[i]);
    }
    CutList(pool.mutable_unparsed(), kMaxUnparsedLinesPerPool, &lines_hidden[i]);
  }
  if (report->acks_size() > kMaxAcks) {
    report->mutable_acks()->DeleteSubrange(kMaxAcks, report->acks_size() - kMaxAcks);
  }
  if (report->agent_scrubs_size() > kMaxAgentScrubs) {
    report->mutable_agent_scrubs()->DeleteSubrange(kMaxAgentScrubs,
                                                   report->agent_scrubs_size() - kMaxAgentScrubs);
  }
  auto* checks = report->mutable_host()->mutable_stack_checks();
  if (checks->size() > kMaxStackChecks) {
    std::stable_partition(checks->begin(), checks->end(),
                          [](const v1::StackCheck& c) { return c.level() != "ok"; });
    checks->DeleteSubrange(kMaxStackChecks, checks->size() - kMaxStackChecks);
  }
  ShortenStrings(report);
  if (report->ByteSizeLong() <= kMaxReportBytes) return;
  for (int i = 0; i < report->pools_size(); ++i) {
    v1::Pool& pool = *report->mutable_pools(i);
    if (pool.has_errors()) {
      CutList(pool.mutable_errors()->mutable_files(), kTightListEntries, &files_hidden[i]);
      for (std::string& s : *pool.mutable_errors()->mutable_files())
        s = Shortened(s, kTightEntryBytes);
    }
    CutList(pool.mutable_unparsed(), kTightListEntries, &lines_hidden[i]);
    for (std::string& s : *pool.mutable_unparsed()) s = Shortened(s, kTightEntryBytes);
  }
}

}  // namespace zfleet
