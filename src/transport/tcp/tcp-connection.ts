/**
 * One TCP (or TLS) socket speaking the wire protocol: length-prefixed frames, the hello exchange,
 * batched writes with backpressure, and the per-connection bad-input rules.
 *
 * Life: 'handshake' (our hello is sent at once; the remote's must arrive within handshakeTimeoutMs) →
 * 'open' (the transport hands the connection out) → 'closing' (FIN sent, input ignored) → 'closed'
 * (the socket is gone; 'close' fires once, only if the connection was handed out).
 *
 * Bad input: a framing error (oversize or zero declared length) cannot be resynchronised, so it closes
 * the connection with bye protocolError; a frame that does not decode is dropped and counted, and
 * maxDecodeErrors of them close with bye tooManyErrors; unknown_kind frames (a newer peer) are dropped,
 * counted, and never fatal. Timeouts (handshake, frame, idle) and a send queue past maxBufferedBytes
 * destroy the socket at once.
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { Connection, ConnectionEvents } from '../../core/transport.js';
import { decodeFrame } from '../../wire/codec.js';
import { WireError } from '../../wire/errors.js';
import { ByeCode, type PeerId, type Role } from '../../wire/frames.js';
import { LENGTH_PREFIX_BYTES } from '../../wire/limits.js';
import { StreamFramer } from '../../wire/stream.js';
import { byeFrameBytes, judgeFirstFrame } from '../hello.js';
import type { TcpLimits } from './limits.js';
import { bump, type TcpCloseCause, type TcpStats } from './stats.js';
import { writeChunks } from './write-batch.js';

/** Where the transport logs; every method optional, so `console` works as is. */
export interface TcpLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}

export interface TcpConnectionHooks {
  /** The remote hello passed: the connection is identified and may be handed out. */
  onReady(conn: TcpConnection): void;
  /** The socket is gone. `identified` is false when it never got past the hello. */
  onEnded(conn: TcpConnection, cause: TcpCloseCause, reason: string, identified: boolean): void;
}

export interface TcpConnectionInit {
  /** A connected net.Socket, or a tls.TLSSocket whose TLS handshake has finished. */
  socket: Socket;
  outbound: boolean;
  /** Our peer id (a remote hello carrying it is refused). */
  localPeerId: PeerId;
  /** Our encoded hello, sent first on every connection. */
  helloBytes: Uint8Array;
  limits: TcpLimits;
  /** The transport's counters, updated in place. */
  stats: TcpStats;
  clock: Clock;
  hooks: TcpConnectionHooks;
  /** Decode every inbound frame to enforce the bad-input rules (see TcpTransportOptions.validateInbound). */
  validateInbound: boolean;
  /** The dialed address, or the remote ip:port of an inbound socket (for logs and dial-failed). */
  label: string;
  logger?: TcpLogger | undefined;
}

type State = 'handshake' | 'open' | 'closing' | 'closed';

export class TcpConnection extends TypedEmitter<ConnectionEvents> implements Connection {
  remotePeerId: PeerId = '';
  remoteRole: Role | undefined;
  remoteCapabilities: readonly string[] = [];
  readonly outbound: boolean;
  readonly label: string;

  private state: State = 'handshake';
  private identified = false;
  private readonly socket: Socket;
  private readonly limits: TcpLimits;
  private readonly stats: TcpStats;
  private readonly clock: Clock;
  private readonly hooks: TcpConnectionHooks;
  private readonly localPeerId: PeerId;
  private readonly validateInbound: boolean;
  private readonly logger: TcpLogger | undefined;
  private readonly framer: StreamFramer;

  /** Frames queued since the last flush (written together when the current callback ends). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** A flush is queued for the end of the current callback. */
  private flushQueued = false;
  /** send() returned false; 'drain' is owed. */
  private needDrain = false;
  private decodeErrors = 0;
  /** Set by the remote's bye, so the close that follows can say why. */
  private remoteBye: string | null = null;
  private endCause: TcpCloseCause | null = null;
  private endReason = '';

  private handshakeTimer: TimerHandle | null = null;
  private frameTimer: TimerHandle | null = null;
  /** When the frame partly in times out (clock ms); 0 when no frame is partly in. */
  private frameDeadline = 0;
  private closeTimer: TimerHandle | null = null;

