/**
 * The gossip's edges: where frames leave (onForward handlers, env.send) and where messages reach the
 * application (onMessage handlers). Everything async lives here — inflating deflated payloads for
 * delivery and for peers without the 'deflate' capability — so the state machine stays synchronous.
 * Handlers are called synchronously and never awaited; a throw or a rejection is counted, not propagated.
 */
import type { MsgFrame, PeerId } from '../wire/frames.js';
import { toDelivered } from './message.js';
import type { DeliveredMessage, RelayFrame } from './types.js';
import { inflateRaw } from './gossip-compression.js';
import type { GossipEnv } from './gossip-env.js';
import type { CachedMessage } from './gossip-message-cache.js';
import type { PeerTable } from './gossip-plumtree.js';
import { countOut, type GossipCounters } from './gossip-stats.js';

export type GossipMessageHandler = (message: DeliveredMessage, fromPeer: PeerId | null) => void;
/** The I/O edge: send `frame` to each of `toPeers`. Called synchronously; a returned promise is not awaited. */
export type GossipForwardHandler = (frame: RelayFrame, toPeers: PeerId[]) => void | Promise<void>;

export class GossipEdge {
  readonly messageHandlers: GossipMessageHandler[] = [];
  readonly forwardHandlers: GossipForwardHandler[] = [];

  constructor(
    private readonly counters: GossipCounters,
    private readonly peers: PeerTable,
    private readonly send: GossipEnv['send'],
    private readonly maxInflatedBytes: number,
    /** Keeps an inflated payload with its cache entry, counted in the cache's byte bound. */
    private readonly keepRaw: (entry: CachedMessage, raw: Uint8Array, generation: number) => void,
  ) {}

  /**
   * Sends `frame` to `peers`. A deflated msg goes as-is to peers with the capability and as a raw copy
   * to the others (inflated once per message, asynchronously when not known yet).
   */
  emit(frame: RelayFrame, peers: PeerId[], entry?: CachedMessage): void {
    if (peers.length === 0) return;
    if (frame.kind !== 'msg' || frame.encoding !== 'deflate' || entry === undefined) {
      this.dispatch(frame, peers);
      return;
    }
    const generation = entry.generation;
    const deflatePeers: PeerId[] = [];
    const rawPeers: PeerId[] = [];
    for (const p of peers) (this.peers.get(p)?.deflate ? deflatePeers : rawPeers).push(p);
    if (deflatePeers.length > 0) this.dispatch(frame, deflatePeers);
    if (rawPeers.length === 0) return;
    const sendRaw = (raw: Uint8Array): void => {
      this.counters.transcoded += rawPeers.length;
      this.dispatch({ ...frame, encoding: 'raw', payload: raw }, rawPeers);
    };
    this.inflated(frame, entry, generation).then(sendRaw, () => undefined);
  }

  /**
   * Hands a new message to the application: `frame` as received, `entry` its cache entry as of
   * `generation` (a deflated payload is inflated first, once, shared with transcoding). Built from the
   * frame, not the entry: a dispatch before this (relaying) may have re-entered the node and recycled the
   * entry for another message (entries are pooled).
   */
  deliver(frame: MsgFrame, from: PeerId, entry: CachedMessage, generation: number): void {
    const message = toDelivered(frame, from);
    if (frame.encoding === 'raw') {
      this.handOver(message);
      return;
    }
    this.inflated(frame, entry, generation).then(
      (raw) => {
        message.payload = raw;
        this.handOver(message);
      },
      () => undefined,
    );
  }

  /** The original payload of `frame`: through its cache entry while that still holds it, else on its own. */
  private inflated(frame: MsgFrame, entry: CachedMessage, generation: number): Promise<Uint8Array> {
    if (entry.generation === generation) return entry.raw !== undefined ? Promise.resolve(entry.raw) : this.rawPayload(entry);
    return this.inflate(frame.payload);
  }

  /** The original payload of a cached msg, inflating it once (shared by delivery and transcoding). */
  rawPayload(entry: CachedMessage): Promise<Uint8Array> {
    if (entry.raw !== undefined) return Promise.resolve(entry.raw);
    if (entry.frame.encoding === 'raw') return Promise.resolve(entry.frame.payload);
    const generation = entry.generation;
    entry.inflating ??= this.inflate(entry.frame.payload).then(
      (raw) => {
        this.keepRaw(entry, raw, generation);
        return raw;
      },
    );
    return entry.inflating;
  }

  private inflate(payload: Uint8Array): Promise<Uint8Array> {
    return inflateRaw(payload, this.maxInflatedBytes).catch((err: unknown) => {
      this.counters.inflateFailures++;
      throw err;
    });
  }

  private dispatch(frame: RelayFrame, peers: PeerId[]): void {
    countOut(this.counters, frame, peers.length);
    for (const handler of this.forwardHandlers) {
      try {
        const result = handler(frame, peers.slice());
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          (result as Promise<void>).then(undefined, () => {
            this.counters.forwardErrors++;
          });
        }
      } catch {
        this.counters.forwardErrors++;
      }
    }
    if (this.send === undefined) return;
    for (const p of peers) {
      try {
        this.send(p, frame);
      } catch {
        this.counters.forwardErrors++;
      }
    }
  }

  private handOver(message: DeliveredMessage): void {
    this.counters.delivered++;
    for (const handler of this.messageHandlers) {
      try {
        handler(message, message.from);
      } catch {
        this.counters.handlerErrors++;
      }
    }
  }
}
