/**
 * One client connection: decodes its frames, enforces its per-connection limits (rate, errors, rooms,
 * join timeout, slow reading) and acts on join / leave / signal. Every error a client causes becomes an
 * `error` frame and a counter; enough of them within a window closes the connection. Nothing thrown
 * here escapes to `ws` or the event loop.
 */
import type { RawData, WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { isWireError } from '../../src/wire/errors.js';
import type { Frame, JoinFrame, PeerId, SignalFrame } from '../../src/wire/frames.js';
import { MAX_REASON_LENGTH } from '../../src/wire/limits.js';
import { SignalingCloseCode, SignalingErrorCode } from '../../src/signaling/errors.js';
import type { SignalingLimits } from './limits.js';
import type { SignalingLogger } from './logger.js';
import type { SignalingMetrics } from './metrics.js';
import { TokenBucket, WindowCounter } from './rate-limit.js';
import type { Rooms } from './rooms.js';
import { secretMatches, type SecretLookup } from './access.js';

/** What a session shares with the server and every other session. */
export interface SessionContext {
  rooms: Rooms<Session>;
  limits: SignalingLimits;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  secretFor: SecretLookup;
  now(): number;
}

export class Session {
  /** Cleared on each heartbeat ping, set by the pong; still clear at the next ping → dead. */
  private alive = true;
  /** room → this connection's peer id in it. */
  private readonly joined = new Map<string, PeerId>();
  private readonly bucket: TokenBucket;
  private readonly errors: WindowCounter;
  private joinTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly ip: string,
    private readonly ctx: SessionContext,
  ) {
    this.bucket = new TokenBucket(ctx.limits.messagesPerSecond, ctx.limits.messageBurst, ctx.now());
    this.errors = new WindowCounter(ctx.limits.errorWindowMs);
    ws.on('message', (data, isBinary) => this.guard(() => this.onMessage(data, isBinary)));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (err) => this.onSocketError(err));
    ws.on('close', () => this.guard(() => this.onClose()));
    this.armJoinTimer();
  }

  /** Heartbeat tick: pings, or terminates a connection that did not answer the previous ping. */
  heartbeat(): void {
    if (!this.alive) {
      this.ctx.metrics.heartbeatTerminationsTotal++;
      this.ctx.log('warn', 'heartbeat-timeout', { ip: this.ip });
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.guard(() => this.ws.ping());
  }

  /** Starts the close handshake (graceful shutdown, policy). `ws` destroys the socket if it never completes. */
  close(code: number, reason: string): void {
    clearTimeout(this.joinTimer);
    this.guard(() => this.ws.close(code, reason));
  }

  terminate(): void {
    this.ws.terminate();
  }

  /** Sends a frame unless the socket is closing, or terminates a client that stopped reading. */
  send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
      this.ctx.metrics.slowConsumerTerminationsTotal++;
      this.ctx.log('warn', 'slow-consumer', { ip: this.ip, buffered: this.ws.bufferedAmount });
      this.ws.terminate();
      return;
    }
    this.ws.send(encodeFrame(frame));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return; // closing: nothing more is acted on
    this.ctx.metrics.messagesTotal++;
    if (!this.bucket.take(this.ctx.now())) {
      this.ctx.metrics.rateLimitedTotal++;
      return this.fail(SignalingErrorCode.rateLimited, 'message rate limit exceeded; frame dropped');
    }
    if (!isBinary) return this.fail('malformed', 'text messages are not frames; send binary');
    let frame: Frame;
    try {
      frame = decodeFrame(toBytes(data), { maxFrameBytes: this.ctx.limits.maxPayloadBytes });
    } catch (err) {
      return isWireError(err) ? this.fail(err.code, err.message) : this.fail('malformed', 'undecodable frame');
    }
    switch (frame.kind) {
      case 'join':
        return this.onJoin(frame);
      case 'leave':
        return this.onLeave(frame.room);
      case 'signal':
        return this.onSignal(frame);
      default:
        return this.fail(SignalingErrorCode.unexpectedFrame, `a client may not send ${frame.kind} frames`);
    }
  }

  private onJoin(frame: JoinFrame): void {
    const { room, peerId } = frame;
    if (this.joined.has(room)) return this.fail(SignalingErrorCode.alreadyJoined, `already in room ${room}`);
    if (this.joined.size >= this.ctx.limits.maxRoomsPerConnection) {
      const max = this.ctx.limits.maxRoomsPerConnection;
      return this.fail(SignalingErrorCode.roomLimit, `a connection may join at most ${max} rooms`);
    }
    const expected = this.ctx.secretFor(room);
    if (expected !== undefined && !secretMatches(expected, frame.secret)) {
      this.ctx.log('warn', 'unauthorized', { ip: this.ip, room });
      this.fail(SignalingErrorCode.unauthorized, `wrong or missing secret for room ${room}`);
      return this.close(SignalingCloseCode.policyViolation, 'unauthorized');
    }
    const result = this.ctx.rooms.join(room, peerId, this);
    if (!result.ok) return this.fail(result.code, `cannot join room ${room} as ${peerId}`);
    this.joined.set(room, peerId);
    clearTimeout(this.joinTimer);
    this.ctx.metrics.joinsTotal++;
    this.ctx.log('info', 'join', { ip: this.ip, room, peer: peerId, role: frame.role, members: result.others.size + 1 });
    this.send({ kind: 'joined', room, peerId, peers: [...result.others.keys()] });
    for (const other of result.others.values()) other.send({ kind: 'peer-joined', room, peerId });
  }

  private onLeave(room: string): void {
    const peerId = this.joined.get(room);
    if (peerId === undefined) return this.fail(SignalingErrorCode.notJoined, `not in room ${room}`);
    this.leave(room, peerId);
    if (this.joined.size === 0) this.armJoinTimer();
  }

  private onSignal(frame: SignalFrame): void {
    const from = this.joined.get(frame.room);
    if (from === undefined) return this.fail(SignalingErrorCode.notJoined, `not in room ${frame.room}`);
    const target = this.ctx.rooms.get(frame.room, frame.to);
    if (!target) {
      // A benign race (the target left while an offer or candidate was in flight), so it is answered but
      // not charged to the abuse budget; the error names the target so the client fails that dial at once.
      this.ctx.metrics.error(SignalingErrorCode.unknownPeer);
      return this.send({ kind: 'error', code: SignalingErrorCode.unknownPeer, message: `no peer in room ${frame.room}`, peerId: frame.to });
    }
    // `from` is always the sender's own id in the room: whatever the client wrote there is replaced.
    target.send({ kind: 'signal', room: frame.room, from, to: frame.to, data: frame.data });
    this.ctx.metrics.signalsRelayedTotal++;
  }

  private leave(room: string, peerId: PeerId): void {
    this.joined.delete(room);
    const remaining = this.ctx.rooms.leave(room, peerId);
    this.ctx.log('info', 'leave', { ip: this.ip, room, peer: peerId });
    for (const other of remaining?.values() ?? []) other.send({ kind: 'peer-left', room, peerId });
  }

  /** Answers a client-caused error with an error frame; too many within the window closes the connection. */
  private fail(code: string, message: string): void {
    this.ctx.metrics.error(code);
    this.send({ kind: 'error', code, message: message.slice(0, MAX_REASON_LENGTH) });
    if (this.errors.add(this.ctx.now()) >= this.ctx.limits.maxErrors) {
      this.ctx.log('warn', 'too-many-errors', { ip: this.ip, last: code });
      this.close(SignalingCloseCode.policyViolation, 'too many errors');
    }
  }

  /** A connection must be in a room; one that is not, for joinTimeoutMs, is closed (idle/slowloris). */
  private armJoinTimer(): void {
    clearTimeout(this.joinTimer);
    this.joinTimer = setTimeout(() => {
      this.ctx.log('warn', 'join-timeout', { ip: this.ip });
      this.close(SignalingCloseCode.policyViolation, 'join timeout');
    }, this.ctx.limits.joinTimeoutMs);
  }

  private onClose(): void {
    clearTimeout(this.joinTimer);
    for (const [room, peerId] of [...this.joined]) this.leave(room, peerId);
  }

  private onSocketError(err: Error & { code?: string }): void {
    // `ws` reports protocol violations here (oversize message → it closes with 1009) and then closes.
    const code = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too_large' : 'socket';
    this.ctx.metrics.error(code);
    this.ctx.log('warn', 'socket-error', { ip: this.ip, code: err.code ?? err.message });
  }

  /** Runs `fn`, turning anything it throws into a log line and a closed connection, never a crash. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.log('warn', 'internal-error', { ip: this.ip, error: err instanceof Error ? err.message : String(err) });
      this.ws.terminate();
    }
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
