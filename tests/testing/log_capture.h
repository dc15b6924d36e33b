// Sends spdlog's default logger to a string for a test's life, to assert what was logged
// (one line per outage, not one per retry).
#ifndef ZFLEET_TESTS_TESTING_LOG_CAPTURE_H_
#define ZFLEET_TESTS_TESTING_LOG_CAPTURE_H_

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>

#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace zfleet::testing {

class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return out_.str(); }
  int lines() const {
    const std::string t = text();
    return static_cast<int>(std::count(t.begin(), t.end(), '\n'));
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_LOG_CAPTURE_H_
