/**
 * The connection handshake (docs/PROTOCOL.md §10.2): both ends send `hello`; the dialer asks
 * `neighbor request-high|low` and repeats hello + request every handshakeRetryMs until answered; the
 * acceptor answers `accept`, or `reject` + bye poolFull, or evicts a neighbour for a high-priority
 * request. Idempotent on both sides, so lost frames only cost a retry.
 */
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { ByeCode, PROTOCOL_VERSION, type HelloFrame, type MeshFrame, type NeighborOp, type PeerId, type Role } from '../wire/frames.js';
import type { PeerManagerConfig } from './config.js';
import type { Link } from './links.js';
import type { PeerTable } from './peer-table.js';
import type { PeerEntry } from './types.js';

/** Repeated neighbor requests on an accepted link answered again (lost answers) before they count as spam. */
export const MAX_REPEATED_REQUESTS = 8;

export interface HandshakeHost {
  readonly localId: PeerId;
  readonly role: Role;
  readonly cfg: PeerManagerConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly table: PeerTable;
  links(): Iterable<Link>;
  link(id: PeerId): Link | undefined;
  neighbours(): PeerId[];
  poolUsed(): number;
  sendOn(link: Link, frame: MeshFrame): void;
  reject(reason: string): void;
  protocolError(link: Link, reason?: string): void;
  dropLink(link: Link, code: number, reason: string): void;
  acceptLink(link: Link): void;
  /** The peer refused us (pool full): stop wanting it. */
  refusedBy(e: PeerEntry): void;
}

export class Handshake {
  constructor(private readonly host: HandshakeHost) {}

  hello(): HelloFrame {
    const h = this.host;
    return { kind: 'hello', peerId: h.localId, version: PROTOCOL_VERSION, role: h.role, capabilities: h.cfg.capabilities.slice() };
  }

  /**
   * A connection opened: say hello, and ask to be a neighbour if we dialed. Providers that run the hello
   * exchange themselves (TCP, WebRTC: the Connection carries the remote's role) already did the first
   * half, so only the neighbor negotiation runs on the link.
   */
  open(link: Link): void {
    const role = link.conn.remoteRole;
    if (role !== undefined) {
      this.accept(link, role, link.conn.remoteCapabilities);
    } else {
      this.host.sendOn(link, this.hello());
    }
    if (link.outbound) {
      link.requested = true;
      this.sendRequest(link);
    }
  }

  /**
   * HyParView: a node without any neighbour asks with high priority, which the acceptor cannot refuse
   * (it evicts one of its own). Only one such request at a time — the others of a burst of dials are
   * low — so one isolated node costs other nodes at most one eviction.
   */
  private priority(link: Link): 'request-high' | 'request-low' {
    if (this.host.table.active.size > 0) return 'request-low';
    for (const other of this.host.links()) {
      if (other !== link && other.outbound && !other.accepted && other.highPriority) return 'request-low';
    }
    link.highPriority = true;
    return 'request-high';
  }

  private sendRequest(link: Link): void {
    const h = this.host;
    if (link.detached || link.accepted) return;
    if (link.requestsSent > 0 && link.conn.remoteRole === undefined) h.sendOn(link, this.hello());
    link.requestsSent++;
    h.sendOn(link, { kind: 'neighbor', op: this.priority(link) });
    link.retryTimer = h.clock.setTimer(h.cfg.handshakeRetryMs, () => {
      link.retryTimer = undefined;
      this.sendRequest(link);
    });
  }

  onHello(link: Link, f: HelloFrame): void {
    const h = this.host;
    if (f.peerId !== link.remote) {
      h.reject('hello-wrong-id');
      return h.dropLink(link, ByeCode.protocolError, 'hello from another id');
    }
    if (f.version !== PROTOCOL_VERSION) {
      h.reject('hello-version');
      return h.dropLink(link, ByeCode.versionMismatch, `version ${PROTOCOL_VERSION} required`);
    }
    if (link.helloReceived) {
      // Retransmitted with a repeated request (the handshake is idempotent); a flood hits the rate limit.
      if (!link.membership.allow()) h.protocolError(link, 'hello-rate');
      return;
    }
    this.accept(link, f.role, f.capabilities);
  }

  /** The remote's hello (ours or the transport's) checked out: note who it is. */
  private accept(link: Link, role: Role, capabilities: readonly string[]): void {
    link.helloReceived = true;
    link.role = role;
    link.capabilities = capabilities;
    const e = this.host.table.get(link.remote);
    if (e !== undefined) {
      e.role = role;
      e.failure.role = role;
    }
  }

  onNeighbor(link: Link, op: NeighborOp): void {
    const h = this.host;
    // Our hello or theirs may have been lost: wait for the retransmission, which repeats both.
    if (!link.helloReceived) return h.reject('neighbor-before-hello');
    if (op === 'request-high' || op === 'request-low') return this.onRequest(link, op);
    if (!link.requested) return h.protocolError(link, 'neighbor-unsolicited');
    if (link.accepted) return h.reject('neighbor-repeated'); // an answer to a retransmitted request
    // Our dial reserved its pool slot (poolUsed), so an accept always fits.
    if (op === 'accept') return h.acceptLink(link);
    const e = h.table.get(link.remote);
    if (e !== undefined) h.refusedBy(e);
    h.dropLink(link, ByeCode.normal, 'neighbor rejected');
  }

  private onRequest(link: Link, op: 'request-high' | 'request-low'): void {
    const h = this.host;
    if (link.requested) return h.protocolError(link, 'neighbor-spam');
    if (link.accepted) {
      // A repeated request: our accept (or hello) was lost. Answer again; past a few, it is spam.
      if (++link.repeatedRequests > MAX_REPEATED_REQUESTS) return h.protocolError(link, 'neighbor-spam');
      h.sendOn(link, this.hello());
      return h.sendOn(link, { kind: 'neighbor', op: 'accept' });
    }
    if (h.poolUsed() >= h.cfg.maxPooledConnections) {
      const others = h.neighbours();
      // High priority (the requester has no neighbour at all) cannot be refused: make room.
      const victim = op === 'request-high' && others.length > 0 ? h.link(others[h.random.int(others.length)] as PeerId) : undefined;
      if (victim === undefined) {
        h.sendOn(link, { kind: 'neighbor', op: 'reject' });
        return h.dropLink(link, ByeCode.poolFull, 'pool full');
      }
      h.dropLink(victim, ByeCode.replaced, 'replaced by a high-priority neighbour');
    }
    h.sendOn(link, { kind: 'neighbor', op: 'accept' });
    h.acceptLink(link);
  }
}
