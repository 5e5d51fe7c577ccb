/**
 * The TCP listener's bad-input rules (issue 6 "Bad input"), against raw sockets that abuse the protocol:
 * silent sockets, wrong versions, garbage, oversize lengths, slowloris, undecodable and unknown frames,
 * connection floods — and a good peer that keeps working meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/transport.js';
import type { TcpTransport } from '../../src/transport/tcp/index.js';
import { ByeCode, KIND_CODES, PROTOCOL_VERSION } from '../../src/wire/frames.js';
import { encodeLengthPrefixed } from '../../src/wire/stream.js';
import {
  closeAll,
  collect,
  connectedPair,
  hello,
  listening,
  msg,
  next,
  portOf,
  prefixed,
  prefixedRaw,
  RawPeer,
  seqOf,
  sleep,
  transport,
  until,
} from './tcp-helpers.js';

afterEach(closeAll);

/** A raw peer that has completed the hello with `server` (so later abuse is judged as an open connection). */
async function helloed(server: TcpTransport, peerId: string): Promise<{ raw: RawPeer; conn: Connection }> {
  const accepted = next<[Connection]>(server, 'connection');
  const raw = new RawPeer(portOf(server));
  raw.write(prefixed(hello(peerId)));
  const [conn] = await accepted;
  expect((await raw.frame('hello')).peerId).toBe(server.localPeerId);
  return { raw, conn };
}

describe('TCP listener: the hello', () => {
  it('closes a socket that never says hello after handshakeTimeoutMs, without handing it out', async () => {
    const server = await listening({ peerId: 'srv', limits: { handshakeTimeoutMs: 200 } });
    let handedOut = 0;
    server.on('connection', () => handedOut++);
    const raw = new RawPeer(portOf(server));
    await raw.closed;
    expect(raw.frames.map((f) => f.kind)).toEqual(['hello']); // ours went out; theirs never came
    expect(handedOut).toBe(0);
    await until(() => server.stats().inbound.rejected['handshake-timeout'] === 1);
    expect(server.stats().handshaking).toBe(0);
  });

  it('a partial hello that stalls is cut by the handshake timeout too', async () => {
    const server = await listening({ peerId: 'srv', limits: { handshakeTimeoutMs: 200 } });
    const raw = new RawPeer(portOf(server));
    raw.write(prefixed(hello('slow')).subarray(0, 7));
    await raw.closed;
    await until(() => server.stats().inbound.rejected['handshake-timeout'] === 1);
  });

  it('answers a hello of another major version with bye versionMismatch and closes', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write(prefixed(hello('future', { version: PROTOCOL_VERSION + 1 })));
    const bye = await raw.frame('bye');
    expect(bye.code).toBe(ByeCode.versionMismatch);
    await raw.closed;
    await until(() => server.stats().inbound.rejected['version-mismatch'] === 1);
  });

  it('answers an envelope of another version with bye versionMismatch', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write(prefixedRaw([PROTOCOL_VERSION + 1, KIND_CODES.hello, 'future', PROTOCOL_VERSION + 1, 1, []]));
    expect((await raw.frame('bye')).code).toBe(ByeCode.versionMismatch);
    await raw.closed;
    await until(() => server.stats().wireErrors.bad_version === 1);
  });

  it('answers a first frame that is not a hello with bye protocolError', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write(prefixed({ kind: 'ping', nonce: 1, time: 0 }));
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    await raw.closed;
    await until(() => server.stats().inbound.rejected['protocol-error'] === 1);
  });

  it('closes a hello that claims the listener’s own peer id', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write(prefixed(hello('srv')));
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    await raw.closed;
    await until(() => server.stats().inbound.rejected['self-connection'] === 1);
  });

  it('a dialer told bye versionMismatch reports dial-failed with the reason', async () => {
    const server = await listening({ peerId: 'srv' });
    // A listener of a future version: its hello carries another major, so our dialer says bye and fails.
    const client = transport({ peerId: 'cli' });
    const failed = next<[string, string]>(client, 'dial-failed');
    const raw = new RawPeer(portOf(server)); // keep the real server busy to show it is unaffected
    raw.write(prefixed(hello('bystander')));
    const { createServer } = await import('node:net');
    const future = createServer((s) => s.end(prefixed(hello('future', { version: 99 }))));
    await new Promise<void>((r) => future.listen(0, '127.0.0.1', r));
    try {
      client.dial(`tcp://127.0.0.1:${(future.address() as { port: number }).port}`);
      expect((await failed)[1]).toMatch(/version 99/);
      expect(client.stats().outbound.failed['version-mismatch']).toBe(1);
    } finally {
      future.close();
      raw.destroy();
    }
  });
});

