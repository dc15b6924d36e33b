#include "model/report_limits.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/clean_strings.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zfleet::testing::AddMirror;
using ::zfleet::testing::DiskLeaf;

v1::Pool Pool(const std::string& name) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  AddMirror(pool, {DiskLeaf("sda"), DiskLeaf("sdb")});
  return pool;
}

v1::ReportRequest Report(int pools = 1) {
  v1::ReportRequest r;
  r.set_host_id("nas1");
  r.set_instance_id("inst-1");
  r.set_pools_valid(true);
  (*r.mutable_host()->mutable_labels())["rack"] = "r07";
  for (int i = 0; i < pools; ++i) *r.add_pools() = Pool(i == 0 ? "tank" : absl::StrCat("p", i));
  return r;
}

// The message of CheckReportLimits, "" when OK; a code other than InvalidArgument fails.
std::string Refusal(const v1::ReportRequest& r) {
  const absl::Status s = CheckReportLimits(r);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

int CountVdevs(const google::protobuf::RepeatedPtrField<v1::Vdev>& vdevs) {
  int n = vdevs.size();
  for (const v1::Vdev& v : vdevs) n += CountVdevs(v.children());
  return n;
}

TEST(CheckReportLimitsTest, OrdinaryReportPasses) { EXPECT_EQ(Refusal(Report(3)), ""); }

TEST(CheckReportLimitsTest, Pools) {
  EXPECT_EQ(Refusal(Report(kMaxPools)), "");
  EXPECT_EQ(Refusal(Report(kMaxPools + 1)), "1001 pools (limit 1000)");
}

TEST(CheckReportLimitsTest, DuplicatePoolNames) {
  v1::ReportRequest r = Report(3);
  *r.add_pools() = Pool("tank");
  EXPECT_EQ(Refusal(r), "2 pools named \"tank\"");
  *r.add_pools() = Pool("tank");
  EXPECT_EQ(Refusal(r), "3 pools named \"tank\"");
}

TEST(CheckReportLimitsTest, VdevsCountEveryNodeOfTheTree) {
  v1::ReportRequest r = Report();
  v1::Pool& pool = *r.mutable_pools(0);
  pool.clear_vdevs();
  std::vector<v1::Vdev> leaves(kMaxVdevsPerPool / 2 - 1, DiskLeaf("sdx"));
  AddMirror(pool, leaves);
  AddMirror(pool, leaves);
  ASSERT_EQ(CountVdevs(pool.vdevs()), kMaxVdevsPerPool);
  EXPECT_EQ(Refusal(r), "");
  pool.mutable_vdevs(1)->add_children()->set_name("sdy");
  EXPECT_EQ(Refusal(r), "pool \"tank\": 20001 vdevs (limit 20000)");
}

TEST(CheckReportLimitsTest, ErrorFiles) {
  v1::ReportRequest r = Report(2);
  v1::PoolErrors& errors = *r.mutable_pools(1)->mutable_errors();
  for (int i = 0; i < kMaxErrorFilesPerPool; ++i) errors.add_files(absl::StrCat("/p1/f", i));
  EXPECT_EQ(Refusal(r), "");
  errors.add_files("/p1/one-more");
  EXPECT_EQ(Refusal(r), "pool \"p1\": 1001 error-file names (limit 1000)");
}

TEST(CheckReportLimitsTest, UnparsedLines) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < kMaxUnparsedLinesPerPool; ++i) r.mutable_pools(0)->add_unparsed("?");
  EXPECT_EQ(Refusal(r), "");
  r.mutable_pools(0)->add_unparsed("?");
  EXPECT_EQ(Refusal(r), "pool \"tank\": 201 unparsed lines (limit 200)");
}

