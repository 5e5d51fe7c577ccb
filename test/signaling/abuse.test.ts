/** Bad input: every malformed frame gets an error frame, repeated abuse closes only the abuser. */
import { encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import { KIND_CODES, PROTOCOL_VERSION } from '../../src/wire/frames.js';
import { TestClient, cleanup, startServer } from './helpers.js';

afterEach(cleanup);

const bytes = (value: unknown): Uint8Array => encode(value);

describe('signaling server: bad input', () => {
  it('answers each kind of bad frame with its WireError code', async () => {
    const { url, server } = await startServer();
    const a = await TestClient.connect(url);
    const cases: [string, Uint8Array | string][] = [
      ['malformed', new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
      ['malformed', 'a text message'],
      ['malformed', new Uint8Array(0)],
      ['unknown_kind', bytes([PROTOCOL_VERSION, 99])],
      ['bad_version', bytes([PROTOCOL_VERSION + 1, KIND_CODES.join, 'lobby', 'a', 'browser', ''])],
      ['bad_field', bytes([PROTOCOL_VERSION, KIND_CODES.join, 'lobby', 'a', 'superuser', ''])],
      ['bad_field', bytes([PROTOCOL_VERSION, KIND_CODES.join, '', 'a', 'browser', ''])],
      ['bad_field', bytes([PROTOCOL_VERSION, KIND_CODES.signal, 'lobby', '', 'b', 42])],
    ];
    for (const [code, message] of cases) {
      a.ws.send(message);
      await a.expectError(code);
    }
    expect(server.metrics.snapshot().errorsTotal).toMatchObject({ malformed: 3, unknown_kind: 1, bad_version: 1, bad_field: 3 });
  });

  it('closes a connection after maxErrors errors within the window; everyone else keeps working', async () => {
    const { url, server } = await startServer({ limits: { maxErrors: 5 } });
    const [b, c] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await b.join('lobby', 'bob');
    await c.join('lobby', 'carol');
    await b.expect('peer-joined');
    const abuser = await TestClient.connect(url);
    await abuser.join('lobby', 'mallory');
    await b.expect('peer-joined');
    await c.expect('peer-joined');

    for (let i = 0; i < 50; i++) abuser.ws.send(new Uint8Array([0xc1, i]));
    expect(await abuser.closed).toEqual({ code: 1008, reason: 'too many errors' });
    expect((await b.expect('peer-left')).peerId).toBe('mallory');
    expect((await c.expect('peer-left')).peerId).toBe('mallory');
    // it got exactly maxErrors answers; nothing after the close started was acted on
    expect(server.metrics.snapshot().errorsTotal['malformed']).toBe(5);

    b.send({ kind: 'signal', room: 'lobby', from: '', to: 'carol', data: 'hi' });
    expect(await c.expect('signal')).toMatchObject({ from: 'bob', data: 'hi' });
    const d = await TestClient.connect(url);
    expect((await d.join('lobby', 'dave')).peers.sort()).toEqual(['bob', 'carol']);
  });

  it('survives random garbage from many clients at once', async () => {
    const { url, server } = await startServer({ limits: { maxErrors: 1_000 } });
    const [b, c] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await b.join('lobby', 'bob');
    await c.join('lobby', 'carol');
    await b.expect('peer-joined');
    const abusers = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(url)));
    let seed = 7;
    const nextByte = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (const abuser of abusers) {
      for (let i = 0; i < 20; i++) {
        const garbage = Uint8Array.from({ length: 1 + (nextByte() % 64) }, nextByte);
        abuser.ws.send(garbage);
      }
    }
    for (const abuser of abusers) for (let i = 0; i < 20; i++) expect((await abuser.next()).kind).toBe('error');
    b.send({ kind: 'signal', room: 'lobby', from: '', to: 'carol', data: 'still fine' });
    expect((await c.expect('signal')).data).toBe('still fine');
    expect(server.metrics.snapshot().connections).toBe(7);
  });
});
