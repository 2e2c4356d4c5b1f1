import type { DecodeStats } from './decode-stats.js';

/** Counts bytes as they are pulled from the source (compressed bytes when gzipped). */
export async function* counted(source: AsyncIterable<Uint8Array>, stats: DecodeStats): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    stats.bytesConsumed += chunk.length;
    yield chunk;
  }
}

/** The first chunks of a source, enough to hold `min` bytes (fewer when the source ends first). */
export interface Head {
  chunks: Uint8Array[];
  bytes: Uint8Array;
  rest: AsyncIterator<Uint8Array>;
}

export async function readHead(source: AsyncIterable<Uint8Array>, min: number): Promise<Head> {
  const rest = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let have = 0;
  while (have < min) {
    const r = await rest.next();
    if (r.done === true) break;
    chunks.push(r.value);
    have += r.value.length;
  }
  const bytes = new Uint8Array(Math.min(have, min));
  let at = 0;
  for (const c of chunks) {
    if (at >= bytes.length) break;
    const n = Math.min(c.length, bytes.length - at);
    bytes.set(c.subarray(0, n), at);
    at += n;
  }
  return { chunks, bytes, rest };
}

/** The head's chunks followed by the rest of the source. */
export async function* rejoin(head: Head): AsyncGenerator<Uint8Array> {
  try {
    for (const c of head.chunks) yield c;
    for (;;) {
      const r = await head.rest.next();
      if (r.done === true) return;
      yield r.value;
    }
  } finally {
    await head.rest.return?.();
  }
}
