#include "agent/autonomy/state_json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace zfleet::agent {
namespace {

// protobuf's messages span lines (the offending input follows on the next one).
std::string FirstLine(const google::protobuf::util::Status& s) {
  const std::string text(s.message().data(), s.message().size());
  return text.substr(0, text.find('\n'));
}

}  // namespace

absl::Status ParseStateJson(absl::string_view json, google::protobuf::Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto s = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, options);
  if (!s.ok()) return absl::DataLossError(FirstLine(s));
  return absl::OkStatus();
}

absl::StatusOr<std::string> StateJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto s = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!s.ok()) return absl::InternalError(absl::StrCat("cannot encode: ", FirstLine(s)));
  return json;
}

}  // namespace zfleet::agent
