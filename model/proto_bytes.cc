#include "model/proto_bytes.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace zfleet {

absl::StatusOr<std::string> SerializeDeterministic(const google::protobuf::Message& message) {
  std::string bytes;
  bool ok = false;
  {
    // The coded stream flushes into `bytes` when it goes out of scope.
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    ok = message.SerializeToCodedStream(&coded);
  }
  if (!ok) {
    return absl::InternalError(
        absl::StrCat("cannot serialize ", message.GetDescriptor()->full_name()));
  }
  return bytes;
}

}  // namespace zfleet
