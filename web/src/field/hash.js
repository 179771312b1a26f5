// Streaming SHA-256 at capture time (hash-wasm): large video is read in
// 4 MiB slices, never whole into memory.
import { createSHA256 } from 'hash-wasm';

const SLICE = 4 * 1024 * 1024;

export async function sha256Hex(blob) {
  const hasher = await createSHA256();
  hasher.init();
  for (let off = 0; off < blob.size; off += SLICE) {
    const buf = await blob.slice(off, off + SLICE).arrayBuffer();
    hasher.update(new Uint8Array(buf));
  }
  return hasher.digest('hex');
}
