#!/usr/bin/env bash
# Builds the JT/T 808 libFuzzer target with clang (address + undefined
# behaviour sanitizers) and runs it for a bounded time, seeded with the public
# vectors from the protocol brief. Exit status is non-zero on any crash,
# sanitizer report or leak.
#   scripts/fuzz-jt808.sh [seconds=30] [workdir=/tmp/sightline-fuzz-jt808]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
work=${2:-/tmp/sightline-fuzz-jt808}
mkdir -p "$work/corpus"

clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc \
  fuzz/jt808_fuzz.cc src/fleet/jt808/frame.cc src/fleet/jt808/packet.cc src/fleet/jt808/messages.cc \
  src/fleet/jt808/gbk.cc src/fleet/jt808/reassembly.cc src/fleet/jt808/decode_all.cc \
  src/common/time.cc src/common/result.cc -o "$work/jt808_fuzz"

i=0
for hex in \
  7e0002000004304832546500b7ca7e \
  7e80010005043048325465000000b70002004e7e \
  7E0100002D013511221122000500000000373031303748422D52303347424400000000000000000000003233363631303402CBD5424136383630387E \
  7e8100000f0135112211220000000500303133353131323231313232b87e \
  7E0102000E013511221122000661757468656E7469636174696F6E3F7E \
  7E0200002A013833501744001900000000000000C201597FA806CC01580080000000081508180721210104000002F502020000030200009F7E \
  7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb0c20085c107e \
  7e0100405c010000086649607758216452180000000000000000000000000000004d443330300000000000000000000000000000000000000000000000000038363634393630373735383231363400000000000000000000000000000004000000000000000000000000000000007a7e
do
  printf "$(echo "$hex" | sed 's/../\\x&/g')" >"$work/corpus/vector$i"
  i=$((i + 1))
done

"$work/jt808_fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$work/corpus" 2>&1 | tail -n 20
