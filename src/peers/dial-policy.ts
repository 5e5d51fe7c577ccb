/**
 * Who dials. Of two peers exactly one opens the connection — the one whose id sorts first (plain string
 * comparison, the same on every platform) — so there is never a pair of crossing dials and no WebRTC
 * offer glare. The larger id never dials the smaller: it waits for the inbound connection, or asks for
 * it with a dial-me walk (see membership.ts).
 *
 * If two connections between the same pair exist anyway (a dial race after a restart, a misconfigured
 * peer, a transport that dials on its own), both ends apply preferConnection() and close the same loser
 * with bye duplicateConnection, so the pair ends with exactly one connection.
 */
import type { PeerId } from '../wire/frames.js';

/** Whether `localId` is the side that dials `remoteId`. */
export function isDialer(localId: PeerId, remoteId: PeerId): boolean {
  return localId < remoteId;
}

export interface ConnectionFacts {
  /** Whether the local side dialed it. */
  outbound: boolean;
}

/**
 * Which of two connections to the same remote survives: 'existing' or 'incoming'.
 * - Opposite directions: the one the dial rule says should exist (dialed by the smaller id). Both ends
 *   see the same two connections, so both pick the same one.
 * - Same direction: the incoming one. A second connection in the rule's direction means the remote
 *   restarted (or redialed) and the existing one is a stale half-open leftover.
 */
export function preferConnection(
  localId: PeerId,
  remoteId: PeerId,
  existing: ConnectionFacts,
  incoming: ConnectionFacts,
): 'existing' | 'incoming' {
  if (existing.outbound === incoming.outbound) return 'incoming';
  const ruleOutbound = isDialer(localId, remoteId);
  return incoming.outbound === ruleOutbound ? 'incoming' : 'existing';
}
