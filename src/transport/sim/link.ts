/**
 * The link model: how long a frame takes from one node to another and what can happen to it on the way.
 * One LinkState per directed pair of nodes, created lazily on first use (a 10,000-node mesh touches only
 * the pairs that actually connect). Draws come from the network's link stream, in event order, so they
 * are fixed by the seed.
 */
import type { Random } from '../../core/random.js';
import { DEFAULT_LINK } from './limits.js';
import type { LinkOptions } from './types.js';


export function resolveLink(base: Partial<LinkOptions>, override?: Partial<LinkOptions>): LinkOptions {
  const out: LinkOptions = { ...DEFAULT_LINK };
  for (const src of [base, override]) {
    if (!src) continue;
    for (const [k, v] of Object.entries(src)) {
      // `undefined` in an override means "not set" except for bandwidth, where it means "unlimited".
      if (v !== undefined || k === 'bandwidthBytesPerSec') (out as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** Copies the link options from `source` onto `target` (objects that carry options as flat fields). */
export function copyLinkOptions(target: LinkOptions, source: LinkOptions): void {
  target.latencyMs = source.latencyMs;
  target.jitterMs = source.jitterMs;
  target.jitter = source.jitter;
  target.bandwidthBytesPerSec = source.bandwidthBytesPerSec;
  target.loss = source.loss;
  target.duplicate = source.duplicate;
  target.reorder = source.reorder;
}

/**
 * A directed link between two nodes: its options (flat fields) and its transmit queue. Connection ends
 * copy the options (see SimConnection) so the per-frame path reads one object; only bandwidth-limited
 * sends touch the link itself, to queue behind its other traffic.
 */
export class LinkState implements LinkOptions {
  latencyMs = 0;
  jitterMs = 0;
  jitter: LinkOptions['jitter'] = 'uniform';
  bandwidthBytesPerSec: number | undefined = undefined;
  loss = 0;
  duplicate = 0;
  reorder = 0;
  /** When the link finishes transmitting what is queued on it (bandwidth-limited links only). */
  busyUntil = 0;

  constructor(options: LinkOptions) {
    copyLinkOptions(this, options);
  }
}

/** Something frames travel on in order: a connection end (FIFO like a TCP stream). */
export interface OrderedLane extends LinkOptions {
  /** Latest arrival scheduled so far: in-order frames never arrive before it. */
  lastArrival: number;
}

/** One-way latency: base plus jitter drawn from the configured distribution (never negative). */
export function drawLatency(o: LinkOptions, random: Random): number {
  if (o.jitterMs <= 0) return o.latencyMs;
  const u = random.next();
  let jitter: number;
  switch (o.jitter) {
    case 'exponential':
      jitter = -Math.log(1 - u) * o.jitterMs;
      break;
    case 'normal': {
      // Box–Muller with one extra draw; σ = jitterMs around the base.
      const v = random.next();
      jitter = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v) * o.jitterMs;
      break;
    }
    default:
      jitter = u * o.jitterMs;
  }
  const latency = o.latencyMs + jitter;
  return latency > 0 ? latency : 0;
}

/** Milliseconds the link spends putting `bytes` on the wire (0 when bandwidth is unlimited). */
export function transmitMs(o: LinkOptions, bytes: number): number {
  const bw = o.bandwidthBytesPerSec;
  return bw !== undefined && bw > 0 ? (bytes * 1000) / bw : 0;
}
