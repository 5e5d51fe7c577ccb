/**
 * PeerManager: who we are connected to and how healthy each peer is — the façade and event hub over the
 * sans-IO parts (dial-policy, liveness, failure-tracker/backoff, consensus, membership). It owns the
 * connections: it encodes and decodes its own frames (hello, ping, pong, peers, neighbor, query, answer,
 * bye) and hands relay frames to the host unchanged through the 'frame' event.
 *
 * Never touches time, randomness or sockets itself: Clock, Random and Transport are injected, so the
 * same code runs in the simulator and over TCP/WebRTC. The host starts the transport (listen()) and
 * tells the manager who exists (addKnownPeer: bootstrap list, signaling peer-joined).
 *
 * Connection handshake: both ends send `hello` first (id, version, role, capabilities); the dialer then
 * sends `neighbor request-high` (it has no neighbours) or `request-low`; the acceptor answers `accept`
 * or `reject` (+ bye poolFull). Only then is the peer in the active view ('peer:connected', 'neighbor-up').
 */
import { NO_BUGGIFY, type Buggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import { TypedEmitter } from '../core/emitter.js';
import type { Random } from '../core/random.js';
import type { Connection, Transport } from '../core/transport.js';
import { isRelayFrame } from '../relay/types.js';
import { decodeFrame, encodeFrame, encodeFrameView } from '../wire/codec.js';
import { isWireError } from '../wire/errors.js';
import {
  ByeCode,
  type Frame,
  type MeshFrame,
  type PeerId,
  type PeerRecord,
  type Role,
} from '../wire/frames.js';
import { resolvePeerConfig, type PeerManagerConfig } from './config.js';
import { newEntry, type PeerContext } from './context.js';
import { onControlFrame, type ControlFrameParts } from './control-frames.js';
import { preferConnection } from './dial-policy.js';
import { Handshake } from './handshake.js';
import { Health } from './health.js';
import { Link } from './links.js';
import { Liveness } from './liveness.js';
import { Membership } from './membership.js';
import { PeerTable, toRecord } from './peer-table.js';
import { checkRecord, validPeerId } from './records.js';
import { newCounters, peerStat } from './stats.js';
import type {
  KnownPeerInput,
  PeerEntry,
  PeerHealth,
  PeerManagerCounters,
  PeerManagerEvents,
  PeerManagerOptions,
  PeerManagerStats,
  SuspectCause,
} from './types.js';

/**
 * A bye proves the peer was alive when it closed: only a close without one (EOF, reset) — or a bye
 * `shutdown`, the peer going away — makes the peer suspect. After a bye `livenessTimeout` (the peer gave
 * up on us) the dialer reconnects on the backoff timetable.
 */
const GOING_AWAY = ByeCode.shutdown;
/** Bye codes counted by number in stats; the rest (remote-chosen u32s) share one counter. */
export class PeerManager extends TypedEmitter<PeerManagerEvents> implements PeerContext {
  readonly localId: PeerId;
  readonly role: Role;
  readonly addrs: string[];
  readonly cfg: PeerManagerConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly buggify: Buggify;
  readonly table: PeerTable;
  readonly counters: PeerManagerCounters = newCounters();
  running = false;
  private readonly transport: Transport;
  private readonly links = new Map<PeerId, Link>();
  private readonly health: Health;
  private readonly membership: Membership;
  private readonly handshake: Handshake;
  private readonly control: ControlFrameParts;
  /** Dial address → peer id, to map 'dial-failed' back to a peer. */
  private readonly dialAddrs = new Map<string, PeerId>();
  private readonly offTransport: (() => void)[] = [];

  constructor(opts: PeerManagerOptions) {
    super();
    if (!validPeerId(opts.localId)) throw new RangeError('PeerManager: invalid localId');
    this.localId = opts.localId;
    this.role = opts.role;
    this.addrs = opts.addrs ?? [opts.localId];
    this.cfg = resolvePeerConfig(opts.config);
    this.clock = opts.clock;
    this.random = opts.random;
    this.buggify = opts.buggify ?? NO_BUGGIFY;
    this.transport = opts.transport;
    this.table = new PeerTable(
      this.random.fork('peer-table'),
      () => this.cfg.maxPassivePeers,
      (id) => this.links.has(id),
      (e) => this.health.forget(e),
    );
    this.health = new Health(this, {
      informedAbout: (target) => this.membership.informedAbout(target),
      dropRecordsOf: (id) => this.membership.dropRecordsOf(id),
    });
    this.membership = new Membership(this, this.health);
    this.handshake = new Handshake({
      localId: this.localId,
      role: this.role,
      cfg: this.cfg,
      clock: this.clock,
      random: this.random,
      table: this.table,
      links: () => this.links.values(),
      link: (id) => this.links.get(id),
      neighbours: () => this.neighbours(),
      poolUsed: () => this.poolUsed(),
      sendOn: (link, frame) => this.sendOn(link, frame),
      reject: (reason) => this.reject(reason),
      protocolError: (link, reason) => this.protocolError(link, reason),
      dropLink: (link, code, reason) => this.dropLink(link, code, reason),
      acceptLink: (link) => this.acceptLink(link),
      refusedBy: (e) => {
        // Alive but full: stop wanting it; the membership tick picks another.
        this.health.untarget(e);
        e.failure.failures = 0;
        if (e.health !== 'connected') e.health = 'known';
      },
    });
    this.control = {
      buggify: this.buggify,
      counters: this.counters,
      handshake: this.handshake,
      membership: this.membership,
      health: this.health,
      sendOn: (link, frame) => this.sendOn(link, frame),
      protocolError: (link, reason) => this.protocolError(link, reason),
      reject: (reason) => this.reject(reason),
      heardRecently: (id) => this.heardRecently(id),
    };
  }

  // ---- public API -------------------------------------------------------------------------------

  /** Starts dialing known peers (bootstrap attempts happen now) and accepting connections. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.offTransport.push(
      this.transport.on('connection', (conn) => this.onConnection(conn)),
      this.transport.on('dial-failed', (address) => this.onDialFailed(address)),
      this.transport.on('error', () => this.reject('transport-error')),
    );
    this.membership.start();
  }

  /** Says bye to every neighbour, closes their connections and stops all timers. */
  stop(): void {
    if (!this.running) return;
    this.running = false; // first: nothing may redial or refill while the links go
    for (const link of [...this.links.values()]) this.dropLink(link, ByeCode.shutdown, 'shutdown');
    this.membership.stop();
    this.health.stop();
    for (const off of this.offTransport.splice(0)) off();
    this.dialAddrs.clear();
  }

  /** Tells the manager a peer exists (bootstrap, signaling). False when the record is invalid or the table full. */
  addKnownPeer(input: KnownPeerInput | PeerRecord): boolean {
    const r: PeerRecord = { id: input.id, role: input.role ?? 'browser', addrs: input.addrs ?? [input.id], age: 0 };
    const why = checkRecord(r, this.localId);
    if (why !== null) {
      this.reject(why);
      return false;
    }
    const e = this.membership.remember(r, 'host');
    if (e === undefined) return false;
    this.membership.hostAnnounced(e);
    return true;
  }

  /** The peer left (signaling peer-left): stop dialing it and forget it unless it is connected. */
  removeKnownPeer(id: PeerId): void {
    const e = this.table.get(id);
    if (e === undefined) return;
    this.health.untarget(e);
    if (this.links.has(id)) return;
    this.health.forget(e);
    this.table.remove(id);
  }

  /** The active view: peers with an accepted connection. */
  connectedPeers(): PeerId[] {
    return this.neighbours();
  }

  /** Every known peer as a record (active view first). */
  knownPeers(): PeerRecord[] {
    const now = this.clock.now();
    const out: PeerRecord[] = [];
    for (const e of this.table.entries()) out.push(toRecord(e, now, this.table.active.has(e.id)));
    return out;
  }

  peerState(id: PeerId): PeerHealth | undefined {
    return this.table.get(id)?.health;
  }

  /** Capabilities a neighbour announced in its hello. */
  capabilitiesOf(id: PeerId): readonly string[] | undefined {
    const link = this.links.get(id);
    return link?.accepted ? link.capabilities : undefined;
  }

  /** Sends a frame (or encoded frame bytes) to a neighbour; false when it is not in the active view. */
  send(peerId: PeerId, frame: Frame | Uint8Array): boolean {
    const link = this.links.get(peerId);
    if (link === undefined || !link.accepted) return false;
    let bytes: Uint8Array;
    try {
      bytes = frame instanceof Uint8Array ? frame : encodeFrameView(frame);
    } catch {
      this.reject('encode-error');
      return false;
    }
    this.counters.hostFramesSent++;
    link.conn.send(bytes);
    return true;
  }

  stats(): PeerManagerStats {
    const now = this.clock.now();
    const peers = [];
    for (const e of this.table.entries()) peers.push(peerStat(e, now, this.links.get(e.id)));
    return {
      localId: this.localId,
      role: this.role,
      active: this.table.active.size,
      passive: this.table.passiveCount,
      peers,
      counters: structuredClone(this.counters),
      inflightQueries: this.health.consensus.inflight,
    };
  }

  // ---- PeerContext --------------------------------------------------------------------------------

  neighbours(): PeerId[] {
    return [...this.table.active];
  }

  /**
   * Pool slots in use: accepted links, plus our own dials — in flight or in their handshake — which
   * reserve their slot so that the accept they are waiting for always fits under maxPooledConnections.
   */
  poolUsed(): number {
    let n = 0;
    for (const link of this.links.values()) if (link.accepted || link.outbound) n++;
    for (const e of this.table.entries()) if (e.dialing && !this.links.has(e.id)) n++;
    return n;
  }

  isLinked(id: PeerId): boolean {
    return this.links.has(id);
  }

  sendFrame(to: PeerId, frame: MeshFrame): boolean {
    const link = this.links.get(to);
    if (link === undefined) return false;
    this.sendOn(link, frame);
    return true;
  }

  dial(e: PeerEntry): void {
    const address = e.addrs.length > 0 ? (e.addrs[(e.attemptsMade - 1) % e.addrs.length] as string) : e.id;
    this.dialAddrs.set(address, e.id);
    this.counters.dials++;
    this.transport.dial(address);
  }

  notify<K extends keyof PeerManagerEvents>(event: K, ...args: Parameters<PeerManagerEvents[K]>): void {
    this.emit(event, ...args);
  }

  reject(reason: string): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
  }

  // ---- connections ------------------------------------------------------------------------------

  private sendOn(link: Link, frame: MeshFrame): void {
    this.counters.framesSent++;
    this.counters.sentByKind[frame.kind] = (this.counters.sentByKind[frame.kind] ?? 0) + 1;
    link.conn.send(encodeFrameView(frame));
  }

  private onDialFailed(address: string): void {
    const id = this.dialAddrs.get(address);
    if (id === undefined) return;
    this.dialAddrs.delete(address);
    const e = this.table.get(id);
    if (e !== undefined && e.dialing) this.health.attemptFailed(e, 'dial-failed');
  }

  private onConnection(conn: Connection): void {
    const remote = conn.remotePeerId;
    if (!this.running) return conn.close('not running');
    if (!validPeerId(remote) || remote === this.localId) {
      this.reject('connection-bad-peer');
      return conn.close('bad peer id');
    }
    for (const [addr, id] of this.dialAddrs) if (id === remote) this.dialAddrs.delete(addr);
    // An address that led to another peer than the record said is settled too, or it would stay forever.
    if (conn.dialAddress !== undefined) this.dialAddrs.delete(conn.dialAddress);
    this.health.dialSettled(remote);
    const existing = this.links.get(remote);
    if (existing !== undefined) {
      this.counters.duplicateConnections++;
      if (preferConnection(this.localId, remote, existing, conn) === 'existing') {
        conn.send(encodeFrame({ kind: 'bye', code: ByeCode.duplicateConnection, reason: 'duplicate connection' }));
        this.counters.framesSent++;
        return conn.close('duplicate connection');
      }
      this.dropLink(existing, ByeCode.duplicateConnection, 'duplicate connection');
    }
    if (this.table.get(remote) === undefined) {
      this.table.insertForConnection(newEntry(remote, 'browser', [remote], remote, this.clock.now()));
    }
    if (!conn.outbound) this.counters.connectionsAccepted++;
    const link = new Link(conn, this.clock, this.cfg);
    this.links.set(remote, link);
    link.listen(
      (bytes) => this.onData(link, bytes),
      (reason) => this.onClose(link, reason),
    );
    link.liveness = new Liveness(this.clock, this.cfg, conn.outbound, {
      sendPing: (nonce, time) => this.sendOn(link, { kind: 'ping', nonce, time }),
      dead: () => this.livenessFailed(link),
    });
    link.handshakeTimer = this.clock.setTimer(this.cfg.handshakeTimeoutMs, () => {
      link.handshakeTimer = undefined;
      if (link.accepted || link.detached) return;
      this.counters.handshakeTimeouts++;
      this.dropLink(link, ByeCode.protocolError, 'handshake timeout', false);
    });
    this.handshake.open(link);
  }

  private onData(link: Link, bytes: Uint8Array): void {
    if (link.detached) return;
    this.counters.framesReceived++;
    const now = this.clock.now(); // once per frame: it is read for every one
    link.liveness?.heardAt(now);
    const e = this.table.get(link.remote);
    if (e !== undefined) e.lastSeen = now;
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch (err) {
      const code = isWireError(err) ? err.code : 'malformed';
      this.reject(`decode-${code}`);
      // A kind from a newer version is skipped; anything else is the peer's fault.
      if (code !== 'unknown_kind') this.protocolError(link);
      return;
    }
    if (isRelayFrame(frame)) {
      if (link.accepted) this.emit('frame', link.remote, frame);
      else this.reject('relay-before-handshake');
      return;
    }
    onControlFrame(this.control, link, frame, e);
  }

  /** A neighbour we heard from within one ping interval plus a pong timeout. */
  private heardRecently(id: PeerId): boolean {
    const link = this.links.get(id);
    return link?.liveness !== undefined && link.accepted && link.liveness.heardWithin(this.cfg.pingIntervalMs + this.cfg.pongTimeoutMs);
  }

  private acceptLink(link: Link): void {
    let e = this.table.get(link.remote);
    if (e === undefined) {
      // Removed by the host (removeKnownPeer) during the handshake: the connection still needs its entry.
      e = newEntry(link.remote, link.role ?? 'browser', [link.remote], link.remote, this.clock.now());
      this.table.insertForConnection(e);
    }
    link.stopHandshakeTimers(this.clock);
    link.accepted = true;
    this.table.active.add(link.remote);
    this.health.connected(e);
    const capabilities = link.capabilities;
    this.emit('peer:connected', link.remote, { role: e.role, outbound: link.outbound, capabilities });
    this.emit('neighbor-up', link.remote, capabilities);
    this.membership.neighbourUp();
  }

  private onClose(link: Link, reason: string): void {
    if (link.detached) return;
    const alive = link.byeCode !== undefined && link.byeCode !== GOING_AWAY;
    this.finishLink(link, reason, alive ? null : 'eof');
    const e = this.table.get(link.remote);
    if (alive && link.accepted && link.byeCode === ByeCode.livenessTimeout && e !== undefined && this.running) {
      this.health.reconnect(e);
    }
  }

  private livenessFailed(link: Link): void {
    this.counters.livenessTimeouts++;
    this.dropLink(link, ByeCode.livenessTimeout, 'liveness timeout', 'liveness');
  }

  /** Counts a protocol error on `link`; past maxProtocolErrors: bye tooManyErrors and close. */
  private protocolError(link: Link, reason?: string): void {
    if (reason !== undefined) this.reject(reason);
    link.errors++;
    if (link.errors > this.cfg.maxProtocolErrors && !link.detached) {
      this.reject('too-many-errors');
      this.dropLink(link, ByeCode.tooManyErrors, 'too many errors');
    }
  }

  /**
   * Closes `link` from our side with a bye. `cause` says what it means for the peer: null — nothing
   * (pool full, duplicate, shutdown, misbehaviour); false — a failed connection attempt; otherwise the
   * peer is suspect for that cause.
   */
  private dropLink(link: Link, code: number, reason: string, cause: SuspectCause | null | false = null): void {
    if (link.detached) return;
    if (!link.conn.closed) {
      const bye: MeshFrame = { kind: 'bye', code, reason };
      this.sendOn(link, bye);
      // A bye other than shutdown tells the peer we are alive; were it lost, the bare close would read as
      // our crash. Reliable transports never lose it; on lossy links (the simulator) a second copy makes
      // that 20× rarer for one frame (the receiver just records the code again).
      if (code !== ByeCode.shutdown) this.sendOn(link, bye);
    }
    this.finishLink(link, reason, cause);
    link.conn.close(reason);
  }

  private finishLink(link: Link, reason: string, cause: SuspectCause | null | false): void {
    link.detach(this.clock);
    const remote = link.remote;
    if (this.links.get(remote) === link) this.links.delete(remote);
    const e = this.table.get(remote);
    if (link.accepted) {
      this.table.active.delete(remote);
      this.emit('peer:disconnected', remote, reason);
      this.emit('neighbor-down', remote);
    }
    if (e !== undefined && cause !== null && this.running) {
      if (link.accepted && cause !== false) {
        if (cause === 'eof') this.counters.eofs++;
        this.health.lost(e, cause);
      } else if (!link.accepted && link.outbound) {
        this.health.attemptFailed(e, 'handshake');
      }
    }
    if (link.accepted && this.running) this.membership.neighbourDown(remote);
    this.table.trim();
  }
}

