/**
 * SignalingClient: one room on a signaling server, for browsers and Node. It joins, reports who comes
 * and goes, relays signals, and after an unexpected close reconnects with exponential backoff and jitter
 * and joins again. Browser-safe: it uses the global WebSocket, or the constructor passed in (in Node 20,
 * which has none, `meshcast/node` passes `ws`'s). It never imports `ws` itself.
 *
 * After every (re)join, 'joined' carries the room's complete member list: treat it as the truth and
 * reconcile, since peer-left events for peers that left while this client was away are never sent.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { RealClock } from '../core/clock.js';
import { TypedEmitter } from '../core/emitter.js';
import type { Random } from '../core/random.js';
import { SeededRandom } from '../core/random.js';
import { decodeFrame, encodeFrame } from '../wire/codec.js';
import { isWireError, WireError } from '../wire/errors.js';
import type { Frame, PeerId, Role } from '../wire/frames.js';
import { backoffDelay, type SignalingBackoffOptions } from './backoff.js';
import { SignalingCloseCode, SignalingError, SignalingErrorCode } from './errors.js';

/** Base delay of the first reconnect, and the ceiling the doubling stops at. */
export const DEFAULT_SIGNALING_BACKOFF: Readonly<SignalingBackoffOptions> = Object.freeze({ initialMs: 1_000, maxMs: 30_000 });
/** A connection that has not joined within this long is dropped and retried. */
export const DEFAULT_SIGNALING_CONNECT_TIMEOUT_MS = 10_000;
/** Signals queued while disconnected; beyond it the oldest are dropped (and counted). */
export const DEFAULT_MAX_QUEUED_SIGNALS = 256;

/**
 * The part of the WebSocket API the client uses; the browser's WebSocket and `ws`'s both fit. Handler
 * parameters are `never` so either implementation's own event types are accepted.
 */
export interface WebSocketLike {
  binaryType: string;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type SignalingState = 'connecting' | 'open' | 'closed';

export interface SignalingClientOptions {
  /** The server's WebSocket URL, e.g. `ws://127.0.0.1:4444/`. */
  url: string;
  room: string;
  peerId: PeerId;
  role: Role;
  /** The room's shared secret, when the server requires one. */
  secret?: string;
  /** WebSocket implementation; default the global one. */
  WebSocket?: WebSocketConstructor;
  clock?: Clock;
  /** Draws the backoff jitter; default seeded from the peer id (different peers, different delays). */
  random?: Random;
  backoff?: SignalingBackoffOptions;
  connectTimeoutMs?: number;
  maxQueuedSignals?: number;
}

export type SignalingClientEvents = {
  /** Joined (or re-joined) the room; `peers` are all the other members. */
  joined: (peers: PeerId[]) => void;
  'peer-joined': (peerId: PeerId) => void;
  'peer-left': (peerId: PeerId) => void;
  signal: (from: PeerId, data: string) => void;
  /** A signal could not be delivered: its target is not in the room (left, or never was). */
  'signal-failed': (to: PeerId, code: string) => void;
  /** SignalingError (from the server), WireError (undecodable frame) or a connection failure. */
  error: (err: Error) => void;
  state: (state: SignalingState) => void;
};

/** Join refusals worth retrying later: an old session may still hold our id, a room may free up. */
const RETRYABLE_JOIN_ERRORS: ReadonlySet<string> = new Set([
  SignalingErrorCode.idTaken,
  SignalingErrorCode.roomFull,
  SignalingErrorCode.tooManyRooms,
]);

export class SignalingClient extends TypedEmitter<SignalingClientEvents> {
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly backoff: SignalingBackoffOptions;
  private readonly connectTimeoutMs: number;
  private readonly maxQueuedSignals: number;
  private socket: WebSocketLike | undefined;
  private currentState: SignalingState = 'closed';
  /** False until connect(), and again after close() or a fatal refusal: no reconnects. */
  private running = false;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  /** Encoded signal frames waiting for the next join. */
  private readonly queue: Uint8Array[] = [];
  /** Signals dropped because the queue was full. */
  droppedSignals = 0;

  constructor(private readonly options: SignalingClientOptions) {
    super();
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) throw new TypeError('no global WebSocket here: pass options.WebSocket (in Node, `ws`’s WebSocket)');
    this.WebSocketImpl = impl;
    this.clock = options.clock ?? new RealClock();
    this.random = options.random ?? new SeededRandom(`signaling:${options.peerId}`);
    this.backoff = options.backoff ?? DEFAULT_SIGNALING_BACKOFF;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_SIGNALING_CONNECT_TIMEOUT_MS;
    this.maxQueuedSignals = options.maxQueuedSignals ?? DEFAULT_MAX_QUEUED_SIGNALS;
  }

  get state(): SignalingState {
    return this.currentState;
  }

