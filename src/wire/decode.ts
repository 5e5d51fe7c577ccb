/**
 * decodeFrame: bytes → Frame (docs/PROTOCOL.md). On every hop of every message, so each kind is read by
 * straight-line code directly from the bytes (msgpack.ts's reader). Byte fields are views into the input
 * bytes (payloads, signatures, a msg's own id), except the ids listed in ihave / iwant / digest / graft:
 * those are copied, since the missing-id tracker may keep one long after its frame, and a 16-byte view
 * would pin the whole input buffer.
 *
 * Throws nothing but WireError: the bytes first pass a structural check (structure.ts: one array, no
 * maps/ext, bounded nesting, lengths and counts within the input — what @msgpack/msgpack's
 * maxStrLength/maxArrayLength/… limits would bound), then every field is read and checked.
 */
import { WireError } from './errors.js';
import {
  KIND_CODES as K,
  NEIGHBOR_OPS,
  PAYLOAD_ENCODINGS,
  PEERS_OPS,
  PRIORITIES,
  PROTOCOL_VERSION as V,
  RELAY_MODES,
  ROLES,
  ROUTES,
  type Frame,
  type MessageId,
  type MsgFrame,
  type ErrorFrame,
  type PeerId,
  type PeerRecord,
} from './frames.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_ADDRS_PER_RECORD,
  MAX_ADDR_LENGTH,
  MAX_CAPABILITIES,
  MAX_CAPABILITY_LENGTH,
  MAX_ERROR_CODE_LENGTH,
  MAX_EXTRA_FIELDS,
  MAX_HOPS,
  MAX_IDS_PER_FRAME,
  MAX_PEER_ID_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECORDS_PER_FRAME,
  MAX_ROOM_PEERS_PER_FRAME,
  MAX_SECRET_LENGTH,
  MAX_SIGNAL_DATA_LENGTH,
  MAX_SIGNATURE_BYTES,
  MESSAGE_ID_BYTES,
  type FrameLimits,
} from './limits.js';
import { checkStructure } from './structure.js';
import { MAX_TTL, RECORD_FIELDS, badField, bytesView, enumIn, finite, optPeerId, peerId, room, str, u32, uintMax } from './fields.js';
import {
  readArray,
  readBin,
  readBinCopy,
  readBool,
  readEnvelopeUint,
  readFrom,
  readNil,
  readNumber,
  readString,
  readerDone,
  skipValue,
} from './msgpack.js';

/**
 * Required positional fields per kind code (after version and kind). Up to MAX_EXTRA_FIELDS more are
 * skipped (msg's optional signature is the first of them).
 */
const FIELD_COUNT: ReadonlyMap<number, number> = new Map([
  [K.hello, 4], [K.ping, 2], [K.pong, 2], [K.msg, 8], [K.ihave, 1], [K.iwant, 1], [K.digest, 1],
  [K.prune, 0], [K.graft, 1], [K.peers, 4], [K.neighbor, 1], [K.query, 2], [K.answer, 3], [K.mode, 3],
  [K.bye, 2], [K.join, 4], [K.joined, 3], [K['peer-joined'], 2], [K['peer-left'], 2], [K.leave, 1],
  [K.signal, 4], [K.error, 2],
]);

const readPeerId = (field: string): PeerId => peerId(readString(field), field);
const readU32 = (field: string): number => u32(readNumber(field), field);
const readRoom = (): string => room(readString('room'));

function readCount(max: number, field: string): number {
  const n = readArray(field);
  if (n > max) badField(field, `more than ${max} elements`);
  return n;
}

/**
 * A msg's id as a view into the frame bytes, not a copy: the relay takes its words (IdTable) and keeps no
 * id array, and the payload beside it is a view of the same bytes anyway, so a copy only added an
 * allocation per message.
 */
function readIdView(): MessageId {
  const id = readBin('id');
  if (id.length !== MESSAGE_ID_BYTES) badField('id', `expected ${MESSAGE_ID_BYTES} bytes`);
  return id;
}

