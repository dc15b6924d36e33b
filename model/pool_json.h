// The pool JSON of docs/DESIGN.md's contract, shared by `zfleet-agent inspect --json` and
// `zfleet pool --json`. Absent facts become null, never 0.
#ifndef ZFLEET_MODEL_POOL_JSON_H_
#define ZFLEET_MODEL_POOL_JSON_H_

#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

nlohmann::ordered_json PoolToJson(const v1::Pool& pool);
nlohmann::ordered_json VdevToJson(const v1::Vdev& vdev);
nlohmann::ordered_json ScrubRunToJson(const v1::ScrubRun& run);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_POOL_JSON_H_
