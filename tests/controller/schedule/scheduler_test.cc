#include "controller/schedule/scheduler.h"

#include <functional>
#include <string>
#include <vector>

#include "controller/schedule/scheduler_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/schedule/scheduler_world.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SchedulerDueTest, DueIsLastCompletedStartPlusInterval) {
  World w;
  const HostSnapshot& h = w.fleet.hosts[0];
  PoolSnapshot p = w.fleet.pools[0];
  EXPECT_EQ(DueTime(p, h, w.policy), kNow - Days(8) + Days(7));
  p.last_scrub_start.reset();
  EXPECT_EQ(DueTime(p, h, w.policy), kNow - Days(8) + absl::Hours(5) + Days(7));
  p.last_scrub_end.reset();
  absl::Duration offset = SpreadOffset("h0", "tank", Days(7));
  EXPECT_EQ(DueTime(p, h, w.policy), p.first_seen + offset);
  p.disk_class = DiskClass::kFc;
  EXPECT_EQ(DueTime(p, h, w.policy), p.first_seen + SpreadOffset("h0", "tank", Days(30)));
}

TEST(SchedulerRulesTest, EachRuleBlocksADuePoolWithItsReason) {
  struct Case {
    std::string name;
    std::function<void(World&)> setup;
    std::string reason;  // empty: pool 0 starts
  } cases[] = {
      {"healthy", [](World&) {}, ""},
      {"host not reporting", [](World& w) { w.fleet.hosts[0].reporting = false; },
       "host not reporting"},
      // Planned (the controller was away, not the host), but not started before it reports.
      {"host expected back",
       [](World& w) {
         w.fleet.hosts[0].reporting = false;
         w.fleet.hosts[0].expected_back = true;
       },
       "host not reporting"},
      {"resilver",
       [](World& w) {
         w.fleet.pools[0].scan_function = ScanFunction::kResilver;
         w.fleet.pools[0].scan_state = ScanState::kScanning;
       },
       "resilvering"},
      {"untracked scrub",
       [](World& w) {
         w.fleet.pools[0].scan_function = ScanFunction::kScrub;
         w.fleet.pools[0].scan_state = ScanState::kScanning;
       },
       "scan running"},
      {"untracked paused scrub",
       [](World& w) {
         w.fleet.pools[0].scan_function = ScanFunction::kScrub;
         w.fleet.pools[0].scan_state = ScanState::kPaused;
       },
       "scrub paused"},
      {"finished scan",
       [](World& w) {
         w.fleet.pools[0].scan_function = ScanFunction::kScrub;
         w.fleet.pools[0].scan_state = ScanState::kFinished;
       },
       ""},
      {"degraded", [](World& w) { w.fleet.pools[0].state = "DEGRADED"; }, "pool DEGRADED"},
      {"degraded not skipped",
       [](World& w) {
         w.fleet.pools[0].state = "DEGRADED";
         w.policy.skip_states = {"FAULTED"};
       },
       ""},
      {"window closed",
       [](World& w) { w.policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00"}); },
       "window closed"},
      {"window open",
       [](World& w) { w.policy.classes[0].windows = Windows({"Mon-Fri 01:00-05:00"}); }, ""},
      {"load", [](World& w) { w.fleet.hosts[0].load1 = 12.3; }, "load 12.3 > 8.0"},
      {"load at threshold", [](World& w) { w.fleet.hosts[0].load1 = 8.0; }, ""},
      {"load unknown", [](World& w) { w.fleet.hosts[0].load1 = -1; }, ""},
      // The running scrubs that fill a cap here are manual: a scheduled one not due would
      // give its slot to the due pool (SchedulerYieldTest).
      {"fleet cap",
       [](World& w) {
         w.policy.max_concurrent = 1;
         w.Run(3, ScrubTrigger::kManual);
       },
       "cap max_concurrent reached"},
      {"host cap", [](World& w) { w.Run(1, ScrubTrigger::kManual); }, "cap max_per_host reached"},
      {"host cap of 2",
       [](World& w) {
         w.policy.max_per_host = 2;
         w.Run(1);
       },
       ""},
      {"rack cap",
       [](World& w) {
         w.policy.max_per_label = {{"rack", 1}};
         w.Run(2, ScrubTrigger::kManual);
       },
       "cap rack=r07 reached"},
      {"rack cap elsewhere",
       [](World& w) {
         w.policy.max_per_label = {{"rack", 1}};
         w.Run(3);  // host 2 has no rack label
       },
       ""},
      {"external scrubs count", [](World& w) { w.Run(1, ScrubTrigger::kExternal); },
       "cap max_per_host reached"},
      {"paused scrubs do not count",
       [](World& w) { w.Run(1, ScrubTrigger::kScheduled, RunState::kPausedByOperator); }, ""},
      {"first reason wins",
       [](World& w) {
         w.fleet.hosts[0].reporting = false;
         w.fleet.pools[0].state = "FAULTED";
       },
       "host not reporting"},
  };
  for (const Case& c : cases) {
    World w;
    c.setup(w);
    Decision d = w.Decide();
    ASSERT_EQ(d.rows.size(), w.fleet.pools.size()) << c.name;
    const PoolRow& row = d.rows[0];
    if (c.reason.empty()) {
      EXPECT_THAT(Actions(d), ElementsAre("start:0:due")) << c.name;
      EXPECT_EQ(row.phase, PoolPhase::kStarting) << c.name;
    } else {
      EXPECT_THAT(Actions(d), IsEmpty()) << c.name;
      EXPECT_EQ(row.phase, PoolPhase::kWaiting) << c.name;
    }
    EXPECT_EQ(row.reason, c.reason) << c.name;
    // The simulator's shortcuts (no rows, every pool a candidate, the hosts' labels indexed
    // once) start the same pools.
    const HostLabelIndex labels = IndexHostLabels(w.fleet, w.policy);
    const std::vector<size_t> all = {0, 1, 2, 3};
    DecideOptions fast{/*explain=*/false, &all, /*plan=*/nullptr, &labels};
    EXPECT_EQ(Actions(controller::Decide(kNow, w.fleet, w.policy, w.running, w.manual, fast)),
              Actions(d))
        << c.name;
  }
}

TEST(SchedulerOrderTest, MostOverdueFirstUntilTheCap) {
  World w;
  w.policy.max_concurrent = 2;
  w.fleet.pools[0].last_scrub_start = kNow - Days(8);   // 1 day overdue
  w.fleet.pools[2].last_scrub_start = kNow - Days(10);  // 3 days
  w.fleet.pools[3].last_scrub_start = kNow - Days(32);  // 2 days (nvme, 30d)
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), ElementsAre("start:2:due", "start:3:due"));
  EXPECT_EQ(d.rows[0].reason, "cap max_concurrent reached");
  EXPECT_EQ(d.rows[1].phase, PoolPhase::kNotDue);
  EXPECT_EQ(d.rows[1].reason, "");
}

