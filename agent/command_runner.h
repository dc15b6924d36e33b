// Transitional: CommandRunner moved to agent/host/command_runner.h. This header remains only
// because tests/testing/fake_command_runner.h and tests/integration/agent_controller_itest.cc
// (outside agent/) still include the old path; delete it once they include the new one.
#ifndef ZFLEET_AGENT_COMMAND_RUNNER_H_
#define ZFLEET_AGENT_COMMAND_RUNNER_H_

#include "agent/host/command_runner.h"  // IWYU pragma: export

#endif  // ZFLEET_AGENT_COMMAND_RUNNER_H_
