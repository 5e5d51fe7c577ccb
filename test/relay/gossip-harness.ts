/**
 * A tiny synchronous harness for GossipProtocol unit tests: nodes on one hand-driven ManualClock, links
 * that deliver each frame after `latencyMs` (through encodeFrame/decodeFrame, as a real transport would),
 * and "ghost" peers — ids a node is connected to that are not nodes: frames to them are only recorded.
 */
import { SeededRandom } from '../../src/core/random.js';
import { GossipProtocol, type GossipProtocolOptions } from '../../src/relay/gossip.js';
import type { DeliveredMessage, RelayFrame } from '../../src/relay/types.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { PeerId } from '../../src/wire/frames.js';
import { ManualClock } from '../helpers/manual-clock.js';

export interface Sent {
  at: number;
  from: PeerId;
  to: PeerId;
  frame: RelayFrame;
  bytes: number;
  /** Whether the frame was lost on the wire (or sent to a ghost). */
  lost: boolean;
}

export class Mesh {
  readonly clock = new ManualClock(1_000_000);
  readonly nodes = new Map<PeerId, GossipProtocol>();
  readonly delivered = new Map<PeerId, DeliveredMessage[]>();
  readonly sent: Sent[] = [];
  latencyMs = 10;
  /** Return true to drop a frame on the wire. */
  drop: (s: Sent) => boolean = () => false;

  constructor(
    private readonly seed = 1,
    /** Options every node gets (a node's own options override them). */
    private readonly defaults: Omit<GossipProtocolOptions, 'env'> = {},
  ) {}

  add(id: PeerId, options: Omit<GossipProtocolOptions, 'env'> = {}): GossipProtocol {
    const node = new GossipProtocol({
      ...this.defaults,
      ...options,
      env: { localId: id, clock: this.clock, random: new SeededRandom(`${this.seed}:${id}`) },
    });
    this.nodes.set(id, node);
    this.delivered.set(id, []);
    node.onMessage((m) => this.delivered.get(id)!.push(m));
    node.onForward((frame, toPeers) => {
      const bytes = encodeFrame(frame);
      for (const to of toPeers) {
        const target = this.nodes.get(to);
        const s: Sent = { at: this.clock.now(), from: id, to, frame, bytes: bytes.length, lost: target === undefined };
        this.sent.push(s);
        if (!s.lost && this.drop(s)) s.lost = true;
        if (s.lost || target === undefined) continue;
        this.clock.setTimer(this.latencyMs, () => {
          if (this.nodes.get(to) === target) target.receiveMessage(decodeFrame(bytes) as RelayFrame, id);
        });
      }
    });
    return node;
  }

  /** Connects a and b both ways (either may be a ghost id); capabilities are what each side announces. */
  link(a: PeerId, b: PeerId, caps: { [id: string]: readonly string[] } = {}): void {
    this.nodes.get(a)?.addPeer(b, caps[b] ?? []);
    this.nodes.get(b)?.addPeer(a, caps[a] ?? []);
  }

  node(id: PeerId): GossipProtocol {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** Frames sent so far (optionally since index `from`) matching the filter. */
  frames(filter: Partial<Pick<Sent, 'from' | 'to'>> & { kind?: RelayFrame['kind'] } = {}, from = 0): Sent[] {
    return this.sent
      .slice(from)
      .filter(
        (s) =>
          (filter.from === undefined || s.from === filter.from) &&
          (filter.to === undefined || s.to === filter.to) &&
          (filter.kind === undefined || s.frame.kind === filter.kind),
      );
  }

  run(ms: number): void {
    this.clock.advance(ms);
  }
}

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
