// Linked into every test binary of a ThreadSanitizer build, beside absl_mutex_annotations.cc.
// Uninstrumented libraries create some singletons lazily, as function-local statics, on
// whichever thread comes first; TSan cannot see the guard that publishes them, and then
// reports the first use on another thread as a race. Creating them here, on the main
// thread before main() and so before any other thread exists, orders them before every use.
#include "absl/time/time.h"
#include "spdlog/spdlog.h"

namespace {

const bool kCreated = [] {
  spdlog::default_logger();  // spdlog's registry, its default logger and formatter
  absl::LocalTimeZone();     // cctz's zone table and the mutex that guards it
  absl::UTCTimeZone();
  return true;
}();

}  // namespace
