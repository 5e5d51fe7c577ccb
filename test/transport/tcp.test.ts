/**
 * TcpTransport over real sockets on 127.0.0.1: listen/dial and the hello, frames both ways, large frames
 * at the limit, backpressure, batching, close propagation, dial failures, transport close().
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/transport.js';
import { DEFAULT_TCP_LIMITS } from '../../src/transport/tcp/index.js';
import { ByeCode } from '../../src/wire/frames.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../../src/wire/limits.js';
import { closeAll, collect, connectedPair, listening, msg, msgOfSize, next, portOf, seqOf, transport, until } from './tcp-helpers.js';

afterEach(closeAll);

describe('TcpTransport: listen, dial, hello', () => {
  it('hands out identified connections on both sides after the hello exchange', async () => {
    const { server, client, inbound, outbound } = await connectedPair(
      { capabilities: ['deflate'], role: 'server' },
      { capabilities: ['plumtree', 'x'], role: 'browser' },
    );
    expect(server.kind).toBe('tcp');
    expect(server.listenAddress()).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(server)).toBeGreaterThan(0);
    expect(outbound.outbound).toBe(true);
    expect(outbound.remotePeerId).toBe('server');
    expect(outbound.remoteCapabilities).toEqual(['deflate']);
    expect(inbound.outbound).toBe(false);
    expect(inbound.remotePeerId).toBe('client');
    expect(inbound.remoteCapabilities).toEqual(['plumtree', 'x']);
    expect(inbound.closed).toBe(false);
    expect(server.stats().inbound.accepted).toBe(1);
    expect(client.stats().outbound.established).toBe(1);
    expect(server.stats().open).toBe(1);
    // The hello is the transport's business: the first 'data' is the first frame the application sent.
    const got = collect(inbound, 1);
    outbound.send(msg(7));
    expect(seqOf((await got)[0]!)).toBe(7);
  });

  it('uses the named defaults when no limits are given', () => {
    const t = transport({ peerId: 'a' });
    expect(t.limits).toEqual(DEFAULT_TCP_LIMITS);
    const tuned = transport({ peerId: 'b', limits: { handshakeTimeoutMs: 123 } });
    expect(tuned.limits.handshakeTimeoutMs).toBe(123);
    expect(tuned.limits.maxConnections).toBe(DEFAULT_TCP_LIMITS.maxConnections);
  });

  it('reports a dial to itself as a failed dial, not a connection', async () => {
    const t = await listening({ peerId: 'me' });
    const connections: Connection[] = [];
    t.on('connection', (c) => connections.push(c));
    const failed = next<[string, string]>(t, 'dial-failed');
    t.dial(t.listenAddress()!);
    const [address, reason] = await failed;
    expect(address).toBe(t.listenAddress());
    expect(reason).toMatch(/own peer id/);
    expect(connections).toEqual([]);
    expect(t.stats().outbound.failed['self-connection']).toBe(1);
  });
});

describe('TcpTransport: frames', () => {
  it('carries many frames both ways, in order, one frame per data event', async () => {
    const { inbound, outbound } = await connectedPair();
    const N = 2_000;
    const atServer = collect(inbound, N);
    const atClient = collect(outbound, N);
    for (let i = 0; i < N; i++) {
      outbound.send(msg(i, i % 300));
      inbound.send(msg(N + i, 50));
    }
    expect((await atServer).map(seqOf)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect((await atClient).map(seqOf)).toEqual(Array.from({ length: N }, (_, i) => N + i));
    const frames = await atServer;
    expect(Buffer.compare(frames[299]!, msg(299, 299))).toBe(0);
  });

  it('batches the sends of one turn of the event loop into few socket writes, keeping order', async () => {
    const { inbound, outbound, client } = await connectedPair();
    const socketWrites = countSocketWrites(outbound);
    const N = 500;
    const got = collect(inbound, N);
    for (let i = 0; i < N; i++) outbound.send(msg(i, 1024));
    expect((await got).map(seqOf)).toEqual(Array.from({ length: N }, (_, i) => i));
    // One flush for the whole turn, and small frames share one buffer: a single socket write.
    expect(socketWrites()).toBe(1);
    expect(client.stats().framesOut).toBe(N + 1); // + the hello
  });

  it('delivers frames of exactly maxFrameBytes and closes on one byte more', async () => {
    const maxFrameBytes = 64 * 1024;
    const { inbound, outbound, server } = await connectedPair({ limits: { maxFrameBytes } });
    const atLimit = msgOfSize(1, maxFrameBytes);
    expect(atLimit.length).toBe(maxFrameBytes);
    const got = collect(inbound, 3);
    for (let i = 0; i < 3; i++) outbound.send(atLimit);
    for (const frame of await got) expect(Buffer.compare(frame, atLimit)).toBe(0);

    const closedAtClient = next<[string]>(outbound, 'close');
    outbound.send(msgOfSize(2, maxFrameBytes + 1));
    expect((await closedAtClient)[0]).toMatch(/bye 2/);
    await until(() => server.stats().closed['protocol-error'] === 1);
    expect(server.stats().wireErrors.too_large).toBe(1);
  });

  it('carries frames near the default maximum', async () => {
    const { inbound, outbound } = await connectedPair();
    const big = msgOfSize(5, DEFAULT_MAX_FRAME_BYTES - 10);
    const got = collect(inbound, 4);
    for (let i = 0; i < 4; i++) outbound.send(big);
    for (const frame of await got) expect(Buffer.compare(frame, big)).toBe(0);
  });

  it('applies backpressure on a multi-MB burst: send() turns false, then drain, and nothing is lost', async () => {
    const { inbound, outbound } = await connectedPair();
    const frameBytes = 64 * 1024;
    const total = 8 * 1024 * 1024;
    const count = total / frameBytes;
    const received = collect(inbound, count, 20_000);
    let sent = 0;
    let refusals = 0;
    let maxBuffered = 0;
    while (sent < count) {
      const ok = outbound.send(msgOfSize(sent, frameBytes));
      sent++;
      maxBuffered = Math.max(maxBuffered, outbound.bufferedAmount);
      if (!ok) {
        refusals++;
        expect(outbound.bufferedAmount).toBeGreaterThan(DEFAULT_TCP_LIMITS.highWaterMarkBytes);
        await next(outbound, 'drain');
        expect(outbound.bufferedAmount).toBeLessThanOrEqual(DEFAULT_TCP_LIMITS.highWaterMarkBytes);
      }
    }
    expect(refusals).toBeGreaterThan(0);
    expect(maxBuffered).toBeGreaterThan(DEFAULT_TCP_LIMITS.highWaterMarkBytes);
    const frames = await received;
    expect(frames.map(seqOf)).toEqual(Array.from({ length: count }, (_, i) => i));
  });
});

describe('TcpTransport: close and failures', () => {
  it("a local close() is seen at once as 'close' on the other side (EOF)", async () => {
    const { inbound, outbound, server, client } = await connectedPair();
    const remoteClosed = next<[string]>(inbound, 'close', 2_000);
    const localClosed = next<[string]>(outbound, 'close', 2_000);
    outbound.close('done here');
    expect(outbound.closed).toBe(true);
    expect(outbound.send(msg(1))).toBe(false);
    expect((await localClosed)[0]).toBe('done here');
    expect((await remoteClosed)[0]).toMatch(/remote closed/);
    expect(inbound.closed).toBe(true);
    await until(() => server.stats().open === 0 && client.stats().open === 0);
    expect(server.stats().closed.eof).toBe(1);
    expect(client.stats().closed.local).toBe(1);
  });

  it('frames sent just before close() still arrive', async () => {
    const { inbound, outbound } = await connectedPair();
    const got = collect(inbound, 100);
    for (let i = 0; i < 100; i++) outbound.send(msg(i));
    outbound.close();
    expect((await got).map(seqOf)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('reports dial-failed ECONNREFUSED for a closed port, asynchronously', async () => {
    const port = await freePort();
    const t = transport({ peerId: 'a' });
    let sync = true;
    const failed = next<[string, string]>(t, 'dial-failed');
    t.dial(`tcp://127.0.0.1:${port}`);
    sync = false;
    const [address, reason] = await failed;
    expect(sync).toBe(false);
    expect(address).toBe(`tcp://127.0.0.1:${port}`);
    expect(reason).toMatch(/^ECONNREFUSED/);
    expect(t.stats().outbound.failed.refused).toBe(1);
  });

  it('reports dial-failed for addresses it cannot dial', async () => {
    const t = transport({ peerId: 'a' });
    const reasons: string[] = [];
    t.on('dial-failed', (_addr, reason) => reasons.push(reason));
    t.dial('127.0.0.1:80');
    t.dial('tcp://127.0.0.1:0');
    t.dial('tls://127.0.0.1:7000');
    await until(() => reasons.length === 3);
    expect(t.stats().outbound.failed).toEqual({ 'bad-address': 2, 'tls-not-configured': 1 });
  });

  it('a dial whose peer never says hello fails with the handshake timeout', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const t = transport({ peerId: 'a', limits: { handshakeTimeoutMs: 200 } });
      const failed = next<[string, string]>(t, 'dial-failed');
      t.dial(`tcp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`);
      expect((await failed)[1]).toMatch(/no hello within 200 ms/);
      expect(t.stats().outbound.failed['handshake-timeout']).toBe(1);
    } finally {
      silent.close();
      for (const s of held) s.destroy();
    }
  });

  it('close() says bye (shutdown) on every connection, fails pending dials and resolves when done', async () => {
    const { server, client, outbound } = await connectedPair();
    const second = transport({ peerId: 'second' });
    const secondConn = next<[Connection]>(second, 'connection');
    const secondInbound = next<[Connection]>(server, 'connection');
    second.dial(server.listenAddress()!);
    const [[conn2]] = await Promise.all([secondConn, secondInbound]);
    const byes = [next<[string]>(outbound, 'close'), next<[string]>(conn2, 'close')];
    await server.close();
    for (const [reason] of await Promise.all(byes)) expect(reason).toBe(`remote bye ${ByeCode.shutdown}: shutdown`);
    expect(server.stats().closed['transport-closed']).toBe(2);
    expect(server.stats().open).toBe(0);
    // A closed transport refuses new work, through events.
    const failed = next<[string, string]>(server, 'dial-failed');
    server.dial(client.listenAddress() ?? 'tcp://127.0.0.1:1');
    expect((await failed)[1]).toMatch(/closed/);
    await expect(server.listen()).rejects.toThrow(/closed/);
    await server.close(); // idempotent
  });
});

/** Counts write()/writev() calls on the connection's socket from now on (through its private field). */
function countSocketWrites(conn: Connection): () => number {
  const socket = (conn as unknown as { socket: net.Socket }).socket;
  let writes = 0;
  const original = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  (socket as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    writes++;
    return original(...args);
  };
  // Writes between cork() and uncork() leave as one writev: count such a group as one write.
  let corkedWrites = 0;
  const cork = socket.cork.bind(socket);
  const uncork = socket.uncork.bind(socket);
  socket.cork = () => {
    corkedWrites = writes;
    cork();
  };
  socket.uncork = () => {
    writes = corkedWrites + 1;
    uncork();
  };
  return () => writes;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
