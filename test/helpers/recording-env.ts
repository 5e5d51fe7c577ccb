/**
 * A RelayEnv for unit tests of one relay component: sends are recorded instead of delivered, time is a
 * ManualClock, randomness a seeded stream.
 */
import { SeededRandom } from '../../src/core/random.js';
import type { RelayEnv, RelayFrame } from '../../src/relay/types.js';
import type { MessageId, MsgFrame, PeerId, Priority, Route } from '../../src/wire/frames.js';
import { MESSAGE_ID_BYTES } from '../../src/wire/limits.js';
import { ManualClock } from './manual-clock.js';

export interface RecordingEnv extends RelayEnv {
  clock: ManualClock;
  sent: Array<{ to: PeerId; frame: RelayFrame }>;
  /** Returns and forgets what was sent so far. */
  take(): Array<{ to: PeerId; frame: RelayFrame }>;
}

export function recordingEnv(localId: PeerId, seed = 1): RecordingEnv {
  const sent: Array<{ to: PeerId; frame: RelayFrame }> = [];
  return {
    localId,
    clock: new ManualClock(),
    random: new SeededRandom(seed),
    sent,
    send(to, frame) {
      sent.push({ to, frame });
    },
    take() {
      return sent.splice(0, sent.length);
    },
  };
}

/** A 16-byte id whose last byte is `n` (distinct n → distinct ids). */
export function testId(n: number): MessageId {
  const id = new Uint8Array(MESSAGE_ID_BYTES);
  new DataView(id.buffer).setUint32(MESSAGE_ID_BYTES - 4, n);
  return id;
}

export function msgFrame(
  n: number,
  fields: Partial<{ hops: number; priority: Priority; route: Route; origin: PeerId; payload: Uint8Array }> = {},
): MsgFrame {
  return {
    kind: 'msg',
    id: testId(n),
    origin: fields.origin ?? 'origin',
    seq: n,
    hops: fields.hops ?? 1,
    priority: fields.priority ?? 'normal',
    route: fields.route ?? 'flood',
    encoding: 'raw',
    payload: fields.payload ?? new Uint8Array([n & 0xff, 1, 2, 3]),
  };
}
