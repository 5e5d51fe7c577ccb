/** Counters and per-peer rows for PeerManager.stats(). */
import type { Link } from './links.js';
import type { PeerEntry, PeerManagerCounters, PeerStat } from './types.js';

export function newCounters(): PeerManagerCounters {
  return {
    framesSent: 0,
    hostFramesSent: 0,
    framesReceived: 0,
    sentByKind: {},
    dials: 0,
    dialFailures: 0,
    connectionsAccepted: 0,
    duplicateConnections: 0,
    handshakeTimeouts: 0,
    livenessTimeouts: 0,
    eofs: 0,
    suspects: 0,
    downs: 0,
    unreachables: 0,
    failures: 0,
    deads: 0,
    recoveries: 0,
    gaveUp: 0,
    consensusQueries: 0,
    answersSent: 0,
    rejected: {},
    recordsDropped: 0,
    byesReceived: {},
  };
}

export function peerStat(e: PeerEntry, now: number, link: Link | undefined): PeerStat {
  const connected = link?.accepted === true;
  return {
    id: e.id,
    role: e.role,
    state: e.health,
    connected,
    outbound: connected ? link?.outbound : undefined,
    targeted: e.targeted,
    schedule: e.failure.schedule,
    failures: e.failure.failures,
    attemptsMade: e.attemptsMade,
    nextAttemptInMs: e.nextAttemptAt === undefined ? undefined : Math.max(0, e.nextAttemptAt - now),
    rttMs: link?.liveness?.rttMs ?? e.rttMs,
    lastSeenAgoMs: Math.max(0, now - e.lastSeen),
    source: e.source,
  };
}
