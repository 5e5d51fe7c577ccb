/**
 * Bad input from the network: a raw peer (no PeerManager) speaks hand-made frames to a PeerManager in
 * the simulator. Every limit is counted and bounded; at worst the connection gets a bye and is closed.
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/transport.js';
import { PeerManager, type PeerConfigInput } from '../../src/peers/index.js';
import { SimNetwork } from '../../src/transport/sim/index.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { ByeCode, type Frame, type MeshFrame, type PeerRecord } from '../../src/wire/frames.js';

const VICTIM = 'v';
const EVIL = 'e'; // sorts first: the proper dialer of v

interface Rig {
  net: SimNetwork;
  pm: PeerManager;
  conn: Connection;
  got: Frame[];
  closed: () => boolean;
  send(frame: MeshFrame): void;
  rejected(reason: string): number;
}

function rig(config: PeerConfigInput = {}, handshake = true): Rig {
  const net = new SimNetwork({ seed: 9 });
  let pm: PeerManager | undefined;
  net.addNode(VICTIM, (node) => {
    pm = new PeerManager({ localId: VICTIM, role: 'server', clock: node.clock, random: node.random, transport: node.transport, config });
  });
  const conns: Connection[] = [];
  net.addNode(EVIL, (node) => {
    node.transport.on('connection', (c) => conns.push(c));
  });
  (pm as PeerManager).start();
  net.connect(EVIL, VICTIM);
  net.runFor(100);
  const conn = conns[0] as Connection;
  const got: Frame[] = [];
  let isClosed = false;
  conn.on('data', (b) => got.push(decodeFrame(b)));
  conn.on('close', () => (isClosed = true));
  const r: Rig = {
    net,
    pm: pm as PeerManager,
    conn,
    got,
    closed: () => isClosed,
    send: (f) => void conn.send(encodeFrame(f)),
    rejected: (reason) => (pm as PeerManager).stats().counters.rejected[reason] ?? 0,
  };
  if (handshake) {
    r.send({ kind: 'hello', peerId: EVIL, version: 1, role: 'browser', capabilities: ['x'] });
    r.send({ kind: 'neighbor', op: 'request-low' });
    net.runFor(100);
    expect(r.pm.connectedPeers()).toEqual([EVIL]);
  }
  return r;
}

/** Bye codes received, each once (a bye other than shutdown is sent twice, for lossy links). */
const byes = (r: Rig): number[] => [...new Set(r.got.flatMap((f) => (f.kind === 'bye' ? [f.code] : [])))];
const record = (id: string): PeerRecord => ({ id, role: 'browser', addrs: [id], age: 10 });

describe('handshake', () => {
  it('does not trust a neighbour\'s claimed record age: a peer heard of is not dead before the dead-peer timeout', () => {
    const a = rig();
    a.send({ kind: 'peers', op: 'exchange', ttl: 0, origin: '', records: [{ id: 'ghost', role: 'server', addrs: ['ghost'], age: 4_000_000_000 }] });
    a.net.runFor(120_000);
    expect(a.pm.peerState('ghost')).not.toBe('dead');
    expect(a.pm.stats().counters.deads).toBe(0);
  });

  it('counts bye codes it does not know under one key (a remote cannot grow the stats map)', () => {
    const a = rig();
    a.send({ kind: 'bye', code: 123_456, reason: 'made up' });
    a.net.runFor(100);
    const byesReceived = a.pm.stats().counters.byesReceived;
    expect(byesReceived).toEqual({ other: 1 });
  });

  it('a hello with another id or version is refused with a bye', () => {
    const a = rig({}, false);
    a.send({ kind: 'hello', peerId: 'mallory', version: 1, role: 'browser', capabilities: [] });
    a.net.runFor(100);
    expect(byes(a)).toEqual([ByeCode.protocolError]);
    expect(a.closed()).toBe(true);
    expect(a.rejected('hello-wrong-id')).toBe(1);

    const b = rig({}, false);
    b.send({ kind: 'hello', peerId: EVIL, version: 2, role: 'browser', capabilities: [] });
    b.net.runFor(100);
    expect(byes(b)).toEqual([ByeCode.versionMismatch]);
  });

  it('relay frames before the handshake are dropped; a silent connection times out', () => {
    const r = rig({ handshakeTimeoutMs: 1_000 }, false);
    const frames: string[] = [];
    r.pm.on('frame', (from) => frames.push(from));
    r.send({ kind: 'prune' });
    r.net.runFor(2_000);
    expect(frames).toEqual([]);
    expect(r.rejected('relay-before-handshake')).toBe(1);
    expect(r.pm.stats().counters.handshakeTimeouts).toBe(1);
    expect(r.closed()).toBe(true);
  });
});

