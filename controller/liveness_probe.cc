#include "controller/liveness_probe.h"

namespace zfleet::controller {

absl::Status LivenessProbe::Check() {
  absl::MutexLock lock(store_mu_);
  return store_->Ping();
}

}  // namespace zfleet::controller