describe('TCP listener: garbage and oversize', () => {
  it('garbage bytes (an HTTP request) fail framing: counted, bye protocolError, closed', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    await raw.closed;
    await until(() => server.stats().inbound.rejected['protocol-error'] === 1);
    expect(server.stats().wireErrors.too_large).toBe(1); // "GET " read as a length
  });

  it('a well-framed garbage first frame is malformed: counted, bye protocolError, closed', async () => {
    const server = await listening({ peerId: 'srv' });
    const raw = new RawPeer(portOf(server));
    raw.write(encodeLengthPrefixed(new Uint8Array([0xde, 0xad, 0xbe, 0xef])));
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    await raw.closed;
    await until(() => server.stats().wireErrors.malformed === 1);
  });

  it('an oversize declared length is refused before its body arrives', async () => {
    const maxFrameBytes = 4096;
    const server = await listening({ peerId: 'srv', limits: { maxFrameBytes } });
    const { raw, conn } = await helloed(server, 'big');
    const closed = next<[string]>(conn, 'close');
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, maxFrameBytes + 1);
    raw.write(prefix); // the prefix alone, no body: the verdict cannot depend on buffering it
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    expect((await closed)[0]).toMatch(/exceeds 4096/);
    await raw.closed;
    expect(server.stats().wireErrors.too_large).toBe(1);
  });

  it('drops undecodable frames and counts them; maxDecodeErrors of them close with bye tooManyErrors', async () => {
    const maxDecodeErrors = 4;
    const server = await listening({ peerId: 'srv', limits: { maxDecodeErrors } });
    const { raw, conn } = await helloed(server, 'sloppy');
    const data: number[] = [];
    conn.on('data', (f) => data.push(seqOf(f)));
    const bad = encodeLengthPrefixed(new Uint8Array([0x93, 0x01, 0x04])); // a msg envelope missing its fields
    for (let i = 0; i < maxDecodeErrors - 1; i++) raw.write(bad);
    raw.write(encodeLengthPrefixed(msg(1)));
    await until(() => data.length === 1);
    expect(conn.closed).toBe(false); // one short of the limit: still open, good frames still flow
    const closed = next<[string]>(conn, 'close');
    raw.write(bad);
    expect((await raw.frame('bye')).code).toBe(ByeCode.tooManyErrors);
    expect((await closed)[0]).toMatch(/4 undecodable frames/);
    expect(data).toEqual([1]);
    expect(server.stats().closed['too-many-errors']).toBe(1);
    expect(Object.values(server.stats().wireErrors).reduce((a, b) => a + b, 0)).toBe(maxDecodeErrors);
  });

  it('skips frames of unknown kinds (a newer peer) without counting them toward the limit', async () => {
    const server = await listening({ peerId: 'srv', limits: { maxDecodeErrors: 2 } });
    const { raw, conn } = await helloed(server, 'newer');
    const got = collect(conn, 2);
    raw.write(prefixed({ kind: 'ping', nonce: 1, time: 1 }));
    for (let i = 0; i < 10; i++) raw.write(prefixedRaw([PROTOCOL_VERSION, 99, 'a field from the future']));
    raw.write(encodeLengthPrefixed(msg(3)));
    const frames = await got;
    expect(seqOf(frames[1]!)).toBe(3);
    expect(conn.closed).toBe(false);
    expect(server.stats().wireErrors.unknown_kind).toBe(10);
  });

  it('a second hello on an open connection counts as a decode error and is not handed up', async () => {
    const server = await listening({ peerId: 'srv', limits: { maxDecodeErrors: 1 } });
    const { raw, conn } = await helloed(server, 'twice');
    const frames: Uint8Array[] = [];
    conn.on('data', (f) => frames.push(f));
    const closed = next<[string]>(conn, 'close');
    raw.write(prefixed(hello('twice')));
    expect((await raw.frame('bye')).code).toBe(ByeCode.tooManyErrors);
    await closed;
    expect(frames).toEqual([]);
  });
});