TEST(SchedulerOrderTest, ShortestOverdueScrubFirstButNoneWaitsPastAQuarterInterval) {
  World w;
  w.policy.max_concurrent = 1;
  auto scrub_hours = [&w](size_t pool, double hours) {
    w.fleet.pools[pool].scan_bytes_per_s = 100e6;
    w.fleet.pools[pool].size_bytes = hours * 3600 * 100e6;
  };
  scrub_hours(0, 10);
  scrub_hours(2, 1);
  w.fleet.pools[0].last_scrub_start = kNow - Days(8);    // 1 day overdue, 10 hours
  w.fleet.pools[2].last_scrub_start = kNow - Days(7.5);  // half a day overdue, 1 hour
  EXPECT_THAT(Actions(w.Decide()), ElementsAre("start:2:due"));
  // Two days overdue is more than a quarter of its week: it goes first whatever its length.
  w.fleet.pools[0].last_scrub_start = kNow - Days(9);
  EXPECT_THAT(Actions(w.Decide()), ElementsAre("start:0:due"));
}

TEST(SchedulerManualTest, ManualRequestsBypassCadenceNotCapsUnlessNow) {
  struct Case {
    std::string name;
    std::function<void(World&)> setup;
    std::vector<std::string> actions;
    std::string row1_reason;
  } cases[] = {
      {"not due",
       [](World& w) {
         w.manual.push_back({3, false, kNow});
       },
       {"start:3:manual", "start:0:due"},
       ""},
      {"obeys host cap",
       [](World& w) {
         w.manual.push_back({1, false, kNow});
       },
       {"start:1:manual"},
       ""},
      {"manual goes before due",
       [](World& w) {
         w.policy.max_concurrent = 1;
         w.manual.push_back({1, false, kNow});
       },
       {"start:1:manual"},
       ""},
      {"waits for cap",
       [](World& w) {
         w.Run(0);
         w.manual.push_back({1, false, kNow});
       },
       {},
       "cap max_per_host reached"},
      {"waits for window",
       [](World& w) {
         w.policy.classes[static_cast<int>(DiskClass::kSas)].windows = Windows({"Sun 01:00-02:00"});
         w.manual.push_back({1, false, kNow});
       },
       {"start:0:due"},
       "window closed"},
      {"now bypasses caps and windows",
       [](World& w) {
         w.Run(0);
         w.policy.classes[static_cast<int>(DiskClass::kSas)].windows = Windows({"Sun 01:00-02:00"});
         w.fleet.pools[1].state = "DEGRADED";
         w.fleet.hosts[0].load1 = 50;
         w.manual.push_back({1, false, kNow - absl::Minutes(5)});
         w.manual.push_back({1, true, kNow});
       },
       {"start:1:manual --now"},
       ""},
      {"now still needs the host",
       [](World& w) {
         w.fleet.hosts[0].reporting = false;
         w.manual.push_back({1, true, kNow});
       },
       {},
       "host not reporting"},
      {"already running",
       [](World& w) {
         w.Run(1, ScrubTrigger::kExternal);
         w.manual.push_back({1, true, kNow});
       },
       {},
       ""},
  };
  for (const Case& c : cases) {
    World w;
    c.setup(w);
    Decision d = w.Decide();
    EXPECT_EQ(Actions(d), c.actions) << c.name;
    EXPECT_EQ(d.rows[1].reason, c.row1_reason) << c.name;
    for (const Action& a : d.actions) {
      bool manual = a.reason.rfind("manual", 0) == 0;
      EXPECT_EQ(a.trigger, manual ? ScrubTrigger::kManual : ScrubTrigger::kScheduled) << c.name;
    }
  }
}

