/**
 * What an open link's control frames do — everything a peer sends but relay frames: the handshake's
 * hello and neighbor, ping/pong liveness, membership (peers), the failure consensus (query/answer) and
 * bye. Each link's rate limits are checked here; a frame out of place is a protocol error on its link.
 * No state of its own: it acts through the peer manager's parts, which PeerManager hands it.
 */
import type { Buggify } from '../core/buggify.js';
import { ByeCode, type Frame, type MeshFrame, type PeerId } from '../wire/frames.js';
import type { Handshake } from './handshake.js';
import type { Health } from './health.js';
import type { Link } from './links.js';
import type { Membership } from './membership.js';
import type { PeerEntry, PeerManagerCounters } from './types.js';

export interface ControlFrameParts {
  readonly buggify: Buggify;
  readonly counters: PeerManagerCounters;
  readonly handshake: Handshake;
  readonly membership: Membership;
  readonly health: Health;
  sendOn(link: Link, frame: MeshFrame): void;
  /** Counts a protocol error on the link (and `reason`, if given, as a rejection); too many close it. */
  protocolError(link: Link, reason?: string): void;
  /** Counts bad input by reason. */
  reject(reason: string): void;
  /** A neighbour heard from within one ping interval plus a pong timeout. */
  heardRecently(id: PeerId): boolean;
}

const KNOWN_BYE_CODES: ReadonlySet<number> = new Set(Object.values(ByeCode));

/** Acts on a decoded control frame from `link`; `entry` is the remote's table entry, if it has one. */
export function onControlFrame(parts: ControlFrameParts, link: Link, frame: Frame, entry: PeerEntry | undefined): void {
  switch (frame.kind) {
    case 'hello':
      return parts.handshake.onHello(link, frame);
    case 'ping':
      if (!link.pongs.allow()) return parts.protocolError(link, 'ping-rate');
      if (parts.buggify('peers.skip-pong', 0.02)) return;
      return parts.sendOn(link, { kind: 'pong', nonce: frame.nonce, time: frame.time });
    case 'pong':
      link.liveness?.pong(frame.nonce, frame.time);
      if (entry !== undefined) entry.rttMs = link.liveness?.rttMs;
      return;
    case 'neighbor':
      if (!link.membership.allow()) return parts.protocolError(link, 'membership-rate');
      return parts.handshake.onNeighbor(link, frame.op);
    case 'peers':
      if (!link.accepted) return parts.protocolError(link, 'peers-before-handshake');
      if (!link.membership.allow()) return parts.protocolError(link, 'membership-rate');
      if (!parts.membership.onPeers(link.remote, frame)) parts.protocolError(link);
      return;
    case 'query': {
      if (!link.accepted) return parts.protocolError(link, 'query-before-handshake');
      if (!link.answers.allow()) return parts.protocolError(link, 'query-rate');
      const reachable = parts.health.canReach(frame.target, (id) => parts.heardRecently(id));
      parts.counters.answersSent++;
      return parts.sendOn(link, { kind: 'answer', qid: frame.qid, target: frame.target, reachable });
    }
    case 'answer': {
      // Late answers (after the query timed out) are normal: counted, not held against the peer.
      const why = parts.health.consensus.answer(link.remote, frame);
      if (why !== null) parts.reject(`answer-${why}`);
      return;
    }
    case 'bye': {
      link.byeCode = frame.code;
      const key = KNOWN_BYE_CODES.has(frame.code) ? String(frame.code) : 'other';
      parts.counters.byesReceived[key] = (parts.counters.byesReceived[key] ?? 0) + 1;
      return;
    }
    default:
      return parts.protocolError(link, 'unexpected-kind');
  }
}
