/**
 * The signaling server's own WebSocket layer (signaling-server/src/websocket/) against a client written
 * byte by byte (raw-websocket.ts): the handshake, frames split anywhere, fragments, control frames, the
 * close handshake, and every frame the RFC says must fail the connection — each answered with its close
 * code, counted, and never felt by another client. Library clients (`ws`, Chromium) are the other suites.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNALING_LIMITS } from '../../signaling-server/src/index.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { TestClient, cleanup, startServer, waitFor } from './helpers.js';
import {
  RawWebSocket,
  clientFrame,
  clientMessage,
  closePayload,
  OP,
  destroyRawWebSockets,
  upgradeRequest,
} from './raw-websocket.js';

afterEach(async () => {
  destroyRawWebSockets();
  await cleanup();
});

const { binary: BINARY, text: TEXT, continuation: CONTINUATION, close: CLOSE, ping: PING, pong: PONG } = OP;

const join = (room: string, peerId: string) => clientMessage({ kind: 'join', room, peerId, role: 'browser', secret: '' });

async function joined(client: RawWebSocket): Promise<string[]> {
  const frame = await client.nextMessage();
  if (frame.kind !== 'joined') throw new Error(`expected joined, got ${frame.kind}`);
  return frame.peers;
}

/** Two raw clients in `room` as a and b, a having seen b's peer-joined. */
async function rawPair(port: number, room: string): Promise<[RawWebSocket, RawWebSocket]> {
  const [a, b] = [await RawWebSocket.open(port), await RawWebSocket.open(port)];
  a.send(join(room, 'a'));
  await joined(a);
  b.send(join(room, 'b'));
  await joined(b);
  expect((await a.nextMessage()).kind).toBe('peer-joined');
  return [a, b];
}

describe('signaling server: WebSocket handshake', () => {
  it('echoes the first subprotocol a client offers (a `ws` client with protocols opens), and refuses a malformed offer', async () => {
    const { port, url } = await startServer();
    const offered = await RawWebSocket.open(port, { request: upgradeRequest({ 'Sec-WebSocket-Protocol': 'meshcast.v1, other' }) });
    expect(offered.response.split('\r\n')).toContain('Sec-WebSocket-Protocol: meshcast.v1');
    const ws = new WebSocket(url, ['meshcast.v1']);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('meshcast.v1');
    ws.terminate();
    const bad = await RawWebSocket.open(port, { request: upgradeRequest({ 'Sec-WebSocket-Protocol': 'a b' }) });
    expect(bad.status).toBe(400);
  });

  it('names the version it wants in a 426', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port, { request: upgradeRequest({ 'Sec-WebSocket-Version': '8' }) });
    expect(client.status).toBe(426);
    expect(client.response).toContain('Sec-WebSocket-Version: 13');
  });

  it('answers 101 with the accept value of RFC 6455 §1.3 for its sample key', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port);
    expect(client.status).toBe(101);
    expect(client.response).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(client.response).not.toMatch(/Sec-WebSocket-(Extensions|Protocol)/); // none negotiated
  });

  it.each([
    ['a POST', 405, upgradeRequest({}, 'POST')],
    ['no key', 400, upgradeRequest({ 'Sec-WebSocket-Key': '' })],
    ['a key that is not 16 bytes of base64', 400, upgradeRequest({ 'Sec-WebSocket-Key': 'c2hvcnQ=' })],
    ['version 8', 426, upgradeRequest({ 'Sec-WebSocket-Version': '8' })],
    ['no version', 426, upgradeRequest({ 'Sec-WebSocket-Version': '' })],
    ['an upgrade to another protocol', 400, upgradeRequest({ Upgrade: 'h2c' })],
  ])('refuses %s with HTTP %d and counts it', async (_what, status, request) => {
    const { port, server } = await startServer();
    const client = await RawWebSocket.open(port, { request });
    expect(client.status).toBe(status);
    await client.ended;
    expect(server.metrics.snapshot().rejectedConnectionsTotal['bad_request']).toBe(1);
  });

  it('reads frames the client sent in the same packet as its request', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port, { afterRequest: join('lobby', 'early') });
    expect(await joined(client)).toEqual([]);
  });
});