TEST(CheckReportLimitsTest, Labels) {
  v1::ReportRequest r = Report();
  auto& labels = *r.mutable_host()->mutable_labels();
  for (int i = 1; i < kMaxLabels; ++i) labels[absl::StrCat("k", i)] = "v";
  ASSERT_EQ(labels.size(), 64u);
  EXPECT_EQ(Refusal(r), "");
  labels["one-more"] = "v";
  EXPECT_EQ(Refusal(r), "65 host labels (limit 64)");

  r = Report();
  (*r.mutable_host()->mutable_labels())[std::string(63, 'k')] = std::string(255, 'v');
  EXPECT_EQ(Refusal(r), "");
  (*r.mutable_host()->mutable_labels())[std::string(64, 'k')] = "v";
  EXPECT_EQ(Refusal(r),
            absl::StrCat("host label key \"", std::string(64, 'k'), "\" is 64 bytes (limit 63)"));
  r.mutable_host()->mutable_labels()->erase(std::string(64, 'k'));
  (*r.mutable_host()->mutable_labels())[std::string(80, 'k')] = "v";
  EXPECT_EQ(Refusal(r),
            absl::StrCat("host label key \"", std::string(61, 'k'), "…\" is 80 bytes (limit 63)"));

  r = Report();
  (*r.mutable_host()->mutable_labels())["rack"] = std::string(256, 'v');
  EXPECT_EQ(Refusal(r), "host label \"rack\" value is 256 bytes (limit 255)");
}

TEST(CheckReportLimitsTest, StackChecksAndAcks) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < kMaxStackChecks; ++i) r.mutable_host()->add_stack_checks()->set_name("c");
  for (int i = 0; i < kMaxAcks; ++i) r.add_acks()->set_id(absl::StrCat("cmd-", i));
  EXPECT_EQ(Refusal(r), "");
  r.add_acks()->set_id("cmd-x");
  EXPECT_EQ(Refusal(r), "1001 acks (limit 1000)");
  r.mutable_host()->add_stack_checks()->set_name("c");
  EXPECT_EQ(Refusal(r), "201 stack checks (limit 200)");
}

TEST(CheckReportLimitsTest, AgentScrubs) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < kMaxAgentScrubs; ++i) r.add_agent_scrubs()->set_pool("tank");
  EXPECT_EQ(Refusal(r), "");
  r.add_agent_scrubs()->set_pool("tank");
  EXPECT_EQ(Refusal(r), "1001 agent scrubs (limit 1000)");
}

TEST(CheckReportLimitsTest, StringsAnywhereNameTheirField) {
  const std::string at_limit(kMaxStringBytes, 'x');
  const std::string over(kMaxStringBytes + 1, 'x');
  struct Case {
    std::function<void(v1::ReportRequest&, const std::string&)> set;
    std::string where;
  };
  const std::vector<Case> cases = {
      {[](auto& r, auto& s) { r.mutable_pools(0)->set_status(s); }, "pool \"tank\": status"},
      {[](auto& r, auto& s) {
         r.mutable_pools(0)->mutable_vdevs(0)->mutable_children(1)->set_path(s);
       },
       "pool \"tank\": vdevs[0].children[1].path"},
      {[](auto& r, auto& s) {
         r.mutable_pools(0)->mutable_vdevs(0)->mutable_children(0)->mutable_disk()->set_serial(s);
       },
       "pool \"tank\": vdevs[0].children[0].disk.serial"},
      {[](auto& r, auto& s) {
         r.mutable_pools(0)->mutable_errors()->add_files("/tank/a");
         r.mutable_pools(0)->mutable_errors()->add_files(s);
       },
       "pool \"tank\": errors.files[1]"},
      {[](auto& r, auto& s) { r.set_collect_error(s); }, "collect_error"},
      {[](auto& r, auto& s) { r.add_acks()->set_error(s); }, "acks[0].error"},
      {[](auto& r, auto& s) { r.add_agent_scrubs()->set_error(s); }, "agent_scrubs[0].error"},
      {[](auto& r, auto& s) { r.mutable_host()->add_stack_checks()->set_evidence(s); },
       "host.stack_checks[0].evidence"},
  };
  for (const Case& c : cases) {
    v1::ReportRequest r = Report();
    c.set(r, at_limit);
    EXPECT_EQ(Refusal(r), "") << c.where;
    r = Report();
    c.set(r, over);
    EXPECT_EQ(Refusal(r), absl::StrCat(c.where, " is 4097 bytes (limit 4096)"));
    r = Report();
    c.set(r, "caf\xe9");
    EXPECT_EQ(Refusal(r), absl::StrCat(c.where, " is not valid UTF-8"));
  }
}

