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

// A count or length, as eight bytes.
void AppendSize(uint64_t size, std::string& out) {
  out.append(reinterpret_cast<const char*>(&size), sizeof(size));
}

// A field's bytes with their length first, so that "ab"+"c" and "a"+"bc" differ.
void AppendText(absl::string_view text, std::string& out) {
  AppendSize(text.size(), out);
  out.append(text.data(), text.size());
}

// `message` with its length first, deterministically (map fields sorted).
void AppendMessage(const google::protobuf::MessageLite& message, std::string& out) {
  AppendSize(message.ByteSizeLong(), out);  // also caches the sizes the serializer needs
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
}

// A repeated field of serialized messages: its element count, then each element.
void AppendAll(const google::protobuf::RepeatedPtrField<std::string>& repeated, std::string& out) {
  AppendSize(static_cast<uint64_t>(repeated.size()), out);
  for (const std::string& element : repeated) AppendText(element, out);
}

}  // namespace

ReportFingerprint FingerprintReport(const v1::ReportEnvelope& report) {
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
  AppendMessage(zpool, bytes);
  v1::HostInfo host = report.host();
  host.clear_load1();
  AppendMessage(host, bytes);
  AppendAll(report.pools(), bytes);
  AppendAll(report.acks(), bytes);
  AppendAll(report.agent_scrubs(), bytes);
  const std::string_view view(bytes);
  return {absl::Hash<std::string_view>{}(view), std::hash<std::string_view>{}(view)};
}

}  // namespace zfleet::controller
