/** fast-check arbitraries for every frame kind, within the protocol's bounds (docs/PROTOCOL.md). */
import fc from 'fast-check';
import {
  KIND_CODES,
  NEIGHBOR_OPS,
  PAYLOAD_ENCODINGS,
  PEERS_OPS,
  PRIORITIES,
  RELAY_MODES,
  ROLES,
  ROUTES,
  type Frame,
  type FrameKind,
} from '../../src/wire/frames.js';
import {
  MAX_ADDRS_PER_RECORD,
  MAX_ADDR_LENGTH,
  MAX_CAPABILITIES,
  MAX_CAPABILITY_LENGTH,
  MAX_ERROR_CODE_LENGTH,
  MAX_HOPS,
  MAX_PEER_ID_LENGTH,
  MAX_REASON_LENGTH,
  MAX_ROOM_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_SIGNATURE_BYTES,
  MESSAGE_ID_BYTES,
} from '../../src/wire/limits.js';

/** Unicode strings of min..max code points (the protocol counts characters as code points). */
const text = (minLength: number, maxLength: number) => fc.string({ unit: 'binary', minLength, maxLength });
const peerId = text(1, MAX_PEER_ID_LENGTH);
const optPeerId = text(0, MAX_PEER_ID_LENGTH);
const room = text(1, MAX_ROOM_LENGTH);
const u32 = fc.nat({ max: 0xffffffff });
const messageId = fc.uint8Array({ minLength: MESSAGE_ID_BYTES, maxLength: MESSAGE_ID_BYTES });
// Property runs stay fast with modest list sizes; the bounds themselves are tested by example.
const ids = fc.array(messageId, { maxLength: 40 });
const time = fc.oneof(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x))); // -0 travels as the integer 0
const record = fc.record({
  id: peerId,
  role: fc.constantFrom(...ROLES),
  addrs: fc.array(text(1, MAX_ADDR_LENGTH), { maxLength: MAX_ADDRS_PER_RECORD }),
  age: u32,
});

export const frameArbitraries: { [K in FrameKind]: fc.Arbitrary<Extract<Frame, { kind: K }>> } = {
  hello: fc.record({
    kind: fc.constant('hello'),
    peerId,
    version: u32,
    role: fc.constantFrom(...ROLES),
    capabilities: fc.array(text(1, MAX_CAPABILITY_LENGTH), { maxLength: MAX_CAPABILITIES }),
  }),
  ping: fc.record({ kind: fc.constant('ping'), nonce: u32, time }),
  pong: fc.record({ kind: fc.constant('pong'), nonce: u32, time }),
  msg: fc.record(
    {
      kind: fc.constant('msg'),
      id: messageId,
      origin: peerId,
      seq: u32,
      hops: fc.nat({ max: MAX_HOPS }),
      priority: fc.constantFrom(...PRIORITIES),
      route: fc.constantFrom(...ROUTES),
      encoding: fc.constantFrom(...PAYLOAD_ENCODINGS),
      payload: fc.uint8Array({ maxLength: 2048 }),
      signature: fc.uint8Array({ maxLength: MAX_SIGNATURE_BYTES }),
    },
    { requiredKeys: ['kind', 'id', 'origin', 'seq', 'hops', 'priority', 'route', 'encoding', 'payload'] },
  ),
  ihave: fc.record({ kind: fc.constant('ihave'), ids }),
  iwant: fc.record({ kind: fc.constant('iwant'), ids }),
  digest: fc.record({ kind: fc.constant('digest'), ids }),
  prune: fc.record({ kind: fc.constant('prune') }),
  graft: fc.record({ kind: fc.constant('graft'), ids }),
  peers: fc.record({
    kind: fc.constant('peers'),
    op: fc.constantFrom(...PEERS_OPS),
    ttl: fc.nat({ max: MAX_HOPS }),
    origin: optPeerId,
    records: fc.array(record, { maxLength: 8 }),
  }),
  neighbor: fc.record({ kind: fc.constant('neighbor'), op: fc.constantFrom(...NEIGHBOR_OPS) }),
  query: fc.record({ kind: fc.constant('query'), qid: u32, target: peerId }),
  answer: fc.record({ kind: fc.constant('answer'), qid: u32, target: peerId, reachable: fc.boolean() }),
  mode: fc.record({ kind: fc.constant('mode'), mode: fc.constantFrom(...RELAY_MODES), epoch: u32, origin: peerId }),
  bye: fc.record({ kind: fc.constant('bye'), code: u32, reason: text(0, MAX_REASON_LENGTH) }),
  join: fc.record({
    kind: fc.constant('join'),
    room,
    peerId,
    role: fc.constantFrom(...ROLES),
    secret: text(0, MAX_SECRET_LENGTH),
  }),
  joined: fc.record({ kind: fc.constant('joined'), room, peerId, peers: fc.array(peerId, { maxLength: 40 }) }),
  'peer-joined': fc.record({ kind: fc.constant('peer-joined'), room, peerId }),
  'peer-left': fc.record({ kind: fc.constant('peer-left'), room, peerId }),
  leave: fc.record({ kind: fc.constant('leave'), room }),
  signal: fc.record({ kind: fc.constant('signal'), room, from: optPeerId, to: peerId, data: text(0, 2000) }),
  error: fc.record(
    { kind: fc.constant('error'), code: text(1, MAX_ERROR_CODE_LENGTH), message: text(0, MAX_REASON_LENGTH), peerId },
    { requiredKeys: ['kind', 'code', 'message'] },
  ),
};

export const ALL_KINDS = Object.keys(KIND_CODES) as FrameKind[];

export const anyFrame: fc.Arbitrary<Frame> = fc.oneof(...ALL_KINDS.map((k) => frameArbitraries[k] as fc.Arbitrary<Frame>));