describe('signaling server: WebSocket frames', () => {
  it('reads frames split at any byte and several frames in one read (property)', async () => {
    const { port } = await startServer({ limits: { messageBurst: 10_000, messagesPerSecond: 10_000 } });
    const receiver = await RawWebSocket.open(port);
    receiver.send(join('split', 'b'));
    await joined(receiver);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), async (sizes, cuts) => {
        const sender = await RawWebSocket.open(port);
        const id = `a${run++}`;
        const frames = sizes.map((size, i) =>
          clientMessage({ kind: 'signal', room: 'split', from: '', to: 'b', data: `${i}:${'x'.repeat(size)}` }),
        );
        const bytes = Buffer.concat([join('split', id), clientFrame(PING, Buffer.from('p')), ...frames]);
        const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((x, y) => x - y);
        let from = 0;
        for (const point of [...points, bytes.length]) {
          if (point <= from) continue;
          sender.send(bytes.subarray(from, point));
          from = point;
          await new Promise((resolve) => setImmediate(resolve)); // separate reads on the server
        }
        expect((await sender.next({ pings: true })).opcode).toBe(0x2); // joined
        const pong = await sender.next({ pings: true });
        expect([pong.opcode, pong.payload.toString()]).toEqual([PONG, 'p']);
        expect((await receiver.nextMessage()).kind).toBe('peer-joined');
        for (let i = 0; i < sizes.length; i++) {
          const signal = await receiver.nextMessage();
          expect(signal).toMatchObject({ kind: 'signal', from: id, data: `${i}:${'x'.repeat(sizes[i]!)}` });
        }
        sender.socket.destroy();
        expect((await receiver.nextMessage()).kind).toBe('peer-left');
      }),
      { numRuns: 25 },
    );
  });

  it('assembles a fragmented message, answering a ping sent between its fragments', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port);
    const message = encodeFrame({ kind: 'join', room: 'frag', peerId: 'f', role: 'browser', secret: '' });
    client.send(clientFrame(BINARY, message.subarray(0, 3), { fin: false }));
    client.send(clientFrame(CONTINUATION, message.subarray(3, 3), { fin: false })); // empty fragments are fine
    client.send(clientFrame(PING, Buffer.from('mid')));
    client.send(clientFrame(CONTINUATION, message.subarray(3), { fin: true }));
    const pong = await client.next();
    expect([pong.opcode, pong.payload.toString()]).toEqual([PONG, 'mid']);
    expect(await joined(client)).toEqual([]);
  });

  it('answers pings within the message rate only; each ping over it is a rate_limited error, and a flood closes the connection', async () => {
    const { port, server } = await startServer({ limits: { messagesPerSecond: 1, messageBurst: 5 } });
    const client = await RawWebSocket.open(port);
    client.send(Buffer.concat(Array.from({ length: 30 }, (_, i) => clientFrame(PING, Buffer.from(String(i))))));
    const pongs: string[] = [];
    const errors: string[] = [];
    for (let frame = await client.next({ pings: true }); frame.opcode !== CLOSE; frame = await client.next({ pings: true })) {
      if (frame.opcode === PONG) pongs.push(frame.payload.toString());
      else errors.push((decodeFrame(new Uint8Array(frame.payload)) as { code: string }).code);
    }
    expect(pongs).toEqual(['0', '1', '2', '3', '4']);
    // maxErrors (10) rate_limited errors, then the close: the other 15 pings are not read any more
    expect(errors).toEqual(Array(DEFAULT_SIGNALING_LIMITS.maxErrors).fill('rate_limited'));
    expect(server.metrics.snapshot().rateLimitedTotal).toBe(DEFAULT_SIGNALING_LIMITS.maxErrors);
  });

  it('reads a frame trickled in one byte per read (its header in three steps), and the next one after it', async () => {
    const { port } = await startServer();
    const [a, b] = await rawPair(port, 'trickle');
    const data = 'z'.repeat(300); // a 16-bit length: 2, then 8 header bytes, then the payload
    const bytes = Buffer.concat([
      clientMessage({ kind: 'signal', room: 'trickle', from: '', to: 'a', data }),
      clientMessage({ kind: 'signal', room: 'trickle', from: '', to: 'a', data: 'after' }),
    ]);
    for (const byte of bytes) {
      b.send(Buffer.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await a.nextMessage()).toMatchObject({ kind: 'signal', from: 'b', data });
    expect(await a.nextMessage()).toMatchObject({ kind: 'signal', from: 'b', data: 'after' });
  });

  it('answers a valid UTF-8 text message with a malformed error (frames are binary)', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port);
    client.send(clientFrame(TEXT, Buffer.from('héllo')));
    const frame = await client.nextMessage();
    expect(frame).toMatchObject({ kind: 'error', code: 'malformed' });
  });

  const { maxPayloadBytes, maxFragmentsPerMessage } = DEFAULT_SIGNALING_LIMITS;
  const fragments = (count: number): Buffer =>
    Buffer.concat(Array.from({ length: count }, (_, i) => clientFrame(i === 0 ? BINARY : CONTINUATION, Buffer.from('x'), { fin: i === count - 1 })));
  it.each<[string, number, string, () => Buffer]>([
    ['an unmasked binary frame', 1002, 'protocol', () => clientFrame(BINARY, Buffer.from('abc'), { masked: false })],
    ['reserved bits (compression nobody negotiated)', 1002, 'protocol', () => clientFrame(BINARY, Buffer.from('abc'), { rsv: 4 })],
    ['an unknown data opcode', 1002, 'protocol', () => clientFrame(0x3, Buffer.from('abc'))],
    ['an unknown control opcode', 1002, 'protocol', () => clientFrame(0xb)],
    ['a fragmented ping', 1002, 'protocol', () => clientFrame(PING, Buffer.from('a'), { fin: false })],
    ['a ping over 125 bytes', 1002, 'protocol', () => clientFrame(PING, Buffer.alloc(126))],
    ['a continuation with no message begun', 1002, 'protocol', () => clientFrame(CONTINUATION, Buffer.from('a'))],
    ['a new message inside a fragmented one', 1002, 'protocol', () => Buffer.concat([clientFrame(BINARY, Buffer.from('a'), { fin: false }), clientFrame(BINARY, Buffer.from('b'))])],
    ['a text message that is not UTF-8', 1007, 'protocol', () => clientFrame(TEXT, Buffer.from([0xc3, 0x28]))],
    ['a close frame of one byte', 1002, 'protocol', () => clientFrame(CLOSE, Buffer.from([3]))],
    ['a close code no endpoint may send (1005)', 1002, 'protocol', () => clientFrame(CLOSE, closePayload(1005))],
    ['a close reason that is not UTF-8', 1007, 'protocol', () => clientFrame(CLOSE, closePayload(1000, Buffer.from([0xff])))],
    ['a frame declaring 2^40 bytes', 1009, 'too_large', () => clientFrame(BINARY, Buffer.alloc(0), { declaredLength: 2 ** 40 })],
    ['a message over maxPayloadBytes in fragments', 1009, 'too_large', () => Buffer.concat([clientFrame(BINARY, Buffer.alloc(maxPayloadBytes - 10), { fin: false }), clientFrame(CONTINUATION, Buffer.alloc(11))])],
    ['a message in more than maxFragmentsPerMessage fragments', 1009, 'too_large', () => fragments(maxFragmentsPerMessage + 1)],
  ])('fails the connection on %s: close %d, counted, other clients unaffected', async (_what, code, counter, bytes) => {
    const { port, url, server } = await startServer();
    const bystander = await TestClient.connect(url);
    await bystander.join('room', 'bystander');
    const client = await RawWebSocket.open(port);
    client.send(join('room', 'offender'));
    await joined(client);
    client.send(bytes());
    expect((await client.closeFrame()).code).toBe(code);
    await client.ended; // the server ends its side after its close frame
    expect(server.metrics.snapshot().errorsTotal[counter]).toBe(1);
    await bystander.expect('peer-joined');
    client.socket.end();
    await client.closed;
    expect(await bystander.expect('peer-left')).toMatchObject({ peerId: 'offender' });
    await bystander.expectNothingPending();
  });

  it('reads a message of exactly maxFragmentsPerMessage fragments', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port);
    const message = encodeFrame({ kind: 'join', room: 'many', peerId: 'm', role: 'browser', secret: '' });
    const count = DEFAULT_SIGNALING_LIMITS.maxFragmentsPerMessage;
    const step = Math.ceil(message.length / count);
    const parts = Array.from({ length: count }, (_, i) => message.subarray(Math.min(i * step, message.length), Math.min((i + 1) * step, message.length)));
    client.send(Buffer.concat(parts.map((part, i) => clientFrame(i === 0 ? BINARY : CONTINUATION, part, { fin: i === count - 1 }))));
    expect(await joined(client)).toEqual([]);
  });
});

