// Runs every JT/T 808 decoder over arbitrary bytes: the frame splitter (fed in
// two reads split at `split`), the header parser, each body decoder under both
// editions and subpackage reassembly. Used by the libFuzzer target
// (fuzz/jt808_fuzz.cc) and the bounded mutation test, so both exercise the
// same surface. Returns how many bodies decoded without error. Never throws on
// any input; thread-safe.
#pragma once

#include <cstddef>

#include "fleet/jt808/frame.h"

namespace sl::fleet::jt808 {

size_t DecodeAll(ByteView data, size_t split);

}  // namespace sl::fleet::jt808
