/**
 * createMeshNode from meshcast/node over real transports on 127.0.0.1: WebRTC between Node peers through
 * the real signaling server (@roamhq/wrtc), a TCP-only peer reaching a WebRTC-only peer through a
 * bridge that has both, and mutual TLS between two server peers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMeshNode, type NodeMeshNode, type NodeMeshOptions } from '../../src/node/create-node.js';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/src/index.js';
import type { MeshMessage } from '../../src/mesh/types.js';
import type { Connection } from '../../src/core/transport.js';
import { makeTestPki } from '../transport/tcp-helpers.js';

const nodes: NodeMeshNode[] = [];
let server: SignalingServer | undefined;

async function signalingUrl(): Promise<string> {
  server = createSignalingServer();
  const address = await server.listen(0, '127.0.0.1');
  return `ws://127.0.0.1:${address.port}/`;
}

function node(options: NodeMeshOptions): NodeMeshNode {
  const n = createMeshNode({ preset: 'fastDetection', ...options });
  nodes.push(n);
  return n;
}

function inbox(n: NodeMeshNode): MeshMessage[] {
  const got: MeshMessage[] = [];
  n.on('message', (m) => got.push(m));
  return got;
}

async function connected(n: NodeMeshNode, ids: string[], timeout = 20_000): Promise<void> {
  await expect.poll(() => ids.every((id) => n.peers().some((p) => p.id === id && p.connected)), { timeout }).toBe(true);
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await server?.close();
  server = undefined;
});

describe('createMeshNode (Node) over real transports', () => {
  it('meshes two Node peers over WebRTC through the signaling server', async () => {
    const url = await signalingUrl();
    const a = node({ peerId: 'w-a', room: 'r1', signaling: url });
    const b = node({ peerId: 'w-b', room: 'r1', signaling: url });
    await Promise.all([a.ready, b.ready]);
    await connected(a, ['w-b']);
    const got = inbox(b);
    a.broadcast('over webrtc');
    await expect.poll(() => got.map((m) => m.text()), { timeout: 10_000 }).toEqual(['over webrtc']);
    expect(got[0]?.origin).toBe('w-a');
    expect(got[0]?.from).toBe('w-a');
  });

  it('reconnects through fresh signaling when a WebRTC link closes', async () => {
    const url = await signalingUrl();
    const a = node({ peerId: 'x-a', room: 'r3', signaling: url });
    const b = node({ peerId: 'x-b', room: 'r3', signaling: url });
    const links: Connection[] = [];
    a.transport.on('connection', (c) => links.push(c));
    await Promise.all([a.ready, b.ready]);
    await connected(a, ['x-b']);
    expect(links).toHaveLength(1);
    // The data channel goes away (as after an ICE failure): both ends see the close.
    links[0]!.close('staged channel failure');
    await expect.poll(() => a.peers().find((p) => p.id === 'x-b')?.connected, { timeout: 5_000 }).toBe(false);
    // The PeerManager redials; the new link is negotiated through the signaling server again.
    await expect.poll(() => links.length, { timeout: 20_000 }).toBe(2);
    await connected(a, ['x-b']);
    const got = inbox(b);
    a.broadcast('after reconnect');
    await expect.poll(() => got.map((m) => m.text()), { timeout: 10_000 }).toEqual(['after reconnect']);
  });

  it('rejects ready when the room secret is wrong, and stays closed', async () => {
    server = createSignalingServer({ secrets: { locked: 'right' } });
    const address = await server.listen(0, '127.0.0.1');
    const n = node({ peerId: 's-a', room: 'locked', secret: 'wrong', signaling: `ws://127.0.0.1:${address.port}/` });
    const errors: unknown[] = [];
    n.on('error', (err) => errors.push(err));
    await expect(n.ready).rejects.toMatchObject({ code: 'unauthorized' });
    expect(errors).toHaveLength(1);
  });

  it('a node closed before it is ready starts nothing: no room member, no dials', async () => {
    const url = await signalingUrl();
    const watcher = node({ peerId: 'c-watch', room: 'r5', signaling: url });
    await watcher.ready;
    const early = node({ peerId: 'c-early', room: 'r5', signaling: url, connect: ['127.0.0.1:9'] });
    const dials: string[] = [];
    early.transport.on('dial-failed', (address) => dials.push(address));
    await early.close();
    await early.ready;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(watcher.peers().some((p) => p.id === 'c-early')).toBe(false);
    expect(dials).toEqual([]);
  });

  it('fails a WebRTC dial at once when signaling says the target is not in the room', async () => {
    const url = await signalingUrl();
    const a = node({ peerId: 'y-a', room: 'r4', signaling: url });
    await a.ready;
    const started = Date.now();
    const failed = new Promise<string>((resolve) => a.transport.on('dial-failed', (address, reason) => address === 'nobody' && resolve(reason)));
    a.transport.dial('nobody');
    expect(await failed).toBe('signaling: unknown_peer');
    // Far sooner than the 20 s negotiation timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('bridges a TCP-only peer and a WebRTC-only peer through a peer that has both', async () => {
    const url = await signalingUrl();
    const bridge = node({ peerId: 'bridge', listen: '127.0.0.1:0', room: 'r2', signaling: url });
    await bridge.ready;
    const tcpOnly = node({ peerId: 'tcp-only', connect: [bridge.listenAddress()!] });
    const rtcOnly = node({ peerId: 'rtc-only', room: 'r2', signaling: url });
    await Promise.all([tcpOnly.ready, rtcOnly.ready]);
    await connected(bridge, ['tcp-only', 'rtc-only']);
    const atRtc = inbox(rtcOnly);
    const atTcp = inbox(tcpOnly);
    tcpOnly.broadcast('from tcp');
    rtcOnly.broadcast('from webrtc');
    await expect.poll(() => atRtc.map((m) => m.text()), { timeout: 10_000 }).toEqual(['from tcp']);
    await expect.poll(() => atTcp.map((m) => m.text()), { timeout: 10_000 }).toEqual(['from webrtc']);
    expect(atRtc[0]?.hops).toBeGreaterThanOrEqual(1);
  });

  it('deflates a large payload on the wire and delivers the original bytes (broadcastCompressed)', async () => {
    const a = node({ peerId: 'z-a', listen: '127.0.0.1:0', relay: { mode: 'gossip' } });
    await a.ready;
    const b = node({ peerId: 'z-b', connect: [a.listenAddress()!], relay: { mode: 'gossip' } });
    await b.ready;
    await connected(a, ['z-b']);
    const got = inbox(b);
    const text = 'meshcast compresses repetitive payloads. '.repeat(500); // ~20 KB
    await a.broadcastCompressed(text);
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(1);
    expect(got[0]!.text()).toBe(text);
    const sent = a.stats();
    expect(sent.relay.gossip.compressedBroadcasts).toBe(1);
    // What crossed the link is far smaller than the payload.
    expect(sent.payloadBytesOut).toBeLessThan(text.length / 4);
  });

  it('links two server peers over mutual TLS, and refuses a peer with a certificate from another CA', async () => {
    const pki = makeTestPki();
    try {
      const tlsA = { key: pki.serverPeer.key, cert: pki.serverPeer.cert, ca: pki.ca };
      const a = node({ peerId: 'tls-a', listen: '127.0.0.1:0', tls: tlsA });
      await a.ready;
      expect(a.listenAddress()).toMatch(/^tls:\/\//);
      const b = node({ peerId: 'tls-b', connect: [a.listenAddress()!], tls: { key: pki.clientPeer.key, cert: pki.clientPeer.cert, ca: pki.ca } });
      await b.ready;
      await connected(a, ['tls-b']);
      const got = inbox(a);
      b.broadcast('encrypted');
      await expect.poll(() => got.map((m) => m.text()), { timeout: 10_000 }).toEqual(['encrypted']);

      const rogue = node({ peerId: 'tls-rogue', connect: [a.listenAddress()!], tls: { key: pki.rogue.key, cert: pki.rogue.cert, ca: pki.ca } });
      await rogue.ready;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(a.peers().some((p) => p.id === 'tls-rogue')).toBe(false);
      expect(rogue.peers().some((p) => p.connected)).toBe(false);
    } finally {
      pki.cleanup();
    }
  });
});