TEST(SchedulerWindowEndTest, PausesStopsOrContinuesScheduledScrubs) {
  struct Case {
    std::string name;
    WindowEndAction policy;
    bool can_pause;
    ScrubTrigger trigger;
    std::vector<std::string> actions;
  } cases[] = {
      {"pause", WindowEndAction::kPause, true, ScrubTrigger::kScheduled, {"pause:2:window closed"}},
      {"cannot pause", WindowEndAction::kPause, false, ScrubTrigger::kScheduled, {}},
      {"stop", WindowEndAction::kStop, true, ScrubTrigger::kScheduled, {"stop:2:window closed"}},
      {"continue", WindowEndAction::kContinue, true, ScrubTrigger::kScheduled, {}},
      {"manual runs on", WindowEndAction::kPause, true, ScrubTrigger::kManual, {}},
      {"external runs on", WindowEndAction::kStop, true, ScrubTrigger::kExternal, {}},
  };
  for (const Case& c : cases) {
    World w;
    w.fleet.pools[0].last_scrub_start = kNow;  // not due
    w.policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00"});
    w.policy.at_window_end = c.policy;
    w.fleet.hosts[1].can_pause = c.can_pause;
    w.Run(2, c.trigger);
    Decision d = w.Decide();
    EXPECT_EQ(Actions(d), c.actions) << c.name;
    PoolPhase expected = c.actions.empty()                    ? PoolPhase::kRunning
                         : c.policy == WindowEndAction::kStop ? PoolPhase::kWaiting
                                                              : PoolPhase::kPaused;
    EXPECT_EQ(d.rows[2].phase, expected) << c.name;
    // Inside the window nothing happens.
    EXPECT_THAT(Actions(w.Decide(At(7, 12))), IsEmpty()) << c.name;
  }
}

