#include "tests/testing/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace zfleet::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "zfleet-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& name, const std::string& content) const {
  std::ofstream out(File(name), std::ios::trunc);
  out << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string InstallFakeZpool(const TempDir& dir, const std::string& list_fixture,
                             const std::string& status_fixture) {
  const std::string zpool = dir.File("zpool");
  std::filesystem::copy_file(std::string(ZFLEET_TESTS_DIR) + "/testing/fake_zpool.sh", zpool,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(zpool, std::filesystem::perms::owner_all);
  dir.Write("list.txt", ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/" + list_fixture));
  dir.Write("status.txt", ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/" + status_fixture));
  return zpool;
}

}  // namespace zfleet::testing
