/**
 * WebRtcTransport between two Node peers over real WebRTC (@roamhq/wrtc) on loopback. Signaling here is
 * an in-memory bus (the test's stand-in for the signaling server, which has its own tests; WebRTC through
 * the real server is tested in test/mesh/node-mesh.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../src/core/emitter.js';
import type { Connection } from '../../src/core/transport.js';
import { nodePeerFactory } from '../../src/node/webrtc-peer.js';
import { WebRtcTransport, type SignalChannel } from '../../src/transport/webrtc/index.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';

class MemorySignalBus {
  private readonly members = new Map<string, MemorySignalChannel>();
  /** When set, signals are dropped (to stage an ICE/negotiation failure). */
  blackhole = false;
  join(id: string): MemorySignalChannel {
    const ch = new MemorySignalChannel(id, this);
    this.members.set(id, ch);
    return ch;
  }
  deliver(from: string, to: string, data: string): void {
    if (this.blackhole) return;
    // Asynchronous, like a network hop.
    setTimeout(() => this.members.get(to)?.receive(from, data), 1);
  }
}

class MemorySignalChannel extends TypedEmitter<{ signal: (from: string, data: string) => void }> implements SignalChannel {
  constructor(
    readonly id: string,
    private readonly bus: MemorySignalBus,
  ) {
    super();
  }
  signal(to: string, data: string): void {
    this.bus.deliver(this.id, to, data);
  }
  receive(from: string, data: string): void {
    this.emit('signal', from, data);
  }
}

const wrtcFactory = nodePeerFactory();
const transports: WebRtcTransport[] = [];

function makeTransport(bus: MemorySignalBus, id: string, limits = {}): WebRtcTransport {
  const t = new WebRtcTransport({ peerId: id, role: 'server', capabilities: ['deflate'], signaling: bus.join(id), createPeer: wrtcFactory, limits });
  transports.push(t);
  return t;
}

function nextConnection(t: WebRtcTransport): Promise<Connection> {
  return new Promise((resolve) => t.once('connection', resolve));
}

