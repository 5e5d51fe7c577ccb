/**
 * Bad input against the TCP listener of a server peer built exactly as `meshcast peer` builds it
 * (createMeshNode from meshcast/node: TcpTransport without its own frame validation, the PeerManager
 * decoding and policing every frame). Garbage, oversize frames, never-finishing frames, unknown kinds
 * and a connection flood get closed connections and counters, while two good peers keep messaging.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMeshNode, type NodeMeshNode } from '../../src/node/create-node.js';
import type { TcpTransport } from '../../src/transport/tcp/tcp-transport.js';
import { encodeFrame } from '../../src/wire/codec.js';
import { encodeLengthPrefixed } from '../../src/wire/stream.js';
import { KIND_CODES, PROTOCOL_VERSION } from '../../src/wire/frames.js';
import { encode } from '@msgpack/msgpack';
import { hello, RawPeer, sleep, until } from '../transport/tcp-helpers.js';

const nodes: NodeMeshNode[] = [];
const raws: RawPeer[] = [];

afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function goodPair(limits = {}): Promise<{ server: NodeMeshNode; client: NodeMeshNode; port: number }> {
  const server = createMeshNode({ peerId: 'server', listen: '127.0.0.1:0', preset: 'fastDetection', tcpLimits: limits });
  nodes.push(server);
  await server.ready;
  const client = createMeshNode({ peerId: 'client', connect: [server.listenAddress()!], preset: 'fastDetection' });
  nodes.push(client);
  await client.ready;
  await until(() => server.peers().some((p) => p.id === 'client' && p.connected), 10_000, 'good link');
  const port = Number(server.listenAddress()!.split(':').pop());
  return { server, client, port };
}

/** The good link still carries a broadcast both ways. */
async function stillWorks(server: NodeMeshNode, client: NodeMeshNode, tag: string): Promise<void> {
  const atClient: string[] = [];
  const atServer: string[] = [];
  const off1 = client.on('message', (m) => atClient.push(m.text()));
  const off2 = server.on('message', (m) => atServer.push(m.text()));
  server.broadcast(`s-${tag}`);
  client.broadcast(`c-${tag}`);
  await until(() => atClient.includes(`s-${tag}`) && atServer.includes(`c-${tag}`), 10_000, `messages ${tag}`);
  off1();
  off2();
}

function raw(port: number, localAddress?: string): RawPeer {
  const r = new RawPeer(port, localAddress);
  raws.push(r);
  return r;
}

function tcpStats(n: NodeMeshNode): ReturnType<TcpTransport['stats']> {
  return (n.transport as TcpTransport).stats();
}

describe('server peer TCP listener under bad input', () => {
  it('closes a connection that sends garbage bytes or an oversize length; the good link keeps working', async () => {
    const { server, client, port } = await goodPair();
    const garbage = raw(port);
    await garbage.connected;
    garbage.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); // 'GET ' read as a length: far over the 1 MiB maximum
    await garbage.closed;
    const oversize = raw(port);
    await oversize.connected;
    oversize.write(new Uint8Array([0x7f, 0xff, 0xff, 0xff])); // declares 2 GiB: refused before buffering
    await oversize.closed;
    expect(tcpStats(server).wireErrors.too_large).toBeGreaterThanOrEqual(2);
    await stillWorks(server, client, 'after-garbage');
  });

  it('closes a link that keeps sending undecodable frames, and skips frames of unknown kinds', async () => {
    const { server, client, port } = await goodPair();
    const bad = raw(port);
    await bad.connected;
    bad.write(encodeLengthPrefixed(encodeFrame(hello('mallory'))));
    await bad.frame('hello');
    // A kind from a newer version: skipped, counted, not fatal.
    bad.write(encodeLengthPrefixed(encode([PROTOCOL_VERSION, 200, 'future'])));
    await sleep(200);
    expect(bad.socket.destroyed).toBe(false);
    // Well-framed nonsense, again and again: the PeerManager closes the link past its error budget.
    for (let i = 0; i < 100 && !bad.socket.destroyed; i++) bad.write(encodeLengthPrefixed(encode([PROTOCOL_VERSION, KIND_CODES.msg, 'x'])));
    await bad.closed;
    const rejected = server.stats().peers.counters.rejected;
    expect(rejected['decode-unknown_kind']).toBeGreaterThanOrEqual(1);
    expect(rejected['decode-bad_field'] ?? rejected['decode-malformed']).toBeGreaterThan(1);
    await stillWorks(server, client, 'after-bad-frames');
  });

  it('cuts a frame that never finishes (slowloris) and a socket that never says hello', async () => {
    const { server, client, port } = await goodPair({ handshakeTimeoutMs: 500, frameTimeoutMs: 500 });
    const silent = raw(port);
    const slow = raw(port);
    await Promise.all([silent.connected, slow.connected]);
    slow.write(encodeLengthPrefixed(encodeFrame(hello('slow'))));
    await slow.frame('hello');
    slow.write(new Uint8Array([0, 0, 0, 100, 0x95])); // 100 bytes promised, 1 sent
    await Promise.all([silent.closed, slow.closed]);
    await stillWorks(server, client, 'after-slowloris');
  });

  it('refuses a flood of connections from one address past the per-address cap', async () => {
    const { server, client, port } = await goodPair({ maxConnectionsPerAddress: 4 });
    const flood = Array.from({ length: 40 }, () => raw(port, '127.0.0.3'));
    await until(() => (tcpStats(server).inbound.rejected['per-address-cap'] ?? 0) >= 30, 10_000, 'per-address rejections');
    for (const r of flood) r.destroy();
    await stillWorks(server, client, 'after-flood');
  });
});
