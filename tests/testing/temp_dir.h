// A temporary directory removed (recursively) when the object goes away.
#ifndef ZFLEET_TESTS_TESTING_TEMP_DIR_H_
#define ZFLEET_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace zfleet::testing {

class TempDir {
 public:
  TempDir();  // aborts the test binary if no directory can be made
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Reads a whole file; "" when it cannot be read.
std::string ReadFile(const std::string& path);

// Makes DIR/zpool a copy of tests/testing/fake_zpool.sh with DIR/list.txt and DIR/status.txt
// from the given testdata files (relative to tests/testdata). Returns DIR/zpool.
std::string InstallFakeZpool(const TempDir& dir, const std::string& list_fixture,
                             const std::string& status_fixture);

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_TEMP_DIR_H_