function nextData(c: Connection): Promise<Uint8Array> {
  return new Promise((resolve) => c.once('data', resolve));
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

describe('WebRtcTransport (Node, wrtc, loopback)', () => {
  it('dials, exchanges hellos and carries frames both ways', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a');
    const b = makeTransport(bus, 'b');
    const [ca, cb] = await Promise.all([nextConnection(a), nextConnection(b), a.dial('b')]);
    expect(ca.remotePeerId).toBe('b');
    expect(ca.outbound).toBe(true);
    expect(cb.remotePeerId).toBe('a');
    expect(cb.outbound).toBe(false);
    expect(cb.remoteCapabilities).toEqual(['deflate']);

    const ping = encodeFrame({ kind: 'ping', nonce: 7, time: 1 });
    const got = nextData(cb);
    ca.send(ping);
    expect(decodeFrame(await got)).toEqual({ kind: 'ping', nonce: 7, time: 1 });

    const pong = encodeFrame({ kind: 'pong', nonce: 7, time: 1 });
    const back = nextData(ca);
    cb.send(pong);
    expect(decodeFrame(await back)).toEqual({ kind: 'pong', nonce: 7, time: 1 });
  });

  it('chunks frames larger than a data-channel message and reassembles them', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a');
    const b = makeTransport(bus, 'b');
    const [ca, cb] = await Promise.all([nextConnection(a), nextConnection(b), a.dial('b')]);
    const payload = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    const frame = encodeFrame({
      kind: 'msg', id: new Uint8Array(16).fill(1), origin: 'a', seq: 1, hops: 0,
      priority: 'normal', route: 'flood', encoding: 'raw', payload,
    });
    const received: Uint8Array[] = [];
    cb.on('data', (f) => received.push(f));
    for (let i = 0; i < 5; i++) ca.send(frame);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(5);
    for (const f of received) {
      const decoded = decodeFrame(f);
      expect(decoded.kind === 'msg' && Buffer.from(decoded.payload).equals(Buffer.from(payload))).toBe(true);
    }
  });

  it('applies backpressure: send() returns false past the high-water mark, then drain', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a', { highWaterMarkBytes: 64 * 1024 });
    const b = makeTransport(bus, 'b');
    const [ca, cb] = await Promise.all([nextConnection(a), nextConnection(b), a.dial('b')]);
    let got = 0;
    cb.on('data', () => got++);
    const frame = new Uint8Array(16 * 1024).fill(0x90); // a msgpack fixarray byte: a whole frame, not a chunk
    let sent = 0;
    let sawFalse = false;
    while (sent < 4_000) {
      sent++;
      if (!ca.send(frame)) {
        sawFalse = true;
        break;
      }
    }
    expect(sawFalse).toBe(true);
    expect(ca.bufferedAmount).toBeGreaterThan(0);
    await new Promise<void>((resolve) => ca.once('drain', resolve));
    await expect.poll(() => got, { timeout: 10_000 }).toBe(sent);
  });

  it('closes a connection whose send buffer passes maxBufferedBytes instead of queueing without bound', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a', { maxBufferedBytes: 1024 * 1024, highWaterMarkBytes: 64 * 1024 });
    const b = makeTransport(bus, 'b');
    const [ca] = await Promise.all([nextConnection(a), nextConnection(b), a.dial('b')]);
    const closed = new Promise<string>((resolve) => ca.once('close', resolve));
    const frame = new Uint8Array(16 * 1024).fill(0x90);
    for (let i = 0; i < 1_000 && !ca.closed; i++) ca.send(frame); // 16 MB in one go: never drained
    expect(await closed).toMatch(/maxBufferedBytes/);
  });

  it('reports the close at the other end when a side closes', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a');
    const b = makeTransport(bus, 'b');
    const [ca, cb] = await Promise.all([nextConnection(a), nextConnection(b), a.dial('b')]);
    const closed = new Promise<string>((resolve) => cb.once('close', resolve));
    ca.close('bye');
    expect(typeof (await closed)).toBe('string');
    expect(cb.closed).toBe(true);
  });

  it('resolves glare: both sides dial, exactly one connection per side', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a');
    const b = makeTransport(bus, 'b');
    const conns: Connection[] = [];
    a.on('connection', (c) => conns.push(c));
    b.on('connection', (c) => conns.push(c));
    a.dial('b');
    b.dial('a');
    await expect.poll(() => conns.length, { timeout: 10_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(conns.length).toBe(2);
    // The smaller id ('a') is the initiator that survives.
    expect(conns.find((c) => c.remotePeerId === 'b')?.outbound).toBe(true);
    expect(a.stats().glareResolved + b.stats().glareResolved).toBeGreaterThan(0);
  });

  it('reports dial-failed when negotiation cannot complete (connect timeout)', async () => {
    const bus = new MemorySignalBus();
    bus.blackhole = true;
    const a = makeTransport(bus, 'a', { connectTimeoutMs: 300 });
    makeTransport(bus, 'b');
    const failed = new Promise<[string, string]>((resolve) => a.once('dial-failed', (addr, reason) => resolve([addr, reason])));
    a.dial('b');
    expect(await failed).toEqual(['b', 'connect timeout']);
    expect(a.stats().pending).toBe(0);
  });

  it('bounds negotiations in flight and ignores garbage signals', async () => {
    const bus = new MemorySignalBus();
    const a = makeTransport(bus, 'a', { maxPendingPeers: 2 });
    const failures: string[] = [];
    a.on('dial-failed', (addr, reason) => failures.push(`${addr}:${reason}`));
    bus.blackhole = true;
    a.dial('x1');
    a.dial('x2');
    a.dial('x3');
    expect(failures).toEqual(['x3:too many pending negotiations']);
    bus.blackhole = false;
    const ch = bus.join('evil');
    ch.signal('a', 'not json');
    ch.signal('a', '42');
    ch.signal('a', JSON.stringify({ type: 'answer', sdp: 'nonsense' }));
    await expect.poll(() => a.stats().badSignals, { timeout: 2_000 }).toBe(3);
    expect(a.stats().pending).toBe(2);
  });
});