describe('TCP listener: slowloris', () => {
  it('a partial frame that stalls is closed after frameTimeoutMs', async () => {
    const server = await listening({ peerId: 'srv', limits: { frameTimeoutMs: 250 } });
    const { raw, conn } = await helloed(server, 'loris');
    const closed = next<[string]>(conn, 'close');
    raw.write(encodeLengthPrefixed(msg(1, 500)).subarray(0, 100));
    expect((await closed)[0]).toMatch(/incomplete for 250 ms/);
    await raw.closed;
    expect(server.stats().closed['frame-timeout']).toBe(1);
  });

  it('a bare length prefix, with not one byte of its body after it, is closed after frameTimeoutMs too', async () => {
    const server = await listening({ peerId: 'srv', limits: { frameTimeoutMs: 250, idleTimeoutMs: 0 } });
    const { raw, conn } = await helloed(server, 'prefix-only');
    const closed = next<[string]>(conn, 'close');
    raw.write(encodeLengthPrefixed(msg(1, 500)).subarray(0, 4));
    expect((await closed)[0]).toMatch(/incomplete for 250 ms/);
    expect(server.stats().closed['frame-timeout']).toBe(1);
  });

  it('a frame trickled byte by byte is cut although bytes keep coming', async () => {
    // Idle timeout off: the frame timer alone must cut it, although the trickle keeps the socket busy.
    const server = await listening({ peerId: 'srv', limits: { frameTimeoutMs: 300, idleTimeoutMs: 0 } });
    const { raw, conn } = await helloed(server, 'trickle');
    const closed = next<[string]>(conn, 'close');
    const frame = encodeLengthPrefixed(msg(1, 500));
    let i = 0;
    const drip = setInterval(() => raw.write(frame.subarray(i, ++i)), 20);
    try {
      expect((await closed)[0]).toMatch(/incomplete/);
    } finally {
      clearInterval(drip);
    }
    expect(i).toBeLessThan(frame.length);
    expect(server.stats().closed['frame-timeout']).toBe(1);
  });

  it('whole frames spread out in time are fine; a silent connection hits the idle timeout', async () => {
    const server = await listening({ peerId: 'srv', limits: { frameTimeoutMs: 200, idleTimeoutMs: 800 } });
    const { raw, conn } = await helloed(server, 'calm');
    const seqs: number[] = [];
    conn.on('data', (f) => seqs.push(seqOf(f)));
    for (let s = 0; s < 3; s++) {
      raw.write(encodeLengthPrefixed(msg(s)));
      await sleep(250); // longer than frameTimeoutMs: the frame timer only runs while a frame is partial
    }
    expect(seqs).toEqual([0, 1, 2]);
    expect(conn.closed).toBe(false);
    expect((await next<[string]>(conn, 'close'))[0]).toMatch(/no traffic for 800 ms/);
    expect(server.stats().closed['idle-timeout']).toBe(1);
  });
});

describe('TCP listener: peers that do not play along', () => {
  it('closes a connection whose unread send queue passes maxBufferedBytes', async () => {
    const limits = { highWaterMarkBytes: 256 * 1024, maxBufferedBytes: 2 * 1024 * 1024 };
    const server = await listening({ peerId: 'srv', limits });
    const { raw, conn } = await helloed(server, 'deaf');
    raw.socket.pause(); // never reads again: the kernel buffers fill, then ours
    const closed = next<[string]>(conn, 'close', 10_000);
    const frame = msg(0, 60 * 1024);
    let maxBuffered = 0;
    // A careless sender that ignores send()'s false, one burst per turn of the event loop.
    while (!conn.closed) {
      for (let i = 0; i < 4 && !conn.closed; i++) {
        conn.send(frame);
        maxBuffered = Math.max(maxBuffered, conn.bufferedAmount);
      }
      await new Promise((r) => setImmediate(r));
    }
    expect((await closed)[0]).toMatch(/does not read/);
    expect(maxBuffered).toBeLessThanOrEqual(limits.maxBufferedBytes + frame.length + 4);
    expect(server.stats().closed['send-overflow']).toBe(1);
    raw.destroy();
  });

  it('destroys a socket that does not close its side within closeTimeoutMs of our FIN', async () => {
    const server = await listening({ peerId: 'srv', limits: { closeTimeoutMs: 300 } });
    const raw = new RawPeer(portOf(server), undefined, { allowHalfOpen: true });
    raw.write('garbage!');
    expect((await raw.frame('bye')).code).toBe(ByeCode.protocolError);
    await sleep(100);
    expect(server.stats().inbound.rejected['protocol-error']).toBeUndefined(); // still waiting for the peer
    await until(() => server.stats().inbound.rejected['protocol-error'] === 1, 2_000);
    raw.destroy();
  });
});