  /** Connects and joins; keeps reconnecting until close(). Calling it again while running does nothing. */
  connect(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  /** Sends a signal to `to` in the room, now if joined, else after the next join (bounded queue). */
  signal(to: PeerId, data: string): void {
    // Encoding now throws a bad `to` or `data` back to the caller instead of failing later.
    const bytes = encodeFrame({ kind: 'signal', room: this.options.room, from: '', to, data });
    if (this.currentState === 'open' && this.socket) return this.send(this.socket, bytes);
    if (this.queue.length >= this.maxQueuedSignals) {
      this.queue.shift();
      this.droppedSignals++;
    }
    this.queue.push(bytes);
  }

  /** Leaves for good: closes the connection (the server tells the room) and stops reconnecting. */
  close(): void {
    this.running = false;
    this.cancelTimers();
    this.dropSocket(SignalingCloseCode.normal);
    this.queue.length = 0;
    this.setState('closed');
  }

  private open(): void {
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(this.options.url);
    } catch (err) {
      this.emit('error', err instanceof Error ? err : new Error(String(err)));
      return this.lost();
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.send(socket, encodeFrame(this.joinFrame()));
    socket.onmessage = ((event: { data: unknown }) => this.onMessage(event.data)) as (event: never) => void;
    socket.onclose = () => {
      if (this.socket === socket) this.lost();
    };
    socket.onerror = () => {
      // A close event always follows; the reconnect happens there.
    };
    this.connectTimer = this.clock.setTimer(this.connectTimeoutMs, () => {
      this.connectTimer = undefined;
      this.emit('error', new Error(`signaling: not joined within ${this.connectTimeoutMs} ms`));
      this.lost();
    });
  }

  private joinFrame(): Frame {
    const { room, peerId, role, secret = '' } = this.options;
    return { kind: 'join', room, peerId, role, secret };
  }

  private onMessage(data: unknown): void {
    let frame: Frame;
    try {
      frame = decodeFrame(toBytes(data));
    } catch (err) {
      if (isWireError(err)) this.emit('error', err);
      return;
    }
    if ('room' in frame && frame.room !== this.options.room) return;
    switch (frame.kind) {
      case 'joined':
        return this.onJoined(frame.peers);
      case 'peer-joined':
        return this.emit('peer-joined', frame.peerId);
      case 'peer-left':
        return this.emit('peer-left', frame.peerId);
      case 'signal':
        return this.emit('signal', frame.from, frame.data);
      case 'error':
        return this.onServerError(new SignalingError(frame.code, frame.message, frame.peerId));
      default:
        return; // nothing else is meant for a signaling client
    }
  }

  private onJoined(peers: PeerId[]): void {
    this.cancelTimers();
    this.attempt = 0;
    this.setState('open');
    this.emit('joined', peers);
    const socket = this.socket;
    if (socket) for (const bytes of this.queue.splice(0)) this.send(socket, bytes);
  }

  private onServerError(err: SignalingError): void {
    if (err.code === SignalingErrorCode.unknownPeer && err.peerId !== undefined) this.emit('signal-failed', err.peerId, err.code);
    this.emit('error', err);
    if (err.code === SignalingErrorCode.unauthorized) return this.close(); // retrying cannot help
    if (this.currentState !== 'open' && RETRYABLE_JOIN_ERRORS.has(err.code)) this.lost();
  }

  /** The connection is gone or given up on: reconnect after a backoff, unless closed. */
  private lost(): void {
    this.cancelTimers();
    this.dropSocket(SignalingCloseCode.normal);
    if (!this.running) return this.setState('closed');
    this.setState('connecting');
    const delay = backoffDelay(this.attempt++, this.backoff, this.random);
    this.retryTimer = this.clock.setTimer(delay, () => {
      this.retryTimer = undefined;
      if (this.running) this.open();
    });
  }

  private dropSocket(code: number): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(code);
    } catch {
      // already closed or never opened
    }
  }

  private send(socket: WebSocketLike, bytes: Uint8Array): void {
    try {
      // encodeFrame's bytes live in a plain ArrayBuffer (never shared), which is what the DOM type asks for.
      socket.send(bytes as Uint8Array<ArrayBuffer>);
    } catch (err) {
      this.emit('error', err instanceof Error ? err : new Error(String(err)));
    }
  }

  private cancelTimers(): void {
    if (this.retryTimer) this.clock.cancelTimer(this.retryTimer);
    if (this.connectTimer) this.clock.cancelTimer(this.connectTimer);
    this.retryTimer = this.connectTimer = undefined;
  }

  private setState(state: SignalingState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }
}

/** The bytes of a binary message (ArrayBuffer in browsers and with binaryType 'arraybuffer'). */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new WireError('malformed', 'the server sent a text message');
}
