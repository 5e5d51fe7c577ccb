/**
 * encodeFrame: Frame → bytes (docs/PROTOCOL.md), written field by field into a shared slab
 * (msgpack.ts's writer; shortest msgpack forms, byte-identical to @msgpack/msgpack). Every field is checked
 * against the bounds the decoder applies, so we never send a frame a peer would reject.
 */
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
  type PeerRecord,
} from './frames.js';
import {
  MAX_ADDRS_PER_RECORD,
  MAX_ADDR_LENGTH,
  MAX_CAPABILITIES,
  MAX_CAPABILITY_LENGTH,
  MAX_ERROR_CODE_LENGTH,
  MAX_HOPS,
  MAX_IDS_PER_FRAME,
  MAX_PEER_ID_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECORDS_PER_FRAME,
  MAX_ROOM_PEERS_PER_FRAME,
  MAX_SECRET_LENGTH,
  MAX_SIGNAL_DATA_LENGTH,
  MAX_SIGNATURE_BYTES,
} from './limits.js';
import {
  MAX_TTL,
  RECORD_FIELDS,
  badField,
  bool,
  bytesView,
  enumIndex,
  enumOut,
  finite,
  list,
  messageIdOut,
  optPeerId,
  peerId,
  room,
  str,
  u32,
  uintMax,
} from './fields.js';
import { writeArray, writeBin, writeBool, writeNumber, writeResult, writeStart, writeString } from './msgpack.js';

const ROLE = enumIndex(ROLES);
const PRIORITY = enumIndex(PRIORITIES);
const ROUTE = enumIndex(ROUTES);
const ENCODING = enumIndex(PAYLOAD_ENCODINGS);
const PEERS_OP = enumIndex(PEERS_OPS);
const NEIGHBOR_OP = enumIndex(NEIGHBOR_OPS);
const RELAY_MODE = enumIndex(RELAY_MODES);

const writePeerId = (v: unknown, field: string): void => writeString(peerId(v, field));
const writeU32 = (v: unknown, field: string): void => writeNumber(u32(v, field));

function writeIds(v: unknown): void {
  const ids = list(v, MAX_IDS_PER_FRAME, 'ids');
  writeArray(ids.length);
  for (let i = 0; i < ids.length; i++) writeBin(messageIdOut(ids[i], 'ids[]'));
}

function writeStrings(v: unknown, maxItems: number, min: number, maxChars: number, field: string): void {
  const items = list(v, maxItems, field);
  writeArray(items.length);
  for (let i = 0; i < items.length; i++) writeString(str(items[i], min, maxChars, field));
}

function writeRecord(v: unknown): void {
  if (typeof v !== 'object' || v === null) badField('records[]', 'expected a record');
  const r = v as PeerRecord;
  writeArray(RECORD_FIELDS);
  writePeerId(r.id, 'records[].id');
  writeNumber(enumOut(ROLE, r.role, 'records[].role'));
  writeStrings(r.addrs, MAX_ADDRS_PER_RECORD, 1, MAX_ADDR_LENGTH, 'records[].addrs');
  writeU32(r.age, 'records[].age');
}

/** Writes the envelope header: array of 2 + `fields` elements, version, kind. */
function writeEnvelope(code: number, fields: number): void {
  writeArray(2 + fields);
  writeNumber(V);
  writeNumber(code);
}

