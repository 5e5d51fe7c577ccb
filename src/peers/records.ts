/**
 * Peer records arrive from the network (peers frames) and from the host. The codec already bounds field
 * sizes; here a record is checked for what only the peer manager knows: not about ourselves, a sane id,
 * a known role, a bounded number of addresses.
 */
import { ROLES, type PeerId, type PeerRecord } from '../wire/frames.js';
import { MAX_ADDRS_PER_RECORD, MAX_ADDR_LENGTH, MAX_PEER_ID_LENGTH } from '../wire/limits.js';

export type RecordRejection = 'record-bad-id' | 'record-self' | 'record-bad-role' | 'record-bad-addrs' | 'record-bad-age';

export function validPeerId(id: unknown): id is PeerId {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_PEER_ID_LENGTH;
}

export function checkRecord(r: PeerRecord, localId: PeerId): RecordRejection | null {
  if (!validPeerId(r.id)) return 'record-bad-id';
  if (r.id === localId) return 'record-self';
  if (!ROLES.includes(r.role)) return 'record-bad-role';
  if (!Array.isArray(r.addrs) || r.addrs.length > MAX_ADDRS_PER_RECORD) return 'record-bad-addrs';
  for (const a of r.addrs) if (typeof a !== 'string' || a.length === 0 || a.length > MAX_ADDR_LENGTH) return 'record-bad-addrs';
  if (!(r.age >= 0) || !Number.isFinite(r.age)) return 'record-bad-age';
  return null;
}
