/**
 * Payload compression for the gossip: raw DEFLATE (RFC 1951) through CompressionStream /
 * DecompressionStream('deflate-raw'), which browsers and Node ≥ 20 both provide as globals, so this
 * module stays browser-safe. Both directions are async; the gossip calls them only at its edges
 * (broadcastCompressed, delivery, transcoding for peers without the capability), never inside the
 * state machine.
 */
import { WireError } from '../wire/errors.js';

/** The hello capability that lets a peer receive deflated payloads. */
export const DEFLATE_CAPABILITY = 'deflate';

type Transform = { readable: ReadableStream<Uint8Array>; writable: WritableStream<BufferSource> };

async function run(transform: Transform, input: Uint8Array, maxOutputBytes: number): Promise<Uint8Array> {
  const writer = transform.writable.getWriter();
  // Write errors resurface on the reader; swallow them here so none goes unhandled.
  const writing = writer
    .write(input as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = transform.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxOutputBytes) {
        await reader.cancel().catch(() => undefined);
        throw new WireError('too_large', `inflated payload exceeds ${maxOutputBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw new WireError('malformed', 'payload is not valid raw DEFLATE data');
  }
  await writing;
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Raw-DEFLATE compresses `payload`. */
export function deflateRaw(payload: Uint8Array): Promise<Uint8Array> {
  return run(new CompressionStream('deflate-raw'), payload, Number.MAX_SAFE_INTEGER);
}

/**
 * Inflates raw-DEFLATE `data`; rejects with WireError('malformed') for bad data and
 * WireError('too_large') past `maxBytes` (a decompression bomb stops there).
 */
export function inflateRaw(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return run(new DecompressionStream('deflate-raw'), data, maxBytes);
}
