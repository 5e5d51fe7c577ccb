/** Rooms, membership events and signal relay, against a running server. */
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, cleanup, startServer } from './helpers.js';

afterEach(cleanup);

describe('signaling server: rooms', () => {
  it('tells a joiner the current members and the members about the joiner', async () => {
    const { url } = await startServer();
    const a = await TestClient.connect(url);
    expect(await a.join('lobby', 'alice')).toEqual({ kind: 'joined', room: 'lobby', peerId: 'alice', peers: [] });
    const b = await TestClient.connect(url);
    expect((await b.join('lobby', 'bob')).peers).toEqual(['alice']);
    expect(await a.expect('peer-joined')).toEqual({ kind: 'peer-joined', room: 'lobby', peerId: 'bob' });
    const c = await TestClient.connect(url);
    expect((await c.join('lobby', 'carol')).peers.sort()).toEqual(['alice', 'bob']);
    expect((await a.expect('peer-joined')).peerId).toBe('carol');
    expect((await b.expect('peer-joined')).peerId).toBe('carol');
  });

  it('keeps rooms apart', async () => {
    const { url } = await startServer();
    const a = await TestClient.connect(url);
    await a.join('one', 'alice');
    const b = await TestClient.connect(url);
    expect((await b.join('two', 'bob')).peers).toEqual([]);
    await a.expectNothingPending();
  });

  it('sends peer-left on leave and on close', async () => {
    const { url } = await startServer();
    const [a, b, c] = await Promise.all([TestClient.connect(url), TestClient.connect(url), TestClient.connect(url)]);
    await a.join('lobby', 'alice');
    await b.join('lobby', 'bob');
    await a.expect('peer-joined');
    await c.join('lobby', 'carol');
    await a.expect('peer-joined');
    await b.expect('peer-joined');

    b.send({ kind: 'leave', room: 'lobby' });
    expect(await a.expect('peer-left')).toEqual({ kind: 'peer-left', room: 'lobby', peerId: 'bob' });
    expect((await c.expect('peer-left')).peerId).toBe('bob');

    c.ws.close();
    expect(await a.expect('peer-left')).toEqual({ kind: 'peer-left', room: 'lobby', peerId: 'carol' });
    // bob left the room, so hears nothing of it any more
    await b.expectNothingPending();
  });

  it('relays a signal only to its target, with `from` stamped by the server', async () => {
    const { url, server } = await startServer();
    const [a, b, c] = await Promise.all([TestClient.connect(url), TestClient.connect(url), TestClient.connect(url)]);
    await a.join('lobby', 'alice');
    await b.join('lobby', 'bob');
    await c.join('lobby', 'carol');
    await a.expect('peer-joined');
    await a.expect('peer-joined');
    await b.expect('peer-joined');

    a.send({ kind: 'signal', room: 'lobby', from: 'carol', to: 'bob', data: '{"sdp":"offer"}' });
    expect(await b.expect('signal')).toEqual({ kind: 'signal', room: 'lobby', from: 'alice', to: 'bob', data: '{"sdp":"offer"}' });
    await c.expectNothingPending();
    await a.expectNothingPending();
    expect(server.metrics.snapshot().signalsRelayedTotal).toBe(1);
  });

  it('stamps the sender id of the signal’s own room when a connection is in several rooms', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await a.join('one', 'a-in-one');
    await a.join('two', 'a-in-two');
    await b.join('two', 'bob');
    await a.expect('peer-joined');
    a.send({ kind: 'signal', room: 'two', from: '', to: 'bob', data: 'x' });
    expect((await b.expect('signal')).from).toBe('a-in-two');
  });

  it('keeps a connection’s rooms apart as it leaves its first room and joins again, and leaves all on close', async () => {
    // A short join timeout: leaving one room of several must not start it.
    const { url } = await startServer({ limits: { joinTimeoutMs: 200 } });
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    for (const room of ['one', 'two', 'three']) await b.join(room, 'bob');
    for (const room of ['one', 'two', 'three']) {
      await a.join(room, `a-in-${room}`);
      expect(await b.expect('peer-joined')).toMatchObject({ room, peerId: `a-in-${room}` });
    }
    a.send({ kind: 'leave', room: 'one' }); // the first room joined
    expect(await b.expect('peer-left')).toEqual({ kind: 'peer-left', room: 'one', peerId: 'a-in-one' });
    a.send({ kind: 'signal', room: 'one', from: '', to: 'bob', data: 'x' });
    await a.expectError('not_joined');
    a.send({ kind: 'signal', room: 'two', from: '', to: 'bob', data: 'x' });
    expect((await b.expect('signal')).from).toBe('a-in-two');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await a.expectNothingPending(); // still in two rooms: no join timeout

    expect((await a.join('one', 'a-again')).peers).toEqual(['bob']);
    expect((await b.expect('peer-joined')).peerId).toBe('a-again');
    a.send({ kind: 'join', room: 'two', peerId: 'x', role: 'browser', secret: '' });
    await a.expectError('already_joined');
    for (const [room, from] of [['one', 'a-again'], ['three', 'a-in-three']] as const) {
      a.send({ kind: 'signal', room, from: '', to: 'bob', data: room });
      expect(await b.expect('signal')).toMatchObject({ room, from, data: room });
    }

    a.ws.close();
    const left: string[] = [];
    for (let i = 0; i < 3; i++) {
      const frame = await b.expect('peer-left');
      left.push(`${frame.room}/${frame.peerId}`);
    }
    expect(left.sort()).toEqual(['one/a-again', 'three/a-in-three', 'two/a-in-two']);
    await b.expectNothingPending();
  });

  it('answers a signal to a peer that is not in the room with unknown_peer', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await a.join('one', 'alice');
    await b.join('two', 'bob');
    a.send({ kind: 'signal', room: 'one', from: '', to: 'bob', data: 'x' });
    const error = await a.expect('error');
    expect(error).toMatchObject({ code: 'unknown_peer', peerId: 'bob' });
    await b.expectNothingPending();
  });

  it('does not charge unknown_peer to the abuse budget (a peer leaving mid-negotiation is a race, not abuse)', async () => {
    const { url } = await startServer({ limits: { maxErrors: 3 } });
    const a = await TestClient.connect(url);
    await a.join('one', 'alice');
    for (let i = 0; i < 10; i++) {
      a.send({ kind: 'signal', room: 'one', from: '', to: `gone-${i}`, data: 'x' });
      expect(await a.expect('error')).toMatchObject({ code: 'unknown_peer', peerId: `gone-${i}` });
    }
    await a.expectNothingPending();
  });

  it('answers frames for rooms the client never joined with not_joined', async () => {
    const { url, server } = await startServer();
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await b.join('lobby', 'bob');
    await a.join('elsewhere', 'alice');
    a.send({ kind: 'signal', room: 'lobby', from: '', to: 'bob', data: 'x' });
    await a.expectError('not_joined');
    a.send({ kind: 'leave', room: 'lobby' });
    await a.expectError('not_joined');
    await b.expectNothingPending();
    expect(server.metrics.snapshot().errorsTotal['not_joined']).toBeGreaterThanOrEqual(2);
  });

  it('refuses a taken peer id with id_taken and leaves the holder alone', async () => {
    const { url } = await startServer();
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await a.join('lobby', 'alice');
    b.send({ kind: 'join', room: 'lobby', peerId: 'alice', role: 'browser', secret: '' });
    await b.expectError('id_taken');
    await a.expectNothingPending();
    // the same id in another room is fine
    expect((await b.join('other', 'alice')).peers).toEqual([]);
  });

  it('refuses joining the same room twice on one connection', async () => {
    const { url } = await startServer();
    const a = await TestClient.connect(url);
    await a.join('lobby', 'alice');
    a.send({ kind: 'join', room: 'lobby', peerId: 'alice2', role: 'browser', secret: '' });
    await a.expectError('already_joined');
  });

  it('answers frames a client may not send with unexpected_frame', async () => {
    const { url } = await startServer();
    const a = await TestClient.connect(url);
    await a.join('lobby', 'alice');
    a.send({ kind: 'peer-joined', room: 'lobby', peerId: 'ghost' });
    await a.expectError('unexpected_frame');
    a.send({ kind: 'ping', nonce: 1, time: 0 });
    await a.expectError('unexpected_frame');
  });
});