  constructor(init: TcpConnectionInit) {
    super();
    this.socket = init.socket;
    this.outbound = init.outbound;
    this.label = init.label;
    this.limits = init.limits;
    this.stats = init.stats;
    this.clock = init.clock;
    this.hooks = init.hooks;
    this.localPeerId = init.localPeerId;
    this.validateInbound = init.validateInbound;
    this.logger = init.logger;
    this.framer = new StreamFramer({ maxFrameBytes: this.limits.maxFrameBytes });

    const s = this.socket;
    s.setNoDelay(true);
    s.setKeepAlive(true, this.limits.keepAliveDelayMs);
    if (this.limits.idleTimeoutMs > 0) {
      s.setTimeout(this.limits.idleTimeoutMs);
      s.on('timeout', () => this.abort('idle-timeout', `no traffic for ${this.limits.idleTimeoutMs} ms`));
    }
    s.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    s.on('drain', () => this.maybeDrain());
    s.on('end', () => this.onRemoteEnd());
    s.on('error', (err: Error) => this.onSocketError(err));
    s.on('close', (hadError: boolean) => this.onSocketClose(hadError));

    this.stats.handshaking++;
    this.handshakeTimer = this.clock.setTimer(this.limits.handshakeTimeoutMs, () =>
      this.abort('handshake-timeout', `no hello within ${this.limits.handshakeTimeoutMs} ms`),
    );
    this.enqueue(init.helloBytes);
  }

  /** Bytes queued and not yet handed to the kernel (ours plus the socket's own buffer). */
  get bufferedAmount(): number {
    return this.pendingBytes + this.socket.writableLength;
  }

  get closed(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  /** The remote end's IP address (for logs and per-address accounting). */
  get dialAddress(): string | undefined {
    return this.outbound ? this.label : undefined;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  send(frame: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    this.enqueue(frame);
    const buffered = this.bufferedAmount;
    if (buffered > this.limits.maxBufferedBytes) {
      this.abort('send-overflow', `over ${this.limits.maxBufferedBytes} bytes queued to a peer that does not read`);
      return false;
    }
    if (buffered > this.limits.highWaterMarkBytes) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  close(reason = 'closed'): void {
    this.shutdown('local', reason);
  }

  /**
   * Graceful close: the optional bye and everything queued go out, then FIN. Input is ignored from now
   * on; a peer that does not close its side within closeTimeoutMs is destroyed.
   */
  shutdown(cause: TcpCloseCause, reason: string, bye?: { code: number; reason: string }): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.enterClosing(cause, reason);
    if (bye) this.enqueue(byeFrameBytes(bye.code, bye.reason));
    this.flush();
    this.socket.end();
    this.closeTimer = this.clock.setTimer(this.limits.closeTimeoutMs, () => this.socket.destroy());
  }

  /** Immediate close: the socket is destroyed, queued frames are dropped. */
  abort(cause: TcpCloseCause, reason: string): void {
    if (this.state === 'closed') return;
    if (this.state !== 'closing') this.enterClosing(cause, reason);
    this.socket.destroy();
  }

  private enterClosing(cause: TcpCloseCause, reason: string): void {
    this.state = 'closing';
    this.endCause = cause;
    this.endReason = reason;
    this.clearTimer('handshakeTimer');
    this.clearTimer('frameTimer');
    this.logger?.debug?.(`tcp ${this.label}: closing (${cause}) ${reason}`);
  }

  // ---- output ----------------------------------------------------------------------------------

  private enqueue(frame: Uint8Array): void {
    this.pending.push(frame);
    this.pendingBytes += LENGTH_PREFIX_BYTES + frame.length;
    // One flush when the current callback ends (nextTick): the frames a read or a publish queued leave in one
    // write, without waiting for the rest of the loop turn (setImmediate added a turn of latency per hop
    // and cost the tcp bench ~10 % of its throughput).
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const frames = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.destroyed || !this.socket.writable) return;
    this.stats.framesOut += frames.length;
    this.stats.bytesOut += bytes;
    const chunks = writeChunks(frames);
    let accepted = true;
    if (chunks.length === 1) {
      accepted = this.socket.write(chunks[0]!);
    } else {
      this.socket.cork();
      for (const chunk of chunks) accepted = this.socket.write(chunk);
      this.socket.uncork();
    }
    if (accepted) this.maybeDrain();
  }

  /** 'drain' once our queue is empty and the socket would accept more without buffering past its own mark. */
  private maybeDrain(): void {
    if (!this.needDrain || this.state !== 'open') return;
    if (this.pendingBytes > 0 || this.socket.writableLength >= this.socket.writableHighWaterMark) return;
    this.needDrain = false;
    this.emit('drain');
  }

  // ---- input -----------------------------------------------------------------------------------

  private onSocketData(chunk: Buffer): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.stats.bytesIn += chunk.length;
    let frames: Uint8Array[];
    try {
      // A plain Uint8Array view: frames cut from it are plain views too (a Buffer makes each one a FastBuffer).
      frames = this.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (thrown) {
      const err = asWireError(thrown);
      bump(this.stats.wireErrors, err.code);
      this.shutdown('protocol-error', `framing: ${err.message}`, { code: ByeCode.protocolError, reason: err.code });
      return;
    }
    this.armFrameTimer(frames.length > 0);
    for (const frame of frames) {
      this.stats.framesIn++;
      if (this.state === 'open') this.onFrame(frame);
      else if (this.state === 'handshake') this.onFirstFrame(frame);
      else break;
    }
  }

  /**
   * The slowloris clock: a frame partly in must complete within frameTimeoutMs, counted from the last frame
   * boundary. Most reads end inside a frame, so the deadline moves on nearly every read: it is a number, and
   * the one timer, when it fires, re-arms for whatever time the deadline has left (a timer set and cleared
   * per read was a measurable share of the tcp bench).
   */
  private armFrameTimer(completedFrames: boolean): void {
    if (!this.framer.midFrame) {
      this.frameDeadline = 0; // between frames: a timer still armed finds no deadline and stops
      return;
    }
    if (this.frameDeadline !== 0 && !completedFrames) return;
    this.frameDeadline = this.clock.now() + this.limits.frameTimeoutMs;
    if (this.frameTimer === null) this.startFrameTimer(this.limits.frameTimeoutMs);
  }

  private startFrameTimer(delayMs: number): void {
    this.frameTimer = this.clock.setTimer(delayMs, () => {
      this.frameTimer = null;
      if (this.frameDeadline === 0) return;
      const left = this.frameDeadline - this.clock.now();
      if (left > 0) this.startFrameTimer(left);
      else this.abort('frame-timeout', `a frame stayed incomplete for ${this.limits.frameTimeoutMs} ms`);
    });
  }

  private onFirstFrame(bytes: Uint8Array): void {
    const verdict = judgeFirstFrame(bytes, this.localPeerId, { maxFrameBytes: this.limits.maxFrameBytes });
    if (!verdict.ok) {
      if (verdict.wireError) bump(this.stats.wireErrors, verdict.wireError);
      this.shutdown(verdict.cause, verdict.reason, verdict.bye);
      return;
    }
    this.clearTimer('handshakeTimer');
    this.remotePeerId = verdict.hello.peerId;
    this.remoteRole = verdict.hello.role;
    this.remoteCapabilities = Object.freeze([...verdict.hello.capabilities]);
    this.state = 'open';
    this.identified = true;
    this.stats.handshaking--;
    this.stats.open++;
    this.logger?.debug?.(`tcp ${this.label}: hello from ${this.remotePeerId}`);
    this.hooks.onReady(this);
  }

  private onFrame(bytes: Uint8Array): void {
    if (this.validateInbound) {
      let kind: string;
      try {
        const frame = decodeFrame(bytes, { maxFrameBytes: this.limits.maxFrameBytes });
        kind = frame.kind;
        if (frame.kind === 'bye') this.remoteBye = `remote bye ${frame.code}: ${frame.reason}`;
      } catch (thrown) {
        const err = asWireError(thrown);
        bump(this.stats.wireErrors, err.code);
        if (err.code !== 'unknown_kind') this.countDecodeError(err.message);
        return;
      }
      if (kind === 'hello') {
        this.countDecodeError('a second hello');
        return;
      }
    }
    this.emit('data', bytes);
  }

  private countDecodeError(why: string): void {
    this.decodeErrors++;
    this.logger?.debug?.(`tcp ${this.label}: dropped a frame (${why})`);
    if (this.decodeErrors >= this.limits.maxDecodeErrors) {
      this.shutdown('too-many-errors', `${this.decodeErrors} undecodable frames`, {
        code: ByeCode.tooManyErrors,
        reason: `${this.decodeErrors} undecodable frames`,
      });
    }
  }

  // ---- socket events -----------------------------------------------------------------------------

  private onRemoteEnd(): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    if (this.remoteBye !== null) this.shutdown('remote-bye', this.remoteBye);
    else this.shutdown('eof', 'remote closed the connection');
  }

