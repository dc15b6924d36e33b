#include "model/clean_strings.h"

#include <string>
#include <vector>

#include "common/utf8.h"
#include "google/protobuf/descriptor.h"

namespace zfleet {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsTextField(const FieldDescriptor* field) {
  return field->type() == FieldDescriptor::TYPE_STRING;  // not TYPE_BYTES
}

// Whether `message` holds an invalid string anywhere. Read-only, so that a clean message
// (the usual case) is never touched through mutable reflection: that would, among other
// things, switch a map field to its repeated representation.
bool AllValid(const Message& message) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  std::string scratch;
  for (const FieldDescriptor* field : fields) {
    if (IsTextField(field)) {
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(message, field); i < n; ++i) {
          if (!IsValidUtf8(reflection->GetRepeatedStringReference(message, field, i, &scratch))) {
            return false;
          }
        }
      } else if (!IsValidUtf8(reflection->GetStringReference(message, field, &scratch))) {
        return false;
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(message, field); i < n; ++i) {
          if (!AllValid(reflection->GetRepeatedMessage(message, field, i))) return false;
        }
      } else if (!AllValid(reflection->GetMessage(message, field))) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int CleanStrings(Message* message) {
  if (AllValid(*message)) return 0;
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  std::string scratch;
  int changed = 0;
  for (const FieldDescriptor* field : fields) {
    if (IsTextField(field)) {
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(*message, field); i < n; ++i) {
          const std::string& s =
              reflection->GetRepeatedStringReference(*message, field, i, &scratch);
          if (IsValidUtf8(s)) continue;
          reflection->SetRepeatedString(message, field, i, CleanUtf8(s));
          ++changed;
        }
      } else {
        const std::string& s = reflection->GetStringReference(*message, field, &scratch);
        if (IsValidUtf8(s)) continue;
        reflection->SetString(message, field, CleanUtf8(s));
        ++changed;
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      // Map fields are repeated entry messages to reflection; their keys and values are
      // cleaned like any field, and the map is rebuilt from the entries when next read.
      if (field->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(*message, field); i < n; ++i) {
          if (AllValid(reflection->GetRepeatedMessage(*message, field, i))) continue;
          changed += CleanStrings(reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        changed += CleanStrings(reflection->MutableMessage(message, field));
      }
    }
  }
  return changed;
}

}  // namespace zfleet