describe('TCP listener: connection floods', () => {
  it('caps sockets per remote address and in total; a good peer keeps working throughout', async () => {
    const limits = { maxConnectionsPerAddress: 3, maxConnections: 6 };
    const { server, inbound, outbound } = await connectedPair({ limits }); // the good peer, from 127.0.0.1

    // 100 sockets from 127.0.0.2: 3 admitted, 97 destroyed on accept.
    const flood = Array.from({ length: 100 }, () => new RawPeer(portOf(server), '127.0.0.2'));
    // Then 20 from 127.0.0.3: the total cap (6 = 1 good + 3 + 2) stops them before their per-address cap.
    await until(() => server.stats().inbound.rejected['per-address-cap'] === 97, 5_000, 'per-address rejections');
    const second = Array.from({ length: 20 }, () => new RawPeer(portOf(server), '127.0.0.3'));
    await until(() => server.stats().inbound.rejected['total-cap'] === 18, 5_000, 'total-cap rejections');

    // The good connection still carries frames both ways while the flood sockets are held open.
    const atServer = collect(inbound, 200);
    const atClient = collect(outbound, 200);
    for (let i = 0; i < 200; i++) {
      outbound.send(msg(i));
      inbound.send(msg(i));
    }
    expect((await atServer).map(seqOf)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect((await atClient).map(seqOf)).toEqual(Array.from({ length: 200 }, (_, i) => i));

    // A new good peer is refused while the listener is full (its dial fails, it is not left hanging)...
    const late = transport({ peerId: 'late' });
    const refused = next<[string, string]>(late, 'dial-failed');
    late.dial(server.listenAddress()!);
    await refused;
    expect(server.stats().inbound.rejected['total-cap']).toBe(19);

    // ...and admitted once the flood goes away: slots are released when sockets close.
    for (const raw of [...flood, ...second]) raw.destroy();
    await until(() => server.stats().handshaking === 0, 5_000, 'flood sockets released');
    const admitted = next<[Connection]>(late, 'connection');
    late.dial(server.listenAddress()!);
    expect((await admitted)[0].remotePeerId).toBe('server');
  });

  it('every other peer keeps working while garbage, oversize, slowloris and floods hit the listener', async () => {
    const limits = { maxConnectionsPerAddress: 8, frameTimeoutMs: 300, handshakeTimeoutMs: 300, maxFrameBytes: 64 * 1024 };
    const { server, inbound, outbound } = await connectedPair({ limits });
    const port = portOf(server);
    const abuse: RawPeer[] = [];
    const from = '127.0.0.2';
    const garbage = new RawPeer(port, from);
    garbage.write(new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 0xff));
    const oversize = new RawPeer(port, from);
    oversize.write(new Uint8Array([0x7f, 0xff, 0xff, 0xff]));
    const silent = new RawPeer(port, from);
    const loris = new RawPeer(port, from);
    loris.write(prefixed(hello('loris')));
    loris.write(encodeLengthPrefixed(msg(0, 1000)).subarray(0, 10));
    abuse.push(garbage, oversize, silent, loris);
    // Let these four be admitted first, so the flood below is what meets the per-address cap.
    await Promise.all(abuse.map((r) => r.connected));
    await until(() => server.stats().handshaking + server.stats().open >= 3, 2_000, 'abusers admitted');
    for (let i = 0; i < 50; i++) abuse.push(new RawPeer(port, from));

    // Meanwhile the good pair exchanges 20 rounds of frames.
    for (let round = 0; round < 20; round++) {
      const a = collect(inbound, 10);
      const b = collect(outbound, 10);
      for (let i = 0; i < 10; i++) {
        outbound.send(msg(round * 10 + i, 2000));
        inbound.send(msg(round * 10 + i, 2000));
      }
      expect((await a).map(seqOf)).toEqual(Array.from({ length: 10 }, (_, i) => round * 10 + i));
      expect((await b).map(seqOf)).toEqual(Array.from({ length: 10 }, (_, i) => round * 10 + i));
      await sleep(20);
    }
    // Every abusive socket is gone, by its own rule.
    await Promise.all(abuse.map((r) => r.closed));
    const s = server.stats();
    // Each of the 54 sockets is accounted for once: refused on accept, failed before its hello, or (the
    // loris, which did say hello) closed by the frame timeout.
    const rejected = Object.values(s.inbound.rejected).reduce((a, b) => a + b, 0);
    expect(rejected + (s.closed['frame-timeout'] ?? 0)).toBe(abuse.length);
    expect(s.closed['frame-timeout']).toBe(1);
    expect(s.inbound.rejected['per-address-cap']).toBeGreaterThanOrEqual(50 - 8); // the flood, minus freed slots
    expect(s.inbound.rejected['protocol-error']).toBeGreaterThanOrEqual(2); // garbage and oversize
    expect(s.inbound.rejected['handshake-timeout']).toBeGreaterThanOrEqual(1); // silent, loris and the idle flood
    expect(s.open).toBe(1);
    expect(inbound.closed).toBe(false);
  });
});