  private onSocketError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    if (this.endCause === null) {
      this.endCause = 'socket-error';
      this.endReason = `socket error: ${code}`;
    }
    if (this.state === 'open') this.emit('error', err);
    // Node destroys the socket after 'error'; onSocketClose finishes.
  }

  private onSocketClose(hadError: boolean): void {
    if (this.state === 'closed') return;
    if (this.identified) this.stats.open--;
    else this.stats.handshaking--;
    this.state = 'closed';
    this.clearTimer('handshakeTimer');
    this.clearTimer('frameTimer');
    this.clearTimer('closeTimer');
    this.flushQueued = false;
    this.pending = [];
    this.pendingBytes = 0;
    const cause = this.endCause ?? (hadError ? 'socket-error' : this.remoteBye !== null ? 'remote-bye' : 'eof');
    const reason = this.endReason || this.remoteBye || cause;
    this.hooks.onEnded(this, cause, reason, this.identified);
    if (this.identified) this.emit('close', reason);
  }

  private clearTimer(which: 'handshakeTimer' | 'frameTimer' | 'closeTimer'): void {
    const t = this[which];
    if (t !== null) this.clock.cancelTimer(t);
    this[which] = null;
  }
}

/**
 * The wire layer throws only WireError; anything else would be a decoder bug. Either way it came from
 * network bytes, so it is treated as malformed input and never thrown out of a socket event handler.
 */
function asWireError(thrown: unknown): WireError {
  if (thrown instanceof WireError) return thrown;
  return new WireError('malformed', `decoder failure: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
}
