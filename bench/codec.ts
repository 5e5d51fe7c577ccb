/**
 * Codec throughput: encode+decode of frame mixes with 64 B, 1 KiB and 16 KiB payloads, against
 * JSON.stringify/parse of the same objects with byte fields as base64 (the baseline; it validates nothing,
 * which flatters it). `npm run bench -- codec [--ms=1000]` (measured time per mix, split evenly between
 * codec and JSON in alternating 25 ms slices).
 *
 * A mix for payload size P: 6 msg frames with P-byte payloads (varied enums, one signed), 1 ping and 1 ihave
 * of 16 ids — mostly messages, as on a busy link.
 */
import { decodeFrame, encodeFrame } from '../src/wire/codec.js';
import type { Frame } from '../src/wire/frames.js';
import { MessageIdFactory } from '../src/wire/ids.js';
import { SeededRandom } from '../src/core/random.js';

type Json = Record<string, unknown>;

function makeMix(payloadBytes: number, seed: number): Frame[] {
  const random = new SeededRandom(seed);
  const ids = new MessageIdFactory('bench-origin-7f3a9c', random.nextU32());
  const frames: Frame[] = [];
  const priorities = ['normal', 'immediate', 'critical'] as const;
  const routes = ['flood', 'push', 'pull'] as const;
  for (let i = 0; i < 6; i++) {
    const { id, seq } = ids.next();
    frames.push({
      kind: 'msg', id, origin: 'bench-origin-7f3a9c', seq, hops: i, priority: priorities[i % 3]!, route: routes[i % 3]!,
      encoding: 'raw', payload: random.bytes(payloadBytes), ...(i === 5 ? { signature: random.bytes(64) } : {}),
    });
  }
  frames.push({ kind: 'ping', nonce: random.nextU32(), time: 1_763_700_000_000.25 });
  frames.push({ kind: 'ihave', ids: Array.from({ length: 16 }, () => ids.next().id) });
  return frames;
}

// ---- the JSON baseline: bytes as base64 ---------------------------------------------------------

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const unb64 = (s: unknown): Uint8Array => {
  const buf = Buffer.from(s as string, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};

function toJsonText(f: Frame): string {
  switch (f.kind) {
    case 'msg':
      return JSON.stringify({ ...f, id: b64(f.id), payload: b64(f.payload), signature: f.signature && b64(f.signature) });
    case 'ihave':
      return JSON.stringify({ kind: f.kind, ids: f.ids.map(b64) });
    default:
      return JSON.stringify(f);
  }
}

function fromJsonText(text: string): Frame {
  const o = JSON.parse(text) as Json;
  if (o.kind === 'msg') {
    o.id = unb64(o.id);
    o.payload = unb64(o.payload);
    if (o.signature !== undefined) o.signature = unb64(o.signature);
  } else if (o.kind === 'ihave') {
    o.ids = (o.ids as string[]).map(unb64);
  }
  return o as unknown as Frame;
}

// ---- measurement ----------------------------------------------------------------------------------

let sink = 0;

/**
 * Round trips per second of `frames` through the codec and through JSON, measured in alternating
 * slices of SLICE_MS so both see the same machine load (the box is shared), after a warm-up.
 */
const SLICE_MS = 50;
function compare(frames: Frame[], ms: number): { codec: number; json: number } {
  const slice = (roundTrip: (f: Frame) => number, budget: number): [number, number] => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budget) {
      for (let r = 0; r < 8; r++) for (const f of frames) sink += roundTrip(f);
      n += 8 * frames.length;
      now = performance.now();
    }
    return [n, now - start];
  };
  slice(viaCodec, ms / 5);
  slice(viaJson, ms / 5);
  const total = { codec: [0, 0], json: [0, 0] };
  for (let spent = 0; spent < ms; spent += SLICE_MS) {
    const [cn, ct] = slice(viaCodec, SLICE_MS / 2);
    const [jn, jt] = slice(viaJson, SLICE_MS / 2);
    total.codec[0]! += cn;
    total.codec[1]! += ct;
    total.json[0]! += jn;
    total.json[1]! += jt;
  }
  const rate = ([n, t]: number[]): number => Math.round(n! / (t! / 1000));
  return { codec: rate(total.codec), json: rate(total.json) };
}

const viaCodec = (f: Frame): number => decodeFrame(encodeFrame(f)).kind.length;
const viaJson = (f: Frame): number => fromJsonText(toJsonText(f)).kind.length;

function flag(args: string[], name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
}

export async function run(args: string[]): Promise<object> {
  const ms = flag(args, 'ms', 1000);
  const small = makeMix(64, 1);
  const kib = makeMix(1024, 2);
  const large = makeMix(16 * 1024, 3);
  const mixed = [...small, ...kib, ...large];
  const bytesPerFrame = (fs: Frame[]): number => Math.round(fs.reduce((s, f) => s + encodeFrame(f).length, 0) / fs.length);

  const smallRun = compare(small, ms);
  const kibRun = compare(kib, ms);
  const largeRun = compare(large, ms);
  const mixedRun = compare(mixed, ms);
  const smallFramesPerSec = smallRun.codec;
  const framesPerSec = kibRun.codec;
  const jsonFramesPerSec = kibRun.json;
  if (sink === 42) console.log(''); // keep the work observable

  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  return {
    bench: 'codec',
    framesPerSec,
    jsonFramesPerSec,
    smallFramesPerSec,
    ratio1KiB: ratio(framesPerSec, jsonFramesPerSec),
    mixedFramesPerSec: mixedRun.codec,
    jsonMixedFramesPerSec: mixedRun.json,
    ratioMixed: ratio(mixedRun.codec, mixedRun.json),
    jsonSmallFramesPerSec: smallRun.json,
    ratioSmall: ratio(smallRun.codec, smallRun.json),
    largeFramesPerSec: largeRun.codec,
    jsonLargeFramesPerSec: largeRun.json,
    ratioLarge: ratio(largeRun.codec, largeRun.json),
    bytesPerFrame: { small: bytesPerFrame(small), kib: bytesPerFrame(kib), large: bytesPerFrame(large) },
    targets: { framesPerSecOver3xJson: framesPerSec >= 3 * jsonFramesPerSec, smallOver300k: smallFramesPerSec >= 300_000 },
    msPerMeasurement: ms,
  };
}
