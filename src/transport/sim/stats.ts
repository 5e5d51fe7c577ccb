/** The counters behind SimNetwork.stats(). */
import type { SimStats } from './types.js';

export class Counters {
  deliveries = 0;
  bytesDelivered = 0;
  framesSent = 0;
  dropped: Record<string, number> = {};
  duplicates = 0;
  reordered = 0;
  timersFired = 0;
  timersDropped = 0;
  dials = 0;
  dialFailures: Record<string, number> = {};
  connectionsOpened = 0;
  connectionsClosed = 0;
  resets = 0;
  buggifyFired = 0;
  /** Fault timeline entries dropped to stay within faultKeep. */
  faultsForgotten = 0;
}

export function bump(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

/** A snapshot of the counters, safe to keep (the reason maps are copied). */
export function snapshot(c: Counters, now: number, eventsProcessed: number, traceEntries: number, faultsForgotten: number): SimStats {
  return {
    now,
    eventsProcessed,
    deliveries: c.deliveries,
    bytesDelivered: c.bytesDelivered,
    framesSent: c.framesSent,
    dropped: { ...c.dropped },
    duplicates: c.duplicates,
    reordered: c.reordered,
    timersFired: c.timersFired,
    timersDropped: c.timersDropped,
    dials: c.dials,
    dialFailures: { ...c.dialFailures },
    connectionsOpened: c.connectionsOpened,
    connectionsClosed: c.connectionsClosed,
    resets: c.resets,
    buggifyFired: c.buggifyFired,
    faultsForgotten,
    traceEntries,
  };
}
