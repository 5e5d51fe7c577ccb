/**
 * A minimal flood over the Transport interface, for simulator tests and benches (not the real relay):
 * every new message id is forwarded to every open connection except the one it came in on. Frames are
 * forwarded as the same Uint8Array (the simulator does not copy them, and nobody mutates them).
 */
import type { Connection, Transport } from '../../core/transport.js';

/** Bytes of a flood frame: a 32-bit message id, then padding. */
export const FLOOD_FRAME_BYTES = 16;

export function floodFrame(id: number): Uint8Array {
  const frame = new Uint8Array(FLOOD_FRAME_BYTES);
  new DataView(frame.buffer).setUint32(0, id >>> 0);
  return frame;
}

export function floodFrameId(frame: Uint8Array): number {
  return ((frame[0] as number) * 0x1000000 + ((frame[1] as number) << 16) + ((frame[2] as number) << 8) + (frame[3] as number)) >>> 0;
}

/**
 * Which message ids each of `peers` flood peers has seen, as one shared bitmap: message ids are small
 * counters below `maxIds`. One table for a whole mesh keeps this bookkeeping in cache at 10,000 peers,
 * so a bench measures the simulator rather than the workload's memory traffic.
 */
export class FloodSeenTable {
  readonly bits: Uint8Array;
  readonly bytesPerPeer: number;

  constructor(
    readonly peers: number,
    readonly maxIds: number,
  ) {
    this.bytesPerPeer = Math.ceil(maxIds / 8);
    this.bits = new Uint8Array(peers * this.bytesPerPeer);
  }
}

export class FloodPeer {
  readonly conns: Connection[] = [];
  /** Distinct message ids seen. */
  seenCount = 0;
  private readonly bits: Uint8Array;
  private readonly base: number;
  private readonly maxIds: number;

  /**
   * `seen` places this peer's seen-bitmap in a shared table (slot = the peer's index); without it the
   * peer has a table of its own for ids below 4096.
   */
  constructor(
    transport: Transport,
    seen: { table: FloodSeenTable; slot: number } = { table: new FloodSeenTable(1, 4096), slot: 0 },
    /** Called once per message id, the first time this peer has it. */
    private readonly onMessage?: (id: number, from: Connection | undefined) => void,
  ) {
    this.bits = seen.table.bits;
    this.base = seen.slot * seen.table.bytesPerPeer;
    this.maxIds = seen.table.maxIds;
    transport.on('connection', (conn) => this.adopt(conn));
  }

  /** Starts a message here. */
  originate(id: number): void {
    this.accept(floodFrame(id), undefined);
  }

  hasSeen(id: number): boolean {
    return id < this.maxIds && ((this.bits[this.base + (id >>> 3)] as number) & (1 << (id & 7))) !== 0;
  }

  private adopt(conn: Connection): void {
    this.conns.push(conn);
    // The duplicate check reads only this closure's captures and the (shared, cache-resident) bitmap:
    // most frames in a flood are duplicates, and they need not touch the peer object at all.
    const bits = this.bits;
    const base = this.base;
    const maxIds = this.maxIds;
    conn.on('data', (frame) => {
      const id = floodFrameId(frame);
      if (id >= maxIds) return; // outside the table: not a message this workload sends
      if (((bits[base + (id >>> 3)] as number) & (1 << (id & 7))) !== 0) return;
      this.accept(frame, conn);
    });
    conn.on('close', () => {
      const i = this.conns.indexOf(conn);
      if (i >= 0) this.conns.splice(i, 1);
    });
  }

  private accept(frame: Uint8Array, from: Connection | undefined): void {
    const id = floodFrameId(frame);
    if (id >= this.maxIds || this.hasSeen(id)) return;
    const byte = this.base + (id >>> 3);
    this.bits[byte] = (this.bits[byte] as number) | (1 << (id & 7));
    this.seenCount++;
    this.onMessage?.(id, from);
    for (const conn of this.conns) if (conn !== from) conn.send(frame);
  }
}
