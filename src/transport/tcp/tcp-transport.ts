/**
 * TcpTransport: the Transport for Node server peers (node:net, optionally node:tls).
 *
 *   const t = new TcpTransport({ peerId: 'a', listen: { host: '0.0.0.0', port: 7000 } });
 *   t.on('connection', (conn) => conn.on('data', (frame) => …));
 *   await t.listen();
 *   t.dial('tcp://10.0.0.2:7000'); // → 'connection' (conn.outbound) or 'dial-failed'(address, reason)
 *
 * Addresses: see address.ts (`tcp://host:port`; with `tls` configured every link is TLS and
 * listenAddress() says `tls://`). A connection is handed out only after the hello exchange.
 *
 * The listener admits a socket only under maxConnections and maxConnectionsPerAddress (excess sockets are
 * destroyed on accept, before a byte is read, and counted). Reconnecting is not this module's job: a failed
 * dial is reported with 'dial-failed' and the PeerManager decides what to do.
 */
import net from 'node:net';
import tls from 'node:tls';
import { RealClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { Transport, TransportEvents } from '../../core/transport.js';
import { encodeFrame } from '../../wire/codec.js';
import { ByeCode, type PeerId, type Role } from '../../wire/frames.js';
import { formatTcpAddress, parseTcpAddress } from './address.js';
import { helloFrame } from '../hello.js';
import { resolveTcpLimits, type TcpLimits } from './limits.js';
import { bump, copyTcpStats, emptyTcpStats, type TcpAdmissionReject, type TcpStats } from './stats.js';
import { TcpConnection, type TcpConnectionHooks, type TcpLogger } from './tcp-connection.js';
import { createClientContext, createTlsServer, isTlsErrorCode, tlsConnectOptions, type TcpTlsOptions } from './tls.js';

export interface TcpTransportOptions {
  peerId: PeerId;
  /** Announced in our hello. Default 'server'. */
  role?: Role;
  /** Announced in our hello. Default []. */
  capabilities?: readonly string[];
  /** Where listen() binds. Default 127.0.0.1, port 0 (an ephemeral port: see listenAddress()). */
  listen?: { host?: string; port?: number };
  /** Mutually authenticated TLS on every link (listen and dial). */
  tls?: TcpTlsOptions;
  limits?: Partial<TcpLimits>;
  /**
   * Decode every inbound frame before handing it out, so undecodable frames are dropped and counted and
   * maxDecodeErrors is enforced at the socket. Default true. Costs one extra decode per frame when the
   * consumer decodes again; turn it off only when the consumer enforces its own error limit.
   */
  validateInbound?: boolean;
  /** Timers (handshake, frame, close). Default RealClock. */
  clock?: Clock;
  logger?: TcpLogger;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** A dial in progress (TCP connect / TLS handshake), before a TcpConnection exists. */
interface PendingDial {
  socket: net.Socket;
  fail(cause: string, reason: string): void;
}

/** An admitted inbound socket in its TLS handshake. */
interface TlsHandshake {
  raw: net.Socket;
  timer: TimerHandle;
  /** Why it failed, when known before it closes. */
  cause: 'handshake-timeout' | null;
}

export class TcpTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'tcp';
  readonly localPeerId: PeerId;
  readonly limits: Readonly<TcpLimits>;

  /** Our hello, encoded once (the constructor throws if the identity would not encode). */
  private readonly helloBytes: Uint8Array;
  private readonly tlsOptions: TcpTlsOptions | undefined;
  private readonly tlsClientContext: tls.SecureContext | undefined;
  private readonly listenHost: string;
  private readonly listenPort: number;
  private readonly validateInbound: boolean;
  private readonly clock: Clock;
  private readonly logger: TcpLogger | undefined;
  private readonly counters: TcpStats = emptyTcpStats();

  private server: net.Server | null = null;
  private tlsServer: tls.Server | null = null;
  private listening: Promise<void> | null = null;
  private readonly connections = new Set<TcpConnection>();
  private readonly dials = new Set<PendingDial>();
  /** Admitted inbound sockets: the total and per remote address (only admitted ones, so ≤ maxConnections keys). */
  private inboundCount = 0;
  private readonly inboundByAddress = new Map<string, number>();
  /** Inbound raw sockets still in their TLS handshake, by remote ip:port. */
  private readonly tlsHandshaking = new Map<string, TlsHandshake>();
  private closing = false;
  private closed: Promise<void> | null = null;
  /** Resolves close()'s wait for the last socket. */
  private settleIdle: (() => void) | null = null;

  constructor(options: TcpTransportOptions) {
    super();
    this.localPeerId = options.peerId;
    this.helloBytes = encodeFrame(
      helloFrame({ peerId: options.peerId, role: options.role ?? 'server', capabilities: options.capabilities ?? [] }),
    );
    this.limits = Object.freeze(resolveTcpLimits(options.limits));
    this.tlsOptions = options.tls;
    this.tlsClientContext = options.tls ? createClientContext(options.tls) : undefined;
    this.listenHost = options.listen?.host ?? DEFAULT_LISTEN_HOST;
    this.listenPort = options.listen?.port ?? 0;
    this.validateInbound = options.validateInbound ?? true;
    this.clock = options.clock ?? new RealClock();
    this.logger = options.logger;
  }

  /** Binds the listener. Resolves once listening; rejects on a bind error (EADDRINUSE, …). */
  listen(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('TcpTransport is closed'));
    if (this.listening) return this.listening;
    const server = net.createServer((raw) => this.admit(raw));
    this.server = server;
    try {
      if (this.tlsOptions) this.tlsServer = this.createTlsServer(this.tlsOptions);
    } catch (err) {
      this.server = null;
      return Promise.reject(err as Error);
    }
    this.listening = new Promise<void>((resolve, reject) => {
      const onBindError = (err: Error): void => {
        this.server = null;
        this.tlsServer = null;
        this.listening = null; // a later listen() may try again
        reject(err);
      };
      server.once('error', onBindError);
      server.listen(this.listenPort, this.listenHost, () => {
        server.off('error', onBindError);
        server.on('error', (err) => this.emit('error', err));
        this.logger?.info?.(`tcp listening on ${this.listenAddress()}`);
        resolve();
      });
    });
    return this.listening;
  }

  /** `tcp://host:port` (or `tls://…`) of the bound listener, with the real port; undefined before listen(). */
  listenAddress(): string | undefined {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') return undefined;
    return formatTcpAddress({ scheme: this.tlsOptions ? 'tls' : 'tcp', host: addr.address, port: addr.port });
  }

  dial(address: string): void {
    const fail = (cause: string, reason: string): void => {
      bump(this.counters.outbound.failed, cause);
      this.logger?.debug?.(`tcp dial ${address} failed: ${reason}`);
      this.emit('dial-failed', address, reason);
    };
    // Outcomes are always asynchronous: a caller never sees an event from inside dial().
    const failSoon = (cause: string, reason: string): void => void setImmediate(() => fail(cause, reason));
    if (this.closing) return failSoon('transport-closed', 'transport closed');
    const target = parseTcpAddress(address);
    if (!target) return failSoon('bad-address', `not a tcp://host:port address: ${address}`);
    if (target.scheme === 'tls' && !this.tlsOptions) return failSoon('tls-not-configured', 'tls:// address but no tls options');

    const socket = this.tlsOptions
      ? tls.connect(tlsConnectOptions(this.tlsOptions, this.tlsClientContext!, target.host, target.port))
      : net.connect({ host: target.host, port: target.port });
    const pending: PendingDial = {
      socket,
      fail: (cause, reason) => {
        settle();
        socket.destroy();
        fail(cause, reason);
      },
    };
    const timer = this.clock.setTimer(this.limits.dialTimeoutMs, () =>
      pending.fail('timeout', `timeout: no connection within ${this.limits.dialTimeoutMs} ms`),
    );
    const onError = (err: NodeJS.ErrnoException): void => {
      const code = err.code ?? 'error';
      pending.fail(dialFailureCause(code), `${code}: ${err.message}`);
    };
    const onConnected = (): void => {
      settle();
      this.startConnection(socket, true, address);
    };
    const settle = (): void => {
      this.clock.cancelTimer(timer);
      socket.off('error', onError); // the no-op below stays: a late error must never go unhandled
      socket.off(this.tlsOptions ? 'secureConnect' : 'connect', onConnected);
      this.dials.delete(pending);
      this.checkIdle();
    };
    socket.on('error', () => {});
    socket.on('error', onError);
    socket.once(this.tlsOptions ? 'secureConnect' : 'connect', onConnected);
    this.dials.add(pending);
  }

  stats(): TcpStats {
    return copyTcpStats(this.counters);
  }

  /**
   * Stops the listener, says bye (shutdown) on every connection, aborts pending dials ('dial-failed'),
   * and resolves when every socket is closed (at most closeTimeoutMs for peers that do not answer the FIN).
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    const idle = new Promise<void>((resolve) => (this.settleIdle = resolve));
    for (const dial of [...this.dials]) dial.fail('transport-closed', 'transport closed');
    for (const pending of this.tlsHandshaking.values()) pending.raw.destroy();
    for (const conn of [...this.connections]) {
      conn.shutdown('transport-closed', 'transport closed', { code: ByeCode.shutdown, reason: 'shutdown' });
    }
    this.checkIdle();
    this.closed = (async () => {
      await this.listening?.catch(() => {}); // a bind in progress finishes first, so it can be closed
      const server = this.server;
      if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await idle;
    })();
    return this.closed;
  }

  // ---- inbound -----------------------------------------------------------------------------------

  /** Caps first: an excess socket is destroyed before a byte is read, and counted. */
  private admit(raw: net.Socket): void {
    raw.on('error', () => {}); // reported through the connection or tlsClientError; never uncaught
    const ip = raw.remoteAddress ?? 'unknown';
    const perAddress = this.inboundByAddress.get(ip) ?? 0;
    let refusal: TcpAdmissionReject | null = null;
    if (this.closing) refusal = 'closing';
    else if (this.inboundCount >= this.limits.maxConnections) refusal = 'total-cap';
    else if (perAddress >= this.limits.maxConnectionsPerAddress) refusal = 'per-address-cap';
    if (refusal) {
      bump(this.counters.inbound.rejected, refusal);
      raw.destroy();
      return;
    }
    this.inboundCount++;
    this.inboundByAddress.set(ip, perAddress + 1);
    raw.once('close', () => {
      this.inboundCount--;
      const n = (this.inboundByAddress.get(ip) ?? 1) - 1;
      if (n > 0) this.inboundByAddress.set(ip, n);
      else this.inboundByAddress.delete(ip);
    });
    const label = `${ip}:${raw.remotePort}`;
    if (this.tlsServer) this.startTlsHandshake(raw, label, this.tlsServer);
    else this.startConnection(raw, false, label);
  }

  /**
   * Hands an admitted socket to the TLS server. Until 'secureConnection' the socket is ours to time out
   * (Node's own handshakeTimeout does not fire for injected sockets) and to count exactly once when it
   * closes: as 'handshake-timeout', or 'tls' for any other failure.
   */
  private startTlsHandshake(raw: net.Socket, label: string, server: tls.Server): void {
    const pending: TlsHandshake = {
      raw,
      cause: null,
      timer: this.clock.setTimer(this.limits.handshakeTimeoutMs, () => {
        pending.cause = 'handshake-timeout';
        raw.destroy();
      }),
    };
    this.tlsHandshaking.set(label, pending);
    raw.once('close', () => {
      this.clock.cancelTimer(pending.timer);
      if (this.tlsHandshaking.get(label) !== pending) return; // secured: the TcpConnection counts it
      this.tlsHandshaking.delete(label);
      bump(this.counters.inbound.rejected, pending.cause ?? 'tls');
      this.checkIdle();
    });
    server.emit('connection', raw);
  }

  private createTlsServer(options: TcpTlsOptions): tls.Server {
    const server = createTlsServer(options, this.limits.handshakeTimeoutMs);
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      const label = `${socket.remoteAddress}:${socket.remotePort}`;
      const pending = this.tlsHandshaking.get(label);
      if (pending) {
        this.clock.cancelTimer(pending.timer);
        this.tlsHandshaking.delete(label);
      }
      this.startConnection(socket, false, label);
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      // Node destroys the socket; the raw socket's 'close' counts it and releases its admission slot.
      const pending = this.tlsHandshaking.get(`${socket.remoteAddress}:${socket.remotePort}`);
      if (pending && err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') pending.cause = 'handshake-timeout';
      this.logger?.debug?.(`tcp: TLS handshake refused: ${err.code ?? err.message}`);
    });
    return server;
  }

  // ---- both directions ---------------------------------------------------------------------------

  private startConnection(socket: net.Socket, outbound: boolean, label: string): void {
    const conn = new TcpConnection({
      socket,
      outbound,
      localPeerId: this.localPeerId,
      helloBytes: this.helloBytes,
      limits: this.limits,
      stats: this.counters,
      clock: this.clock,
      hooks: this.hooks,
      validateInbound: this.validateInbound,
      label,
      logger: this.logger,
    });
    this.connections.add(conn);
    if (this.closing) conn.shutdown('transport-closed', 'transport closed', { code: ByeCode.shutdown, reason: 'shutdown' });
  }

  private readonly hooks: TcpConnectionHooks = {
    onReady: (conn) => {
      if (conn.outbound) this.counters.outbound.established++;
      else this.counters.inbound.accepted++;
      this.emit('connection', conn);
    },
    onEnded: (conn, cause, reason, identified) => {
      this.connections.delete(conn);
      if (identified) {
        bump(this.counters.closed, cause);
      } else if (conn.outbound) {
        const tlsRefused = cause === 'socket-error' && this.tlsOptions !== undefined && isTlsErrorCode(reason.replace(/^socket error: /, ''));
        bump(this.counters.outbound.failed, tlsRefused ? 'tls' : cause);
        this.emit('dial-failed', conn.label, reason);
      } else {
        bump(this.counters.inbound.rejected, cause);
      }
      this.checkIdle();
    },
  };

  /** During close(): resolves its wait once no connection, dial or TLS handshake is left. */
  private checkIdle(): void {
    if (!this.settleIdle) return;
    if (this.connections.size > 0 || this.dials.size > 0 || this.tlsHandshaking.size > 0) return;
    const settle = this.settleIdle;
    this.settleIdle = null;
    settle();
  }
}

/** A stable, small set of dial-failure causes for stats (the reason string carries the detail). */
function dialFailureCause(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
      return 'reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    default:
      return isTlsErrorCode(code) ? 'tls' : 'error';
  }
}
