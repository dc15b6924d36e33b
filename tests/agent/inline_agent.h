// An agent loop with everything inline — zpool read on the caller's thread when due, the
// outbox in memory, the agent's own scrubs (if any) after each read — as tests drive it
// with a fake clock.
#ifndef ZFLEET_TESTS_AGENT_INLINE_AGENT_H_
#define ZFLEET_TESTS_AGENT_INLINE_AGENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "agent/agent_loop.h"
#include "agent/collector.h"
#include "agent/host_reader.h"
#include "agent/outbox/outbox.h"

namespace zfleet::agent {

struct InlineAgentParts {
  const Clock* clock = nullptr;
  ZpoolClient* zpool = nullptr;
  ControllerLink* link = nullptr;
  CommandJournal* journal = nullptr;
  DiskEnricher* disks = nullptr;
  std::function<std::optional<double>()> load_reader;
  std::function<std::vector<v1::StackCheck>()> stack_checker;
  Outbox* outbox = nullptr;  // null: a fresh one in memory
  AutonomyHandoff* autonomy = nullptr;  // null: the agent never acts alone
  StatusParseOptions parse_options;
};

class InlineAgent {
 public:
  InlineAgent(const InlineAgentParts& parts, const AgentConfig& config, AgentIdentity identity)
      : reader_(HostReaderDeps{parts.zpool, parts.disks, parts.stack_checker}, config,
                parts.parse_options),
        collector_(&reader_,
                   [this](const v1::Command& command, absl::Time now) {
                     loop_->Execute(command, now);
                   },
                   CollectorTiming{config.poll_interval, config.stack_check_interval,
                                   config.zpool_timeout / 2},
                   parts.clock,
                   parts.autonomy == nullptr
                       ? AfterPoolsRead()
                       : [autonomy = parts.autonomy](const std::vector<v1::Pool>& pools,
                                                     absl::Time now) {
                           autonomy->AfterRead(pools, now);
                         }),
        own_outbox_(parts.outbox == nullptr ? Outbox::InMemory("test-stream") : nullptr),
        outbox_(parts.outbox != nullptr ? parts.outbox : own_outbox_.get()) {
    AgentDeps deps;
    deps.clock = parts.clock;
    deps.collector = &collector_;
    deps.link = parts.link;
    deps.outbox = outbox_;
    deps.journal = parts.journal;
    deps.zpool = parts.zpool;
    deps.load_reader = parts.load_reader;
    deps.autonomy = parts.autonomy;
    loop_ = std::make_unique<AgentLoop>(std::move(deps), config, std::move(identity));
  }

  AgentLoop& loop() { return *loop_; }
  Outbox& outbox() { return *outbox_; }

 private:
  HostReader reader_;
  InlineCollector collector_;
  std::unique_ptr<Outbox> own_outbox_;
  Outbox* outbox_;
  std::unique_ptr<AgentLoop> loop_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_TESTS_AGENT_INLINE_AGENT_H_