TEST(SchedulerWindowEndTest, PausingFreesCapacityInTheSameDecision) {
  World w;
  w.policy.max_concurrent = 1;
  w.policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00"});
  w.fleet.pools[0].last_scrub_start = kNow;
  w.fleet.pools[3].last_scrub_start = kNow - Days(31);  // nvme due, always open
  w.Run(2);
  EXPECT_THAT(Actions(w.Decide()), ElementsAre("pause:2:window closed", "start:3:due"));
}

TEST(SchedulerResumeTest, ResumesWhenTheWindowReopensAndCapsAllow) {
  World w;
  w.fleet.pools[0].last_scrub_start = kNow;
  w.policy.classes[0].windows = Windows({"Mon-Fri 01:00-05:00"});
  w.Run(2, ScrubTrigger::kManual, RunState::kPausedByWindow);
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), ElementsAre("resume:2:window open"));
  EXPECT_EQ(d.actions[0].trigger, ScrubTrigger::kManual);
  EXPECT_EQ(d.rows[2].phase, PoolPhase::kStarting);

  Decision closed = w.Decide(At(3, 6));
  EXPECT_THAT(Actions(closed), IsEmpty());
  EXPECT_EQ(closed.rows[2].phase, PoolPhase::kPaused);
  EXPECT_EQ(closed.rows[2].reason, "window closed");
  EXPECT_EQ(closed.wake_at, At(4, 1));

  w.policy.max_concurrent = 1;
  w.Run(3);
  Decision capped = w.Decide();
  EXPECT_THAT(Actions(capped), IsEmpty());
  EXPECT_EQ(capped.rows[2].reason, "cap max_concurrent reached");

  World op;
  op.fleet.pools[0].last_scrub_start = kNow;
  op.Run(2, ScrubTrigger::kScheduled, RunState::kPausedByOperator);
  Decision d2 = op.Decide();
  EXPECT_THAT(Actions(d2), IsEmpty());
  EXPECT_EQ(d2.rows[2].reason, "paused by operator");
}

TEST(SchedulerResumeTest, ResumesGoBeforeDuePools) {
  World w;
  w.policy.max_concurrent = 1;
  w.Run(3, ScrubTrigger::kScheduled, RunState::kPausedByWindow);
  EXPECT_THAT(Actions(w.Decide()), ElementsAre("resume:3:window open"));
}

// The actions of the simulator's shortcuts (no rows, every pool a candidate, the labels
// indexed once), which must be the same as those of a decision with rows.
std::vector<std::string> FastActions(const World& w) {
  const HostLabelIndex labels = IndexHostLabels(w.fleet, w.policy);
  std::vector<size_t> all(w.fleet.pools.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  DecideOptions fast{/*explain=*/false, &all, /*plan=*/nullptr, &labels};
  return Actions(controller::Decide(kNow, w.fleet, w.policy, w.running, w.manual, fast));
}

// Pool 0 (h0, rack r07) is due; pool 2 (h1, rack r07) scrubs six days ahead of its cadence
// and holds the rack's one slot.
World RackFullOfAScrubNotDue() {
  World w;
  w.policy.max_per_label = {{"rack", 1}};
  w.Run(2);
  return w;
}

TEST(SchedulerYieldTest, ADuePoolTakesTheSlotOfAScrubNotDue) {
  World w = RackFullOfAScrubNotDue();
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), ElementsAre("pause:2:for h0/tank, due", "start:0:due"));
  ASSERT_EQ(d.actions.size(), 2u);
  EXPECT_TRUE(d.actions[0].yield);
  EXPECT_FALSE(d.actions[1].yield);
  EXPECT_EQ(d.rows[2].phase, PoolPhase::kPaused);
  EXPECT_EQ(d.rows[2].reason, "yielded to a due pool");
  EXPECT_EQ(d.rows[0].phase, PoolPhase::kStarting);
  EXPECT_EQ(FastActions(w), Actions(d));
  // A window end's pause is no yield.
  w.policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00"});
  Decision closed = w.Decide();
  ASSERT_EQ(closed.actions.size(), 1u);
  EXPECT_EQ(closed.actions[0].reason, "window closed");
  EXPECT_FALSE(closed.actions[0].yield);
}

