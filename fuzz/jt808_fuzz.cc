// libFuzzer target for the JT/T 808 decoders (frame splitter, header, bodies,
// reassembly). Built and run for a bounded time by scripts/fuzz-jt808.sh with
// clang (-fsanitize=fuzzer,address,undefined); the seed corpus is the public
// vectors in fuzz/jt808_corpus/.
#include <cstddef>
#include <cstdint>

#include "fleet/jt808/decode_all.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte chooses where the stream is split into two reads.
  const size_t split = size > 0 ? data[0] : 0;
  sl::fleet::jt808::DecodeAll({data, size}, split);
  return 0;
}
