/**
 * Test kit for the signaling server: a real server on 127.0.0.1 (port 0) and raw `ws` clients that see
 * every frame, so each test can assert exactly what the server sent.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../../signaling-server/src/index.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { Frame, FrameKind, FrameOf } from '../../src/wire/frames.js';

export const HOST = '127.0.0.1';
const WAIT_MS = 3_000;

export interface RunningServer {
  server: SignalingServer;
  port: number;
  url: string;
  httpUrl: string;
}

const running = new Set<SignalingServer>();
const clients = new Set<WebSocket>();
const rawSockets = new Set<Socket>();

export async function startServer(options: SignalingServerOptions = {}, port = 0): Promise<RunningServer> {
  const server = createSignalingServer(options);
  const address = await server.listen(port, HOST);
  running.add(server);
  return { server, port: address.port, url: `ws://${HOST}:${address.port}/`, httpUrl: `http://${HOST}:${address.port}` };
}

/** For afterEach: closes every client and server the test opened. */
export async function cleanup(): Promise<void> {
  for (const ws of clients) ws.terminate();
  clients.clear();
  for (const socket of rawSockets) socket.destroy();
  rawSockets.clear();
  await Promise.all([...running].map((s) => s.close()));
  running.clear();
}

/** A raw WebSocket client that queues decoded frames (and records its close) for the test to await. */
export class TestClient {
  private readonly frames: Frame[] = [];
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    clients.add(ws);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) throw new Error('server sent a text message');
      this.frames.push(decodeFrame(new Uint8Array(data as Buffer)));
      this.waiter?.();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    clients.add(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  send(frame: Frame): void {
    this.ws.send(encodeFrame(frame));
  }

  /** The next frame the server sent, whatever its kind. */
  async next(timeoutMs = WAIT_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) throw new Error('no frame arrived');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.shift()!;
  }

  /** The next frame, which must be of `kind`. */
  async expect<K extends FrameKind>(kind: K): Promise<FrameOf<K>> {
    const frame = await this.next();
    if (frame.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(frame)}`);
    return frame as FrameOf<K>;
  }

  /** The next frame, which must be an error frame with `code`. */
  async expectError(code: string): Promise<void> {
    const frame = await this.expect('error');
    if (frame.code !== code) throw new Error(`expected error ${code}, got ${frame.code}: ${frame.message}`);
  }

  /**
   * Proves nothing else was queued for this client: asks the server for a known answer (leave of a room
   * never joined → not_joined) and checks it is the very next frame. Frames the server sent before the
   * probe would arrive first on the same socket.
   */
  async expectNothingPending(): Promise<void> {
    this.send({ kind: 'leave', room: 'probe-room-never-joined' });
    await this.expectError('not_joined');
  }

  async join(room: string, peerId: string, secret = ''): Promise<FrameOf<'joined'>> {
    this.send({ kind: 'join', room, peerId, role: 'browser', secret });
    return this.expect('joined');
  }
}

/** Resolves once `check` returns true (polled), or throws with `what` after the wait. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How a connection attempt ended: opened, refused with an HTTP status, or failed at the socket. */
export function tryConnect(url: string, options: ClientOptions = {}): Promise<{ opened: boolean; status?: number; error?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    clients.add(ws);
    ws.once('open', () => resolve({ opened: true }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (err) => resolve({ opened: false, error: err.message }));
  });
}

/** A plain TCP connection to the server (closed by cleanup()). */
export function openRawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, HOST);
    rawSockets.add(socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * A raw TCP client that completes the WebSocket upgrade and then never reads or answers anything (no
 * pongs, no close reply): the dead or hostile peer the server must not wait for forever.
 */
export async function rawUpgradedSocket(port: number): Promise<Socket> {
  const socket = await openRawSocket(port);
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const head = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(chunk.toString('latin1'))));
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
  return socket;
}

/** Resolves when the server has closed `socket` (FIN or reset), with the bytes it sent from now on. */
export function socketClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    if (socket.destroyed) resolve(received);
    socket.once('close', () => resolve(received));
  });
}