TEST(SchedulerYieldTest, OnlyAScheduledScrubNotDueThatCanPauseYields) {
  struct Case {
    std::string name;
    std::function<void(World&)> change;
  } cases[] = {
      {"it is due itself", [](World& w) { w.fleet.pools[2].last_scrub_start = kNow - Days(7); }},
      {"manual", [](World& w) { w.running[0].trigger = ScrubTrigger::kManual; }},
      {"external", [](World& w) { w.running[0].trigger = ScrubTrigger::kExternal; }},
      {"host cannot pause", [](World& w) { w.fleet.hosts[1].can_pause = false; }},
      {"policy stops at window end",
       [](World& w) { w.policy.at_window_end = WindowEndAction::kStop; }},
      {"host not reporting", [](World& w) { w.fleet.hosts[1].reporting = false; }},
      // Not due: a manual request waits for a slot like any other start.
      {"the waiting pool is only requested",
       [](World& w) {
         w.fleet.pools[0].last_scrub_start = kNow - Days(1);
         w.manual.push_back({0, false, kNow - absl::Hours(1)});
       }},
  };
  for (const Case& c : cases) {
    World w = RackFullOfAScrubNotDue();
    c.change(w);
    Decision d = w.Decide();
    EXPECT_THAT(Actions(d), IsEmpty()) << c.name;
    EXPECT_EQ(d.rows[0].reason, "cap rack=r07 reached") << c.name;
    EXPECT_THAT(FastActions(w), IsEmpty()) << c.name;
  }
}

TEST(SchedulerYieldTest, PausesOnlyWhenThatFreesEveryCapTheDuePoolNeeds) {
  // The fleet's two slots: pool 2 in the rack and pool 3 (h2, nvme) outside it.
  World w = RackFullOfAScrubNotDue();
  w.policy.max_concurrent = 2;
  w.Run(3);
  // Pool 2 frees both the rack and the fleet.
  EXPECT_THAT(Actions(w.Decide()), ElementsAre("pause:2:for h0/tank, due", "start:0:due"));
  EXPECT_THAT(FastActions(w), ElementsAre("pause:2:for h0/tank, due", "start:0:due"));
  // Pool 3 alone would free the fleet but not the rack: nothing pauses.
  w.running[0].trigger = ScrubTrigger::kManual;
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), IsEmpty());
  EXPECT_EQ(d.rows[3].phase, PoolPhase::kRunning);
  EXPECT_THAT(FastActions(w), IsEmpty());
  // The host's own slot: its SAS pool (always open, not due) gives it up.
  World host;
  host.Run(1);
  EXPECT_THAT(Actions(host.Decide()), ElementsAre("pause:1:for h0/tank, due", "start:0:due"));
  EXPECT_THAT(FastActions(host), ElementsAre("pause:1:for h0/tank, due", "start:0:due"));
}

TEST(SchedulerYieldTest, AYieldedScrubResumesWhenASlotIsFreeAfterTheDuePools) {
  World w;
  w.policy.max_per_label = {{"rack", 1}};
  w.Run(2, ScrubTrigger::kScheduled, RunState::kYielded);
  // Pool 0 is due: it goes first (a scrub paused at a window end would resume first).
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), ElementsAre("start:0:due"));
  EXPECT_EQ(d.rows[2].phase, PoolPhase::kPaused);
  EXPECT_EQ(d.rows[2].reason, "yielded to a due pool; cap rack=r07 reached");
  // Once pool 0 has been scrubbed, the slot is the yielded scrub's.
  w.fleet.pools[0].last_scrub_start = kNow;
  Decision free = w.Decide();
  EXPECT_THAT(Actions(free), ElementsAre("resume:2:slot free"));
  EXPECT_EQ(free.actions[0].kind, ActionKind::kResume);
  EXPECT_EQ(free.rows[2].phase, PoolPhase::kStarting);
  // Its class's window closed: it waits for it, like any start.
  w.policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00"});
  Decision closed = w.Decide();
  EXPECT_THAT(Actions(closed), IsEmpty());
  EXPECT_EQ(closed.rows[2].reason, "yielded to a due pool; window closed");
}

}  // namespace
}  // namespace zfleet::controller
