/** SignalingClient in Node (with `ws`'s WebSocket) against a running server. */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  SignalingClient,
  type SignalingClientOptions,
  type SignalingState,
  type WebSocketConstructor,
} from '../../src/signaling/client.js';
import { SignalingError } from '../../src/signaling/errors.js';
import { HOST, TestClient, cleanup, startServer, waitFor } from './helpers.js';

const clients: SignalingClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await cleanup();
});

/** A client that records everything it emits. */
function client(url: string, peerId: string, options: Partial<SignalingClientOptions> = {}) {
  const c = new SignalingClient({
    url,
    room: 'lobby',
    peerId,
    role: 'server',
    WebSocket,
    backoff: { initialMs: 20, maxMs: 100 },
    ...options,
  });
  clients.push(c);
  const log = {
    client: c,
    states: [] as SignalingState[],
    joins: [] as string[][],
    events: [] as string[],
    signals: [] as [string, string][],
    errors: [] as Error[],
  };
  c.on('state', (s) => log.states.push(s));
  c.on('joined', (peers) => log.joins.push([...peers].sort()));
  c.on('peer-joined', (id) => log.events.push(`+${id}`));
  c.on('peer-left', (id) => log.events.push(`-${id}`));
  c.on('signal', (from, data) => log.signals.push([from, data]));
  c.on('error', (err) => log.errors.push(err));
  return log;
}

