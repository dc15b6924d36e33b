// Makes every `string` field of a message valid UTF-8, so that it serializes without
// protobuf's complaints and parses on the other side. Host text (zpool output, sysfs,
// stderr, file names in a pool's error list) can hold any bytes; see common/utf8.h.
#ifndef ZFLEET_MODEL_CLEAN_STRINGS_H_
#define ZFLEET_MODEL_CLEAN_STRINGS_H_

#include "google/protobuf/message.h"

namespace zfleet {

// Walks `message` by reflection: singular and repeated `string` fields, map keys and values,
// nested messages, recursively. Each string that is not valid UTF-8 is replaced by
// CleanUtf8 of it; valid strings and `bytes` fields are left alone, and a message with no
// invalid string is not modified at all. Returns how many strings it replaced.
// A map whose cleaned keys collide keeps one of the colliding entries.
// REQUIRES: message != nullptr.
int CleanStrings(google::protobuf::Message* message);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_CLEAN_STRINGS_H_