function readIds(): MessageId[] {
  const n = readCount(MAX_IDS_PER_FRAME, 'ids');
  const ids: MessageId[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = readBinCopy(MESSAGE_ID_BYTES, 'ids[]');
  return ids;
}

function readStrings(maxItems: number, min: number, maxChars: number, field: string): string[] {
  const n = readCount(maxItems, field);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = str(readString(field), min, maxChars, field);
  return out;
}

function readRecord(): PeerRecord {
  const n = readArray('records[]');
  if (n < RECORD_FIELDS || n > RECORD_FIELDS + MAX_EXTRA_FIELDS) {
    badField('records[]', `expected ${RECORD_FIELDS} to ${RECORD_FIELDS + MAX_EXTRA_FIELDS} fields`);
  }
  const record: PeerRecord = {
    id: readPeerId('records[].id'),
    role: enumIn(ROLES, readNumber('records[].role'), 'records[].role'),
    addrs: readStrings(MAX_ADDRS_PER_RECORD, 1, MAX_ADDR_LENGTH, 'records[].addrs'),
    age: readU32('records[].age'),
  };
  for (let i = RECORD_FIELDS; i < n; i++) skipValue();
  return record;
}

/** Straight-line reading of one kind's fields; `count` is how many fields the envelope holds. */
function readFields(code: number, count: number): Frame {
  switch (code) {
    case K.hello:
      return {
        kind: 'hello',
        peerId: readPeerId('peerId'),
        version: readU32('version'),
        role: enumIn(ROLES, readNumber('role'), 'role'),
        capabilities: readStrings(MAX_CAPABILITIES, 1, MAX_CAPABILITY_LENGTH, 'capabilities'),
      };
    case K.ping:
      return { kind: 'ping', nonce: readU32('nonce'), time: finite(readNumber('time'), 'time') };
    case K.pong:
      return { kind: 'pong', nonce: readU32('nonce'), time: finite(readNumber('time'), 'time') };
    case K.msg: {
      const frame: MsgFrame = {
        kind: 'msg',
        id: readIdView(),
        origin: readPeerId('origin'),
        seq: readU32('seq'),
        hops: uintMax(readNumber('hops'), MAX_HOPS, 'hops'),
        priority: enumIn(PRIORITIES, readNumber('priority'), 'priority'),
        route: enumIn(ROUTES, readNumber('route'), 'route'),
        encoding: enumIn(PAYLOAD_ENCODINGS, readNumber('encoding'), 'encoding'),
        payload: readBin('payload'),
      };
      if (count > 8 && !readNil()) frame.signature = bytesView(readBin('signature'), MAX_SIGNATURE_BYTES, 'signature');
      return frame;
    }
    case K.ihave:
      return { kind: 'ihave', ids: readIds() };
    case K.iwant:
      return { kind: 'iwant', ids: readIds() };
    case K.digest:
      return { kind: 'digest', ids: readIds() };
    case K.prune:
      return { kind: 'prune' };
    case K.graft:
      return { kind: 'graft', ids: readIds() };
    case K.peers: {
      const op = enumIn(PEERS_OPS, readNumber('op'), 'op');
      const ttl = uintMax(readNumber('ttl'), MAX_TTL, 'ttl');
      const origin = optPeerId(readString('origin'), 'origin');
      const n = readCount(MAX_RECORDS_PER_FRAME, 'records');
      const records: PeerRecord[] = new Array(n);
      for (let i = 0; i < n; i++) records[i] = readRecord();
      return { kind: 'peers', op, ttl, origin, records };
    }
    case K.neighbor:
      return { kind: 'neighbor', op: enumIn(NEIGHBOR_OPS, readNumber('op'), 'op') };
    case K.query:
      return { kind: 'query', qid: readU32('qid'), target: readPeerId('target') };
    case K.answer:
      return { kind: 'answer', qid: readU32('qid'), target: readPeerId('target'), reachable: readBool('reachable') };
    case K.mode:
      return {
        kind: 'mode',
        mode: enumIn(RELAY_MODES, readNumber('mode'), 'mode'),
        epoch: readU32('epoch'),
        origin: readPeerId('origin'),
      };
    case K.bye:
      return { kind: 'bye', code: readU32('code'), reason: str(readString('reason'), 0, MAX_REASON_LENGTH, 'reason') };
    case K.join:
      return {
        kind: 'join',
        room: readRoom(),
        peerId: readPeerId('peerId'),
        role: enumIn(ROLES, readNumber('role'), 'role'),
        secret: str(readString('secret'), 0, MAX_SECRET_LENGTH, 'secret'),
      };
    case K.joined:
      return {
        kind: 'joined',
        room: readRoom(),
        peerId: readPeerId('peerId'),
        peers: readStrings(MAX_ROOM_PEERS_PER_FRAME, 1, MAX_PEER_ID_LENGTH, 'peers'),
      };
    case K['peer-joined']:
      return { kind: 'peer-joined', room: readRoom(), peerId: readPeerId('peerId') };
    case K['peer-left']:
      return { kind: 'peer-left', room: readRoom(), peerId: readPeerId('peerId') };
    case K.leave:
      return { kind: 'leave', room: readRoom() };
    case K.signal:
      return {
        kind: 'signal',
        room: readRoom(),
        from: optPeerId(readString('from'), 'from'),
        to: readPeerId('to'),
        data: str(readString('data'), 0, MAX_SIGNAL_DATA_LENGTH, 'data'),
      };
    case K.error: {
      const frame: ErrorFrame = {
        kind: 'error',
        code: str(readString('code'), 1, MAX_ERROR_CODE_LENGTH, 'code'),
        message: str(readString('message'), 0, MAX_REASON_LENGTH, 'message'),
      };
      if (count > 2 && !readNil()) frame.peerId = readPeerId('peerId');
      return frame;
    }
    default:
      throw new WireError('unknown_kind', `kind ${code}`, code);
  }
}

/**
 * Decodes one frame. Throws WireError and nothing else, whatever the input: too_large (over
 * limits.maxFrameBytes, checked before decoding), malformed, bad_version, unknown_kind (with
 * `kindCode`: a newer peer's frame; skip it) or bad_field.
 * Returned `payload`/`signature` are views into `bytes`; ids are copies.
 */
export function decodeFrame(bytes: Uint8Array, limits?: Partial<FrameLimits>): Frame {
  const maxFrameBytes = limits?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!(bytes instanceof Uint8Array)) throw new WireError('malformed', 'expected bytes');
  if (bytes.length > maxFrameBytes) {
    throw new WireError('too_large', `frame of ${bytes.length} bytes exceeds ${maxFrameBytes}`);
  }
  checkStructure(bytes);
  readFrom(bytes);
  try {
    const n = readArray('frame'); // checkStructure guarantees an array
    const version = n > 0 ? readEnvelopeUint() : -1;
    const code = n > 1 ? readEnvelopeUint() : -1;
    if (version < 0) throw new WireError('malformed', 'bad version field');
    if (code < 0) throw new WireError('malformed', 'bad kind field');
    if (version !== V) throw new WireError('bad_version', `version ${version}, expected ${V}`);
    const required = FIELD_COUNT.get(code);
    if (required === undefined) throw new WireError('unknown_kind', `kind ${code}`, code);
    const count = n - 2;
    if (count > required + MAX_EXTRA_FIELDS) throw new WireError('malformed', 'too many trailing fields');
    if (count < required) badField('frame', `${count} fields, kind ${code} needs ${required}`);
    return readFields(code, count);
  } catch (err) {
    if (err instanceof WireError) throw err;
    // Not expected after checkStructure; kept so that nothing but WireError can ever escape.
    throw new WireError('malformed', err instanceof Error ? err.message : String(err));
  } finally {
    readerDone();
  }
}

/**
 * The kind number of an encoded frame without decoding it: a cheap peek for routing/counting.
 * Returns undefined unless the bytes start like a frame of this protocol version.
 */
export function frameKindOf(bytes: Uint8Array): number | undefined {
  // fixarray header, version as positive fixint, kind as positive fixint or uint8.
  if (bytes.length < 3 || (bytes[0]! & 0xf0) !== 0x90 || bytes[1] !== V) return undefined;
  const k = bytes[2]!;
  if (k <= 0x7f) return k;
  if (k === 0xcc && bytes.length > 3) return bytes[3];
  return undefined;
}

