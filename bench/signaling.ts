/**
 * Signaling server throughput on loopback: how fast clients join a room, and how many signal frames per
 * second the server relays between pairs of clients. `npm run bench -- signaling [--clients=200]
 * [--pairs=20] [--signals=2000] [--bytes=600]`. The server runs in this process (so do the clients:
 * the figures are for both together, on one core's event loop), with rate limits lifted so they measure
 * the server's work, not its limits.
 */
import { WebSocket } from 'ws';
import { createSignalingServer } from '../signaling-server/src/index.js';
import { decodeFrame, encodeFrame } from '../src/wire/codec.js';
import type { Frame } from '../src/wire/frames.js';

function flag(args: string[], name: string, fallback: number): number {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
}

/** A connected client that hands every decoded frame to `onFrame`. */
function connect(url: string, onFrame: (frame: Frame) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('message', (data) => onFrame(decodeFrame(new Uint8Array(data as Buffer))));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export async function run(args: string[]): Promise<object> {
  const clients = flag(args, 'clients', 200);
  const pairs = flag(args, 'pairs', 20);
  const signals = flag(args, 'signals', 2000);
  const bytes = flag(args, 'bytes', 600);
  const server = createSignalingServer({
    limits: { maxConnectionsPerIp: clients + 2 * pairs + 10, messagesPerSecond: 1e9, messageBurst: 1e9 },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${port}/`;
  const sockets: WebSocket[] = [];

  // Joins: every client joins one room, one after another, so each join also fans out peer-joined to all.
  const joinMs: number[] = [];
  const joinStart = performance.now();
  for (let i = 0; i < clients; i++) {
    const t0 = performance.now();
    let joined!: () => void;
    const done = new Promise<void>((resolve) => (joined = resolve));
    const ws = await connect(url, (f) => f.kind === 'joined' && joined());
    sockets.push(ws);
    ws.send(encodeFrame({ kind: 'join', room: 'bench', peerId: `c${i}`, role: 'browser', secret: '' }));
    await done;
    joinMs.push(performance.now() - t0);
  }
  const joinElapsed = performance.now() - joinStart;
  joinMs.sort((a, b) => a - b);

  // Relay: pairs in their own rooms, each sender streams `signals` frames to its partner.
  const data = 'x'.repeat(bytes);
  let received = 0;
  const total = pairs * signals;
  let allReceived!: () => void;
  const finished = new Promise<void>((resolve) => (allReceived = resolve));
  const senders: WebSocket[] = [];
  for (let p = 0; p < pairs; p++) {
    const a = await connect(url, () => {});
    const b = await connect(url, (f) => f.kind === 'signal' && ++received === total && allReceived());
    sockets.push(a, b);
    let ready!: () => void;
    const joinedB = new Promise<void>((resolve) => (ready = resolve));
    a.on('message', (raw) => decodeFrame(new Uint8Array(raw as Buffer)).kind === 'peer-joined' && ready());
    a.send(encodeFrame({ kind: 'join', room: `pair${p}`, peerId: 'a', role: 'browser', secret: '' }));
    b.send(encodeFrame({ kind: 'join', room: `pair${p}`, peerId: 'b', role: 'browser', secret: '' }));
    await joinedB;
    senders.push(a);
  }
  const relayStart = performance.now();
  senders.forEach((ws, p) => {
    const bytesOut = encodeFrame({ kind: 'signal', room: `pair${p}`, from: '', to: 'b', data });
    for (let i = 0; i < signals; i++) ws.send(bytesOut);
  });
  await finished;
  const relayElapsed = performance.now() - relayStart;

  for (const ws of sockets) ws.terminate();
  await server.close();
  return {
    bench: 'signaling',
    clients,
    joinsPerSecond: Math.round(clients / (joinElapsed / 1000)),
    joinLatencyMs: { p50: +percentile(joinMs, 0.5).toFixed(2), p99: +percentile(joinMs, 0.99).toFixed(2) },
    pairs,
    signalBytes: bytes,
    signalsRelayed: total,
    signalsPerSecond: Math.round(total / (relayElapsed / 1000)),
  };
}
