/**
 * Demo-level control messages, sent through meshcast itself: each tab only knows its own links and the
 * neighbour each message came from, so to draw the whole mesh (and the path of the last message) every
 * tab periodically broadcasts a small "beacon" with its neighbours and its latest receipts.
 *
 * A beacon is an ordinary meshcast message whose text starts with CONTROL_PREFIX; the chat never shows
 * those. Everything read from the network is validated and capped (ids, links, receipts), and the
 * topology book forgets nodes it has not heard from in a while, so nothing here grows without a bound.
 */

/** A text no chat line starts with (a NUL byte first), so chat and control never mix. */
export const CONTROL_PREFIX = '\u0000meshcast-demo:';

/** Bounds on what one beacon carries and what the book keeps. */
export const CONTROL_LIMITS = Object.freeze({
  /** Neighbours listed per beacon. */
  maxLinks: 32,
  /** Receipts (message id → neighbour it came from) per beacon: the newest ones. */
  maxReceipts: 12,
  /** Nodes remembered from beacons. */
  maxNodes: 64,
  /** Message ids whose receipts are kept (the path picture needs the last one; a few more cost little). */
  maxTrackedMessages: 16,
  /** A node not heard from for this long is dropped from the picture (ms). */
  nodeTtlMs: 15_000,
  /** Longest peer id / message id accepted from a beacon. */
  maxIdLength: 64,
});

export interface Receipt {
  /** The message id (hex). */
  id: string;
  /** The neighbour it arrived from at the beacon's sender. */
  from: string;
}

export interface Beacon {
  kind: 'beacon';
  /** The sender's neighbours (open connections). */
  links: string[];
  /** The sender's newest receipts of chat messages. */
  receipts: Receipt[];
}

export function encodeBeacon(beacon: Beacon): string {
  return CONTROL_PREFIX + JSON.stringify({
    kind: 'beacon',
    links: beacon.links.slice(0, CONTROL_LIMITS.maxLinks),
    receipts: beacon.receipts.slice(-CONTROL_LIMITS.maxReceipts),
  });
}

export function isControlText(text: string): boolean {
  return text.startsWith(CONTROL_PREFIX);
}

const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= CONTROL_LIMITS.maxIdLength;

/** Parses a control text; undefined for anything malformed (never throws). */
export function decodeBeacon(text: string): Beacon | undefined {
  if (!isControlText(text)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(CONTROL_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { kind, links, receipts } = raw as Record<string, unknown>;
  if (kind !== 'beacon' || !Array.isArray(links) || !Array.isArray(receipts)) return undefined;
  return {
    kind: 'beacon',
    links: links.filter(isId).slice(0, CONTROL_LIMITS.maxLinks),
    receipts: receipts
      .filter((r): r is Receipt => typeof r === 'object' && r !== null && isId(r.id) && isId(r.from))
      .slice(-CONTROL_LIMITS.maxReceipts)
      .map((r) => ({ id: r.id, from: r.from })),
  };
}

/** A directed hop of a message: `from` handed it to `to`. */
export interface Hop {
  from: string;
  to: string;
}

/**
 * What this tab knows of the room: each node's reported links (its own beacons, refreshed) and, per
 * recent message id, who received it from whom.
 */
export class TopologyBook {
  private readonly nodes = new Map<string, { links: string[]; seenAt: number }>();
  /** message id → receiver → the neighbour it came from. Insertion order = age. */
  private readonly receipts = new Map<string, Map<string, string>>();

  /** Records `node`'s links as of `now` (its own beacon, or this tab's own view). */
  setLinks(node: string, links: readonly string[], now: number): void {
    this.nodes.delete(node); // re-insert: the map's order is least recently heard first
    this.nodes.set(node, { links: links.slice(0, CONTROL_LIMITS.maxLinks), seenAt: now });
    while (this.nodes.size > CONTROL_LIMITS.maxNodes) this.nodes.delete(this.nodes.keys().next().value!);
  }

  /** `receiver` got message `id` from neighbour `from`. */
  addReceipt(id: string, receiver: string, from: string): void {
    const byReceiver = this.track(id);
    if (byReceiver.size < CONTROL_LIMITS.maxNodes) byReceiver.set(receiver, from);
  }

  /** Starts tracking a message id (a chat message this tab sent or delivered); evicts the oldest. */
  track(id: string): Map<string, string> {
    let byReceiver = this.receipts.get(id);
    if (!byReceiver) {
      byReceiver = new Map();
      this.receipts.set(id, byReceiver);
      while (this.receipts.size > CONTROL_LIMITS.maxTrackedMessages) {
        this.receipts.delete(this.receipts.keys().next().value!);
      }
    }
    return byReceiver;
  }

  /** Takes in a beacon from `origin`. */
  applyBeacon(origin: string, beacon: Beacon, now: number): void {
    this.setLinks(origin, beacon.links, now);
    for (const r of beacon.receipts) if (this.receipts.has(r.id)) this.addReceipt(r.id, origin, r.from);
  }

  /** Forgets nodes silent for longer than the TTL, except `keep` (this tab). */
  expire(now: number, keep: string): void {
    for (const [id, node] of this.nodes) {
      if (id !== keep && now - node.seenAt > CONTROL_LIMITS.nodeTtlMs) this.nodes.delete(id);
    }
  }

  /** Every node reported, with its links. */
  reported(): ReadonlyMap<string, { links: readonly string[] }> {
    return this.nodes;
  }

  /** Undirected links as sorted pairs "a|b" (a < b), from every node's report. */
  links(): Set<string> {
    const out = new Set<string>();
    for (const [id, node] of this.nodes) {
      for (const other of node.links) out.add(id < other ? `${id}|${other}` : `${other}|${id}`);
    }
    return out;
  }

  /** The hops message `id` took, as far as receipts tell. */
  hops(id: string): Hop[] {
    const byReceiver = this.receipts.get(id);
    if (!byReceiver) return [];
    return [...byReceiver].map(([to, from]) => ({ from, to }));
  }
}