TEST(CheckReportLimitsTest, BadPoolNameIsQuotedPrintably) {
  v1::ReportRequest r = Report();
  r.mutable_pools(0)->set_name("t\xe9nk");
  EXPECT_EQ(Refusal(r), "pool \"t\\xe9nk\": name is not valid UTF-8");
}

// A report of exactly `bytes` serialized bytes, every other limit kept: error-file names of
// 4,000 bytes, 1,000 to a pool, then padding in collect_error.
v1::ReportRequest ReportOfSize(size_t bytes) {
  v1::ReportRequest r = Report();
  const std::string file(4000, 'f');
  size_t estimate = r.ByteSizeLong();
  v1::Pool* pool = r.mutable_pools(0);
  while (estimate + 12000 < bytes) {
    if (pool->errors().files_size() == kMaxErrorFilesPerPool) {
      pool = r.add_pools();
      pool->set_name(absl::StrCat("p", r.pools_size()));
    }
    pool->mutable_errors()->add_files(file);
    estimate += 4003;
  }
  size_t size = r.ByteSizeLong();
  while (bytes > size + 4000) {
    pool->mutable_errors()->add_files(file);
    size = r.ByteSizeLong();
  }
  for (int i = 0; i < 4 && size != bytes; ++i) {
    const int64_t length = static_cast<int64_t>(r.collect_error().size()) +
                           static_cast<int64_t>(bytes) - static_cast<int64_t>(size);
    r.set_collect_error(std::string(static_cast<size_t>(std::max<int64_t>(length, 1)), 'e'));
    size = r.ByteSizeLong();
  }
  return r;
}

TEST(CheckReportLimitsTest, ReportBytes) {
  v1::ReportRequest r = ReportOfSize(kMaxReportBytes);
  ASSERT_EQ(r.ByteSizeLong(), kMaxReportBytes);
  EXPECT_EQ(Refusal(r), "");
  r.set_collect_error(r.collect_error() + "e");
  ASSERT_EQ(r.ByteSizeLong(), kMaxReportBytes + 1);
  EXPECT_EQ(Refusal(r), "report is 33554433 bytes (limit 32 MiB)");

  r = ReportOfSize(size_t{40} << 20);
  ASSERT_EQ(r.ByteSizeLong(), size_t{40} << 20);
  EXPECT_EQ(Refusal(r), "report is 40 MiB (limit 32 MiB)");
}

// --- FitReportToLimits ---

TEST(FitReportToLimitsTest, CutsErrorFilesAndSaysHowManyMore) {
  v1::ReportRequest r = Report();
  v1::PoolErrors& errors = *r.mutable_pools(0)->mutable_errors();
  errors.set_count(1203);
  for (int i = 0; i < 1203; ++i) errors.add_files(absl::StrCat("/tank/f", i));
  FitReportToLimits(&r);
  const v1::PoolErrors& fitted = r.pools(0).errors();
  ASSERT_EQ(fitted.files_size(), kMaxErrorFilesPerPool);
  EXPECT_EQ(fitted.files(0), "/tank/f0");
  EXPECT_EQ(fitted.files(998), "/tank/f998");
  EXPECT_EQ(fitted.files(999), "… and 204 more");
  EXPECT_EQ(fitted.count(), 1203u);
  EXPECT_EQ(Refusal(r), "");
}

TEST(FitReportToLimitsTest, ListsAtTheLimitAreKept) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < kMaxErrorFilesPerPool; ++i)
    r.mutable_pools(0)->mutable_errors()->add_files("f");
  for (int i = 0; i < kMaxUnparsedLinesPerPool; ++i) r.mutable_pools(0)->add_unparsed("u");
  const std::string before = r.SerializeAsString();
  FitReportToLimits(&r);
  EXPECT_EQ(r.SerializeAsString(), before);
}

TEST(FitReportToLimitsTest, CutsUnparsedLines) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < 250; ++i) r.mutable_pools(0)->add_unparsed(absl::StrCat("line ", i));
  FitReportToLimits(&r);
  ASSERT_EQ(r.pools(0).unparsed_size(), kMaxUnparsedLinesPerPool);
  EXPECT_EQ(r.pools(0).unparsed(198), "line 198");
  EXPECT_EQ(r.pools(0).unparsed(199), "… and 51 more");
  EXPECT_EQ(Refusal(r), "");
}

