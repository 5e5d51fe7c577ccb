/** Every limit of limits.ts, each against a running server configured with a small value. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNALING_LIMITS } from '../../signaling-server/src/index.js';
import { TestClient, cleanup, openRawSocket, socketClosed, startServer, tryConnect, waitFor } from './helpers.js';

afterEach(cleanup);

/** Two clients in one room, b's join seen by a. */
async function pair(url: string): Promise<[TestClient, TestClient]> {
  const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
  await a.join('lobby', 'alice');
  await b.join('lobby', 'bob');
  await a.expect('peer-joined');
  return [a, b];
}

describe('signaling server: limits', () => {
  it('closes a connection that sends a message over maxPayloadBytes with 1009', async () => {
    const { url, server } = await startServer();
    const [a, b] = await pair(url);
    a.ws.send(new Uint8Array(DEFAULT_SIGNALING_LIMITS.maxPayloadBytes + 1));
    expect((await a.closed).code).toBe(1009);
    expect((await b.expect('peer-left')).peerId).toBe('alice');
    expect(server.metrics.snapshot().errorsTotal['too_large']).toBe(1);
    // a message right at the limit is read (and, being garbage, answered with an error frame)
    b.ws.send(new Uint8Array(DEFAULT_SIGNALING_LIMITS.maxPayloadBytes));
    await b.expectError('malformed');
  });

  it('drops messages over the token bucket with rate_limited, and refills with time', async () => {
    // A slow refill (one token per 500 ms) so the burst below cannot be topped up while it is sent.
    const { url, server } = await startServer({ limits: { messagesPerSecond: 2, messageBurst: 3 } });
    const [a, b] = await pair(url);
    // pair() spent 1 of a's tokens (its join): 2 left for the burst of 5 signals
    for (let i = 0; i < 5; i++) a.send({ kind: 'signal', room: 'lobby', from: '', to: 'bob', data: String(i) });
    expect((await b.expect('signal')).data).toBe('0');
    expect((await b.expect('signal')).data).toBe('1');
    for (let i = 0; i < 3; i++) await a.expectError('rate_limited');
    expect(server.metrics.snapshot().rateLimitedTotal).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 600)); // ≥ 1 token back
    a.send({ kind: 'signal', room: 'lobby', from: '', to: 'bob', data: 'later' });
    expect((await b.expect('signal')).data).toBe('later');
  });

  it('refuses a join beyond maxRoomSize with room_full', async () => {
    const { url } = await startServer({ limits: { maxRoomSize: 2 } });
    await pair(url);
    const c = await TestClient.connect(url);
    c.send({ kind: 'join', room: 'lobby', peerId: 'carol', role: 'browser', secret: '' });
    await c.expectError('room_full');
    expect((await c.join('other', 'carol')).peers).toEqual([]);
  });

  it('refuses a new room beyond maxRooms with too_many_rooms; existing rooms still take joins', async () => {
    const { url, server } = await startServer({ limits: { maxRooms: 2 } });
    const a = await TestClient.connect(url);
    await a.join('r1', 'a');
    await a.join('r2', 'a');
    const b = await TestClient.connect(url);
    b.send({ kind: 'join', room: 'r3', peerId: 'b', role: 'browser', secret: '' });
    await b.expectError('too_many_rooms');
    expect((await b.join('r1', 'b')).peers).toEqual(['a']);
    expect(server.metrics.snapshot().rooms).toBe(2);
  });

  it('refuses joining more than maxRoomsPerConnection rooms with room_limit', async () => {
    const { url } = await startServer({ limits: { maxRoomsPerConnection: 2 } });
    const a = await TestClient.connect(url);
    await a.join('r1', 'a');
    await a.join('r2', 'a');
    a.send({ kind: 'join', room: 'r3', peerId: 'a', role: 'browser', secret: '' });
    await a.expectError('room_limit');
    a.send({ kind: 'leave', room: 'r1' });
    expect((await a.join('r3', 'a')).room).toBe('r3');
  });

  it('destroys connections beyond maxConnections at accept, and admits again when one closes', async () => {
    const { url, server } = await startServer({ limits: { maxConnections: 2 } });
    const [a] = await pair(url);
    expect((await tryConnect(url)).opened).toBe(false);
    expect(server.metrics.snapshot().rejectedConnectionsTotal.capacity).toBe(1);
    a.ws.close();
    await a.closed;
    await waitFor(async () => (await tryConnect(url)).opened, 'a free slot');
  });

  it('destroys connections beyond maxConnectionsPerIp from one address; other addresses get in', async () => {
    const { url, server } = await startServer({ limits: { maxConnectionsPerIp: 2 } });
    const [a, b] = await pair(url);
    const attempts = await Promise.all(Array.from({ length: 20 }, () => tryConnect(url)));
    expect(attempts.every((attempt) => !attempt.opened)).toBe(true);
    expect(server.metrics.snapshot().rejectedConnectionsTotal.per_ip).toBe(20);
    // another loopback address is another client
    expect((await tryConnect(url, { localAddress: '127.0.0.2' })).opened).toBe(true);
    // and the two admitted connections kept working throughout
    a.send({ kind: 'signal', room: 'lobby', from: '', to: 'bob', data: 'still here' });
    expect((await b.expect('signal')).data).toBe('still here');
    // a closed connection gives its address's slot back (the gate finds the address again at the close)
    a.ws.close();
    await a.closed;
    await waitFor(async () => (await tryConnect(url)).opened, 'a free slot for 127.0.0.1');
  });

  it('terminates a connection that stops answering heartbeat pings; live ones stay', async () => {
    const { url, server } = await startServer({ limits: { heartbeatIntervalMs: 250 } });
    const [a] = await pair(url);
    const mute = await TestClient.connect(url, { autoPong: false });
    await mute.join('lobby', 'mute');
    await a.expect('peer-joined');
    expect((await mute.closed).code).toBe(1006); // terminated: no close frame
    expect(await a.expect('peer-left')).toMatchObject({ peerId: 'mute' });
    expect(server.metrics.snapshot().heartbeatTerminationsTotal).toBe(1);
    await a.expectNothingPending(); // several heartbeats later, the answering client is still here
  });

  it('closes a connection that never joins after joinTimeoutMs (1008), and one that left its last room', async () => {
    const { url } = await startServer({ limits: { joinTimeoutMs: 400 } });
    const [a, b] = await pair(url);
    const idle = await TestClient.connect(url);
    expect(await idle.closed).toEqual({ code: 1008, reason: 'join timeout' });
    b.send({ kind: 'leave', room: 'lobby' });
    expect((await b.closed).code).toBe(1008);
    await a.expect('peer-left');
    await a.expectNothingPending(); // a joined, so it stays
  });

  it('drops an HTTP request whose head never finishes after headersTimeoutMs (slowloris)', async () => {
    const { port, server } = await startServer({
      limits: { headersTimeoutMs: 200, requestTimeoutMs: 200, connectionsCheckingIntervalMs: 50 },
    });
    const socket = await openRawSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nX-Slow: ');
    const answer = await socketClosed(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(server.metrics.snapshot().rejectedConnectionsTotal.timeout).toBe(1);
  });

  it('terminates a client that reads slower than it is sent to (maxBufferedBytes)', async () => {
    const { url, server } = await startServer({
      limits: { maxBufferedBytes: 64 * 1024, messageBurst: 10_000, maxErrors: 10_000 },
    });
    const [a, b] = await pair(url);
    const slow = await TestClient.connect(url);
    await slow.join('lobby', 'slow');
    await a.expect('peer-joined');
    await b.expect('peer-joined');
    (slow.ws as unknown as { _socket: import('node:net').Socket })._socket.pause(); // stops reading
    const data = 'x'.repeat(30_000);
    await waitFor(() => {
      for (let i = 0; i < 20; i++) a.send({ kind: 'signal', room: 'lobby', from: '', to: 'slow', data });
      return server.metrics.snapshot().slowConsumerTerminationsTotal === 1;
    }, 'the slow client to be cut off', 10_000);
    expect(await b.next()).toMatchObject({ kind: 'peer-left', peerId: 'slow' });
    a.send({ kind: 'signal', room: 'lobby', from: '', to: 'bob', data: 'fine' });
    expect((await b.expect('signal')).data).toBe('fine');
  });
});
