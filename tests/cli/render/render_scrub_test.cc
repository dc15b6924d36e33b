// `zfleet scrub` output.
#include "cli/render/render_scrub.h"

#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

// What `zfleet scrub h1/tank` sends for `action` (and --now).
v1::RequestScrubRequest Request(v1::ScrubAction action, bool now = false) {
  v1::RequestScrubRequest request;
  request.set_host_id("h1");
  request.set_pool("tank");
  request.set_action(action);
  request.set_now(now);
  return request;
}

v1::RequestScrubResponse Accepted() {
  v1::RequestScrubResponse response;
  response.set_command_id("abc");
  response.set_scrub_run_id(12);
  return response;
}

TEST(RenderScrubTest, TextPerAction) {
  v1::RequestScrubResponse response = Accepted();
  EXPECT_EQ(RenderScrubText(Request(v1::START), response),
            "scrub requested on h1/tank (run 12, command abc)\n");
  response.set_scrub_run_id(0);
  EXPECT_EQ(RenderScrubText(Request(v1::STOP), response),
            "stop requested on h1/tank (command abc)\n");
  EXPECT_EQ(RenderScrubText(Request(v1::PAUSE), v1::RequestScrubResponse()),
            "pause requested on h1/tank\n");
  EXPECT_EQ(RenderScrubText(Request(v1::START, /*now=*/true), v1::RequestScrubResponse()),
            "scrub requested on h1/tank now, bypassing caps and windows\n");
}

TEST(RenderScrubTest, JsonShape) {
  EXPECT_EQ(RenderScrubJson(Request(v1::START), Accepted()).dump(),
            R"({"host":"h1","pool":"tank","action":"start","now":false,"command_id":"abc",)"
            R"("scrub_run_id":12})");
  EXPECT_EQ(RenderScrubJson(Request(v1::STOP), v1::RequestScrubResponse()).dump(),
            R"({"host":"h1","pool":"tank","action":"stop","now":false,"command_id":null,)"
            R"("scrub_run_id":null})");
  EXPECT_EQ(RenderScrubJson(Request(v1::START, /*now=*/true), Accepted())["now"], true);
  EXPECT_EQ(RenderScrubJson(Request(v1::PAUSE), Accepted())["action"], "pause");
}

}  // namespace
}  // namespace zfleet::cli
