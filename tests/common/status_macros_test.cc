#include "common/status_macros.h"

#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace zfleet {
namespace {

TEST(StatusMacrosTest, WithContextPrependsAndKeepsTheCode) {
  EXPECT_TRUE(WithContext(absl::OkStatus(), "reading pools").ok());
  const absl::Status s = WithContext(absl::NotFoundError("no such pool"), "pool tank");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "pool tank: no such pool");
  // Contexts nest outermost first.
  EXPECT_EQ(WithContext(s, "report of nas1").message(), "report of nas1: pool tank: no such pool");
}

// Counts how far a function got, so the tests see that the macros really return early.
struct Trace {
  int steps = 0;
};

absl::Status Step(Trace& trace, absl::Status result) {
  ++trace.steps;
  return result;
}

absl::Status TwoSteps(Trace& trace, absl::Status first, absl::Status second) {
  RETURN_IF_ERROR(Step(trace, first));
  RETURN_IF_ERROR(Step(trace, second));
  return absl::OkStatus();
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstError) {
  struct Case {
    absl::Status first, second;
    int want_steps;
    absl::Status want;
  };
  const Case cases[] = {
      {absl::OkStatus(), absl::OkStatus(), 2, absl::OkStatus()},
      {absl::InternalError("a"), absl::OkStatus(), 1, absl::InternalError("a")},
      {absl::OkStatus(), absl::UnavailableError("b"), 2, absl::UnavailableError("b")},
      {absl::NotFoundError("a"), absl::UnavailableError("b"), 1, absl::NotFoundError("a")},
  };
  for (const Case& c : cases) {
    Trace trace;
    EXPECT_EQ(TwoSteps(trace, c.first, c.second), c.want);
    EXPECT_EQ(trace.steps, c.want_steps) << c.want;
  }
}

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError(std::to_string(n) + " is odd");
  return n / 2;
}

// Two uses in one function, one into a declaration and one into an existing variable.
absl::StatusOr<int> Quarter(int n, Trace& trace) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ++trace.steps;
  int quarter = -1;
  ASSIGN_OR_RETURN(quarter, Half(half));
  ++trace.steps;
  return quarter;
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrPropagates) {
  struct Case {
    int n;
    int want_steps;
    absl::StatusOr<int> want;
  };
  const Case cases[] = {
      {8, 2, 2},
      {6, 1, absl::InvalidArgumentError("3 is odd")},
      {5, 0, absl::InvalidArgumentError("5 is odd")},
  };
  for (const Case& c : cases) {
    Trace trace;
    EXPECT_EQ(Quarter(c.n, trace), c.want) << c.n;
    EXPECT_EQ(trace.steps, c.want_steps) << c.n;
  }
}

absl::StatusOr<std::unique_ptr<std::string>> MakeName(bool ok) {
  if (!ok) return absl::UnavailableError("down");
  return std::make_unique<std::string>("tank");
}

// Move-only values pass through, and an absl::Status-returning function can use it.
absl::Status TakeName(bool ok, std::string* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> name, MakeName(ok));
  *out = *name;
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnMovesMoveOnlyValues) {
  std::string out;
  EXPECT_TRUE(TakeName(true, &out).ok());
  EXPECT_EQ(out, "tank");
  out.clear();
  EXPECT_EQ(TakeName(false, &out), absl::UnavailableError("down"));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace zfleet
