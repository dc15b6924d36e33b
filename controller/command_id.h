// Ids of agent commands: random, so ids from a restarted controller never collide with
// ids an agent already executed.
#ifndef ZFLEET_CONTROLLER_COMMAND_ID_H_
#define ZFLEET_CONTROLLER_COMMAND_ID_H_

#include <string>

namespace zfleet::controller {

// 16 lowercase hex digits. Thread-safe.
std::string NewCommandId();

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_COMMAND_ID_H_
