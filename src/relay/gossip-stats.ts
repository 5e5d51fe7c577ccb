/**
 * The gossip's counters. Byte counts are encoded frame sizes (relayFrameSize, equal to
 * encodeFrame(frame).length), summed once per peer a frame goes to or comes from. "Payload" bytes are
 * msg frames; "control" bytes are every other relay frame (ihave, iwant, digest, prune, graft).
 */
import type { RelayFrame } from './types.js';
import { relayFrameSize } from './gossip-frame-size.js';

/** Counters that only ever grow. */
export interface GossipCounters {
  /** Messages this node originated. */
  broadcasts: number;
  /** Messages handed to the application (once per id). */
  delivered: number;
  /** Msg frames for ids already seen: dropped (a message replayed by many peers lands here). */
  duplicates: number;
  payloadBytesIn: number;
  payloadBytesOut: number;
  controlBytesIn: number;
  controlBytesOut: number;
  /** Msg frames received / sent (one per peer). */
  msgsIn: number;
  msgsOut: number;
  /** Ids carried by ihave frames received / sent. */
  ihaveIdsIn: number;
  ihaveIdsOut: number;
  digestsIn: number;
  digestsOut: number;
  iwantIdsIn: number;
  iwantIdsOut: number;
  graftsIn: number;
  graftsOut: number;
  prunesIn: number;
  prunesOut: number;
  /** Msgs sent in answer to iwant, graft or digest. */
  served: number;
  rounds: number;
  /** Messages sent by broadcastCompressed with a deflated payload. */
  compressedBroadcasts: number;
  /** Deflated msgs re-sent raw to peers without the capability. */
  transcoded: number;
  // ---- bad input and limits ----
  /** Frames whose shape is wrong (not a Uint8Array payload, unknown encoding, non-array ids, …). */
  badFrames: number;
  /** Message ids of the wrong length (in msg, ihave, iwant, digest or graft frames). */
  badIds: number;
  /** Msg frames past hopLimit: dropped, not marked seen. */
  hopLimitDropped: number;
  /** New msgs at hopLimit: delivered, not forwarded. */
  hopLimitStopped: number;
  /** Id lists longer than limits.maxIdsPerFrame: the excess was ignored. */
  oversizeIdLists: number;
  /** Iwant / graft ids we do not have cached (never announced, or expired). */
  unknownIdRequests: number;
  /** Requests refused because the peer used up its per-round serve budget. */
  serveBudgetExceeded: number;
  /** Missing ids dropped because the missing map was full (oldest first). */
  missingDropped: number;
  /** Missing ids given up after maxRequestAttempts (left to anti-entropy). */
  requestsGivenUp: number;
  /** Cached messages evicted early by the count / byte limits. */
  cacheEvicted: number;
  /** Frames from peers not added with addPeer (processed, but no per-peer state is kept). */
  unknownPeerFrames: number;
  /** Deflated payloads that failed to inflate (malformed or past maxInflatedBytes): not delivered. */
  inflateFailures: number;
  /** onForward handlers that threw or rejected. */
  forwardErrors: number;
  /** onMessage handlers that threw. */
  handlerErrors: number;
}

export function newCounters(): GossipCounters {
  return {
    broadcasts: 0, delivered: 0, duplicates: 0,
    payloadBytesIn: 0, payloadBytesOut: 0, controlBytesIn: 0, controlBytesOut: 0,
    msgsIn: 0, msgsOut: 0, ihaveIdsIn: 0, ihaveIdsOut: 0, digestsIn: 0, digestsOut: 0,
    iwantIdsIn: 0, iwantIdsOut: 0, graftsIn: 0, graftsOut: 0, prunesIn: 0, prunesOut: 0,
    served: 0, rounds: 0, compressedBroadcasts: 0, transcoded: 0,
    badFrames: 0, badIds: 0, hopLimitDropped: 0, hopLimitStopped: 0, oversizeIdLists: 0,
    unknownIdRequests: 0, serveBudgetExceeded: 0, missingDropped: 0, requestsGivenUp: 0,
    cacheEvicted: 0, unknownPeerFrames: 0, inflateFailures: 0, forwardErrors: 0, handlerErrors: 0,
  };
}

/** Counts `frame` going out to `peers` peers. */
export function countOut(c: GossipCounters, frame: RelayFrame, peers: number): void {
  const bytes = relayFrameSize(frame) * peers;
  switch (frame.kind) {
    case 'msg':
      c.msgsOut += peers;
      c.payloadBytesOut += bytes;
      return;
    case 'ihave':
      c.ihaveIdsOut += frame.ids.length * peers;
      break;
    case 'iwant':
      c.iwantIdsOut += frame.ids.length * peers;
      break;
    case 'digest':
      c.digestsOut += peers;
      break;
    case 'graft':
      c.graftsOut += peers;
      break;
    case 'prune':
      c.prunesOut += peers;
      break;
  }
  c.controlBytesOut += bytes;
}

/** Counts a well-formed `frame` coming in. */
export function countIn(c: GossipCounters, frame: RelayFrame): void {
  const bytes = relayFrameSize(frame);
  switch (frame.kind) {
    case 'msg':
      c.msgsIn++;
      c.payloadBytesIn += bytes;
      return;
    case 'ihave':
      c.ihaveIdsIn += frame.ids.length;
      break;
    case 'iwant':
      c.iwantIdsIn += frame.ids.length;
      break;
    case 'digest':
      c.digestsIn++;
      break;
    case 'graft':
      c.graftsIn++;
      break;
    case 'prune':
      c.prunesIn++;
      break;
  }
  c.controlBytesIn += bytes;
}

/** getStats(): the counters plus the current sizes of the gossip's state. */
export interface GossipStats extends GossipCounters {
  /** Messages in the cache (served to iwant / graft / pull). */
  messageCount: number;
  /** Ids in the seen store. */
  seenCount: number;
  peerCount: number;
  /** Peers a frame came from within maxMessageAge (or added within it). */
  activePeerCount: number;
  eagerPeerCount: number;
  lazyPeerCount: number;
  /** Ids announced to us and not yet received. */
  missingCount: number;
  /** The fanout the next round will use (adaptive or fixed). */
  fanout: number;
  /** The network-size estimate behind the adaptive fanout. */
  estimatedNetworkSize: number;
}
