/**
 * The signaling server: an HTTP server (healthz, metrics, optional static files) whose upgrade requests
 * become WebSocket sessions (session.ts) in rooms (rooms.ts). This file only wires the pieces together
 * and owns the server-wide concerns: admission, the heartbeat and graceful shutdown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { SignalingCloseCode } from '../../src/signaling/errors.js';
import { ConnectionGate, checkUpgrade, refuseSocket } from './admission.js';
import { createHttpHandler } from './http.js';
import { resolveSignalingLimits, type SignalingLimits } from './limits.js';
import { silentSignalingLogger, type SignalingLogger } from './logger.js';
import { SignalingMetrics, type RejectReason } from './metrics.js';
import { Rooms } from './rooms.js';
import { secretLookup, type OriginsOption, type SecretsOption } from './access.js';
import { JoinDeadlines } from './join-deadlines.js';
import { Session, type SessionContext } from './session.js';
import { acceptHandshake, handshakeRefusal } from './websocket/handshake.js';

export interface SignalingServerOptions {
  /** Overrides of DEFAULT_SIGNALING_LIMITS (limits.ts). */
  limits?: Partial<SignalingLimits>;
  /** Rooms that need a shared secret in their join frame: a map/record room → secret, or a function. */
  secrets?: SecretsOption;
  /** Browser origins allowed to connect; others get HTTP 403 at the upgrade. Default: any. */
  allowedOrigins?: OriginsOption;
  /** A directory served over HTTP at `/` (the CLI passes the built demo). Default: none. */
  staticDir?: string;
  /** One call per event; default silent. createSignalingLogger() prints one line per event. */
  logger?: SignalingLogger;
}

export interface SignalingServer {
  /** Starts listening (port 0 picks a free port); resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** The bound address, or null before listen(). */
  address(): AddressInfo | null;
  /**
   * Graceful shutdown: stops accepting, sends every client a close frame with 1001 (going away), waits
   * up to limits.shutdownTimeoutMs for them to go, terminates the rest, then resolves. Idempotent.
   */
  close(): Promise<void>;
  readonly metrics: SignalingMetrics;
  readonly limits: Readonly<SignalingLimits>;
}

export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const limits = resolveSignalingLimits(options.limits);
  const log = options.logger ?? silentSignalingLogger;
  const sessions = new Set<Session>();
  const rooms = new Rooms<Session>(limits);
  const metrics = new SignalingMetrics({ connections: () => sessions.size, rooms: () => rooms.size });
  const gate = new ConnectionGate(limits);
  const secretFor = secretLookup(options.secrets);
  const now = (): number => performance.now();
  /** Set by close(): called whenever a session ends, to notice the last one going. */
  let onSessionEnded: (() => void) | undefined;
  const ctx: SessionContext = {
    rooms,
    limits,
    metrics,
    log,
    secretFor,
    now,
    joinDeadlines: new JoinDeadlines<Session>(limits.joinTimeoutMs, now, (session) => session.joinTimedOut()),
    ended(session, code) {
      sessions.delete(session);
      log('info', 'disconnect', { ip: session.ip, code, connections: sessions.size });
      onSessionEnded?.();
    },
  };
  const http: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    },
    createHttpHandler({ metrics, staticDir: options.staticDir }),
  );
  let closing = false;
  let closed: Promise<void> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const reject = (reason: RejectReason, ip: string | undefined): void => {
    metrics.rejected(reason);
    log('warn', 'rejected', { ip, reason });
  };

  http.on('connection', (socket) => {
    const reason = gate.admit(socket);
    if (reason) {
      reject(reason, socket.remoteAddress);
      socket.destroy();
    }
  });

  // Broken or stalled HTTP (slowloris: headersTimeout/requestTimeout fire here). Same answers as Node's
  // default, plus a counter and a log line.
  http.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const ip = (socket as { remoteAddress?: string }).remoteAddress;
    if (err.code !== 'ECONNRESET') reject(timedOut ? 'timeout' : 'bad_request', ip);
    refuseSocket(socket, timedOut ? 408 : 400);
  });

  http.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const refusal = checkUpgrade(req, { closing, allowedOrigins: options.allowedOrigins });
    if (refusal) {
      reject(refusal.reason, ip);
      return refuseSocket(socket, refusal.status);
    }
    const badHandshake = handshakeRefusal(req);
    if (badHandshake) {
      reject('bad_request', ip);
      log('warn', 'bad-handshake', { ip, error: badHandshake.message });
      return refuseSocket(socket, badHandshake.status, badHandshake.headers);
    }
    // The session is its WebSocket (no extension: perMessageDeflate's zlib state per connection would be
    // larger than everything else a connection holds).
    acceptHandshake(req, socket);
    const session = new Session(ctx, ip);
    sessions.add(session);
    log('info', 'connect', { ip, connections: sessions.size });
    session.start(socket, head);
  });

  return {
    limits,
    metrics,

    listen(port = 0, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          // Accept errors (EMFILE, ...) after startup are logged, never thrown.
          http.on('error', (err) => log('warn', 'server-error', { error: err.message }));
          heartbeat = setInterval(() => {
            for (const session of sessions) session.heartbeat();
          }, limits.heartbeatIntervalMs);
          heartbeat.unref();
          const address = http.address() as AddressInfo;
          log('info', 'listening', { host: address.address, port: address.port });
          resolve(address);
        });
      });
    },

    address() {
      return (http.address() as AddressInfo | null) ?? null;
    },

    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        clearInterval(heartbeat);
        ctx.joinDeadlines.clear();
        log('info', 'shutdown', { connections: sessions.size });
        const deadline = setTimeout(() => {
          for (const session of sessions) session.terminate();
          http.closeAllConnections();
        }, limits.shutdownTimeoutMs);
        // Done when the listener and every socket are closed and every session has run its close handler.
        let httpClosed = false;
        const finishIfDone = (): void => {
          if (!httpClosed || sessions.size > 0) return;
          onSessionEnded = undefined;
          clearTimeout(deadline);
          log('info', 'closed');
          resolve();
        };
        onSessionEnded = finishIfDone;
        http.close(() => {
          httpClosed = true;
          finishIfDone();
        });
        http.closeIdleConnections();
        for (const session of sessions) session.shutdown(SignalingCloseCode.goingAway, 'server shutting down');
      });
      return closed;
    },
  };
}

