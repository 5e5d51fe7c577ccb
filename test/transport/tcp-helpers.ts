/**
 * Shared helpers for the TCP transport tests: transports on 127.0.0.1 port 0 closed after each test,
 * connected pairs, raw sockets that speak (or abuse) the wire protocol, and a throwaway PKI made with
 * openssl at test time (no private key is committed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import type { Connection } from '../../src/core/transport.js';
import { TcpTransport, type TcpTransportOptions } from '../../src/transport/tcp/index.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION, type Frame, type HelloFrame, type MsgFrame } from '../../src/wire/frames.js';
import { encodeLengthPrefixed, StreamFramer } from '../../src/wire/stream.js';

// ---- transports ----------------------------------------------------------------------------------

const live: TcpTransport[] = [];

export function transport(options: Partial<TcpTransportOptions> & { peerId: string }): TcpTransport {
  const t = new TcpTransport({ listen: { host: '127.0.0.1', port: 0 }, ...options });
  live.push(t);
  return t;
}

/** Closes every transport made by transport() (call from afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(live.splice(0).map((t) => t.close()));
}

export async function listening(options: Partial<TcpTransportOptions> & { peerId: string }): Promise<TcpTransport> {
  const t = transport(options);
  await t.listen();
  return t;
}

export function portOf(t: TcpTransport): number {
  const addr = t.listenAddress();
  if (!addr) throw new Error('not listening');
  return Number(addr.slice(addr.lastIndexOf(':') + 1));
}

/** Resolves with the arguments of the next `event` on `emitter`; rejects after `timeoutMs`. */
export function next<A extends unknown[]>(
  emitter: { once(event: never, listener: never): unknown },
  event: string,
  timeoutMs = 5_000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    (emitter.once as (e: string, l: (...a: A) => void) => void)(event, (...args: A) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

export interface Pair {
  server: TcpTransport;
  client: TcpTransport;
  /** The server's end (inbound) and the client's end (outbound). */
  inbound: Connection;
  outbound: Connection;
}

/** A listening server and a client dialed to it, both ends identified. */
export async function connectedPair(
  serverOptions: Partial<TcpTransportOptions> = {},
  clientOptions: Partial<TcpTransportOptions> = {},
): Promise<Pair> {
  const server = await listening({ peerId: 'server', ...serverOptions });
  const client = transport({ peerId: 'client', ...clientOptions });
  const inbound = next<[Connection]>(server, 'connection');
  const outbound = next<[Connection]>(client, 'connection');
  client.dial(server.listenAddress()!);
  return { server, client, inbound: (await inbound)[0], outbound: (await outbound)[0] };
}

/** Collects the next `count` frames a connection emits. */
export function collect(conn: Connection, count: number, timeoutMs = 10_000): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const frames: Uint8Array[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${frames.length}/${count} frames`)), timeoutMs);
    const off = conn.on('data', (frame) => {
      frames.push(frame);
      if (frames.length === count) {
        clearTimeout(timer);
        off();
        resolve(frames);
      }
    });
  });
}

// ---- frames --------------------------------------------------------------------------------------

/** A msg frame whose `seq` numbers it and whose payload has `payloadBytes` bytes. */
export function msg(seq: number, payloadBytes = 16): Uint8Array {
  const payload = new Uint8Array(payloadBytes);
  for (let i = 0; i < payloadBytes; i++) payload[i] = (seq + i) & 0xff;
  const frame: MsgFrame = {
    kind: 'msg',
    id: new Uint8Array(16).fill(seq & 0xff),
    origin: 'origin',
    seq,
    hops: 0,
    priority: 'normal',
    route: 'flood',
    encoding: 'raw',
    payload,
  };
  return encodeFrame(frame);
}

/** A msg frame of exactly `frameBytes` encoded bytes. */
export function msgOfSize(seq: number, frameBytes: number): Uint8Array {
  let payloadBytes = frameBytes - (msg(seq, 0).length + 5); // msgpack bin header ≤ 5 bytes
  for (;;) {
    const bytes = msg(seq, payloadBytes);
    if (bytes.length === frameBytes) return bytes;
    payloadBytes += frameBytes - bytes.length;
  }
}

export function seqOf(bytes: Uint8Array): number {
  const frame = decodeFrame(bytes, { maxFrameBytes: 64 * 1024 * 1024 });
  if (frame.kind !== 'msg') throw new Error(`expected msg, got ${frame.kind}`);
  return frame.seq;
}

export function hello(peerId: string, overrides: Partial<HelloFrame> = {}): HelloFrame {
  return { kind: 'hello', peerId, version: PROTOCOL_VERSION, role: 'server', capabilities: [], ...overrides };
}

export const prefixed = (frame: Frame): Uint8Array => encodeLengthPrefixed(encodeFrame(frame));
/** Length-prefixed msgpack of an arbitrary value (envelopes the encoder would refuse to make). */
export const prefixedRaw = (value: unknown): Uint8Array => encodeLengthPrefixed(encode(value));

// ---- raw sockets -----------------------------------------------------------------------------------

/** A raw TCP client that records the frames the transport sends it and when it is closed. */
export class RawPeer {
  readonly socket: net.Socket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  readonly connected: Promise<void>;
  private readonly framer = new StreamFramer();
  private waiters: (() => void)[] = [];

  /** `allowHalfOpen`: keep our side open after the remote's FIN (a peer that never closes). */
  constructor(port: number, localAddress?: string, options: { allowHalfOpen?: boolean } = {}) {
    this.socket = net.connect({
      host: '127.0.0.1',
      port,
      allowHalfOpen: options.allowHalfOpen ?? false,
      ...(localAddress ? { localAddress } : {}),
    });
    this.socket.on('error', () => {}); // resets are expected: the test looks at `closed`
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('data', (chunk) => {
      for (const bytes of this.framer.push(chunk)) this.frames.push(decodeFrame(bytes));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** Waits until a frame of `kind` has arrived and returns it. */
  async frame<K extends Frame['kind']>(kind: K, timeoutMs = 5_000): Promise<Extract<Frame, { kind: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find((x) => x.kind === kind);
      if (f) return f as Extract<Frame, { kind: K }>;
      if (Date.now() > deadline) throw new Error(`no ${kind} frame within ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), this.closed, sleep(50)]);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true; throws after `timeoutMs`. For counters updated by socket events. */
export async function until(cond: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---- a throwaway PKI -------------------------------------------------------------------------------

export interface Pem {
  key: string;
  cert: string;
}

export interface TestPki {
  ca: string;
  /** Leaf certificates signed by the CA, valid for 127.0.0.1 and localhost. */
  serverPeer: Pem;
  clientPeer: Pem;
  /** A self-signed certificate the CA never signed. */
  rogue: Pem;
  cleanup(): void;
}

/** A CA and leaf certificates made with openssl in a temp dir (P-256 keys, valid for one day). */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'meshcast-tls-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const san = 'subjectAltName=IP:127.0.0.1,DNS:localhost';
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=meshcast test CA');
  writeFileSync(join(dir, 'leaf.ext'), `${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  const leaf = (name: string): Pem => {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', 'leaf.ext');
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
  };
  const serverPeer = leaf('server-peer');
  const clientPeer = leaf('client-peer');
  run('req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '1', '-subj', '/CN=rogue', '-addext', san);
  const rogue = { key: readFileSync(join(dir, 'rogue.key'), 'utf8'), cert: readFileSync(join(dir, 'rogue.crt'), 'utf8') };
  const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  return { ca, serverPeer, clientPeer, rogue, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
