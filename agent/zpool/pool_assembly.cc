#include "agent/zpool/pool_assembly.h"

#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "agent/zpool/zpool_list_parser.h"
#include "agent/zpool/zpool_status_json_parser.h"
#include "common/status_macros.h"

namespace zfleet::agent {
namespace {

// Length of the well-formed UTF-8 sequence at text[i]; 0 when there is none.
size_t Utf8SequenceAt(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  if (byte(i) < 0x80) return 1;
  size_t length = 0;
  uint32_t code = 0;
  if ((byte(i) & 0xE0) == 0xC0) {
    length = 2;
    code = byte(i) & 0x1F;
  } else if ((byte(i) & 0xF0) == 0xE0) {
    length = 3;
    code = byte(i) & 0x0F;
  } else if ((byte(i) & 0xF8) == 0xF0) {
    length = 4;
    code = byte(i) & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = i + 1; k < i + length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(k) & 0x3F);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  const bool valid =
      code >= kMinimum[length] && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
  return valid ? length : 0;
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0, length = 0; i < text.size(); i += length) {
    if ((length = Utf8SequenceAt(text, i)) == 0) return false;
  }
  return true;
}

// zpool prints names as the bytes they are, and the text parser keeps them so.
std::string EscapeInvalidUtf8(absl::string_view text) {
  std::string fixed;
  for (size_t i = 0; i < text.size();) {
    if (const size_t length = Utf8SequenceAt(text, i); length > 0) {
      fixed.append(text.data() + i, length);
      i += length;
    } else {
      absl::StrAppendFormat(&fixed, "\\x%02x", static_cast<unsigned char>(text[i++]));
    }
  }
  return fixed;
}

void MakeValidUtf8(google::protobuf::Message& message) {
  const google::protobuf::Descriptor* desc = message.GetDescriptor();
  const google::protobuf::Reflection* refl = message.GetReflection();
  std::string scratch;
  for (int i = 0; i < desc->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = desc->field(i);
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && f->is_repeated()) {
      for (int k = 0; k < refl->FieldSize(message, f); ++k) {
        const std::string& value = refl->GetRepeatedStringReference(message, f, k, &scratch);
        if (!IsValidUtf8(value)) refl->SetRepeatedString(&message, f, k, EscapeInvalidUtf8(value));
      }
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      const std::string& value = refl->GetStringReference(message, f, &scratch);
      if (!IsValidUtf8(value)) refl->SetString(&message, f, EscapeInvalidUtf8(value));
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE && f->is_repeated()) {
      for (int k = 0; k < refl->FieldSize(message, f); ++k) {
        MakeValidUtf8(*refl->MutableRepeatedMessage(&message, f, k));
      }
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
               refl->HasField(message, f)) {
      MakeValidUtf8(*refl->MutableMessage(&message, f));
    }
  }
}

}  // namespace

absl::StatusOr<AssembledPools> AssemblePools(const ZpoolOutputs& outputs,
                                             const StatusParseOptions& options) {
  ASSIGN_OR_RETURN(std::vector<PoolListEntry> listed, ParseZpoolList(outputs.list_text));
  if (listed.empty()) return AssembledPools{};
  ASSIGN_OR_RETURN(StatusParseResult status,
                   outputs.status_is_json ? ParseZpoolStatusJson(outputs.status_text, options)
                                          : ParseZpoolStatus(outputs.status_text, options));

  absl::flat_hash_map<std::string, v1::Pool*> by_name;
  for (auto& pool : status.pools) by_name[pool.name()] = &pool;

  AssembledPools result;
  result.unparsed_count = status.unparsed_count;
  for (const PoolListEntry& entry : listed) {
    v1::Pool pool;
    if (auto it = by_name.find(entry.name); it != by_name.end()) {
      pool = std::move(*it->second);
    } else {
      // Listed but absent from status (it changed between the two calls): report what
      // list knows rather than dropping the pool.
      pool.set_name(entry.name);
      pool.set_state(entry.health);
    }
    ApplyListEntry(entry, pool);
    MakeValidUtf8(pool);
    result.pools.push_back(std::move(pool));
  }
  return result;
}

}  // namespace zfleet::agent