describe('signaling server: WebSocket close', () => {
  it('echoes a client close frame, closes the socket and the room hears peer-left', async () => {
    const { port, url } = await startServer();
    const bystander = await TestClient.connect(url);
    await bystander.join('bye', 'bystander');
    const client = await RawWebSocket.open(port);
    client.send(join('bye', 'leaver'));
    await joined(client);
    await bystander.expect('peer-joined');
    client.send(clientFrame(CLOSE, closePayload(4000, 'done here')));
    expect(await client.closeFrame()).toEqual({ code: 4000, reason: '' });
    await client.ended;
    client.socket.end();
    await client.closed;
    expect(await bystander.expect('peer-left')).toMatchObject({ peerId: 'leaver' });
  });

  it('echoes an empty close frame with an empty one', async () => {
    const { port } = await startServer();
    const client = await RawWebSocket.open(port);
    client.send(clientFrame(CLOSE));
    const frame = await client.next();
    expect([frame.opcode, frame.payload.length]).toEqual([CLOSE, 0]);
    await client.ended;
  });

  it('ends a connection whose client half-closes without a close frame', async () => {
    const { port, url } = await startServer();
    const bystander = await TestClient.connect(url);
    await bystander.join('fin', 'bystander');
    const client = await RawWebSocket.open(port);
    client.send(join('fin', 'quitter'));
    await joined(client);
    client.socket.end();
    await client.closed;
    await bystander.expect('peer-joined');
    expect(await bystander.expect('peer-left')).toMatchObject({ peerId: 'quitter' });
  });

  it('reads a fragmented message the client sends after the server began closing, then takes its close reply', async () => {
    const { port, server } = await startServer({ limits: { joinTimeoutMs: 150 } });
    const client = await RawWebSocket.open(port);
    expect((await client.closeFrame()).code).toBe(1008); // join timeout: the server starts the close
    // The client had not seen the close yet: its message in two fragments, then its close reply.
    client.send(clientFrame(BINARY, Buffer.from('ab'), { fin: false }));
    client.send(clientFrame(CONTINUATION, Buffer.from('cd'), { fin: true }));
    client.send(clientFrame(CLOSE, closePayload(1008)));
    await client.ended; // a clean end: the server read the reply and closed its side
    expect(server.metrics.snapshot().errorsTotal['protocol']).toBeUndefined();
  });

  it('survives a throwing logger while it reads the bytes sent with the handshake', async () => {
    const logger = (_level: string, event: string): void => {
      if (event === 'protocol-error') throw new Error('logger failed');
    };
    const { port, url } = await startServer({ logger });
    const client = await RawWebSocket.open(port, { afterRequest: clientFrame(BINARY, Buffer.from('x'), { masked: false }) });
    await client.ended; // terminated; nothing escaped to the process
    const other = await TestClient.connect(url);
    await other.join('still-up', 'other');
  });

  it('destroys the socket of a client that never answers a close after closeTimeoutMs', async () => {
    const closeTimeoutMs = 300;
    const { port, server } = await startServer({ limits: { joinTimeoutMs: 100, closeTimeoutMs } });
    const client = await RawWebSocket.open(port);
    const start = performance.now();
    expect((await client.closeFrame()).code).toBe(1008); // join timeout: the server starts the close
    await client.ended; // we never answer it nor end our side: the server's FIN comes with its destroy
    const waited = performance.now() - start;
    expect(waited).toBeGreaterThanOrEqual(closeTimeoutMs - 20);
    expect(waited).toBeLessThan(closeTimeoutMs + 1_500);
    await waitFor(() => server.metrics.snapshot().connections === 0, 'the session to end');
  });

  it('has the close defaults of limits.ts', () => {
    expect(DEFAULT_SIGNALING_LIMITS.closeTimeoutMs).toBe(5_000);
    expect(DEFAULT_SIGNALING_LIMITS.maxFragmentsPerMessage).toBe(64);
  });
});

describe('signaling server: WebSocket sending', () => {
  it('uses the 16-bit length header for a frame of 126 bytes or more', async () => {
    const { port } = await startServer();
    const [a, b] = await rawPair(port, 'long');
    const data = 'y'.repeat(30_000);
    b.send(clientMessage({ kind: 'signal', room: 'long', from: '', to: 'a', data }));
    expect(await a.nextMessage()).toMatchObject({ kind: 'signal', from: 'b', data });
  });
});
