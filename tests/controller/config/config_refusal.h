// The check every controller.toml refusal test makes: `text` (read as `source`) is refused
// with InvalidArgument, on one line, starting with `error` ("FILE:LINE: reason").
#ifndef ZFLEET_TESTS_CONTROLLER_CONFIG_CONFIG_REFUSAL_H_
#define ZFLEET_TESTS_CONTROLLER_CONFIG_CONFIG_REFUSAL_H_

#include <string>

#include "controller/config/controller_config.h"
#include "gtest/gtest.h"

namespace zfleet::controller {

inline void ExpectRefused(const std::string& text, const std::string& source,
                          const std::string& error) {
  SCOPED_TRACE(text);
  auto config = ParseControllerConfig(text, source);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(config.status().message());
  EXPECT_EQ(message.substr(0, error.size()), error) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

}  // namespace zfleet::controller

#endif  // ZFLEET_TESTS_CONTROLLER_CONFIG_CONFIG_REFUSAL_H_