describe('limits', () => {
  it('ping flood: at most maxPongsPerSecond pongs, then bye tooManyErrors', () => {
    const r = rig({ maxPongsPerSecond: 5, maxProtocolErrors: 20 });
    for (let i = 0; i < 100; i++) r.send({ kind: 'ping', nonce: i, time: 0 });
    r.net.runFor(200);
    expect(r.got.filter((f) => f.kind === 'pong')).toHaveLength(5);
    expect(r.rejected('ping-rate')).toBe(21);
    expect(byes(r)).toEqual([ByeCode.tooManyErrors]);
    expect(r.closed()).toBe(true);
    expect(r.pm.connectedPeers()).toEqual([]);
    // Misbehaviour is not a failure of the peer: no suspicion, no consensus.
    expect(r.pm.stats().counters.suspects).toBe(0);
  });

  it('answers with unknown qids are ignored and counted, the link stays up', () => {
    const r = rig();
    for (let i = 0; i < 5; i++) r.send({ kind: 'answer', qid: 1000 + i, target: 'x', reachable: false });
    r.net.runFor(100);
    expect(r.rejected('answer-unknown-qid')).toBe(5);
    expect(r.closed()).toBe(false);
  });

  it('queries are answered up to maxAnswersPerSecond; "can you reach yourself" is yes, an unknown peer no', () => {
    const r = rig({ maxAnswersPerSecond: 3 });
    r.send({ kind: 'query', qid: 1, target: VICTIM });
    r.send({ kind: 'query', qid: 2, target: 'nobody' });
    for (let i = 0; i < 10; i++) r.send({ kind: 'query', qid: 10 + i, target: 'x' });
    r.net.runFor(100);
    const answers = r.got.flatMap((f) => (f.kind === 'answer' ? [[f.qid, f.reachable]] : []));
    expect(answers).toEqual([
      [1, true],
      [2, false],
      [10, false],
    ]);
    expect(r.rejected('query-rate')).toBe(9);
  });

  it('oversized peers frames are truncated; records about ourselves are skipped', () => {
    const r = rig({ maxRecordsPerPeersFrame: 8 });
    const records = Array.from({ length: 20 }, (_, i) => record(`p${i}`));
    r.send({ kind: 'peers', op: 'exchange', ttl: 0, origin: EVIL, records });
    r.send({ kind: 'peers', op: 'shuffle-reply', ttl: 0, origin: EVIL, records: [record(VICTIM), record('q')] });
    r.net.runFor(100);
    expect(r.rejected('peers-oversized')).toBe(1);
    expect(r.rejected('record-self')).toBe(1);
    const known = r.pm.knownPeers().map((k) => k.id);
    expect(known.filter((id) => id.startsWith('p'))).toHaveLength(8);
    expect(known).not.toContain(VICTIM);
    expect(known).toContain('q');
  });

  it('the passive view stays within maxPassivePeers however many records arrive', () => {
    const r = rig({ maxPassivePeers: 30, maxMembershipFramesPerSecond: 1_000 });
    for (let f = 0; f < 20; f++) {
      const records = Array.from({ length: 64 }, (_, i) => record(`r${f}-${i}`));
      r.send({ kind: 'peers', op: 'shuffle-reply', ttl: 0, origin: EVIL, records });
    }
    r.net.runFor(100);
    expect(r.pm.stats().passive).toBeLessThanOrEqual(30);
    expect(r.pm.knownPeers().length).toBeLessThanOrEqual(31);
  });

  it('membership frames past maxMembershipFramesPerSecond are dropped and counted', () => {
    const r = rig({ maxMembershipFramesPerSecond: 4, maxProtocolErrors: 100 });
    r.net.runFor(1_000); // a fresh one-second window (the handshake's request counted in the first)
    for (let i = 0; i < 10; i++) r.send({ kind: 'peers', op: 'shuffle-reply', ttl: 0, origin: EVIL, records: [record(`s${i}`)] });
    r.net.runFor(100);
    expect(r.rejected('membership-rate')).toBe(6);
    expect(r.pm.knownPeers().filter((k) => k.id.startsWith('s'))).toHaveLength(4);
  });

  it('neighbor spam: repeated requests get a few repeated accepts, then count as errors and close', () => {
    const r = rig({ maxProtocolErrors: 5 });
    for (let i = 0; i < 20; i++) r.send({ kind: 'neighbor', op: 'request-low' });
    r.net.runFor(100);
    expect(r.got.filter((f) => f.kind === 'neighbor' && f.op === 'accept').length).toBeLessThanOrEqual(1 + 8);
    expect(r.rejected('neighbor-spam')).toBeGreaterThan(5);
    expect(byes(r)).toEqual([ByeCode.tooManyErrors]);
    // Unsolicited accept/reject from an acceptor's point of view.
    const u = rig();
    u.send({ kind: 'neighbor', op: 'accept' });
    u.net.runFor(100);
    expect(u.rejected('neighbor-unsolicited')).toBe(1);
  });

  it('dial-me walks with a bad origin are refused; garbage bytes count as decode errors', () => {
    const r = rig();
    r.send({ kind: 'peers', op: 'forward-join', ttl: 3, origin: VICTIM, records: [] });
    r.send({ kind: 'peers', op: 'forward-join', ttl: 3, origin: 'z', records: [] });
    r.conn.send(new Uint8Array([0xc1, 0xff, 0x00]));
    r.net.runFor(100);
    expect(r.rejected('forward-join-bad-origin')).toBe(2);
    expect(r.rejected('decode-malformed')).toBe(1);
    expect(r.closed()).toBe(false);
  });

  it('a pool at maxPooledConnections rejects low-priority requests with bye poolFull', () => {
    const r = rig({ maxPooledConnections: 1 });
    const conns: Connection[] = [];
    r.net.addNode('d', (node) => node.transport.on('connection', (c) => conns.push(c)));
    r.net.connect('d', VICTIM);
    r.net.runFor(100);
    const other = conns[0] as Connection;
    const got: Frame[] = [];
    other.on('data', (b) => got.push(decodeFrame(b)));
    other.send(encodeFrame({ kind: 'hello', peerId: 'd', version: 1, role: 'browser', capabilities: [] }));
    other.send(encodeFrame({ kind: 'neighbor', op: 'request-low' }));
    r.net.runFor(100);
    expect(got.map((f) => f.kind)).toEqual(['neighbor', 'bye', 'bye']);
    expect(got[1]).toMatchObject({ kind: 'bye', code: ByeCode.poolFull });
    expect(r.pm.connectedPeers()).toEqual([EVIL]);
  });
});