function writeFields(f: Frame): void {
  switch (f.kind) {
    case 'hello':
      writeEnvelope(K.hello, 4);
      writePeerId(f.peerId, 'peerId');
      writeU32(f.version, 'version');
      writeNumber(enumOut(ROLE, f.role, 'role'));
      writeStrings(f.capabilities, MAX_CAPABILITIES, 1, MAX_CAPABILITY_LENGTH, 'capabilities');
      return;
    case 'ping':
    case 'pong':
      writeEnvelope(K[f.kind], 2);
      writeU32(f.nonce, 'nonce');
      writeNumber(finite(f.time, 'time'));
      return;
    case 'msg': {
      const signed = f.signature !== undefined;
      writeEnvelope(K.msg, signed ? 9 : 8);
      writeBin(messageIdOut(f.id, 'id'));
      writePeerId(f.origin, 'origin');
      writeU32(f.seq, 'seq');
      writeNumber(uintMax(f.hops, MAX_HOPS, 'hops'));
      writeNumber(enumOut(PRIORITY, f.priority, 'priority'));
      writeNumber(enumOut(ROUTE, f.route, 'route'));
      writeNumber(enumOut(ENCODING, f.encoding, 'encoding'));
      writeBin(bytesView(f.payload, Number.MAX_SAFE_INTEGER, 'payload'));
      if (signed) writeBin(bytesView(f.signature, MAX_SIGNATURE_BYTES, 'signature'));
      return;
    }
    case 'ihave':
    case 'iwant':
    case 'digest':
    case 'graft':
      writeEnvelope(K[f.kind], 1);
      writeIds(f.ids);
      return;
    case 'prune':
      writeEnvelope(K.prune, 0);
      return;
    case 'peers': {
      writeEnvelope(K.peers, 4);
      writeNumber(enumOut(PEERS_OP, f.op, 'op'));
      writeNumber(uintMax(f.ttl, MAX_TTL, 'ttl'));
      writeString(optPeerId(f.origin, 'origin'));
      const records = list(f.records, MAX_RECORDS_PER_FRAME, 'records');
      writeArray(records.length);
      for (let i = 0; i < records.length; i++) writeRecord(records[i]);
      return;
    }
    case 'neighbor':
      writeEnvelope(K.neighbor, 1);
      writeNumber(enumOut(NEIGHBOR_OP, f.op, 'op'));
      return;
    case 'query':
      writeEnvelope(K.query, 2);
      writeU32(f.qid, 'qid');
      writePeerId(f.target, 'target');
      return;
    case 'answer':
      writeEnvelope(K.answer, 3);
      writeU32(f.qid, 'qid');
      writePeerId(f.target, 'target');
      writeBool(bool(f.reachable, 'reachable'));
      return;
    case 'mode':
      writeEnvelope(K.mode, 3);
      writeNumber(enumOut(RELAY_MODE, f.mode, 'mode'));
      writeU32(f.epoch, 'epoch');
      writePeerId(f.origin, 'origin');
      return;
    case 'bye':
      writeEnvelope(K.bye, 2);
      writeU32(f.code, 'code');
      writeString(str(f.reason, 0, MAX_REASON_LENGTH, 'reason'));
      return;
    case 'join':
      writeEnvelope(K.join, 4);
      writeString(room(f.room));
      writePeerId(f.peerId, 'peerId');
      writeNumber(enumOut(ROLE, f.role, 'role'));
      writeString(str(f.secret, 0, MAX_SECRET_LENGTH, 'secret'));
      return;
    case 'joined':
      writeEnvelope(K.joined, 3);
      writeString(room(f.room));
      writePeerId(f.peerId, 'peerId');
      writeStrings(f.peers, MAX_ROOM_PEERS_PER_FRAME, 1, MAX_PEER_ID_LENGTH, 'peers');
      return;
    case 'peer-joined':
    case 'peer-left':
      writeEnvelope(K[f.kind], 2);
      writeString(room(f.room));
      writePeerId(f.peerId, 'peerId');
      return;
    case 'leave':
      writeEnvelope(K.leave, 1);
      writeString(room(f.room));
      return;
    case 'signal':
      writeEnvelope(K.signal, 4);
      writeString(room(f.room));
      writeString(optPeerId(f.from, 'from'));
      writePeerId(f.to, 'to');
      writeString(str(f.data, 0, MAX_SIGNAL_DATA_LENGTH, 'data'));
      return;
    case 'error':
      writeEnvelope(K.error, f.peerId === undefined ? 2 : 3);
      writeString(str(f.code, 1, MAX_ERROR_CODE_LENGTH, 'code'));
      writeString(str(f.message, 0, MAX_REASON_LENGTH, 'message'));
      if (f.peerId !== undefined) writePeerId(f.peerId, 'peerId');
      return;
    default:
      badField('kind', `unknown frame kind ${String((f as { kind?: unknown }).kind)}`);
  }
}

/**
 * Encodes a frame into a new, exactly-sized Uint8Array of its own. Checks every field against the same
 * bounds the decoder applies and throws WireError('bad_field') for a frame a peer would reject. (Frame
 * size is the receiver's limit.)
 */
export function encodeFrame(frame: Frame): Uint8Array {
  return encodeFrameView(frame).slice();
}

/**
 * encodeFrame without the copy, for the send paths: a view of exactly the frame's bytes in a buffer shared
 * with other frames (msgpack.ts's slab). Hand it to a socket or copy it; do not keep it for long (it keeps
 * the whole slab alive), do not use its `.buffer` as if it were the frame's, never transfer that buffer.
 */
export function encodeFrameView(frame: Frame): Uint8Array {
  writeStart();
  writeFields(frame);
  return writeResult();
}
