// The order a listing shows the controller's rows in, without copying them. Pure.
#ifndef ZFLEET_CLI_RENDER_SORTED_H_
#define ZFLEET_CLI_RENDER_SORTED_H_

#include <algorithm>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"

namespace zfleet::cli {

// Pointers to the elements of `rows` ordered by `less(const T&, const T&)`; rows that
// compare equal keep the controller's order. The pointers borrow from `rows`, which must
// outlive them.
template <typename T, typename Less>
std::vector<const T*> SortedBy(const google::protobuf::RepeatedPtrField<T>& rows, Less less) {
  std::vector<const T*> sorted;
  sorted.reserve(rows.size());
  for (const T& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&less](const T* a, const T* b) { return less(*a, *b); });
  return sorted;
}

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_SORTED_H_
