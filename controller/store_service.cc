#include "controller/store_service.h"

namespace zfleet::controller {

absl::Status ReadStore(ReaderPool* readers, Store* writer, absl::Mutex* writer_mu,
                       const std::function<absl::Status(Store&)>& fn) {
  if (readers != nullptr) return readers->Read(fn);
  // The writer's lock makes the reads one consistent view already, as for any call.
  absl::MutexLock lock(writer_mu);
  return fn(*writer);
}

}  // namespace zfleet::controller
