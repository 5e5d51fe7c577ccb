/** GET /healthz, GET /metrics (Prometheus text), static files, graceful shutdown. */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOST, TestClient, cleanup, rawUpgradedSocket, startServer, tryConnect } from './helpers.js';

afterEach(cleanup);

/** A raw GET (the path is sent exactly as given, unlike fetch which normalizes it). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format: throws on any line that is not HELP, TYPE or a sample. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/))) continue;
    if ((m = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/))) {
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?[0-9.e+]+|NaN|\+Inf|-Inf)$/);
    if (!m) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    if (!types.has(m[1]!)) throw new Error(`sample before its TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('signaling server: HTTP', () => {
  it('GET /healthz answers 200 JSON with connections and rooms', async () => {
    const { url, port } = await startServer();
    const a = await TestClient.connect(url);
    await a.join('r1', 'a');
    await a.join('r2', 'a');
    await TestClient.connect(url);
    const res = await get(port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', connections: 2, rooms: 2 });
  });

  it('GET /metrics is Prometheus text and counts what happened', async () => {
    const { url, port } = await startServer({ allowedOrigins: ['https://ok.example'] });
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await a.join('lobby', 'alice');
    await b.join('lobby', 'bob');
    await a.expect('peer-joined');
    b.send({ kind: 'signal', room: 'lobby', from: '', to: 'alice', data: 'x' });
    await a.expect('signal');
    a.send({ kind: 'leave', room: 'nowhere' });
    await a.expectError('not_joined');
    a.ws.send(new Uint8Array([1, 2, 3]));
    await a.expectError('malformed');
    expect((await tryConnect(url, { origin: 'https://bad.example' })).status).toBe(403);

    const res = await get(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(res.body);
    const m = (name: string, labels?: Record<string, string>): number | undefined => valueOf(samples, `meshcast_signaling_${name}`, labels);
    expect(m('connections')).toBe(2);
    expect(m('rooms')).toBe(1);
    expect(m('joins_total')).toBe(2);
    expect(m('signals_relayed_total')).toBe(1);
    expect(m('messages_total')).toBe(5); // 2 joins, 1 signal, 1 leave, 1 garbage
    expect(m('errors_total', { code: 'not_joined' })).toBe(1);
    expect(m('errors_total', { code: 'malformed' })).toBe(1);
    expect(m('rejected_connections_total', { reason: 'origin' })).toBe(1);
    expect(m('heartbeat_terminations_total')).toBe(0);
    expect(m('rate_limited_total')).toBe(0);
    expect(types.get('meshcast_signaling_connections')).toBe('gauge');
    expect(types.get('meshcast_signaling_joins_total')).toBe('counter');
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    const { port } = await startServer();
    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/nope')).status).toBe(404);
    expect((await get(port, '/healthz', 'POST')).status).toBe(405);
  });
});

describe('signaling server: static files', () => {
  let base: string;
  let root: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'meshcast-static-'));
    root = join(base, 'demo');
    await mkdir(join(root, 'assets'), { recursive: true });
    await mkdir(join(root, 'empty'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(root, 'assets', 'style.css'), 'body{}');
    await writeFile(join(root, 'assets', 'blob.xyz'), 'raw');
    await writeFile(join(base, 'secret.txt'), 'do not serve');
    await symlink(join(base, 'secret.txt'), join(root, 'link.txt'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('serves files with their content types, index.html for /', async () => {
    const { port } = await startServer({ staticDir: root });
    const index = await get(port, '/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>demo</title>' });
    expect(await get(port, '/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' });
    expect((await get(port, '/assets/style.css')).type).toBe('text/css; charset=utf-8');
    expect((await get(port, '/assets/blob.xyz')).type).toBe('application/octet-stream');
    expect(await get(port, '/assets/app.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
    // the routes still win over files
    expect((await get(port, '/healthz')).type).toMatch(/^application\/json/);
  });

  it('never serves outside the directory: traversal, encoded traversal, symlinks, directories', async () => {
    const { port } = await startServer({ staticDir: root });
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '//../secret.txt',
      '/link.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
      '/assets',
      '/empty/',
      '/missing.js',
    ]) {
      const res = await get(port, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('do not serve');
    }
  });
});

describe('signaling server: graceful shutdown', () => {
  it('close() sends 1001 to every client, stops accepting, and resolves when they are gone', async () => {
    const { url, server } = await startServer();
    const [a, b] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    await a.join('lobby', 'alice');
    await server.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(server.metrics.snapshot().connections).toBe(0);
    expect((await tryConnect(url)).opened).toBe(false);
    await server.close(); // idempotent
  });

  // Each connection's own close timeout is a minute here: finishing in under 2 s proves shutdownTimeoutMs ended the wait.
  it('does not wait past shutdownTimeoutMs for a client that never answers the close', { timeout: 10_000 }, async () => {
    const { url, port, server } = await startServer({ limits: { shutdownTimeoutMs: 200, closeTimeoutMs: 60_000 } });
    const a = await TestClient.connect(url);
    const deaf = await rawUpgradedSocket(port);
    const deafClosed = new Promise((resolve) => deaf.once('close', resolve));
    deaf.resume(); // reads (so it sees the server hang up) but never answers the close frame
    const start = performance.now();
    await server.close();
    expect(performance.now() - start).toBeLessThan(2_000);
    expect((await a.closed).code).toBe(1001);
    await deafClosed;
    expect(server.metrics.snapshot().connections).toBe(0);
  });
});