describe('SignalingClient', () => {
  it('joins, hears peers come and go, and reports its state', async () => {
    const { url } = await startServer();
    const a = client(url, 'a');
    a.client.connect();
    await waitFor(() => a.joins.length === 1, 'a joined');
    expect(a.joins[0]).toEqual([]);
    expect(a.states).toEqual(['connecting', 'open']);

    const b = client(url, 'b');
    b.client.connect();
    await waitFor(() => b.joins.length === 1 && a.events.length === 1, 'b joined');
    expect(b.joins[0]).toEqual(['a']);
    expect(a.events).toEqual(['+b']);

    b.client.close();
    expect(b.states).toEqual(['connecting', 'open', 'closed']);
    await waitFor(() => a.events.length === 2, 'peer-left');
    expect(a.events).toEqual(['+b', '-b']);
    expect(a.errors).toEqual([]);
  });

  it('relays signals with `from` stamped by the server', async () => {
    const { url } = await startServer();
    const a = client(url, 'a');
    const b = client(url, 'b');
    a.client.connect();
    await waitFor(() => a.client.state === 'open', 'a open');
    b.client.connect();
    await waitFor(() => b.client.state === 'open', 'b open');
    a.client.signal('b', '{"type":"offer"}');
    await waitFor(() => b.signals.length === 1, 'signal');
    expect(b.signals).toEqual([['a', '{"type":"offer"}']]);

    const spoofer = await TestClient.connect(url);
    await spoofer.join('lobby', 'mallory');
    spoofer.send({ kind: 'signal', room: 'lobby', from: 'a', to: 'b', data: 'trust me' });
    await waitFor(() => b.signals.length === 2, 'spoofed signal');
    expect(b.signals[1]).toEqual(['mallory', 'trust me']);
  });

  it('queues signals until joined, dropping the oldest beyond maxQueuedSignals', async () => {
    const { url } = await startServer();
    const b = client(url, 'b');
    b.client.connect();
    await waitFor(() => b.client.state === 'open', 'b open');
    const a = client(url, 'a', { maxQueuedSignals: 2 });
    for (let i = 0; i < 5; i++) a.client.signal('b', String(i));
    expect(a.client.droppedSignals).toBe(3);
    a.client.connect();
    await waitFor(() => b.signals.length === 2, 'queued signals');
    expect(b.signals).toEqual([['a', '3'], ['a', '4']]);
  });

  it('reconnects with backoff after the server restarts on the same port, and joins again', async () => {
    const first = await startServer();
    const a = client(first.url, 'a');
    const b = client(first.url, 'b');
    a.client.connect();
    b.client.connect();
    await waitFor(() => a.client.state === 'open' && b.client.state === 'open', 'both open');

    await first.server.close();
    await waitFor(() => a.client.state === 'connecting' && b.client.state === 'connecting', 'both reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few failed attempts while the port is dead
    await startServer({}, first.port);
    await waitFor(() => a.client.state === 'open' && b.client.state === 'open', 'both open again', 5_000);
    const lastJoins = [a.joins.at(-1), b.joins.at(-1)];
    expect(lastJoins.some((peers) => peers?.length === 1)).toBe(true); // the second to rejoin sees the first
    expect(a.states.filter((s) => s === 'open')).toHaveLength(2);

    a.client.signal('b', 'after restart');
    await waitFor(() => b.signals.length === 1, 'signal after restart');
    expect(b.signals[0]).toEqual(['a', 'after restart']);
  });

  it('stops for good on unauthorized; joins with the right secret', async () => {
    const { url } = await startServer({ secrets: { lobby: 'pw' } });
    const wrong = client(url, 'w', { secret: 'nope' });
    wrong.client.connect();
    await waitFor(() => wrong.client.state === 'closed', 'refused');
    expect(wrong.errors).toHaveLength(1);
    expect(wrong.errors[0]).toBeInstanceOf(SignalingError);
    expect((wrong.errors[0] as SignalingError).code).toBe('unauthorized');
    expect(wrong.states).toEqual(['connecting', 'closed']);

    const right = client(url, 'r', { secret: 'pw' });
    right.client.connect();
    await waitFor(() => right.client.state === 'open', 'admitted');
    await new Promise((resolve) => setTimeout(resolve, 100)); // longer than the backoff: no retry happened
    expect(wrong.states).toEqual(['connecting', 'closed']);
  });

  it('retries a join refused with id_taken until the id is free', async () => {
    const { url } = await startServer();
    const holder = await TestClient.connect(url);
    await holder.join('lobby', 'a');
    const a = client(url, 'a');
    a.client.connect();
    await waitFor(() => a.errors.length >= 2, 'two refusals');
    expect(a.errors.every((err) => (err as SignalingError).code === 'id_taken')).toBe(true);
    expect(a.client.state).toBe('connecting');
    holder.ws.close();
    await waitFor(() => a.client.state === 'open', 'joined once the id is free');
  });

  it('gives up on a connection that does not join within connectTimeoutMs, and retries', async () => {
    // A TCP server that accepts and never answers the upgrade.
    const sockets: Socket[] = [];
    const stall: TcpServer = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => stall.listen(0, HOST, resolve));
    const port = (stall.address() as { port: number }).port;
    try {
      const a = client(`ws://${HOST}:${port}/`, 'a', { connectTimeoutMs: 100 });
      a.client.connect();
      await waitFor(() => sockets.length >= 2, 'a second attempt');
      expect(a.errors[0]?.message).toMatch(/not joined within 100 ms/);
      expect(a.client.state).toBe('connecting');
      a.client.close();
      expect(a.client.state).toBe('closed');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stall.close(resolve));
    }
  });

  it('uses the global WebSocket when none is passed (as in browsers)', async () => {
    const { url } = await startServer();
    // The DOM's constructor type fits the option (checked by tsc); at run time ws's stands in for it.
    const browserWebSocket: WebSocketConstructor = globalThis.WebSocket ?? WebSocket;
    vi.stubGlobal('WebSocket', WebSocket);
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    expect(browserWebSocket).toBeDefined();
    const c = new SignalingClient({ url, room: 'lobby', peerId: 'tab', role: 'browser' });
    clients.push(c);
    c.connect();
    await waitFor(() => c.state === 'open', 'joined through the global WebSocket');
  });

  it('refuses to start without a WebSocket implementation', () => {
    vi.stubGlobal('WebSocket', undefined); // as in Node 20
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    expect(() => new SignalingClient({ url: 'ws://x/', room: 'r', peerId: 'p', role: 'browser' })).toThrow(/WebSocket/);
  });
});
