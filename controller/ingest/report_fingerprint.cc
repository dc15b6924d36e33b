#include "controller/ingest/report_fingerprint.h"

#include <functional>
#include <string>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace zfleet::controller {
namespace {

// Appends `message` to `out`, deterministically (map fields sorted).
void Append(const google::protobuf::MessageLite& message, std::string& out) {
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
}

// A field's bytes with their length first, so that "ab"+"c" and "a"+"bc" differ.
void AppendText(absl::string_view text, std::string& out) {
  const uint64_t size = text.size();
  out.append(reinterpret_cast<const char*>(&size), sizeof(size));
  out.append(text.data(), text.size());
}

}  // namespace

ReportFingerprint FingerprintReport(const v1::ReportRequest& report) {
  // Reused per thread: a report is about 20 KB, and this runs on every one.
  thread_local std::string bytes;
  bytes.clear();
  AppendText(report.host_id(), bytes);
  AppendText(report.instance_id(), bytes);
  AppendText(report.stream_id(), bytes);
  AppendText(report.collect_error(), bytes);
  bytes.push_back(report.pools_valid() ? '1' : '0');
  v1::ZpoolHealth zpool = report.zpool();
  zpool.clear_pools_read_at();
  v1::HostInfo host = report.host();
  host.clear_load1();
  for (const google::protobuf::MessageLite* part :
       std::initializer_list<const google::protobuf::MessageLite*>{&zpool, &host}) {
    AppendText("", bytes);  // a boundary between the parts
    part->ByteSizeLong();
    Append(*part, bytes);
  }
  // Each repeated element on its own, with a boundary, in order.
  auto append_all = [&](const auto& repeated) {
    AppendText("", bytes);
    for (const auto& element : repeated) {
      AppendText(std::to_string(element.ByteSizeLong()), bytes);
      Append(element, bytes);
    }
  };
  append_all(report.pools());
  append_all(report.acks());
  append_all(report.agent_scrubs());
  const std::string_view view(bytes);
  return {absl::Hash<std::string_view>{}(view), std::hash<std::string_view>{}(view)};
}

}  // namespace zfleet::controller
