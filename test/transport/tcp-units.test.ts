/**
 * The TCP transport's small pure pieces (addresses, limits, write batching) and its option edges
 * (bind errors, close during listen, validateInbound off, an identity that cannot be encoded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/core/transport.js';
import {
  DEFAULT_TCP_LIMITS,
  formatTcpAddress,
  parseTcpAddress,
  resolveTcpLimits,
  TcpTransport,
} from '../../src/transport/tcp/index.js';
import { COPY_THRESHOLD_BYTES, writeChunks } from '../../src/transport/tcp/write-batch.js';
import { encodeLengthPrefixed, encodeLengthPrefixedBatch, StreamFramer } from '../../src/wire/stream.js';
import { closeAll, hello, listening, msg, next, portOf, prefixed, RawPeer, transport } from './tcp-helpers.js';

afterEach(closeAll);

describe('tcp addresses', () => {
  it('parses tcp:// and tls:// with IPv4, names and bracketed IPv6, and formats them back', () => {
    for (const text of ['tcp://127.0.0.1:7000', 'tls://peer.example.org:443', 'tcp://[::1]:9', 'tls://[fe80::1]:65535']) {
      const parsed = parseTcpAddress(text);
      expect(parsed).toBeDefined();
      expect(formatTcpAddress(parsed!)).toBe(text);
    }
    expect(parseTcpAddress('tcp://[::1]:9')).toEqual({ scheme: 'tcp', host: '::1', port: 9 });
  });

  it('rejects everything else', () => {
    for (const text of ['127.0.0.1:7000', 'http://a:1', 'tcp://a', 'tcp://a:0', 'tcp://a:65536', 'tcp://a:1/x', 'tcp://:1', 'tcp://a b:1', 'room:lobby']) {
      expect(parseTcpAddress(text)).toBeUndefined();
    }
  });
});

describe('tcp limits', () => {
  it('overlays overrides on the named defaults and refuses nonsense', () => {
    expect(resolveTcpLimits()).toEqual(DEFAULT_TCP_LIMITS);
    expect(resolveTcpLimits({ maxConnections: 5, frameTimeoutMs: undefined }).maxConnections).toBe(5);
    expect(() => resolveTcpLimits({ maxConnections: -1 })).toThrow(RangeError);
    expect(() => resolveTcpLimits({ idleTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('write batching', () => {
  it('copies runs of small frames into one buffer and leaves large frames uncopied, in order', () => {
    const small = [msg(1), msg(2), msg(3)];
    const large = msg(4, COPY_THRESHOLD_BYTES);
    const chunks = writeChunks([...small, large, msg(5)]);
    expect(chunks).toHaveLength(4); // [small run] [prefix] [large body] [small run]
    expect(chunks[2]).toBe(large); // the very same bytes: no copy
    const framer = new StreamFramer({ maxFrameBytes: 1 << 20 });
    const out = chunks.flatMap((c) => framer.push(c));
    expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(
      [...small, large, msg(5)].map((f) => Buffer.from(f).toString('hex')),
    );
    expect(new Uint8Array(chunks[0]!)).toEqual(encodeLengthPrefixedBatch(small));
  });
});

describe('TcpTransport options', () => {
  it('rejects listen() on a port in use, and may listen again afterwards', async () => {
    const first = await listening({ peerId: 'first' });
    const second = transport({ peerId: 'second', listen: { host: '127.0.0.1', port: portOf(first) } });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    expect(second.listenAddress()).toBeUndefined();
    await first.close();
    await second.listen();
    expect(second.listenAddress()).toMatch(/^tcp:\/\//);
  });

  it('close() right after listen() leaves nothing listening', async () => {
    const t = new TcpTransport({ peerId: 'quick' });
    const bound = t.listen();
    await t.close();
    await bound;
    expect(t.listenAddress()).toBeUndefined();
  });

  it('refuses TLS material that does not parse at construction, not in the middle of a dial', () => {
    expect(() => new TcpTransport({ peerId: 'a', tls: { key: 'not a key', cert: 'not a cert', ca: 'not a ca' } })).toThrow();
  });

  it('refuses an identity that could not be sent in a hello', () => {
    expect(() => new TcpTransport({ peerId: 'x'.repeat(65) })).toThrow(/peerId/);
    expect(() => new TcpTransport({ peerId: '' })).toThrow(/peerId/);
  });

  it('with validateInbound off, frames are handed up undecoded (the consumer enforces the rules)', async () => {
    const server = await listening({ peerId: 'srv', validateInbound: false, limits: { maxDecodeErrors: 1 } });
    const accepted = next<[Connection]>(server, 'connection');
    const raw = new RawPeer(portOf(server));
    raw.write(prefixed(hello('peer')));
    const [conn] = await accepted;
    const got = next<[Uint8Array]>(conn, 'data');
    raw.write(encodeLengthPrefixed(new Uint8Array([0x93, 0x01, 0x04])));
    raw.write(encodeLengthPrefixed(new Uint8Array([0x93, 0x01, 0x04])));
    expect([...(await got)[0]]).toEqual([0x93, 0x01, 0x04]);
    expect(conn.closed).toBe(false);
    expect(server.stats().wireErrors).toEqual({});
    raw.destroy();
  });
});
