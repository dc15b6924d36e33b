// The fixture of the controller's service tests: a store with the ReportProcessor and the
// FleetQueries over it, on a fake clock, and the requests those tests send.
#ifndef ZFLEET_TESTS_CONTROLLER_CONTROLLER_FIXTURES_H_
#define ZFLEET_TESTS_CONTROLLER_CONTROLLER_FIXTURES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/fleet_queries.h"
#include "controller/report_processor.h"
#include "controller/store/store.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// A valid report from `host` (instance inst-1) that lists `pools` and says nothing else.
inline v1::ReportRequest PoolsReport(const std::string& host, const std::vector<v1::Pool>& pools) {
  v1::ReportRequest report;
  report.set_host_id(host);
  report.set_instance_id("inst-1");
  report.set_pools_valid(true);
  for (const v1::Pool& pool : pools) *report.add_pools() = pool;
  return report;
}

// An agent's ack that command `id` ran, at `at`.
inline v1::CommandAck OkAck(const std::string& id, absl::Time at) {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(true);
  ack.set_executed_at(absl::ToUnixSeconds(at));
  return ack;
}

class FleetServicesTest : public ::testing::Test {
 protected:
  explicit FleetServicesTest(absl::Time start) : clock_(start) {}

  // Opens the store at `path` and the services over it. A failure to open fails the test
  // fatally: call it from SetUp, or through ASSERT_NO_FATAL_FAILURE.
  void OpenServices(const std::string& path) {
    ASSERT_NO_FATAL_FAILURE(OpenStore(path, &store_));
    processor_ = std::make_unique<ReportProcessor>(store_.get(), &mu_, &config_, &clock_);
    queries_ = std::make_unique<FleetQueries>(store_.get(), &mu_, &config_, &clock_);
  }

  // Processes `report` now. A failure fails the test and gives an empty response.
  v1::ReportResponse MustProcess(const v1::ReportRequest& report) {
    absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ReportResponse();
  }

  // `host` reports `pools` now.
  void ReportPools(const std::string& host, const std::vector<v1::Pool>& pools) {
    MustProcess(PoolsReport(host, pools));
  }

  // `host` reports `pools` and `acks` now; returns the commands of the reply.
  std::vector<v1::Command> ReportForCommands(const std::string& host,
                                             const std::vector<v1::Pool>& pools,
                                             const std::vector<v1::CommandAck>& acks = {}) {
    v1::ReportRequest report = PoolsReport(host, pools);
    for (const v1::CommandAck& ack : acks) *report.add_acks() = ack;
    const v1::ReportResponse reply = MustProcess(report);
    return {reply.commands().begin(), reply.commands().end()};
  }

  absl::StatusOr<v1::GetPoolResponse> GetPool(const std::string& host, const std::string& pool) {
    v1::GetPoolRequest request;
    request.set_host_id(host);
    request.set_pool(pool);
    return queries_->GetPool(request);
  }

  // Asks for `action` on host/pool as `zfleet scrub` does, a start with `--now`: its command
  // goes out at once (without it the scheduler starts it).
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(const std::string& host,
                                                        const std::string& pool,
                                                        v1::ScrubAction action) {
    v1::RequestScrubRequest request;
    request.set_host_id(host);
    request.set_pool(pool);
    request.set_action(action);
    request.set_now(action == v1::START);
    return queries_->RequestScrub(request);
  }

  // Asks for a scrub of host/pool as `zfleet scrub` does without `--now`: it waits for the
  // scheduler in state requested.
  absl::StatusOr<v1::RequestScrubResponse> QueueScrub(const std::string& host,
                                                      const std::string& pool) {
    v1::RequestScrubRequest request;
    request.set_host_id(host);
    request.set_pool(pool);
    request.set_action(v1::START);
    return queries_->RequestScrub(request);
  }

  ControllerConfig config_;  // report every 30s, missing after 3 intervals
  FakeClock clock_;
  absl::Mutex mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ReportProcessor> processor_;
  std::unique_ptr<FleetQueries> queries_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_TESTS_CONTROLLER_CONTROLLER_FIXTURES_H_