TEST(FitReportToLimitsTest, CutsLongStringsAtAUtf8Boundary) {
  v1::ReportRequest r = Report();
  r.mutable_pools(0)->set_status(std::string(5000, 'a'));
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xc3\xa9";  // é: 6,000 bytes
  r.mutable_pools(0)->mutable_vdevs(0)->mutable_children(0)->set_note("x" + accents);
  r.mutable_pools(0)->mutable_errors()->add_files(std::string(4096, 'f'));
  FitReportToLimits(&r);
  const std::string& status = r.pools(0).status();
  EXPECT_EQ(status.size(), kMaxStringBytes);
  EXPECT_TRUE(absl::EndsWith(status, "a…"));
  const std::string& note = r.pools(0).vdevs(0).children(0).note();
  EXPECT_LE(note.size(), kMaxStringBytes);
  EXPECT_GE(note.size(), kMaxStringBytes - 1);
  EXPECT_TRUE(IsValidUtf8(note));
  EXPECT_TRUE(absl::EndsWith(note, "\xc3\xa9…"));
  EXPECT_EQ(r.pools(0).errors().files(0).size(), 4096u) << "at the limit: kept";
  EXPECT_EQ(Refusal(r), "");
}

TEST(FitReportToLimitsTest, AcksKeepTheFirstAndChecksKeepTheFailures) {
  v1::ReportRequest r = Report();
  for (int i = 0; i < 1500; ++i) r.add_acks()->set_id(absl::StrCat("cmd-", i));
  for (int i = 0; i < 250; ++i) {
    v1::StackCheck* c = r.mutable_host()->add_stack_checks();
    c->set_name(absl::StrCat("check-", i));
    c->set_level(i == 240 ? "fail" : "ok");
  }
  for (int i = 0; i < 1200; ++i) r.add_agent_scrubs()->set_started_at(i);
  FitReportToLimits(&r);
  ASSERT_EQ(r.acks_size(), kMaxAcks);
  EXPECT_EQ(r.acks(0).id(), "cmd-0");
  EXPECT_EQ(r.acks(999).id(), "cmd-999");
  ASSERT_EQ(r.agent_scrubs_size(), kMaxAgentScrubs);
  EXPECT_EQ(r.agent_scrubs(0).started_at(), 0);
  EXPECT_EQ(r.agent_scrubs(999).started_at(), 999);
  ASSERT_EQ(r.host().stack_checks_size(), kMaxStackChecks);
  EXPECT_EQ(r.host().stack_checks(0).name(), "check-240");
  EXPECT_EQ(r.host().stack_checks(1).name(), "check-0");
  EXPECT_EQ(Refusal(r), "");
}

TEST(FitReportToLimitsTest, StillTooBigCutsTheListsHarder) {
  v1::ReportRequest r = Report(40);
  const std::string file(1000, 'f');
  for (v1::Pool& pool : *r.mutable_pools()) {
    for (int i = 0; i < 1100; ++i) pool.mutable_errors()->add_files(file);
  }
  ASSERT_GT(r.ByteSizeLong(), kMaxReportBytes);
  FitReportToLimits(&r);
  ASSERT_EQ(r.pools_size(), 40);
  for (const v1::Pool& pool : r.pools()) {
    ASSERT_EQ(pool.errors().files_size(), 10) << pool.name();
    EXPECT_EQ(pool.errors().files(8).size(), 256u);
    EXPECT_EQ(pool.errors().files(9), "… and 1091 more");
  }
  EXPECT_EQ(Refusal(r), "");
}

TEST(FitReportToLimitsTest, LeavesLabelsToTheCheck) {
  v1::ReportRequest r = Report();
  (*r.mutable_host()->mutable_labels())["rack"] = std::string(300, 'v');
  FitReportToLimits(&r);
  EXPECT_EQ(r.host().labels().at("rack").size(), 300u);
  EXPECT_THAT(Refusal(r), HasSubstr("value is 300 bytes (limit 255)"));
}

