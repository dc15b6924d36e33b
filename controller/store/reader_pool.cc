#include "controller/store/reader_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace zfleet::controller {

absl::StatusOr<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::string& path, int count) {
  if (count < 1) {
    return absl::InvalidArgumentError(absl::StrCat("a reader pool of ", count, " readers"));
  }
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::OpenReader(path);
    if (!store.ok()) return store.status();
    auto reader = std::make_unique<Reader>();
    // Not yet shared with any thread; the lock only satisfies the annotation.
    absl::MutexLock lock(&reader->mu);
    reader->store = *std::move(store);
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<ReaderPool>(new ReaderPool(std::move(readers)));
}

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Reader>> readers)
    : readers_(std::move(readers)) {}

// Which mutex is taken is decided at run time, which the static analysis cannot follow;
// Read asserts it before touching the reader's store.
ReaderPool::Reader& ReaderPool::Acquire() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed) % readers_.size();
  for (size_t i = 0; i < readers_.size(); ++i) {
    Reader& reader = *readers_[(start + i) % readers_.size()];
    if (reader.mu.TryLock()) return reader;
  }
  Reader& reader = *readers_[start];
  reader.mu.Lock();
  return reader;
}

absl::Status ReaderPool::Read(const std::function<absl::Status(Store&)>& fn) {
  Reader& reader = Acquire();
  reader.mu.AssertHeld();
  Store& store = *reader.store;
  absl::Status status = store.RunInReadTransaction([&] { return fn(store); });
  reader.mu.Unlock();
  return status;
}

}  // namespace zfleet::controller
