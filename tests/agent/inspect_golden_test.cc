// `inspect --json`'s pool JSON for every zpool fixture, checked against a reviewed expected
// file: tests/testdata/expected/<generation>/<fixture name>.json. A change in what a parser
// understands shows up here as a diff in the JSON people and scripts read.
//
// To regenerate after an intended change: ZFLEET_UPDATE_GOLDEN=1 build/tests/agent_test
// --gtest_filter='Fixtures/InspectGoldenTest.*', then review every changed file (git diff)
// before committing it: the point is to catch wrong parses, not to freeze them.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "agent/zpool/zpool_list_parser.h"
#include "agent/zpool/zpool_status_json_parser.h"
#include "agent/zpool/zpool_status_parser.h"
#include "model/pool_json.h"
#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGenerations[] = {"legacy", "openzfs08", "openzfs2", "openzfs23"};

struct Fixture {
  std::string generation;  // folder under tests/testdata
  std::string file;        // e.g. "scrub_repaired.txt"
};

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.generation << "/" << f.file; }

std::string Stem(const std::string& file) { return fs::path(file).stem().string(); }

std::vector<Fixture> AllFixtures() {
  std::vector<Fixture> fixtures;
  for (const char* generation : kGenerations) {
    const fs::path dir = fs::path(ZFLEET_TESTDATA_DIR) / generation;
    std::vector<std::string> files;
    std::error_code error;  // a missing folder fails the test below, not the test binary
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && !absl::EndsWith(name, ".md")) files.push_back(name);
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) fixtures.push_back({generation, file});
  }
  return fixtures;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the agent understood of one fixture: the pools as inspect --json shows them, and the
// facts about the whole output.
nlohmann::ordered_json Understood(const Fixture& f) {
  const std::string text = ReadAll(fs::path(ZFLEET_TESTDATA_DIR) / f.generation / f.file);
  nlohmann::ordered_json out;
  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  if (absl::StartsWith(f.file, "list")) {  // `zpool list -H` output
    absl::StatusOr<std::vector<PoolListEntry>> listed = ParseZpoolList(text);
    if (!listed.ok()) return {{"error", std::string(listed.status().message())}};
    for (const PoolListEntry& entry : *listed) {
      v1::Pool pool;
      pool.set_name(entry.name);
      ApplyListEntry(entry, pool);
      nlohmann::ordered_json j = PoolToJson(pool);
      j["health"] = pool.health();  // list's own fact, which the pool JSON leaves to "state"
      pools.push_back(std::move(j));
    }
    out["pools"] = std::move(pools);
    return out;
  }
  absl::StatusOr<StatusParseResult> result =
      absl::EndsWith(f.file, ".json") ? ParseZpoolStatusJson(text) : ParseZpoolStatus(text);
  if (!result.ok()) return {{"error", std::string(result.status().message())}};
  for (const v1::Pool& pool : result->pools) pools.push_back(PoolToJson(pool));
  out["pools"] = std::move(pools);
  out["all_pools_healthy"] = result->all_pools_healthy;
  out["no_pools"] = result->no_pools;
  out["unparsed"] = result->unparsed;
  out["unparsed_count"] = result->unparsed_count;
  return out;
}

fs::path ExpectedPath(const Fixture& f) {
  return fs::path(ZFLEET_TESTDATA_DIR) / "expected" / f.generation / (Stem(f.file) + ".json");
}

bool Updating() {
  const char* env = std::getenv("ZFLEET_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

class InspectGoldenTest : public ::testing::TestWithParam<Fixture> {};

TEST_P(InspectGoldenTest, MatchesReviewedJson) {
  const Fixture& f = GetParam();
  const nlohmann::ordered_json actual = Understood(f);
  const fs::path expected_path = ExpectedPath(f);
  if (Updating()) {
    fs::create_directories(expected_path.parent_path());
    std::ofstream(expected_path) << actual.dump(2) << "\n";
    std::printf("wrote %s\n", expected_path.c_str());
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; run with ZFLEET_UPDATE_GOLDEN=1 and review it";
  const nlohmann::json expected = nlohmann::json::parse(ReadAll(expected_path), nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << expected_path << " is not JSON";
  // Compared as values (key order aside); the patch says what changed, path by path.
  const nlohmann::json actual_value = nlohmann::json::parse(actual.dump());
  EXPECT_EQ(actual_value, expected) << f.generation << "/" << f.file << " differs from "
                                    << expected_path << "; JSON patch from expected to actual:\n"
                                    << nlohmann::json::diff(expected, actual_value).dump(2);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InspectGoldenTest, ::testing::ValuesIn(AllFixtures()),
                         [](const ::testing::TestParamInfo<Fixture>& info) {
                           std::string name = info.param.generation + "_" + info.param.file;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(InspectGoldenFilesTest, EveryExpectedFileHasItsFixture) {
  std::vector<std::string> stale;
  for (const char* generation : kGenerations) {
    const fs::path dir = fs::path(ZFLEET_TESTDATA_DIR) / "expected" / generation;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      bool found = false;
      for (const Fixture& f : AllFixtures()) {
        found = found || ExpectedPath(f) == entry.path();
      }
      if (!found) stale.push_back(entry.path().string());
    }
  }
  EXPECT_TRUE(stale.empty()) << "expected files without a fixture: "
                             << ::testing::PrintToString(stale);
}

}  // namespace
}  // namespace zfleet::agent