// --- Property: cleaned and fitted, any big report of sane shape passes the check. ---

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Host text: ASCII, valid multi-byte UTF-8, and bytes no UTF-8 allows. Mostly short, now
  // and then far over any limit.
  std::string Text(int usual_max = 40) {
    const int length = Chance(0.01) ? Int(4000, 12000) : Int(0, usual_max);
    std::string s;
    while (static_cast<int>(s.size()) < length) {
      switch (Int(0, 9)) {
        case 0:
          s += "\xc3\xa9";
          break;  // é
        case 1:
          s += "\xf0\x9f\x92\xbe";
          break;  // 4 bytes
        case 2:
          s += static_cast<char>(Int(0x80, 0xff));
          break;  // Latin-1 and worse
        default:
          s += static_cast<char>(Int(0x20, 0x7e));
      }
    }
    return s;
  }

  v1::Vdev Leaf() {
    v1::Vdev v = DiskLeaf(Text(8));
    v.set_path("/dev/disk/by-id/" + Text(60));
    v.set_note(Text(20));
    v.mutable_disk()->set_serial(Text(20));
    v.mutable_disk()->set_model(Text(30));
    return v;
  }

  v1::Pool Pool(int index, bool damaged) {
    v1::Pool pool;
    pool.set_name(absl::StrCat("pool-", index));
    pool.set_state("ONLINE");
    pool.set_status(Text(300));
    pool.set_action(Text(200));
    const int tops = Chance(0.002) ? 400 : Int(1, 6);
    for (int t = 0; t < tops; ++t) {
      v1::Vdev* top = pool.add_vdevs();
      top->set_name(absl::StrCat("raidz2-", t));
      for (int l = Int(1, 12); l > 0; --l) *top->add_children() = Leaf();
    }
    if (damaged || Chance(0.03)) {
      pool.mutable_errors()->set_count(static_cast<uint64_t>(Int(1, 5000)));
      for (int f = Int(0, 1500); f > 0; --f) pool.mutable_errors()->add_files(Text(80));
    }
    for (int u = Chance(0.05) ? Int(0, 600) : 0; u > 0; --u) pool.add_unparsed(Text(60));
    return pool;
  }

  v1::ReportRequest Report(bool damaged) {
    v1::ReportRequest r;
    r.set_host_id("nas1");
    r.set_instance_id("inst-1");
    r.set_pools_valid(true);
    r.set_collect_error(Text(100));
    (*r.mutable_host()->mutable_labels())["rack"] = "r07";
    r.mutable_host()->set_hostname(Text(30));
    for (int c = Int(0, 400); c > 0; --c) {
      v1::StackCheck* check = r.mutable_host()->add_stack_checks();
      check->set_name(Text(30));
      check->set_level(Chance(0.1) ? "warn" : "ok");
      check->set_evidence(Text(100));
      check->set_fix(Text(100));
    }
    for (int a = Int(0, 2500); a > 0; --a) r.add_acks()->set_error(Text(50));
    const int pools = Chance(0.3) ? kMaxPools : Int(1, kMaxPools);
    for (int p = 0; p < pools; ++p) *r.add_pools() = Pool(p, damaged && Chance(0.6));
    return r;
  }

 private:
  std::mt19937 rng_;
};

TEST(FitReportToLimitsTest, AnyBigSaneReportFitsAfterCleaning) {
  bool some_over_before = false;  // the generator reaches what the fit is for
  bool some_too_big_before = false;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Generator gen(seed);
    v1::ReportRequest r = gen.Report(/*damaged=*/seed % 4 == 0);
    std::vector<int> vdevs;
    for (const v1::Pool& p : r.pools()) vdevs.push_back(CountVdevs(p.vdevs()));
    const int pools = r.pools_size();

    CleanStrings(&r);
    some_over_before |= !CheckReportLimits(r).ok();
    some_too_big_before |= r.ByteSizeLong() > kMaxReportBytes;
    FitReportToLimits(&r);

    EXPECT_EQ(Refusal(r), "");
    ASSERT_EQ(r.pools_size(), pools) << "never drops a pool";
    for (int i = 0; i < pools; ++i) {
      ASSERT_EQ(r.pools(i).name(), absl::StrCat("pool-", i));
      ASSERT_EQ(CountVdevs(r.pools(i).vdevs()), vdevs[i]) << "never drops a vdev";
    }
    std::string bytes;
    ASSERT_TRUE(r.SerializeToString(&bytes));
    v1::ReportRequest parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
  }
  EXPECT_TRUE(some_over_before);
  EXPECT_TRUE(some_too_big_before);
}

}  // namespace
}  // namespace zfleet
