/**
 * TcpTransport over TLS with mutual authentication, using a CA and certificates generated with openssl
 * for this run: good peers exchange frames; a client without a CA-signed certificate, a server the client
 * does not trust, and plaintext on either side all fail cleanly, and the listener keeps serving.
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/transport.js';
import type { TcpTlsOptions } from '../../src/transport/tcp/index.js';
import {
  closeAll,
  collect,
  connectedPair,
  hello,
  listening,
  makeTestPki,
  msg,
  next,
  portOf,
  prefixed,
  RawPeer,
  seqOf,
  transport,
  until,
  type TestPki,
} from './tcp-helpers.js';

let pki: TestPki;
let serverTls: TcpTlsOptions;
let clientTls: TcpTlsOptions;

beforeAll(() => {
  pki = makeTestPki();
  serverTls = { ...pki.serverPeer, ca: pki.ca };
  clientTls = { ...pki.clientPeer, ca: pki.ca };
});
afterAll(() => pki.cleanup());
afterEach(closeAll);

/** Expects a dial from a transport with `tlsOptions` (or plaintext) to `address` to fail; returns the reason. */
async function dialFails(address: string, tlsOptions?: TcpTlsOptions): Promise<string> {
  const client = transport({ peerId: 'intruder', ...(tlsOptions ? { tls: tlsOptions } : {}) });
  let connected = false;
  client.on('connection', () => (connected = true));
  const failed = next<[string, string]>(client, 'dial-failed');
  client.dial(address);
  const [, reason] = await failed;
  expect(connected).toBe(false);
  return reason;
}

describe('TcpTransport over TLS', () => {
  it('two peers with CA-signed certificates connect and exchange frames', async () => {
    const { server, inbound, outbound } = await connectedPair({ tls: serverTls }, { tls: clientTls });
    expect(server.listenAddress()).toMatch(/^tls:\/\/127\.0\.0\.1:\d+$/);
    expect(inbound.remotePeerId).toBe('client');
    expect(outbound.remotePeerId).toBe('server');
    const atServer = collect(inbound, 300);
    const atClient = collect(outbound, 300);
    for (let i = 0; i < 300; i++) {
      outbound.send(msg(i, 1024));
      inbound.send(msg(i, 4096));
    }
    expect((await atServer).map(seqOf)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect((await atClient).map(seqOf)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const closed = next<[string]>(inbound, 'close');
    outbound.close();
    expect((await closed)[0]).toMatch(/remote closed/);
  });

  it('refuses a client whose certificate the CA did not sign; the listener keeps serving', async () => {
    const server = await listening({ peerId: 'server', tls: serverTls });
    let handedOut = 0;
    server.on('connection', () => handedOut++);
    const reason = await dialFails(server.listenAddress()!, { ...pki.rogue, ca: pki.ca });
    expect(reason).toMatch(/ERR_SSL|ECONNRESET|certificate|remote closed/i);
    await until(() => server.stats().inbound.rejected.tls === 1);
    expect(handedOut).toBe(0);

    const good = transport({ peerId: 'good', tls: clientTls });
    const ok = next<[Connection]>(good, 'connection');
    good.dial(server.listenAddress()!);
    expect((await ok)[0].remotePeerId).toBe('server');
  });

  it('refuses a client that presents no certificate at all', async () => {
    const server = await listening({ peerId: 'server', tls: serverTls });
    const socket = tls.connect({ host: '127.0.0.1', port: portOf(server), ca: pki.ca });
    const errors: string[] = [];
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    await new Promise((r) => socket.once('close', r));
    expect(errors.join()).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET/);
    await until(() => server.stats().inbound.rejected.tls === 1);
    expect(server.stats().inbound.accepted).toBe(0);
  });

  it('a client refuses a server whose certificate its CA did not sign', async () => {
    const server = await listening({ peerId: 'server', tls: { ...pki.rogue, ca: pki.ca } });
    const client = transport({ peerId: 'careful', tls: clientTls });
    const failed = next<[string, string]>(client, 'dial-failed');
    client.dial(server.listenAddress()!);
    expect((await failed)[1]).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i);
    expect(client.stats().outbound.failed.tls).toBe(1);
  });

  it('plaintext to a TLS listener fails cleanly on both sides', async () => {
    const server = await listening({ peerId: 'server', tls: serverTls });
    const port = portOf(server);
    // A plaintext transport: its hello is not a TLS ClientHello.
    await dialFails(`tcp://127.0.0.1:${port}`);
    // A raw socket speaking the plaintext protocol.
    const raw = new RawPeer(port);
    raw.write(prefixed(hello('plain')));
    await raw.closed;
    expect(raw.frames).toEqual([]); // nothing of the protocol leaks in the clear
    await until(() => (server.stats().inbound.rejected.tls ?? 0) === 2);
    expect(server.stats().inbound.accepted).toBe(0);
    expect(server.stats().handshaking).toBe(0);
  });

  it('a TLS client dialing a plaintext listener fails cleanly', async () => {
    const server = await listening({ peerId: 'plain' });
    const reason = await dialFails(`tcp://127.0.0.1:${portOf(server)}`, clientTls);
    expect(reason).toMatch(/ERR_SSL|ECONNRESET|EPROTO|remote closed|socket/i);
    await until(() => server.stats().handshaking === 0);
    expect(server.stats().inbound.accepted).toBe(0);
  });

  it('a dial whose TLS handshake never completes fails with the dial timeout', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const client = transport({ peerId: 'a', tls: clientTls, limits: { dialTimeoutMs: 200 } });
      const failed = next<[string, string]>(client, 'dial-failed');
      client.dial(`tls://127.0.0.1:${(silent.address() as net.AddressInfo).port}`);
      expect((await failed)[1]).toMatch(/^timeout/);
      expect(client.stats().outbound.failed.timeout).toBe(1);
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  it('a socket that never starts its TLS handshake is closed after handshakeTimeoutMs', async () => {
    const server = await listening({ peerId: 'server', tls: serverTls, limits: { handshakeTimeoutMs: 200 } });
    const raw = new RawPeer(portOf(server));
    await raw.closed;
    await until(() => server.stats().inbound.rejected['handshake-timeout'] === 1);
  });
});
