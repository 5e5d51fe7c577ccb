/**
 * MessageRelay's per-mode counters: every event is charged to the mode the node was in when it
 * happened, so a migration's effect (e.g. duplicates falling from hybrid to gossip) is visible per phase.
 * Bytes are encoded frame sizes (relayFrameSize), like the gossip's: "payload" = msg frames,
 * "control" = every other relay frame (ihave, iwant, digest, prune, graft, mode).
 */
import type { RelayMode } from '../wire/frames.js';
import { RELAY_MODES } from '../wire/frames.js';
import { relayFrameSize } from './gossip-frame-size.js';
import type { RelayFrame } from './types.js';

export interface ModeCounters {
  /** Messages handed to the application. */
  delivered: number;
  /** Messages this node originated. */
  broadcasts: number;
  /** Msg frames received. */
  msgsIn: number;
  /** Msg frames sent (forwards, pushes and pull answers, one per peer). */
  msgsOut: number;
  /** Msg frames for ids already seen (dropped). */
  duplicates: number;
  payloadBytesIn: number;
  payloadBytesOut: number;
  controlBytesIn: number;
  controlBytesOut: number;
}

export type PerModeCounters = Record<RelayMode, ModeCounters>;

export function newModeCounters(): ModeCounters {
  return {
    delivered: 0,
    broadcasts: 0,
    msgsIn: 0,
    msgsOut: 0,
    duplicates: 0,
    payloadBytesIn: 0,
    payloadBytesOut: 0,
    controlBytesIn: 0,
    controlBytesOut: 0,
  };
}

export function newPerModeCounters(): PerModeCounters {
  return Object.fromEntries(RELAY_MODES.map((m) => [m, newModeCounters()])) as PerModeCounters;
}

/** Charges one frame, sent or received, to `counters`. */
export function countFrame(counters: ModeCounters, frame: RelayFrame, direction: 'in' | 'out'): void {
  const bytes = relayFrameSize(frame);
  if (frame.kind === 'msg') {
    if (direction === 'in') {
      counters.msgsIn++;
      counters.payloadBytesIn += bytes;
    } else {
      counters.msgsOut++;
      counters.payloadBytesOut += bytes;
    }
  } else if (direction === 'in') counters.controlBytesIn += bytes;
  else counters.controlBytesOut += bytes;
}
