/** Per-room shared secrets and the Origin allowlist. */
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, cleanup, startServer, tryConnect } from './helpers.js';

afterEach(cleanup);

describe('signaling server: per-room secrets', () => {
  it('admits the right secret, refuses a wrong or missing one with unauthorized and closes', async () => {
    const { url, server } = await startServer({ secrets: { vault: 's3cret' } });
    const good = await TestClient.connect(url);
    expect((await good.join('vault', 'alice', 's3cret')).peers).toEqual([]);

    for (const secret of ['', 'S3CRET', 's3cret ']) {
      const bad = await TestClient.connect(url);
      bad.send({ kind: 'join', room: 'vault', peerId: 'mallory', role: 'browser', secret });
      await bad.expectError('unauthorized');
      expect((await bad.closed).code).toBe(1008);
    }
    await good.expectNothingPending(); // never saw mallory
    expect(server.metrics.snapshot().errorsTotal['unauthorized']).toBe(3);
    // rooms without a secret stay open; an inherited property name is not a secret
    const open = await TestClient.connect(url);
    await open.join('lobby', 'bob');
    await open.join('constructor', 'bob');
  });

  it('takes a function (here: one secret for every room)', async () => {
    const { url } = await startServer({ secrets: () => 'shared' });
    const a = await TestClient.connect(url);
    await a.join('any-room', 'alice', 'shared');
    const b = await TestClient.connect(url);
    b.send({ kind: 'join', room: 'other-room', peerId: 'bob', role: 'server', secret: 'guess' });
    await b.expectError('unauthorized');
  });

  it('takes a Map', async () => {
    const { url } = await startServer({ secrets: new Map([['vault', 'k']]) });
    const a = await TestClient.connect(url);
    a.send({ kind: 'join', room: 'vault', peerId: 'alice', role: 'browser', secret: '' });
    await a.expectError('unauthorized');
  });
});

describe('signaling server: Origin allowlist', () => {
  it('answers a disallowed Origin with HTTP 403 at the upgrade; allowed and absent Origins get in', async () => {
    const { url, server } = await startServer({ allowedOrigins: ['https://app.example'] });
    expect(await tryConnect(url, { origin: 'https://evil.example' })).toEqual({ opened: false, status: 403 });
    expect(server.metrics.snapshot().rejectedConnectionsTotal.origin).toBe(1);
    expect(server.metrics.snapshot().connections).toBe(0);
    expect((await tryConnect(url, { origin: 'https://app.example' })).opened).toBe(true);
    expect((await tryConnect(url)).opened).toBe(true); // no Origin: not a browser page
  });

  it('takes a predicate', async () => {
    const { url } = await startServer({ allowedOrigins: (origin) => origin.endsWith('.example') });
    expect((await tryConnect(url, { origin: 'https://a.example' })).opened).toBe(true);
    expect((await tryConnect(url, { origin: 'https://a.example.evil' })).status).toBe(403);
  });
});
